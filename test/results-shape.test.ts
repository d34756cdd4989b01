/**
 * Results registered as Ansible 2.14 registers them: command/shell in check mode, creates/removes,
 * cmd as a list (one string for a program that cannot start), Ansible's time stamps to the
 * microsecond, `failed` always present, stdout_lines as Python's splitlines, raw's own shape, a skipped result not
 * judged by failed_when, include_vars' `message`, known_hosts' `diff` as one mapping.
 */
import { describe, expect, it } from 'vitest';
import { validateParams } from '../src/modules/index.js';
import { command, raw, shell, type CommandParams } from '../src/modules/command.js';
import { splitlines } from '../src/modules/util/splitlines.js';
import { useLab } from './helpers/lab.js';
import { play, playbookWriter, resultOf } from './helpers/play.js';

const params = (module: typeof command, args: Record<string, unknown>) => validateParams(module.name, module.params, args, module) as unknown as CommandParams;

describe('command and shell plans: what check mode and a held condition report', () => {
  it('check mode skips a command with no creates/removes, with the shape Ansible registers', () => {
    const plan = command.plan(params(command, { _raw_params: 'echo "a b" c' }), {});
    expect(plan.actions).toEqual([{ kind: 'run', line: "echo 'a b' c" }]);
    expect(plan.checkResult).toEqual({
      changed: false,
      skipped: true,
      cmd: ['echo', 'a b', 'c'],
      rc: 0,
      stdout: '',
      stderr: '',
      start: null,
      end: null,
      delta: null,
      msg: 'Command would have run if not in check mode',
    });
  });

  it('check mode says "would have run" (changed) when creates does not exist yet', () => {
    const plan = command.plan(params(command, { argv: ['touch', '/x'], creates: '/x' }), { createsExists: false });
    expect(plan.checkResult).toMatchObject({ changed: true, msg: 'Command would have run if not in check mode', cmd: ['touch', '/x'] });
    expect(plan.checkResult).not.toHaveProperty('skipped');
  });

  it('a creates that exists or a removes that does not: not run, ok (not skipped), Did/Would not run', () => {
    const created = command.plan(params(command, { _raw_params: 'make', creates: '/done' }), { createsExists: true });
    expect(created.actions).toEqual([]);
    expect(created.result).toEqual({ changed: false, cmd: ['make'], rc: 0, stdout: 'skipped, since /done exists', stderr: '', start: null, end: null, delta: null, msg: "Did not run command since '/done' exists" });
    expect(created.checkResult).toMatchObject({ changed: false, msg: "Would not run command since '/done' exists" });
    expect(created.checkResult).not.toHaveProperty('skipped');
    const removed = shell.plan(params(shell, { _raw_params: 'rm /todo', removes: '/todo' }), { removesExists: false });
    expect(removed.result).toMatchObject({ cmd: 'rm /todo', stdout: 'skipped, since /todo does not exist', msg: "Did not run command since '/todo' does not exist" });
  });

  it('raw is skipped in check mode, as Ansible\'s raw action', () => {
    const plan = raw.plan(params(raw, { _raw_params: 'echo x' }), {});
    expect(plan.checkResult).toEqual({ changed: false, skipped: true });
  });

  it("splits stdout_lines as Python's splitlines", () => {
    expect(splitlines('')).toEqual([]);
    expect(splitlines('a\n')).toEqual(['a']);
    expect(splitlines('a\n\n')).toEqual(['a', '']);
    expect(splitlines('a\r\nb\rc\vd\u2028e')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(splitlines('\n')).toEqual(['']);
  });

  it("shell's cmd is its text; command's is its words", () => {
    expect(shell.plan(params(shell, { _raw_params: 'echo hi; echo err >&2' }), {}).result).toEqual({ cmd: 'echo hi; echo err >&2' });
    expect(command.plan(params(command, { cmd: "printf '%s\\n' x" }), {}).result).toEqual({ cmd: ['printf', '%s\\n', 'x'] });
  });
});

describe('registered results on a lab node', () => {
  const lab = useLab(1, 't-resultshape');
  const playbook = playbookWriter('fleet-results-');

  const file = () =>
    playbook(
      'shapes.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - name: cmd
      command: echo "a b"
      register: cmd
    - name: show in check mode
      debug: {msg: "[{{ cmd.stdout }}] {{ cmd.msg | default('') }}"}
    - name: shell
      shell: echo out; echo err >&2
      register: sh
    - name: judged
      command: echo judged
      failed_when: true
      ignore_errors: true
      register: judged
    - name: vars
      include_vars: {file: /nonexistent/vars.yml}
      ignore_errors: true
      register: iv
    - name: missing program
      command: /nonexistent/prog "a b"
      ignore_errors: true
      register: missing
    - name: raw
      raw: printf 'one\\r\\ntwo\\n'; exit 3
      ignore_errors: true
      register: rawr
    - name: lines
      shell: printf 'a\\rb\\r\\nc'
      register: lines
    - name: key
      known_hosts: {path: /tmp/fleet-kh-shape, name: example.org, key: "example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"}
      diff: true
      register: kh
`,
    );

  it('in check mode: command skipped with its registered shape; failed_when does not judge a skipped result', async () => {
    const run = await play(file(), lab().inventoryPath, { checkMode: true });
    const cmd = resultOf(run, 'cmd', 'node1');
    expect(cmd).toMatchObject({ status: 'skipped', changed: false, failed: false, skipped: true, cmd: ['echo', 'a b'], rc: 0, stdout: '', stdout_lines: [], stderr_lines: [], start: null, delta: null });
    expect(resultOf(run, 'show in check mode', 'node1').msg).toBe('[] Command would have run if not in check mode');
    expect(resultOf(run, 'judged', 'node1')).toMatchObject({ status: 'skipped', failed: false });
    expect(resultOf(run, 'judged', 'node1')).not.toHaveProperty('failed_when_result');
  });

  it('for real: cmd list or text, Ansible time stamps, failed: false, stdout_lines; include_vars message; one diff mapping', async () => {
    await import('../src/lab/index.js').then((m) => m.labExec(lab().nodes[0]!, ['rm', '-f', '/tmp/fleet-kh-shape']));
    const run = await play(file(), lab().inventoryPath);
    const cmd = resultOf(run, 'cmd', 'node1');
    expect(cmd).toMatchObject({ status: 'changed', failed: false, cmd: ['echo', 'a b'], rc: 0, stdout: 'a b', stdout_lines: ['a b'], msg: '' });
    expect(cmd.start).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(cmd.end).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(cmd.delta).toMatch(/^0:00:\d\d\.\d{6}$/);
    expect(resultOf(run, 'shell', 'node1')).toMatchObject({ cmd: 'echo out; echo err >&2', stdout_lines: ['out'], stderr_lines: ['err'] });
    expect(resultOf(run, 'judged', 'node1')).toMatchObject({ status: 'failed', failed: true, failed_when_result: true });
    // To the microsecond, as Ansible's (not milliseconds padded with 000): one in a million would end in 000 three times.
    const stamps = ['cmd', 'shell', 'lines'].map((t) => resultOf(run, t, 'node1')).map((r) => String(r.delta));
    expect(stamps.every((d) => d.endsWith('000')), stamps.join(' ')).toBe(false);
    // A program that cannot start: cmd is the words as one shell-quoted string (Ansible's run_command).
    expect(resultOf(run, 'missing program', 'node1')).toMatchObject({ status: 'failed', cmd: "/nonexistent/prog 'a b'", rc: 2, msg: "[Errno 2] No such file or directory: b'/nonexistent/prog'" });
    // raw is the connection's result: no cmd, times or msg unless it failed; lines as Python's splitlines.
    const rawr = resultOf(run, 'raw', 'node1');
    expect(rawr).toMatchObject({ status: 'failed', rc: 3, stdout: 'one\r\ntwo\n', stdout_lines: ['one', 'two'], stderr_lines: [], msg: 'non-zero return code' });
    for (const k of ['cmd', 'start', 'end', 'delta']) expect(rawr).not.toHaveProperty(k);
    expect(resultOf(run, 'lines', 'node1')).toMatchObject({ stdout: 'a\rb\r\nc', stdout_lines: ['a', 'b', 'c'] });
    const iv = resultOf(run, 'vars', 'node1');
    expect(iv.status).toBe('failed');
    expect(iv).not.toHaveProperty('msg');
    expect(String(iv.message)).toMatch(/nonexistent\/vars\.yml/);
    const kh = resultOf(run, 'key', 'node1');
    expect(kh.status).toBe('changed');
    expect(kh.diff).toMatchObject({ before: '', before_header: '/tmp/fleet-kh-shape', after_header: '/tmp/fleet-kh-shape' });
    expect(String((kh.diff as { after: string }).after)).toMatch(/^example\.org ssh-ed25519 AAAA/);
  });
});
