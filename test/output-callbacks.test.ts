import { describe, expect, it, vi } from 'vitest';
import { emptyStats, type FleetEvent, type TaskRef } from '../src/executor/events.js';
import { playMinimalReporter } from '../src/output/play-minimal.js';
import { playTextReporter } from '../src/output/play-text.js';
import { elapsedText, profileDate, timingReporter } from '../src/output/timings.js';
import { yamlResult } from '../src/output/yaml-results.js';

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

describe('stdout_callback = minimal: the cases each branch decides', () => {
  function minimal(events: FleetEvent[], options: { color?: boolean; diff?: boolean } = {}): { out: string; err: string } {
    let out = '';
    let err = '';
    const report = playMinimalReporter({ write: (t) => (out += t), writeErr: (t) => (err += t), color: options.color ?? false, diff: options.diff ?? false });
    for (const e of events) report(e);
    return { out, err };
  }
  const cmd = task('c', 'shell');

  it('prints a debug var without changed, and other modules\' results with it', () => {
    const dbg = task('d', 'debug');
    expect(minimal([host('h', 'ok', dbg, { changed: false, x: 1 })]).out).toBe('h | SUCCESS => {\n    "x": 1\n}\n');
    expect(minimal([host('h', 'ok', task('s', 'stat'), { changed: false, msg: 'm', x: 1 })]).out).toBe('h | SUCCESS => {\n    "changed": false,\n    "msg": "m",\n    "x": 1\n}\n');
  });

  it('prints a command failure without rc as rc=-1 and its message, and ignores output that is not text', () => {
    expect(minimal([host('h', 'failed', cmd, { failed: true, msg: "'x' is undefined" })]).out).toBe("h | FAILED | rc=-1 >>\n'x' is undefined\n");
    expect(minimal([host('h', 'changed', cmd, { changed: true, rc: 0, stdout: 'o', stderr: ['not text'], msg: '' })]).out).toBe('h | CHANGED | rc=0 >>\no\n');
  });

  it('prints a command failure that carries module_stderr, and an async command result, as JSON', () => {
    expect(minimal([host('h', 'failed', cmd, { failed: true, msg: 'MODULE FAILURE', module_stderr: 'boom' })]).out).toBe(
      'h | FAILED! => {\n    "module_stderr": "boom",\n    "msg": "MODULE FAILURE"\n}\n',
    );
    expect(minimal([host('h', 'changed', cmd, { changed: true, ansible_job_id: 'j1', started: 1 })]).out).toBe(
      'h | CHANGED => {\n    "ansible_job_id": "j1",\n    "changed": true,\n    "started": 1\n}\n',
    );
  });

  it('colours changed yellow and ok green, each line', () => {
    const { out } = minimal([host('h', 'changed', cmd, { changed: true, rc: 0, stdout: 'o', stderr: '' }), host('h', 'ok', cmd, { rc: 0, stdout: 'o', stderr: '' })], { color: true });
    expect(out).toBe('\u001b[0;33mh | CHANGED | rc=0 >>\u001b[0m\n\u001b[0;33mo\u001b[0m\n\u001b[0;32mh | SUCCESS | rc=0 >>\u001b[0m\n\u001b[0;32mo\u001b[0m\n');
  });

  it('prints the event\'s diff before the result, a diff left in the result only with --diff', () => {
    const f = task('f', 'copy');
    const diff = [{ before: 'x\n', after: 'y\n' }];
    const DIFF = '--- before\n+++ after\n@@ -1 +1 @@\n-x\n+y\n\n';
    expect(minimal([host('h', 'changed', f, { changed: true }, { diff })]).out).toBe(`${DIFF}h | CHANGED => {\n    "changed": true\n}\n`);
    expect(minimal([host('h', 'changed', f, { changed: true, diff })]).out).toBe('h | CHANGED => {\n    "changed": true\n}\n');
    expect(minimal([host('h', 'changed', f, { changed: true, diff })], { diff: true }).out).toBe(`${DIFF}h | CHANGED => {\n    "changed": true\n}\n`);
    expect(minimal([host('h', 'changed', f, { changed: true }, { diff: [{ before: 'x\n', after: 'x\n' }] })]).out).toBe('h | CHANGED => {\n    "changed": true\n}\n');
    expect(minimal([host('h', 'changed', f, { changed: true }, { diff })], { color: true }).out).toContain('\u001b[0;31m-x\u001b[0m');
  });

  it('writes warnings, errors and an interruption on stderr only', () => {
    const { out, err } = minimal([
      { type: 'warning', message: 'w' },
      { type: 'error', message: 'e' },
      { type: 'run_end', stats: {}, at: 0, elapsedMs: 0, interrupted: true },
    ]);
    expect(out).toBe('');
    expect(err).toBe('[WARNING]: w\n [ERROR]: e\n[WARNING]: interrupted: tasks and hosts not yet started were skipped\n');
    expect(minimal([{ type: 'run_end', stats: {}, at: 0, elapsedMs: 0, interrupted: false }]).err).toBe('');
  });
});

