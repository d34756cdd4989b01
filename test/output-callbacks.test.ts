import { describe, expect, it } from 'vitest';
import { emptyStats, type FleetEvent, type TaskRef } from '../src/executor/events.js';
import { playMinimalReporter } from '../src/output/play-minimal.js';
import { playTextReporter } from '../src/output/play-text.js';
import { elapsedText, profileDate, timingReporter } from '../src/output/timings.js';

const task = (name: string, module = 'command', extra: Partial<TaskRef> = {}): TaskRef => ({ name, module, ...extra });
const start = (t: TaskRef, at = 0): FleetEvent => ({ type: 'task_start', task: t, at });
const host = (h: string, status: 'ok' | 'changed' | 'failed' | 'unreachable' | 'skipped', t: TaskRef, result: Record<string, unknown>, extra: object = {}): FleetEvent =>
  ({ type: 'host_result', host: h, status, task: t, result, at: 0, ...extra }) as FleetEvent;
const end = (elapsedMs = 0): FleetEvent => ({ type: 'run_end', stats: { localhost: { ...emptyStats(), ok: 1 } }, at: 0, elapsedMs, interrupted: false });

function yamlRun(events: FleetEvent[]): string {
  let out = '';
  const report = playTextReporter({ write: (t) => (out += t), writeErr: () => {}, color: false, verbosity: 0, diff: false, width: 80, results: 'yaml' });
  for (const e of events) report(e);
  return out;
}

describe('stdout_callback = yaml (community.general.yaml)', () => {
  it('prints debug results as block YAML, multi-line strings as |- blocks, as Ansible 2.14 does', () => {
    const t = task('debug', 'debug');
    const data = { name: 'a: b', flag: 'yes', items: [{ k: 1 }, { k: 'two\nlines' }], empty: [], lead: ' x\ny' };
    const out = yamlRun([start(t), host('localhost', 'ok', t, { changed: false, data, _ansible_verbose_always: true })]);
    expect(out.split('\n').slice(2).join('\n')).toBe(
      [
        'ok: [localhost] => ',
        '  data:',
        '    empty: []',
        "    flag: 'yes'",
        '    items:',
        '    - k: 1',
        '    - k: |-',
        '        two',
        '        lines',
        '    lead: |2-',
        '       x',
        '      y',
        "    name: 'a: b'",
        '',
      ].join('\n'),
    );
  });

  it('puts changed= on the first line, omits stdout_lines/stderr_lines, cleans block strings', () => {
    const t = task('shell', 'shell');
    const result = {
      changed: true,
      failed: true,
      cmd: "printf 'line1\\nline2  \\n\\tx\\n' ; echo err >&2; exit 3",
      msg: 'non-zero return code',
      rc: 3,
      stderr: 'err',
      stderr_lines: ['err'],
      stdout: 'line1\nline2  \n\tx',
      stdout_lines: ['line1', 'line2  ', '\tx'],
    };
    const out = yamlRun([start(t), host('localhost', 'failed', t, result, { ignored: true })]);
    expect(out.split('\n').slice(2).join('\n')).toBe(
      [
        'fatal: [localhost]: FAILED! => changed=true ',
        "  cmd: printf 'line1\\nline2  \\n\\tx\\n' ; echo err >&2; exit 3",
        '  msg: non-zero return code',
        '  rc: 3',
        '  stderr: err',
        '  stderr_lines: <omitted>',
        '  stdout: |-',
        '    line1',
        '    line2',
        '            x',
        '  stdout_lines: <omitted>',
        '...ignoring',
        '',
      ].join('\n'),
    );
  });

  it('shows a skipped debug task as one line, as Ansible does', () => {
    const t = task('skip', 'debug');
    const out = yamlRun([start(t), host('localhost', 'skipped', t, { changed: false, skipped: true, skip_reason: 'Conditional result was False' })]);
    expect(out.trimEnd().split('\n').pop()).toBe('skipping: [localhost]');
  });
});

