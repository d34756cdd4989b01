/**
 * Every playbook keyword fleet accepts changes what happens on real hosts: the connection keywords
 * (remote_user, port, connection), become_method, timeout, async/poll and async_status, throttle,
 * any_errors_fatal, module_defaults, per-task check_mode/diff, environment, delegate_facts and
 * vars_prompt, each observed on lab nodes.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPlaybook } from '../src/executor/play/run-playbook.js';
import type { FleetEvent } from '../src/executor/events.js';
import { loadInventory } from '../src/inventory/index.js';
import { labExec, type LabInfo } from '../src/lab/index.js';
import { loadPlaybook } from '../src/playbook/index.js';
import { useLab } from './helpers/lab.js';
import { failures, play, playbookWriter, recap, resultOf } from './helpers/play.js';

const write = playbookWriter('fleet-keywords-');

/**
 * The lab's inventory without its `ansible_user=root` (so play keywords decide the login), with
 * known_hosts entries for a second sshd on port 2222, plus any extra [all:vars] lines.
 */
function inventoryFor(lab: LabInfo, name: string, extraVars: string[] = []): string {
  const known = readFileSync(lab.knownHostsPath, 'utf8');
  const knownFile = write(`${name}.known_hosts`, known + known.replace(/^([^, \n]+),([^ \n]+) /gm, '[$1]:2222,[$2]:2222 '));
  const text = readFileSync(lab.inventoryPath, 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('ansible_user='))
    .map((l) => l.replace(/UserKnownHostsFile=\S+/, `UserKnownHostsFile=${knownFile}`))
    .join('\n');
  return write(`${name}.ini`, `${text}\n${extraVars.join('\n')}\n`);
}

const stdout = (run: Awaited<ReturnType<typeof play>>, task: string, host = 'node1'): string => String(resultOf(run, task, host).stdout);