describe('profile_tasks and timer: the cases each branch decides', () => {
  it('writes a negative UTC offset with a minus sign', () => {
    expect(profileDate(Date.UTC(2026, 0, 1, 0, 30, 0), -330)).toBe('Wednesday 31 December 2025  19:00:00 -0530');
  });

  it('prints only the run time with timer alone, in days, hours, minutes and seconds', () => {
    let clock = 0;
    let out = '';
    const report = timingReporter({ write: (t) => (out += t), profileTasks: false, timer: true, now: () => clock, utcOffsetMinutes: 0 });
    report(start(task('a')));
    clock += ((26 * 60 + 3) * 60 + 4) * 1000 + 999;
    report(end());
    expect(out).toBe('Playbook run took 1 days, 2 hours, 3 minutes, 4 seconds\n');
  });

  it('shows the task path under its time from -vv, and fills a wider terminal', () => {
    const run = (verbosity: number, width: number) => {
      let clock = 0;
      let out = '';
      const report = timingReporter({ write: (t) => (out += t), profileTasks: true, timer: false, now: () => clock, utcOffsetMinutes: 0, verbosity, width });
      report(start(task('a', 'command', { path: '/pb/site.yml:3' })));
      report(start(task('b')));
      clock += 1000;
      report(end());
      return out.split('\n').slice(4, -1);
    };
    expect(run(2, 80)).toEqual([`b ${'-'.repeat(71)} 1.00s`, `a ${'-'.repeat(71)} 0.00s`, `/pb/site.yml:3 ${'-'.repeat(64)}`]);
    expect(run(1, 80)).toEqual([`b ${'-'.repeat(71)} 1.00s`, `a ${'-'.repeat(71)} 0.00s`]);
    const wide = run(1, 100);
    expect(wide[0]).toHaveLength(99);
    expect(wide[0]).toBe(`b ${'-'.repeat(91)} 1.00s`);
  });

  it('lists the 20 slowest tasks', () => {
    let clock = 0;
    let out = '';
    const report = timingReporter({ write: (t) => (out += t), profileTasks: true, timer: false, now: () => clock, utcOffsetMinutes: 0 });
    for (let i = 1; i <= 21; i++) {
      report(start(task(`t${i}`)));
      clock += i * 10;
    }
    report(end());
    const listed = out.split('\n').filter((l) => /^t\d+ -/.test(l)).map((l) => l.split(' ')[0]);
    expect(listed).toEqual(Array.from({ length: 20 }, (_, i) => `t${21 - i}`));
  });
});

describe('stdout_callback = yaml: the cases each key decides', () => {
  const yamlBody = (t: TaskRef, result: Record<string, unknown>, status: 'ok' | 'changed' | 'skipped' = 'ok') => {
    let out = '';
    const report = playTextReporter({ write: (x) => (out += x), writeErr: () => {}, color: false, verbosity: 1, diff: false, width: 80, results: 'yaml' });
    report(start(t));
    report(host('localhost', status, t, result));
    return out.split('\n').slice(2).join('\n');
  };
  const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

  it('prints a censored result as YAML under changed=, as ansible-playbook 2.14 with community.general.yaml', () => {
    expect(yamlBody(task('c'), { censored: CENSORED, changed: true }, 'changed')).toBe(
      "changed: [localhost] => changed=true \n  censored: 'the output has been hidden due to the fact that ''no_log: true'' was specified for this result'\n",
    );
  });

  it('puts skipped= on the first line after changed=, as the callback\'s header line', () => {
    expect(yamlResult({ rc: 0, skipped: true, changed: false })).toBe('changed=false skipped=true \n  rc: 0');
  });

  it('omits stdout_lines and stderr_lines only beside their strings', () => {
    expect(yamlBody(task('c'), { changed: false, stdout: 'out', stdout_lines: ['out'], stderr_lines: ['e'] })).toBe(
      'ok: [localhost] => changed=false \n  stderr_lines:\n  - e\n  stdout: out\n  stdout_lines: <omitted>\n',
    );
    expect(yamlBody(task('c'), { changed: false, stderr: 'e', stderr_lines: ['e'], stdout_lines: ['o'] })).toBe(
      'ok: [localhost] => changed=false \n  stderr: e\n  stderr_lines: <omitted>\n  stdout_lines:\n  - o\n',
    );
  });

  it('prints nothing after changed= when nothing else is left', () => {
    expect(yamlBody(task('c'), { changed: false })).toBe('ok: [localhost] => changed=false\n');
  });
});

describe('profile_tasks without a given offset', () => {
  it('takes the local time zone\'s offset, east of UTC positive', () => {
    // Date's own offset (minutes west of UTC) for a zone three hours east; TZ cannot be changed
    // inside a worker thread, so the local zone is stood in for at the one call that reads it.
    const offset = vi.spyOn(Date.prototype, 'getTimezoneOffset').mockReturnValue(-180);
    try {
      let out = '';
      const report = timingReporter({ write: (t) => (out += t), profileTasks: true, timer: false, now: () => Date.UTC(2026, 11, 3, 7, 0, 0) });
      report(start(task('a')));
      expect(out.split('\n')[0]).toMatch(/^Thursday 03 December 2026 {2}10:00:00 \+0300 /);
    } finally {
      offset.mockRestore();
    }
  });
});