describe('stdout_callback = minimal', () => {
  function minimal(events: FleetEvent[]): { out: string; err: string } {
    let out = '';
    let err = '';
    const report = playMinimalReporter({ write: (t) => (out += t), writeErr: (t) => (err += t), color: false, diff: false });
    for (const e of events) report(e);
    return { out, err };
  }

  it('prints ansible.builtin.minimal blocks and no banners or recap', () => {
    const dbg = task('say', 'debug');
    const cmd = task('cmd', 'command');
    const lines = task('multi', 'debug');
    const fail = task('fail', 'ansible.builtin.command');
    const skip = task('skip', 'debug');
    const { out } = minimal([
      { type: 'play_start', name: 'p', hosts: ['localhost'], at: 0 },
      start(dbg),
      host('localhost', 'ok', dbg, { changed: false, msg: 'hello' }),
      start(cmd),
      host('localhost', 'changed', cmd, { changed: true, rc: 0, stdout: 'a\nb', stderr: '', msg: '' }),
      host('localhost', 'ok', lines, { changed: false, 'r.stdout_lines': ['a', 'b'] }),
      host('localhost', 'failed', fail, { changed: true, failed: true, rc: 1, stdout: '', stderr: '', msg: 'non-zero return code' }, { ignored: true }),
      host('localhost', 'skipped', skip, { changed: false, skipped: true }),
      host('node9', 'unreachable', task('ping', 'ping'), { unreachable: true, changed: false, msg: 'no route' }),
      host('localhost', 'failed', task('f', 'file'), { changed: false, failed: true, msg: 'path missing' }),
      end(),
    ]);
    // Captured from ansible-playbook 2.14 with ANSIBLE_STDOUT_CALLBACK=minimal on the same tasks.
    expect(out).toBe(
      [
        'localhost | SUCCESS => {',
        '    "msg": "hello"',
        '}',
        'localhost | CHANGED | rc=0 >>',
        'a',
        'b',
        'localhost | SUCCESS => {',
        '    "r.stdout_lines": [',
        '        "a",',
        '        "b"',
        '    ]',
        '}',
        'localhost | FAILED | rc=1 >>',
        'non-zero return code',
        'localhost | SKIPPED',
        'node9 | UNREACHABLE! => {',
        '    "changed": false,',
        '    "msg": "no route",',
        '    "unreachable": true',
        '}',
        'localhost | FAILED! => {',
        '    "changed": false,',
        '    "msg": "path missing"',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('callbacks_enabled = profile_tasks, timer', () => {
  it('formats the date and elapsed times as profile_tasks does', () => {
    expect(profileDate(Date.UTC(2026, 11, 3, 7, 36, 40), 0)).toBe('Thursday 03 December 2026  07:36:40 +0000');
    expect(profileDate(Date.UTC(2026, 0, 1, 23, 0, 0), 90)).toBe('Friday 02 January 2026  00:30:00 +0130');
    expect(elapsedText(36)).toBe('0:00:00.036');
    expect(elapsedText(3_723_004)).toBe('1:02:03.004');
  });

  it('prints a time line under each task banner, then the tasks slowest first and the run time', () => {
    let clock = Date.UTC(2026, 11, 3, 7, 36, 40);
    let out = '';
    const report = timingReporter({ write: (t) => (out += t), profileTasks: true, timer: true, now: () => clock, utcOffsetMinutes: 0, width: 80 });
    const a = task('say', 'debug');
    const b = task('install', 'apt', { role: 'web' });
    clock += 36;
    report(start(a));
    clock += 304;
    report(start(b));
    clock += 1803;
    report(end());
    expect(out).toBe(
      [
        'Thursday 03 December 2026  07:36:40 +0000 (0:00:00.036)       0:00:00.036 ***** ',
        'Thursday 03 December 2026  07:36:40 +0000 (0:00:00.304)       0:00:00.340 ***** ',
        'Thursday 03 December 2026  07:36:42 +0000 (0:00:01.803)       0:00:02.143 ***** ',
        '=============================================================================== ',
        'web : install ----------------------------------------------------------- 1.80s',
        'say --------------------------------------------------------------------- 0.30s',
        'Playbook run took 0 days, 0 hours, 0 minutes, 2 seconds',
        '',
      ].join('\n'),
    );
    // As measured on Ansible's own output: time lines 80 columns, task lines 79.
    for (const line of out.split('\n').slice(0, 4)) expect(line).toHaveLength(80);
    for (const line of out.split('\n').slice(4, 6)) expect(line).toHaveLength(79);
  });

  it('adds up a task that runs once per serial batch', () => {
    let clock = 0;
    let out = '';
    const report = timingReporter({ write: (t) => (out += t), profileTasks: true, timer: false, now: () => clock, utcOffsetMinutes: 0 });
    const a = task('a');
    const b = task('b');
    report(start(a));
    clock += 1000;
    report(start(b));
    clock += 500;
    report(start(a));
    clock += 1000;
    report(end());
    expect(out).toMatch(/^a -+ 2\.00s\nb -+ 0\.50s\n$/m);
  });
});
