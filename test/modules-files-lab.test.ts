/**
 * file, copy and template against real lab nodes through playbooks: the first run changes, the
 * second changes nothing, --check predicts the first run without touching the node, --diff shows
 * the change, and a bad parameter is reported at load time with file:line (refused under --strict).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FleetEvent } from '../src/executor/events.js';
import { labExec } from '../src/lab/index.js';
import { loadPlaybook } from '../src/playbook/index.js';
import { useLab } from './helpers/lab.js';
import { play, type PlayRun } from './helpers/play.js';

function playbook(dir: string, name: string, tasks: string): string {
  const file = join(dir, name);
  writeFileSync(file, `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`);
  return file;
}

const results = (run: PlayRun) => run.events.filter((e): e is Extract<FleetEvent, { type: 'host_result' }> => e.type === 'host_result');

describe('file, copy and template on lab nodes', () => {
  const lab = useLab(2, 't-modfiles');
  const sh = async (cmd: string, index = 0) => {
    const r = await labExec(lab().nodes[index]!, ['sh', '-c', cmd]);
    return r.stdout.toString().trim();
  };
  const dir = mkdtempSync(join(tmpdir(), 'fleet-modfiles-'));

  /** check → real → again → diff of a no-op; returns the runs. */
  async function cycle(file: string) {
    const inv = lab().inventoryPath;
    const check = await play(file, inv, { checkMode: true, diffMode: true });
    const real = await play(file, inv, { diffMode: true });
    const again = await play(file, inv, { diffMode: true });
    return { check, real, again };
  }

  it('file: directory, touch, mode (octal and symbolic), link, hard, absent', async () => {
    await sh('rm -rf /tmp/mf && mkdir -p /tmp/mf', 0);
    await sh('rm -rf /tmp/mf && mkdir -p /tmp/mf', 1);
    const file = playbook(
      dir,
      'file.yml',
      `    - name: dir
      file: { path: /tmp/mf/d/sub, state: directory, mode: '0750' }
    - name: touch
      file: { path: /tmp/mf/d/f, state: touch, modification_time: '202001021030.00', access_time: preserve }
    - name: symbolic
      file: { path: /tmp/mf/d/f, mode: 'u+x,a-w' }
    - name: link
      file: { path: /tmp/mf/l, src: /tmp/mf/d/f, state: link }
    - name: hard
      file: { path: /tmp/mf/h, src: /tmp/mf/d/f, state: hard }
    - name: owner
      file: { path: /tmp/mf/d, owner: nobody, group: nogroup, recurse: true }
    - name: gone
      file: { path: /tmp/mf/gone, state: absent }
`,
    );
    const { check, real, again } = await cycle(file);
    for (const task of ['dir', 'touch', 'symbolic', 'link', 'hard', 'owner']) {
      expect(real.statuses.get(`${task}|node1`), task).toBe('changed');
      expect(again.statuses.get(`${task}|node1`), task).toBe('ok');
    }
    // Check mode from nothing: what does not depend on an earlier task is predicted; the rest fails
    // as Ansible's would (the file the earlier task creates is not there).
    expect(check.statuses.get('dir|node1')).toBe('changed');
    expect(check.statuses.get('touch|node1')).toBe('changed');
    expect(real.statuses.get('gone|node1')).toBe('ok');
    // check mode changed nothing... but the real run did; now verify the node.
    expect(await sh('stat -c %a /tmp/mf/d/sub')).toBe('750');
    expect(await sh('stat -c %a /tmp/mf/d/f')).toBe('544');
    expect(await sh('stat -c %Y /tmp/mf/d/f')).toBe(await sh("date -d '2020-01-02 10:30:00' +%s"));
    expect(await sh('readlink /tmp/mf/l')).toBe('/tmp/mf/d/f');
    expect(await sh('stat -c %i /tmp/mf/h')).toBe(await sh('stat -c %i /tmp/mf/d/f'));
    expect(await sh('stat -c %U:%G /tmp/mf/d/sub /tmp/mf/d/f | sort -u')).toBe('nobody:nogroup');
    // diff of the mode change, as Ansible's dict diff.
    const sym = results(real).find((e) => e.task.name === 'symbolic' && e.host === 'node1')!;
    expect(sym.diff?.[0]?.before).toMatchObject({ mode: '0644' });
    expect(sym.diff?.[0]?.after).toMatchObject({ mode: '0544' });
    const d = results(check).find((e) => e.task.name === 'dir' && e.host === 'node1')!;
    expect(d.diff?.[0]?.before).toMatchObject({ state: 'absent' });
    expect(d.diff?.[0]?.after).toMatchObject({ state: 'directory' });
  }, 120_000);

  it('file: check mode touches nothing; errors as Ansible', async () => {
    await sh('rm -rf /tmp/mf2 && mkdir -p /tmp/mf2 && echo x > /tmp/mf2/f');
    const file = playbook(
      dir,
      'file-check.yml',
      `    - name: mkdir
      file: { path: /tmp/mf2/new, state: directory }
    - name: rm
      file: { path: /tmp/mf2/f, state: absent }
    - name: missing
      file: { path: /tmp/mf2/nothere }
      ignore_errors: true
    - name: nolink
      file: { path: /tmp/mf2/x, src: /tmp/mf2/nope, state: link }
      ignore_errors: true
`,
    );
    const check = await play(file, lab().inventoryPath, { checkMode: true, limit: ['node1'] });
    expect(check.statuses.get('mkdir|node1')).toBe('changed');
    expect(check.statuses.get('rm|node1')).toBe('changed');
    expect(await sh('ls /tmp/mf2')).toBe('f');
    const missing = results(check).find((e) => e.task.name === 'missing')!;
    expect(missing.status).toBe('failed');
    expect(missing.result.msg).toBe('file (/tmp/mf2/nothere) is absent, cannot continue');
    const nolink = results(check).find((e) => e.task.name === 'nolink')!;
    expect(String(nolink.result.msg)).toContain('src file does not exist');
  }, 60_000);

  it('copy: content, src file, tree, backup, validate, force: false', async () => {
    await sh('rm -rf /tmp/mc && mkdir -p /tmp/mc && printf "old\\n" > /tmp/mc/b.txt', 0);
    await sh('rm -rf /tmp/mc && mkdir -p /tmp/mc && printf "old\\n" > /tmp/mc/b.txt', 1);
    const pdir = mkdtempSync(join(dir, 'copy-'));
    mkdirSync(join(pdir, 'files/tree/sub'), { recursive: true });
    writeFileSync(join(pdir, 'files/hello.txt'), 'hello\n');
    writeFileSync(join(pdir, 'files/tree/a'), 'A\n');
    writeFileSync(join(pdir, 'files/tree/sub/b'), 'B\n');
    const file = playbook(
      pdir,
      'copy.yml',
      `    - name: content
      copy: { content: "line one\\nline two\\n", dest: /tmp/mc/c.txt, mode: '0600' }
    - name: src
      copy: { src: hello.txt, dest: /tmp/mc/ }
    - name: tree
      copy: { src: tree, dest: /tmp/mc/t, directory_mode: '0700' }
    - name: contents
      copy: { src: tree/, dest: /tmp/mc/t2/ }
    - name: backup
      copy: { content: "new\\n", dest: /tmp/mc/b.txt, backup: true, validate: 'grep -q new %s' }
    - name: noforce
      copy: { content: "other\\n", dest: /tmp/mc/c.txt, force: false }
`,
    );
    const { check, real, again } = await cycle(file);
    for (const task of ['content', 'src', 'tree', 'contents', 'backup']) {
      expect(check.statuses.get(`${task}|node1`), task).toBe('changed');
      expect(real.statuses.get(`${task}|node1`), task).toBe('changed');
      expect(again.statuses.get(`${task}|node1`), task).toBe('ok');
    }
    expect(real.statuses.get('noforce|node1')).toBe('ok');
    expect(await sh('cat /tmp/mc/c.txt; stat -c %a /tmp/mc/c.txt')).toBe('line one\nline two\n600');
    expect(await sh('cat /tmp/mc/hello.txt')).toBe('hello');
    expect(await sh('cat /tmp/mc/t/tree/a /tmp/mc/t/tree/sub/b; stat -c %a /tmp/mc/t/tree/sub')).toBe('A\nB\n700');
    expect(await sh('cat /tmp/mc/t2/a /tmp/mc/t2/sub/b')).toBe('A\nB');
    const b = results(real).find((e) => e.task.name === 'backup' && e.host === 'node1')!;
    expect(String(b.result.backup_file)).toMatch(/^\/tmp\/mc\/b\.txt\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
    expect(await sh(`cat '${String(b.result.backup_file)}'`)).toBe('old');
    expect(b.result.checksum).toBe(createHash('sha1').update('new\n').digest('hex'));
    // --diff: the content diff with Ansible's headers.
    const cb = results(check).find((e) => e.task.name === 'backup' && e.host === 'node1')!;
    expect(cb.diff?.[0]).toMatchObject({ before: 'old\n', after: 'new\n', before_header: '/tmp/mc/b.txt', after_header: 'dynamically generated' });
    const cs = results(check).find((e) => e.task.name === 'src' && e.host === 'node1')!;
    expect(cs.diff?.[0]).toMatchObject({ before: '', after: 'hello\n', before_header: '/tmp/mc/hello.txt', after_header: join(pdir, 'files/hello.txt') });
    // No temporary files left behind.
    expect(await sh('find /tmp/mc -name "*fleet-tmp*" | wc -l')).toBe('0');
  }, 120_000);

  it('copy: validate failure leaves the destination alone', async () => {
    await sh('rm -rf /tmp/mv && mkdir -p /tmp/mv && echo keep > /tmp/mv/f');
    const file = playbook(dir, 'validate.yml', `    - name: bad\n      copy: { content: "nope\\n", dest: /tmp/mv/f, validate: 'grep -q yes %s' }\n`);
    const run = await play(file, lab().inventoryPath, { limit: ['node1'] });
    const r = results(run)[0]!;
    expect(r.status).toBe('failed');
    expect(String(r.result.msg)).toMatch(/^failed to validate/);
    expect(await sh('cat /tmp/mv/f; ls -a /tmp/mv | wc -l')).toBe('keep\n3');
  }, 60_000);

  it('template: Jinja and Handlebars, template_* variables, newline_sequence', async () => {
    await sh('rm -rf /tmp/mt && mkdir -p /tmp/mt', 0);
    await sh('rm -rf /tmp/mt && mkdir -p /tmp/mt', 1);
    const pdir = mkdtempSync(join(dir, 'tpl-'));
    mkdirSync(join(pdir, 'templates'));
    writeFileSync(join(pdir, 'templates/app.conf.j2'), '# {{ ansible_managed }}\nhost={{ template_host }}\nsrc={{ template_path }}\n{% for p in ports %}\nport={{ p }}\n{% endfor %}\n');
    writeFileSync(join(pdir, 'templates/motd.hbs'), 'Hello {{who}} on {{inventory_hostname}}\n');
    const file = playbook(
      pdir,
      'tpl.yml',
      `    - name: jinja
      template: { src: app.conf.j2, dest: /tmp/mt/app.conf, mode: '0640' }
      vars: { ports: [80, 443] }
    - name: hbs
      template: { src: motd.hbs, dest: /tmp/mt/motd, newline_sequence: "\\r\\n" }
      vars: { who: world }
`,
    );
    const { check, real, again } = await cycle(file);
    for (const task of ['jinja', 'hbs']) {
      expect(check.statuses.get(`${task}|node2`), task).toBe('changed');
      expect(real.statuses.get(`${task}|node2`), task).toBe('changed');
      expect(again.statuses.get(`${task}|node2`), task).toBe('ok');
    }
    expect(await sh('cat /tmp/mt/app.conf; stat -c %a /tmp/mt/app.conf', 1)).toBe(`# Ansible managed\nhost=${hostname()}\nsrc=app.conf.j2\nport=80\nport=443\n640`);
    expect(await sh('od -c /tmp/mt/motd | head -2 | tr -s " "', 1)).toContain('\\r \\n');
    const j = results(check).find((e) => e.task.name === 'jinja' && e.host === 'node1')!;
    expect(j.diff?.[0]).toMatchObject({ before: '', before_header: '/tmp/mt/app.conf', after_header: join(pdir, 'templates/app.conf.j2') });
    expect(j.diff?.[0]?.after).toContain(`host=${hostname()}\n`);
  }, 120_000);

  it('a bad parameter is warned about at load time with file:line, and refused under --strict', async () => {
    const file = playbook(dir, 'bad.yml', `    - name: ok\n      file: { path: /tmp/x, state: directory }\n    - name: bad\n      copy: { dest: /tmp/x, mdoe: '0644' }\n`);
    const loaded = await loadPlaybook(file);
    expect(loaded.warnings).toEqual([expect.stringMatching(/bad\.yml:7:\d+: task "bad" will fail if it runs: Unsupported parameters for \(copy\) module: mdoe\. .*\(did you mean "mode" for "mdoe"\?\)$/)]);
    const err = (await loadPlaybook(file, { strict: true }).catch((e: unknown) => e)) as Error & { context?: { file?: string; line?: number; hint?: string } };
    expect(String(err.message)).toMatch(/^Unsupported parameters for \(copy\) module: mdoe\./);
    expect(err.context?.hint).toBe('did you mean "mode" for "mdoe"?');
    expect(err.context?.line).toBe(7);
    const bad2 = playbook(dir, 'bad2.yml', `    - file: { path: /tmp/x, state: folder }\n`);
    await expect(loadPlaybook(bad2, { strict: true })).rejects.toThrow(/^value of state must be one of: absent, directory, file, hard, link, touch, got: folder$/);
  });
});