describe('keywords on the lab', () => {
  const lab = useLab(3, 't-keywords');
  /** Command lines of node1's processes that start with `prefix`. */
  const sleepsLeft = async (prefix: string): Promise<string[]> =>
    (await labExec(lab().nodes[0]!, ['ps', '-eo', 'args='])).stdout.split('\n').filter((l) => l.startsWith(prefix));

  it('remote_user (and the play\'s old user) choose the SSH login; task beats play, inventory ansible_user beats both', async () => {
    const file = write(
      'users.yml',
      `
- hosts: node1
  gather_facts: false
  remote_user: deploy
  tasks:
    - {name: play user, command: id -un}
    - {name: task user, command: id -un, remote_user: fleet}
    - {name: become from deploy, command: id -un, become: true}
    - {name: templated user, command: id -un, remote_user: "{{ other_user }}", vars: {other_user: fleet}}
- hosts: node1
  gather_facts: false
  user: fleet
  tasks:
    - {name: old name, command: id -un}
`,
    );
    const run = await play(file, inventoryFor(lab(), 'users'));
    expect(failures(run)).toEqual([]);
    expect(stdout(run, 'play user')).toBe('deploy');
    expect(stdout(run, 'task user')).toBe('fleet');
    expect(stdout(run, 'become from deploy')).toBe('root');
    expect(stdout(run, 'templated user')).toBe('fleet');
    expect(stdout(run, 'old name')).toBe('fleet');
    // the lab inventory sets ansible_user=root: as in Ansible, it wins over the keywords
    const inventoryWins = await play(file, lab().inventoryPath);
    expect(stdout(inventoryWins, 'play user')).toBe('root');
    expect(stdout(inventoryWins, 'task user')).toBe('root');
    expect(stdout(inventoryWins, 'old name')).toBe('root');
  });

  describe('port', () => {
    beforeAll(async () => {
      const r = await labExec(lab().nodes[0]!, ['/usr/sbin/sshd', '-p', '2222', '-E', '/var/log/sshd-2222.log']);
      expect(r.rc, r.stderr).toBe(0);
    });

    it('selects the SSH port; the task\'s port beats the play\'s, inventory ansible_port beats both', async () => {
      const file = write(
        'port.yml',
        `
- hosts: node1
  gather_facts: false
  port: 2222
  tasks:
    - {name: play port, shell: 'echo $SSH_CONNECTION'}
    - {name: task port, shell: 'echo $SSH_CONNECTION', port: 22}
`,
      );
      const run = await play(file, inventoryFor(lab(), 'port'));
      expect(failures(run)).toEqual([]);
      expect(stdout(run, 'play port')).toMatch(/ 2222$/);
      expect(stdout(run, 'task port')).toMatch(/ 22$/);
      const pinned = await play(file, inventoryFor(lab(), 'port-pinned', ['ansible_port=22']));
      expect(stdout(pinned, 'play port')).toMatch(/ 22$/);
      // and the second sshd did see the login on 2222
      const log = await labExec(lab().nodes[0]!, ['cat', '/var/log/sshd-2222.log']);
      expect(log.stdout).toMatch(/Accepted publickey for root/);
    });
  });

  it('connection: local runs on the controller, ssh on the node; ansible_connection wins; an unknown one fails the task clearly', async () => {
    const file = write(
      'connection.yml',
      `
- hosts: node1
  gather_facts: false
  connection: local
  tasks:
    - {name: local, command: hostname}
    - {name: ssh again, command: hostname, connection: ssh}
    - {name: docker, command: hostname, connection: docker, ignore_errors: true}
`,
    );
    const run = await play(file, inventoryFor(lab(), 'connection'));
    expect(stdout(run, 'local')).toBe(hostname());
    expect(stdout(run, 'ssh again')).toBe('node1');
    const docker = resultOf(run, 'docker', 'node1');
    expect(docker.status).toBe('failed');
    expect(docker.msg).toMatch(/connection "docker" is not supported.*ssh.*local/);
    const pinned = await play(file, inventoryFor(lab(), 'connection-pinned', ['ansible_connection=ssh']));
    expect(stdout(pinned, 'local')).toBe('node1');
  });

  it('become_method su becomes another user (with the become password when the login is not root); others are refused', async () => {
    const file = write(
      'su.yml',
      `
- hosts: node1
  gather_facts: false
  tasks:
    - {name: su from root, command: id -un, become: true, become_method: su, become_user: deploy, remote_user: root}
    - name: su from deploy with a password
      command: id -un
      remote_user: deploy
      become: true
      become_method: su
      become_user: fleet
      vars: {ansible_become_password: fleet}
    - name: su with a wrong password
      command: id -un
      remote_user: deploy
      become: true
      become_method: ansible.builtin.su
      become_user: fleet
      vars: {ansible_become_password: wrong}
      ignore_errors: true
    - {name: doas, command: id -un, become: true, become_method: doas, ignore_errors: true}
`,
    );
    const run = await play(file, inventoryFor(lab(), 'su'));
    expect(stdout(run, 'su from root')).toBe('deploy');
    expect(stdout(run, 'su from deploy with a password')).toBe('fleet');
    expect(resultOf(run, 'su with a wrong password', 'node1')).toMatchObject({ status: 'failed', msg: expect.stringMatching(/incorrect su password for fleet/) });
    expect(JSON.stringify(run.events)).not.toContain('"wrong"');
    expect(resultOf(run, 'doas', 'node1')).toMatchObject({ status: 'failed', msg: expect.stringMatching(/become method "doas" is not supported.*sudo or su/) });
  });

  it('become_exe and become_flags change the become command line', async () => {
    const node = lab().nodes[0]!;
    await labExec(node, ['sh', '-c', 'rm -f /tmp/kw-wrapper.log; printf \'#!/bin/sh\\necho "$@" >> /tmp/kw-wrapper.log\\nexec sudo "$@"\\n\' > /usr/local/bin/kw-sudo; chmod 755 /usr/local/bin/kw-sudo']);
    const file = write(
      'become-exe.yml',
      `
- hosts: node1
  gather_facts: false
  remote_user: root
  tasks:
    - {name: wrapped, command: id -un, become: true, become_user: deploy, become_exe: /usr/local/bin/kw-sudo, become_flags: '-H -S -n -E'}
`,
    );
    const run = await play(file, inventoryFor(lab(), 'become-exe'));
    expect(stdout(run, 'wrapped')).toBe('deploy');
    const log = await labExec(node, ['cat', '/tmp/kw-wrapper.log']);
    expect(log.stdout).toMatch(/^-H -S -n -E -p \[fleet-sudo-[0-9a-f]+\] +-u deploy \/bin\/sh -c /);
  });

  it('timeout fails the task with Ansible\'s message and leaves none of its processes on the host, with or without become', async () => {
    const file = write(
      'timeout.yml',
      `
- hosts: node1
  gather_facts: false
  tasks:
    - {name: in time, command: 'true', timeout: 30}
    - {name: plain, shell: 'sleep 7701 & sleep 7702', timeout: 1, ignore_errors: true}
    - {name: become another user, shell: 'sleep 7703 & sleep 7704', timeout: 1, become: true, become_user: deploy, remote_user: root, ignore_errors: true}
    - {name: deploy becomes root, shell: 'sleep 7705 & sleep 7706', timeout: 1, become: true, remote_user: deploy, ignore_errors: true}
    - {name: no retries after a timeout, shell: 'sleep 7707', timeout: 1, until: false, retries: 3, delay: 0, ignore_errors: true}
`,
    );
    const run = await play(file, inventoryFor(lab(), 'timeout'));
    expect(resultOf(run, 'in time', 'node1').status).toBe('changed');
    for (const task of ['plain', 'become another user', 'deploy becomes root']) {
      expect(resultOf(run, task, 'node1'), task).toMatchObject({ status: 'failed', msg: 'The shell action failed to execute in the expected time frame (1) and was terminated' });
    }
    expect(resultOf(run, 'no retries after a timeout', 'node1').attempts).toBeUndefined();
    expect(await sleepsLeft('sleep 770')).toEqual([]);
  });

  it('async with poll 0 returns the job; async_status follows it to the end; poll > 0 waits; the time limit kills the job', async () => {
    const file = write(
      'async.yml',
      `
- hosts: node1
  gather_facts: false
  tasks:
    - {name: fire, shell: 'sleep 1; echo fired', async: 30, poll: 0, register: job}
    - {name: wait, async_status: {jid: "{{ job.ansible_job_id }}"}, register: status, until: status.finished, retries: 30, delay: 1}
    - {name: polled, shell: 'echo polled', async: 30, poll: 1, register: polled}
    - {name: too long, shell: 'sleep 7801', async: 1, poll: 1, ignore_errors: true}
    - {name: unknown job, async_status: {jid: '12345.nope'}, ignore_errors: true}
`,
    );
    const run = await play(file, inventoryFor(lab(), 'async'));
    const fired = resultOf(run, 'fire', 'node1');
    expect(fired).toMatchObject({ status: 'changed', started: 1, finished: 0, ansible_job_id: expect.stringMatching(/^j\d+\.\d+$/), results_file: `/root/.ansible_async/${String(fired.ansible_job_id)}` });
    const status = resultOf(run, 'wait', 'node1');
    expect(status).toMatchObject({ status: 'changed', finished: 1, stdout: 'fired', rc: 0, ansible_job_id: fired.ansible_job_id });
    // the job's output is kept on the host, where async_status read it
    const kept = await labExec(lab().nodes[0]!, ['cat', String(fired.results_file)]);
    expect(JSON.parse(kept.stdout)).toMatchObject({ stdout: 'fired', ansible_job_id: fired.ansible_job_id });
    const polled = resultOf(run, 'polled', 'node1');
    expect(polled).toMatchObject({ status: 'changed', stdout: 'polled', finished: 1 });
    expect((await labExec(lab().nodes[0]!, ['test', '-e', String(polled.results_file)])).rc).not.toBe(0);
    expect(resultOf(run, 'too long', 'node1')).toMatchObject({ status: 'failed', msg: 'async task did not complete within the requested time - 1s' });
    expect(await sleepsLeft('sleep 7801')).toEqual([]);
    expect(resultOf(run, 'unknown job', 'node1')).toMatchObject({ status: 'failed', msg: 'could not find job', finished: 1 });

    const cleanup = write(
      'async-cleanup.yml',
      `
- hosts: node1
  gather_facts: false
  tasks:
    - {name: cleanup, async_status: {jid: "${String(fired.ansible_job_id)}", mode: cleanup}}
`,
    );
    const cleaned = await play(cleanup, inventoryFor(lab(), 'async-cleanup'));
    expect(resultOf(cleaned, 'cleanup', 'node1')).toMatchObject({ status: 'ok', erased: fired.results_file });
    expect((await labExec(lab().nodes[0]!, ['test', '-e', String(fired.results_file)])).rc).not.toBe(0);
  });

  it('throttle runs a task on that many hosts at a time (start and end stamps written on the hosts)', async () => {
    const file = write(
      'throttle.yml',
      `
- hosts: all
  gather_facts: false
  tasks:
    - name: throttled
      shell: 'date +%s%N > /tmp/kw-throttle-start; sleep 1; date +%s%N > /tmp/kw-throttle-end'
      throttle: "{{ one }}"
      vars: {one: 1}
    - name: free
      shell: 'date +%s%N > /tmp/kw-free-start; sleep 2; date +%s%N > /tmp/kw-free-end'
`,
    );
    const run = await play(file, inventoryFor(lab(), 'throttle'));
    expect(failures(run)).toEqual([]);
    const spans = async (name: string) =>
      Promise.all(
        lab().nodes.map(async (n) => {
          const r = await labExec(n, ['sh', '-c', `cat /tmp/kw-${name}-start /tmp/kw-${name}-end`]);
          const [start, end] = r.stdout.trim().split('\n').map(BigInt);
          return { start: start!, end: end! };
        }),
      );
    const overlaps = (s: { start: bigint; end: bigint }[]) => s.some((a, i) => s.some((b, j) => i !== j && a.start < b.end && b.start < a.end));
    expect(overlaps(await spans('throttle'))).toBe(false);
    // without throttle the same hosts run it side by side: the check above can fail
    expect(overlaps(await spans('free'))).toBe(true);
  });

  it('any_errors_fatal (on a play or a block) ends the run for every host at the first failure, with the recap ansible-playbook prints', async () => {
    const file = write(
      'fatal.yml',
      `
- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - {name: first, debug: {msg: first}}
    - {name: boom, fail: {msg: boom}, when: inventory_hostname == 'node2'}
    - {name: after, debug: {msg: after}}
- hosts: all
  gather_facts: false
  tasks:
    - {name: next play, debug: {msg: next}}
`,
    );
    const run = await play(file, inventoryFor(lab(), 'fatal'));
    // ansible-playbook 2.14 on the same playbook and nodes prints exactly these recaps
    expect(recap(run.stats.node1)).toEqual({ ok: 1, skipped: 1 });
    expect(recap(run.stats.node2)).toEqual({ ok: 1, failed: 1 });
    expect(recap(run.stats.node3)).toEqual({ ok: 1, skipped: 1 });
    expect(run.events.some((e) => e.type === 'host_result' && (e.task.name === 'after' || e.task.name === 'next play'))).toBe(false);

    const block = write(
      'fatal-block.yml',
      `
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - {name: block boom, fail: {msg: boom}, when: inventory_hostname == 'node3'}
        - {name: block after, debug: {msg: after}}
      any_errors_fatal: true
    - {name: outside, debug: {msg: outside}}
`,
    );
    const blockRun = await play(block, inventoryFor(lab(), 'fatal-block'));
    expect(recap(blockRun.stats.node1)).toEqual({ skipped: 1 });
    expect(recap(blockRun.stats.node3)).toEqual({ failed: 1 });
    expect(blockRun.events.some((e) => e.type === 'host_result' && e.task.name !== 'block boom')).toBe(false);
  });

  it('module_defaults fill parameters by short or FQCN name; blocks replace the play\'s; the task\'s own arguments win', async () => {
    const file = write(
      'defaults.yml',
      `
- hosts: node1
  gather_facts: false
  module_defaults:
    ansible.builtin.file: {mode: '0600'}
    copy: {mode: '0640', owner: deploy}
  tasks:
    - {name: touched, file: {path: /tmp/kw-md-file, state: touch}}
    - {name: copied, copy: {content: "x\\n", dest: /tmp/kw-md-copy}}
    - {name: own mode, copy: {content: "y\\n", dest: /tmp/kw-md-own, mode: '0604'}}
    - block:
        - {name: in block, file: {path: /tmp/kw-md-block, state: touch}}
      module_defaults:
        file: {mode: '0700'}
`,
    );
    const run = await play(file, inventoryFor(lab(), 'defaults'));
    expect(failures(run)).toEqual([]);
    const stat = async (path: string) => (await labExec(lab().nodes[0]!, ['stat', '-c', '%a %U', path])).stdout.trim();
    expect(await stat('/tmp/kw-md-file')).toBe('600 root');
    expect(await stat('/tmp/kw-md-copy')).toBe('640 deploy');
    expect(await stat('/tmp/kw-md-own')).toBe('604 deploy');
    expect(await stat('/tmp/kw-md-block')).toBe('700 root');
  });

  it('check_mode: false applies in a --check run, check_mode: true changes nothing in a real run; diff per task', async () => {
    await labExec(lab().nodes[0]!, ['rm', '-f', '/tmp/kw-cm-applied', '/tmp/kw-cm-checked', '/tmp/kw-cm-forced', '/tmp/kw-cm-real']);
    const file = write(
      'check.yml',
      `
- hosts: node1
  gather_facts: false
  tasks:
    - {name: applied anyway, copy: {content: "a\\n", dest: /tmp/kw-cm-applied}, check_mode: false}
    - {name: follows the run, copy: {content: "b\\n", dest: /tmp/kw-cm-checked}}
    - {name: diff asked, copy: {content: "c\\n", dest: /tmp/kw-cm-diff}, diff: true, check_mode: true}
`,
    );
    const checkRun = await play(file, inventoryFor(lab(), 'check'), { checkMode: true });
    expect(failures(checkRun)).toEqual([]);
    expect((await labExec(lab().nodes[0]!, ['cat', '/tmp/kw-cm-applied'])).stdout).toBe('a\n');
    expect((await labExec(lab().nodes[0]!, ['test', '-e', '/tmp/kw-cm-checked'])).rc).not.toBe(0);
    expect(resultOf(checkRun, 'diff asked', 'node1').diff).toEqual([expect.objectContaining({ before: '', after: 'c\n' })]);
    // the event carries it too, so the text output shows it without --diff, as ansible-playbook does
    expect(checkRun.events.some((e) => e.type === 'host_result' && e.task.name === 'diff asked' && Array.isArray(e.diff))).toBe(true);
    expect(resultOf(checkRun, 'follows the run', 'node1').diff).toBeUndefined();

    const real = write(
      'check-real.yml',
      `
- hosts: node1
  gather_facts: false
  tasks:
    - {name: forced check, copy: {content: "f\\n", dest: /tmp/kw-cm-forced}, check_mode: true}
    - {name: real, copy: {content: "r\\n", dest: /tmp/kw-cm-real}, diff: false}
`,
    );
    const realRun = await play(real, inventoryFor(lab(), 'check-real'), { diffMode: true });
    expect(resultOf(realRun, 'forced check', 'node1').status).toBe('changed');
    expect(resultOf(realRun, 'forced check', 'node1').diff).toBeTruthy();
    expect(resultOf(realRun, 'real', 'node1').diff).toBeUndefined();
    expect((await labExec(lab().nodes[0]!, ['test', '-e', '/tmp/kw-cm-forced'])).rc).not.toBe(0);
    expect((await labExec(lab().nodes[0]!, ['cat', '/tmp/kw-cm-real'])).stdout).toBe('r\n');
  });

  it('environment set on the play and on a block reaches the command; inner values win', async () => {
    const file = write(
      'environment.yml',
      `
- hosts: node1
  gather_facts: false
  environment: {KW_A: play, KW_B: play, KW_C: play}
  tasks:
    - {name: play only, shell: 'echo $KW_A $KW_B $KW_C'}
    - block:
        - {name: in block, shell: 'echo $KW_A $KW_B $KW_C', environment: {KW_C: task}}
      environment: {KW_B: block, KW_C: block}
`,
    );
    const run = await play(file, inventoryFor(lab(), 'environment'));
    expect(stdout(run, 'play only')).toBe('play play play');
    expect(stdout(run, 'in block')).toBe('play block task');
  });

  it('delegate_facts puts facts on the delegated host, as ansible-playbook does', async () => {
    const file = write(
      'delegate-facts.yml',
      `
- hosts: node1,node2
  gather_facts: false
  tasks:
    - {set_fact: {kw_fact: "from {{ inventory_hostname }}"}, delegate_to: node2, delegate_facts: true, when: inventory_hostname == 'node1'}
    - {set_fact: {kw_plain: "set on {{ inventory_hostname }}"}, delegate_to: node2, when: inventory_hostname == 'node1'}
    - {name: show, debug: {msg: "{{ kw_fact | default('none') }} / {{ kw_plain | default('none') }}"}}
`,
    );
    const run = await play(file, inventoryFor(lab(), 'delegate-facts'));
    // ansible-playbook 2.14: node1 "none / set on node1", node2 "from node1 / none"
    expect(resultOf(run, 'show', 'node1').msg).toBe('none / set on node1');
    expect(resultOf(run, 'show', 'node2').msg).toBe('from node1 / none');
  });

  it('vars_prompt asks through the prompter (confirm, private, encrypt), -e skips it, and without a terminal uses the default (or "None")', async () => {
    const file = write(
      'prompt.yml',
      `
- hosts: node1
  gather_facts: false
  vars_prompt:
    - {name: who, prompt: Who, private: false}
    - {name: secret, prompt: Secret, confirm: true}
    - {name: hashed, prompt: Hash me, encrypt: sha512_crypt, salt: abcdefgh}
    - {name: given, prompt: Given}
    - {name: defaulted, prompt: Defaulted, default: dflt}
  tasks:
    - {name: show, shell: 'printf "%s|%s|%s|%s|%s" "$A" "$B" "$C" "$D" "$E"', environment: {A: "{{ who }}", B: "{{ secret }}", C: "{{ hashed }}", D: "{{ given }}", E: "{{ defaulted }}"}}
`,
    );
    const asked: string[] = [];
    // the first confirmation does not match: both are asked again
    const answers: Record<string, string[]> = { Who: ['alice'], Secret: ['s1', 's1'], 'confirm Secret': ['s2', 's1'], 'Hash me': ['pw'], Defaulted: [''] };
    const events: FleetEvent[] = [];
    await runPlaybook({
      playbooks: [await loadPlaybook(file)],
      inventory: await loadInventory([inventoryFor(lab(), 'prompt')]),
      forks: 5,
      connection: {},
      extraVars: { given: 'from -e' },
      prompt: async (q) => {
        asked.push(`${q.prompt}${q.private ? ' (private)' : ''}`);
        return answers[q.prompt]!.shift()!;
      },
      onEvent: (e) => events.push(e),
    });
    expect(asked).toEqual(['Who', 'Secret (private)', 'confirm Secret (private)', 'Secret (private)', 'confirm Secret (private)', 'Hash me (private)', 'Defaulted (private)']);
    expect(events.some((e) => e.type === 'warning' && e.message.includes('DO NOT MATCH'))).toBe(true);
    const shown = events.find((e) => e.type === 'host_result' && e.task.name === 'show');
    const [who, secret, hashed, given, defaulted] = String(shown?.type === 'host_result' ? shown.result.stdout : '').split('|');
    expect([who, secret, given, defaulted]).toEqual(['alice', 's1', 'from -e', 'dflt']);
    expect(hashed).toMatch(/^\$6\$abcdefgh\$[./0-9A-Za-z]{86}$/);

    // no terminal (no prompter): Ansible's warning, the default, else the text "None" (as ansible-playbook 2.14)
    const quiet = await play(file, inventoryFor(lab(), 'prompt-quiet'));
    expect(quiet.events.some((e) => e.type === 'warning' && e.message === 'Not prompting as we are not in interactive mode')).toBe(true);
    expect(stdout(quiet, 'show')).toBe('None|None|None|None|dflt');
  });
});

describe('connection keywords without a lab', () => {
  it('keeps one connection per login: a task with another remote_user or port does not reuse the play\'s', async () => {
    const { ConnectionPool } = await import('../src/executor/connections.js');
    const pool = new ConnectionPool();
    const base = { host: 'h', kind: 'ssh' as const, address: '10.0.0.1' };
    const a = pool.get({ ...base, user: 'deploy' });
    expect(pool.get({ ...base, user: 'deploy' })).toBe(a);
    expect(pool.get({ ...base, user: 'fleet' })).not.toBe(a);
    expect(pool.get({ ...base, user: 'deploy', port: 2222 })).not.toBe(a);
    await pool.closeAll();
  });
});
