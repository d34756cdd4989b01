/**
 * The module parameters real playbooks and Ansible's integration targets use, on a real lab node:
 * each one's first run, idempotent second run, --check and a bad value. user (expires,
 * password_lock, generate_ssh_key with a passphrase, local), group (local), tempfile, wait_for
 * drained, copy remote_src directories, stat attributes, service with its backend's parameters.
 */
import { describe, expect, it } from 'vitest';
import { labExec } from '../src/lab/index.js';
import { useLab } from './helpers/lab.js';
import { play, playbookWriter, recap, resultOf } from './helpers/play.js';

const playbook = playbookWriter('fleet-modparams-');
const tasks = (body: string) => `- hosts: node1\n  gather_facts: false\n  tasks:\n${body}`;

/**
 * A bad parameter value is refused with `message`: before the run (today's up-front check) or as
 * the task's failure when it runs (Ansible's way, with ignore_errors in the playbook): either way
 * the message names the parameter.
 */
/** A bad value is the task's own problem: the playbook loads, and the task fails with the message when it runs. */
async function expectRefused(file: string, inventoryPath: string, task: string, message: string): Promise<void> {
  const run = await play(file, inventoryPath);
  expect(resultOf(run, task, 'node1').status).toBe('failed');
  expect(String(resultOf(run, task, 'node1').msg)).toContain(message);
}

describe('module parameters on a lab node', () => {
  const lab = useLab(1, 't-modparams');
  const sh = async (cmd: string, input?: string) => {
    const r = await labExec(lab().nodes[0]!, ['sh', '-c', cmd], input !== undefined ? { input } : {});
    return r.stdout.trim();
  };

  it('user: expires, password_lock and an ssh key with a passphrase; check, first, second run; bad values', async () => {
    const { inventoryPath } = lab();
    await sh('userdel -r fpuser 2>/dev/null; true');
    const file = playbook(
      'user.yaml',
      tasks(
        `    - name: account\n      user:\n        name: fpuser\n        expires: 1893456000\n        password: '$6$salt$4Qj0ZpmRUzXMsdHKy6aWrQpvqbKGqK1hhJzLMlB2gFwuLRCS6TNDEq/HOfZJL3xjLAUW9DnOBMc/LlMKcNTNr0'\n        password_lock: true\n        generate_ssh_key: true\n        ssh_key_type: ed25519\n        ssh_key_comment: fp-key\n        ssh_key_passphrase: correct-horse\n`,
      ),
    );
    const check = await play(file, inventoryPath, { checkMode: true });
    expect(resultOf(check, 'account', 'node1').status).toBe('changed');
    expect(await sh('getent passwd fpuser || echo none')).toBe('none');

    const first = await play(file, inventoryPath);
    const r1 = resultOf(first, 'account', 'node1');
    expect(r1.status).toBe('changed');
    expect(r1.ssh_key_file).toBe('/home/fpuser/.ssh/id_ed25519');
    expect(String(r1.ssh_public_key)).toMatch(/^ssh-ed25519 \S+ fp-key$/);
    expect(String(r1.ssh_fingerprint)).toMatch(/^256 SHA256:\S+ fp-key \(ED25519\)$/);
    // Locked hash, expiry day 21915 (2030-01-01); the key needs its passphrase and is the user's.
    expect(await sh("getent shadow fpuser | cut -d: -f2 | cut -c1-4")).toBe('!$6$');
    expect(await sh('getent shadow fpuser | cut -d: -f8')).toBe('21915');
    expect(await sh('ssh-keygen -y -P correct-horse -f /home/fpuser/.ssh/id_ed25519')).toBe(String(r1.ssh_public_key));
    expect(await sh("ssh-keygen -y -P '' -f /home/fpuser/.ssh/id_ed25519 >/dev/null 2>&1 && echo opens || echo refused")).toBe('refused');
    expect(await sh('stat -c "%U %a" /home/fpuser/.ssh /home/fpuser/.ssh/id_ed25519')).toBe('fpuser 700\nfpuser 600');

    const second = await play(file, inventoryPath);
    const r2 = resultOf(second, 'account', 'node1');
    expect(r2.status).toBe('ok');
    expect(r2.ssh_public_key).toBe(r1.ssh_public_key);
    expect(r2.warnings).toEqual(['Found existing ssh key private file "/home/fpuser/.ssh/id_ed25519", no force, so skipping ssh-keygen generation']);
    // Nothing of the secrets in any event.
    expect(JSON.stringify(second.events) + JSON.stringify(first.events)).not.toContain('correct-horse');

    // Unlock and drop the expiry: one usermod.
    const undo = await play(playbook('undo.yaml', tasks(`    - name: undo\n      user: { name: fpuser, password_lock: false, expires: -1 }\n`)), inventoryPath);
    expect(resultOf(undo, 'undo', 'node1').status).toBe('changed');
    expect(await sh('getent shadow fpuser | cut -d: -f2,8')).toMatch(/^\$6\$salt\$\S+:$/);

    await expectRefused(playbook('bad.yaml', tasks(`    - name: bad\n      user: { name: fpuser, expires: soon }\n      ignore_errors: true\n`)), inventoryPath, 'bad', 'expires must be a number');
    const bad = await play(playbook('local.yaml', tasks(`    - name: local\n      user: { name: fpuser2, local: true }\n      ignore_errors: true\n`)), inventoryPath);
    const local = resultOf(bad, 'local', 'node1');
    if ((await sh('command -v luseradd lusermod luserdel lgroupmod lchage | wc -l')) === '5') expect(local.status).toBe('changed');
    else expect(String(local.msg)).toMatch(/^Failed to find required executable "l\w+" in paths: /);
    await sh('userdel -r fpuser 2>/dev/null; userdel -r fpuser2 2>/dev/null; true');
  }, 120_000);

  it('group: local through libuser, or Ansible\'s failure where it is missing', async () => {
    const { inventoryPath } = lab();
    const run = await play(playbook('group.yaml', tasks(`    - name: local group\n      group: { name: fpgroup, local: true }\n      ignore_errors: true\n`)), inventoryPath);
    const r = resultOf(run, 'local group', 'node1');
    if ((await sh('command -v lgroupadd >/dev/null && echo yes || echo no')) === 'yes') {
      expect(r.status).toBe('changed');
      await sh('groupdel fpgroup');
    } else {
      expect(r.msg).toMatch(/^Failed to find required executable "lgroupadd" in paths: /);
      expect(await sh('getent group fpgroup || echo none')).toBe('none');
    }
  }, 60_000);

  it('tempfile: a file and a directory with prefix and suffix, a new one each run, skipped in check mode', async () => {
    const { inventoryPath } = lab();
    await sh('rm -rf /tmp/fp-tf && mkdir /tmp/fp-tf');
    const file = playbook(
      'tempfile.yaml',
      tasks(`    - name: file\n      tempfile: { path: /tmp/fp-tf, prefix: hello., suffix: .bye }\n    - name: dir\n      tempfile: { state: directory, path: /tmp/fp-tf }\n`),
    );
    const check = await play(file, inventoryPath, { checkMode: true });
    expect(resultOf(check, 'file', 'node1')).toMatchObject({ status: 'skipped', msg: 'remote module (tempfile) does not support check mode' });
    expect(await sh('ls -A /tmp/fp-tf | wc -l')).toBe('0');

    const first = await play(file, inventoryPath);
    const f = resultOf(first, 'file', 'node1');
    expect(f).toMatchObject({ status: 'changed', state: 'file', mode: '0600', owner: 'root', size: 0 });
    expect(String(f.path)).toMatch(/^\/tmp\/fp-tf\/hello\.[A-Za-z0-9]{8}\.bye$/);
    const d = resultOf(first, 'dir', 'node1');
    expect(d).toMatchObject({ status: 'changed', state: 'directory', mode: '0700' });
    expect(await sh(`test -f '${String(f.path)}' && test -d '${String(d.path)}' && echo both`)).toBe('both');

    const second = await play(file, inventoryPath);
    expect(resultOf(second, 'file', 'node1').path).not.toBe(f.path);
    expect(await sh('ls -A /tmp/fp-tf | wc -l')).toBe('4');

    const bad = await play(playbook('tf-bad.yaml', tasks(`    - name: nowhere\n      tempfile: { path: /tmp/fp-tf/none }\n      ignore_errors: true\n`)), inventoryPath);
    expect(String(resultOf(bad, 'nowhere', 'node1').msg)).toContain('No such file or directory');
    await expectRefused(playbook('tf-kind.yaml', tasks(`    - name: kind\n      tempfile: { state: link }\n      ignore_errors: true\n`)), inventoryPath, 'kind', 'value of state must be one of: directory, file, got: link');
    await sh('rm -rf /tmp/fp-tf');
  }, 60_000);

  it('wait_for drained: our own SSH connection keeps port 22 busy unless its peer is excluded', async () => {
    const { inventoryPath } = lab();
    const controller = `{{ ansible_host | regex_replace('\\\\.[0-9]+$', '.1') }}`;
    const file = playbook(
      'drained.yaml',
      tasks(
        `    - name: busy\n      wait_for: { host: 0.0.0.0, port: 22, state: drained, timeout: 2 }\n      ignore_errors: true\n` +
          `    - name: drained\n      wait_for: { host: 0.0.0.0, port: 22, state: drained, timeout: 10, exclude_hosts: ["${controller}"] }\n` +
          `    - name: bad\n      wait_for: { path: /tmp, state: drained }\n      ignore_errors: true\n`,
      ),
    );
    for (const checkMode of [false, true]) {
      const run = await play(file, inventoryPath, { checkMode });
      expect(resultOf(run, 'busy', 'node1')).toMatchObject({ status: 'failed', msg: 'Timeout when waiting for 0.0.0.0:22 to drain' });
      expect(resultOf(run, 'drained', 'node1')).toMatchObject({ status: 'ok', state: 'drained', port: 22 });
      expect(resultOf(run, 'bad', 'node1').msg).toBe('state=drained should only be used for checking a port in the wait_for module');
    }
  }, 90_000);

  it('copy remote_src: a directory, its contents with a trailing slash, idempotent, --check, missing source', async () => {
    const { inventoryPath } = lab();
    await sh('rm -rf /tmp/fp-s /tmp/fp-d1 /tmp/fp-d2 /tmp/fp-d3 && mkdir -p /tmp/fp-s/sub/deep /tmp/fp-d2 && echo a > /tmp/fp-s/a && echo b > /tmp/fp-s/sub/b && printf x > /tmp/fp-s/sub/deep/x && chmod 0751 /tmp/fp-s/a');
    const file = playbook(
      'copydir.yaml',
      tasks(
        `    - name: contents\n      copy: { src: /tmp/fp-s/, dest: /tmp/fp-d1, remote_src: true }\n` +
          `    - name: itself\n      copy: { src: /tmp/fp-s, dest: /tmp/fp-d2, remote_src: true }\n`,
      ),
    );
    const check = await play(file, inventoryPath, { checkMode: true });
    expect(recap(check.stats.node1)).toEqual({ ok: 2, changed: 2 });
    expect(await sh('test -e /tmp/fp-d1 && echo yes || echo no')).toBe('no');

    const first = await play(file, inventoryPath);
    expect(resultOf(first, 'contents', 'node1')).toMatchObject({ status: 'changed', dest: '/tmp/fp-d1', src: '/tmp/fp-s/' });
    expect(resultOf(first, 'itself', 'node1')).toMatchObject({ status: 'changed', dest: '/tmp/fp-d2/fp-s' });
    // Files keep their source's mode (Ansible's copymode); directories are made.
    const tree = 'find . -mindepth 1 \\( -type d -printf "%p/\\n" \\) -o -printf "%p %m %s\\n" | sort';
    expect(await sh(`cd /tmp/fp-d1 && ${tree}`)).toBe('./a 751 2\n./sub/\n./sub/b 644 2\n./sub/deep/\n./sub/deep/x 644 1');
    expect(await sh(`cd /tmp/fp-d2/fp-s && find . -type f | sort`)).toBe('./a\n./sub/b\n./sub/deep/x');
    expect(await sh('cat /tmp/fp-d1/sub/b')).toBe('b');

    const second = await play(file, inventoryPath);
    expect(recap(second.stats.node1)).toEqual({ ok: 2 });
    expect(resultOf(second, 'contents', 'node1').dest).toBe('/tmp/fp-d1/');

    // A changed source file is copied again, the others left alone.
    await sh('echo changed > /tmp/fp-s/sub/b && touch -d 2001-01-01 /tmp/fp-d1/a');
    const third = await play(file, inventoryPath);
    expect(resultOf(third, 'contents', 'node1').status).toBe('changed');
    expect(await sh('cat /tmp/fp-d1/sub/b; date -r /tmp/fp-d1/a +%Y')).toBe('changed\n2001');

    const bad = await play(playbook('copy-bad.yaml', tasks(`    - name: missing\n      copy: { src: /tmp/fp-none/, dest: /tmp/fp-d3, remote_src: true }\n      ignore_errors: true\n`)), inventoryPath);
    expect(String(resultOf(bad, 'missing', 'node1').msg)).toContain('Source /tmp/fp-none/ not found');
    await sh('rm -rf /tmp/fp-s /tmp/fp-d1 /tmp/fp-d2');
  }, 90_000);

  it('stat: mime type and charset from file, attribute keys even where lsattr cannot answer', async () => {
    const { inventoryPath } = lab();
    await sh("printf 'hello\\n' > /tmp/fp-stat.txt");
    const run = await play(playbook('stat.yaml', tasks(`    - name: st\n      stat: { path: /tmp/fp-stat.txt }\n`)), inventoryPath);
    const st = resultOf(run, 'st', 'node1').stat as Record<string, unknown>;
    expect(st).toMatchObject({ mimetype: 'text/plain', charset: 'us-ascii' });
    expect(Array.isArray(st.attributes)).toBe(true);
    expect(typeof st.attr_flags).toBe('string');
    expect('version' in st).toBe(true);
  }, 60_000);

  it('service: systemd parameters on a node without systemd run with a warning; use: sysvinit refuses them', async () => {
    const { inventoryPath } = lab();
    const script = [
      '#!/bin/sh',
      '### BEGIN INIT INFO',
      '# Provides: fpdemo',
      '# Required-Start:',
      '# Required-Stop:',
      '# Default-Start: 2 3 4 5',
      '# Default-Stop: 0 1 6',
      '### END INIT INFO',
      'P=/run/fpdemo.pid',
      'case "$1" in',
      '  start) [ -f $P ] && kill -0 "$(cat $P)" 2>/dev/null && exit 0; setsid sleep 100000 </dev/null >/dev/null 2>&1 & echo $! > $P; echo start >> /tmp/fpdemo.log ;;',
      '  stop) [ -f $P ] && kill "$(cat $P)" 2>/dev/null; rm -f $P; echo stop >> /tmp/fpdemo.log ;;',
      '  restart) "$0" stop; "$0" start ;;',
      '  status) [ -f $P ] && kill -0 "$(cat $P)" 2>/dev/null ;;',
      '  *) exit 3 ;;',
      'esac',
      '',
    ].join('\n');
    await sh('cat > /etc/init.d/fpdemo && chmod 0755 /etc/init.d/fpdemo && rm -f /tmp/fpdemo.log', script);
    const file = playbook(
      'svc.yaml',
      tasks(`    - name: up\n      service: { name: fpdemo, state: started, enabled: true, daemon_reload: true, runlevels: [2, 3] }\n`),
    );
    const check = await play(file, inventoryPath, { checkMode: true });
    expect(resultOf(check, 'up', 'node1')).toMatchObject({ status: 'changed', warnings: ['Ignoring "daemon_reload" as it is not used in "service"'] });
    expect(await sh('/etc/init.d/fpdemo status && echo running || echo stopped')).toBe('stopped');

    const first = await play(file, inventoryPath);
    expect(resultOf(first, 'up', 'node1')).toMatchObject({ status: 'changed', state: 'started', enabled: true, warnings: ['Ignoring "daemon_reload" as it is not used in "service"'] });
    expect(await sh('/etc/init.d/fpdemo status && echo running || echo stopped')).toBe('running');
    expect(await sh('ls /etc/rc2.d /etc/rc3.d | grep -c "^S..fpdemo$"')).toBe('2');
    expect(resultOf(await play(file, inventoryPath), 'up', 'node1').status).toBe('ok');

    // sleep: a restart is a stop, the pause, a start.
    const restart = await play(playbook('restart.yaml', tasks(`    - name: again\n      service: { name: fpdemo, state: restarted, sleep: 1 }\n`)), inventoryPath);
    expect(resultOf(restart, 'again', 'node1').status).toBe('changed');
    expect(await sh('cat /tmp/fpdemo.log')).toBe('start\nstop\nstart');

    const bad = await play(
      playbook('svc-bad.yaml', tasks(`    - name: forced\n      service: { name: fpdemo, state: started, daemon_reload: true, use: sysvinit }\n      ignore_errors: true\n`)),
      inventoryPath,
    );
    expect(String(resultOf(bad, 'forced', 'node1').msg)).toContain('Unsupported parameters for (ansible.legacy.sysvinit) module: daemon_reload.');
    await sh('/etc/init.d/fpdemo stop; update-rc.d -f fpdemo remove >/dev/null 2>&1; rm -f /etc/init.d/fpdemo /tmp/fpdemo.log');
  }, 90_000);
});
