import { describe, expect, it } from 'vitest';
import { adhocTextReporter, formatAdhocResult, type TextReporterOptions } from '../src/output/adhoc-text.js';
import { adhocJsonReporter } from '../src/output/adhoc-json.js';
import { emptyStats, type FleetEvent } from '../src/executor/events.js';

describe('ad-hoc text output', () => {
  it('prints command results as ansible does', () => {
    expect(formatAdhocResult('node1', 'changed', { changed: true, rc: 0, stdout: 'node1', stderr: '' }, false)).toBe('node1 | CHANGED | rc=0 >>\nnode1');
    expect(formatAdhocResult('node2', 'failed', { changed: true, failed: true, rc: 3, stdout: '', stderr: '42', msg: 'non-zero return code' }, false)).toBe(
      'node2 | FAILED | rc=3 >>\n42non-zero return code',
    );
  });
  it('condenses to one line with --one-line', () => {
    expect(formatAdhocResult('n', 'changed', { changed: true, rc: 0, stdout: 'a\nb', stderr: 'e' }, true)).toBe('n | CHANGED | rc=0 | (stdout) a\\nb (stderr) e');
    expect(formatAdhocResult('n', 'unreachable', { changed: false, unreachable: true, msg: 'timed out' }, true)).toBe('n | UNREACHABLE!: timed out');
  });
  it('prints other modules as JSON', () => {
    expect(formatAdhocResult('n', 'ok', { changed: false, ping: 'pong', action: 'ping' }, false)).toBe('n | SUCCESS => {\n    "changed": false,\n    "ping": "pong"\n}');
  });
});

describe('ad-hoc results shown as ansible shows them', () => {
  it('prints a command-module failure without rc as rc=-1 and its message, as JSON on one line', () => {
    const r = { changed: false, failed: true, msg: "'x' is undefined", action: 'shell' };
    expect(formatAdhocResult('n', 'failed', r, false)).toBe("n | FAILED | rc=-1 >>\n'x' is undefined");
    expect(formatAdhocResult('n', 'failed', r, true)).toBe('n | FAILED! => {"changed": false,"msg": "\'x\' is undefined"}');
    expect(formatAdhocResult('n', 'failed', { ...r, action: 'copy' }, false)).toBe('n | FAILED! => {\n    "changed": false,\n    "msg": "\'x\' is undefined"\n}');
  });
  it('shows no internal keys, and debug its msg or var alone', () => {
    const debug = { changed: false, failed: false, _ansible_verbose_always: true, _fleet_verbosity: 1, action: 'debug' };
    expect(formatAdhocResult('n', 'ok', { ...debug, msg: 'hi' }, false)).toBe('n | SUCCESS => {\n    "msg": "hi"\n}');
    expect(formatAdhocResult('n', 'ok', { ...debug, x: 1 }, false)).toBe('n | SUCCESS => {\n    "x": 1\n}');
    expect(formatAdhocResult('n', 'ok', { changed: false, _ansible_no_log: false, nested: { _fleet_x: 1, y: 2 }, action: 'stat' }, false)).toBe(
      'n | SUCCESS => {\n    "changed": false,\n    "nested": {\n        "y": 2\n    }\n}',
    );
  });
});

describe('ad-hoc JSON output', () => {
  it('is one document shaped like the json callback', () => {
    let out = '';
    const report = adhocJsonReporter((t) => (out += t));
    const task = { name: 'command', module: 'command' };
    report({ type: 'run_start', hosts: ['a'], task, at: 0 });
    report({ type: 'host_result', host: 'a', status: 'changed', task, result: { changed: true, rc: 0, stdout: 'x' }, at: 1 });
    report({ type: 'run_end', stats: { a: { ...emptyStats(), ok: 1, changed: 1 } }, at: 2, elapsedMs: 2, interrupted: false });
    const doc = JSON.parse(out);
    expect(doc.plays[0].tasks[0].hosts.a).toMatchObject({ changed: true, rc: 0, stdout: 'x' });
    expect(doc.stats.a).toMatchObject({ ok: 1, changed: 1, failures: 0, unreachable: 0 });
  });
  it('leaves internal keys out', () => {
    let out = '';
    const report = adhocJsonReporter((t) => (out += t));
    const task = { name: 'debug', module: 'debug' };
    report({ type: 'run_start', hosts: ['a'], task, at: 0 });
    report({ type: 'host_result', host: 'a', status: 'ok', task, result: { changed: false, msg: 'hi', _ansible_verbose_always: true }, at: 1 });
    report({ type: 'run_end', stats: { a: { ...emptyStats(), ok: 1 } }, at: 2, elapsedMs: 2, interrupted: false });
    expect(JSON.parse(out).plays[0].tasks[0].hosts.a).toEqual({ changed: false, msg: 'hi', action: 'debug' });
  });
});

describe('ad-hoc text: the cases ansible 2.14 prints differently', () => {
  it('runs stdout, stderr and msg together under the header, msg also on success, an empty body as an empty line', () => {
    expect(formatAdhocResult('n', 'changed', { changed: true, rc: 0, stdout: 'out', stderr: 'err', msg: '' }, false)).toBe('n | CHANGED | rc=0 >>\nouterr');
    expect(formatAdhocResult('n', 'ok', { changed: false, rc: 0, stdout: '', stderr: '', msg: 'skipped, since /x exists' }, false)).toBe(
      'n | SUCCESS | rc=0 >>\nskipped, since /x exists',
    );
    expect(formatAdhocResult('n', 'changed', { changed: true, rc: 0, stdout: '', stderr: '' }, false)).toBe('n | CHANGED | rc=0 >>\n');
  });

  it('one-line: leaves out an empty stderr', () => {
    expect(formatAdhocResult('n', 'changed', { changed: true, rc: 0, stdout: 'x', stderr: '' }, true)).toBe('n | CHANGED | rc=0 | (stdout) x');
  });

  it('one-line: JSON as the oneline callback dumps it, `": "` between key and value, no space after commas', () => {
    expect(formatAdhocResult('n', 'ok', { changed: false, ping: 'pong', nested: { a: [1, 2] }, action: 'ping' }, true)).toBe(
      'n | SUCCESS => {"changed": false,"nested": {"a": [1,2]},"ping": "pong"}',
    );
  });

  it('prints unreachable command hosts as JSON, not as a command block', () => {
    expect(formatAdhocResult('n', 'unreachable', { changed: false, unreachable: true, msg: 'no route', rc: 255, stdout: '' }, false)).toBe(
      'n | UNREACHABLE! => {\n    "changed": false,\n    "msg": "no route",\n    "rc": 255,\n    "stdout": "",\n    "unreachable": true\n}',
    );
  });

  it('prints a result with rc but no stdout as JSON', () => {
    expect(formatAdhocResult('n', 'ok', { changed: false, rc: 0, action: 'ping' }, false)).toBe('n | SUCCESS => {\n    "changed": false,\n    "rc": 0\n}');
  });

  it('prints a failure of a module that is not command/shell/raw, or with module_stderr, as FAILED! JSON', () => {
    const r = { changed: false, failed: true, msg: 'MODULE FAILURE', module_stderr: 'boom', action: 'command' };
    expect(formatAdhocResult('n', 'failed', r, false)).toBe('n | FAILED! => {\n    "changed": false,\n    "module_stderr": "boom",\n    "msg": "MODULE FAILURE"\n}');
    expect(formatAdhocResult('n', 'failed', { changed: false, failed: true, msg: 'x' }, false)).toBe('n | FAILED! => {\n    "changed": false,\n    "msg": "x"\n}');
  });

  it('shows debug warnings beside its msg, and hides skip_reason when it shows a var', () => {
    expect(formatAdhocResult('n', 'ok', { changed: false, msg: 'hi', warnings: ['w'], extra: 1, action: 'debug' }, false)).toBe(
      'n | SUCCESS => {\n    "msg": "hi",\n    "warnings": [\n        "w"\n    ]\n}',
    );
    expect(formatAdhocResult('n', 'ok', { changed: false, skip_reason: 'r', x: 1, action: 'debug' }, false)).toBe('n | SUCCESS => {\n    "x": 1\n}');
  });

  it('prints the unreachable message after UNREACHABLE!: on one line, empty when there is none', () => {
    expect(formatAdhocResult('n', 'unreachable', { changed: false, unreachable: true }, true)).toBe('n | UNREACHABLE!: ');
  });
});

describe('ad-hoc text reporter', () => {
  const task = { name: 'command', module: 'command' };
  function report(events: FleetEvent[], options: Partial<TextReporterOptions> = {}): { out: string; err: string } {
    let out = '';
    let err = '';
    const r = adhocTextReporter({ write: (t) => (out += t), writeErr: (t) => (err += t), color: false, oneLine: false, verbosity: 0, ...options });
    for (const e of events) r(e);
    return { out, err };
  }
  const result = (host: string, status: 'ok' | 'changed' | 'failed' | 'unreachable' | 'skipped', res: Record<string, unknown>): FleetEvent =>
    ({ type: 'host_result', host, status, task, result: { changed: false, ...res }, at: 1 }) as FleetEvent;
  const end = (interrupted = false): FleetEvent => ({ type: 'run_end', stats: {}, at: 2, elapsedMs: 1234, interrupted });

  it('writes each host block with a newline, warnings on stderr, nothing else without -v', () => {
    const { out, err } = report([
      { type: 'run_start', hosts: ['a', 'b'], task, at: 0 },
      { type: 'warning', message: 'careful' },
      result('a', 'changed', { changed: true, rc: 0, stdout: 'x', stderr: '' }),
      end(),
    ]);
    expect(out).toBe('a | CHANGED | rc=0 >>\nx\n');
    expect(err).toBe('[WARNING]: careful\n');
  });

  it('says what runs where and how long it took with -v', () => {
    const { err } = report([{ type: 'run_start', hosts: ['a', 'b'], task, at: 0 }, end()], { verbosity: 1 });
    expect(err).toBe('command on 2 host(s): a, b\ndone in 1.23s\n');
  });

  it('warns when interrupted', () => {
    expect(report([end(true)]).err).toBe('[WARNING]: interrupted: hosts not yet started were skipped\n');
  });

  it('colours as ansible: each line of a block, bright red for unreachable, bright purple warnings', () => {
    const { out, err } = report(
      [
        result('a', 'changed', { changed: true, rc: 0, stdout: 'l1\nl2', stderr: '' }),
        result('b', 'ok', { rc: 0, stdout: 'x', stderr: '' }),
        result('c', 'failed', { failed: true, rc: 1, stdout: '', stderr: '', msg: 'non-zero return code' }),
        result('d', 'unreachable', { unreachable: true, msg: 'down' }),
        result('e', 'skipped', { skipped: true }),
        { type: 'warning', message: 'w' },
      ],
      { color: true, oneLine: true },
    );
    expect(out.split('\n')).toEqual([
      '\u001b[0;33ma | CHANGED | rc=0 | (stdout) l1\\nl2\u001b[0m',
      '\u001b[0;32mb | SUCCESS | rc=0 | (stdout) x\u001b[0m',
      '\u001b[0;31mc | FAILED | rc=1 | (stdout) \u001b[0m',
      '\u001b[1;31md | UNREACHABLE!: down\u001b[0m',
      '\u001b[0;36me | SKIPPED\u001b[0m',
      '',
    ]);
    expect(err).toBe('\u001b[1;35m[WARNING]: w\u001b[0m\n');
    expect(report([result('a', 'changed', { changed: true, rc: 0, stdout: 'l1\nl2', stderr: '' })], { color: true }).out).toBe(
      '\u001b[0;33ma | CHANGED | rc=0 >>\u001b[0m\n\u001b[0;33ml1\u001b[0m\n\u001b[0;33ml2\u001b[0m\n',
    );
  });
});

describe('ad-hoc JSON document as ansible 2.14\'s json callback', () => {
  it('has the Ansible Ad-Hoc play, its task, each host with action (and failed), stats, then fleet\'s warnings and interrupted', () => {
    const writes: string[] = [];
    const report = adhocJsonReporter((t) => writes.push(t));
    const task = { name: 'command', module: 'command' };
    const uuid = expect.stringMatching(/^[0-9a-f-]{36}$/);
    report({ type: 'run_start', hosts: ['a', 'b'], task, at: Date.UTC(2026, 0, 1) });
    report({ type: 'warning', message: 'careful' });
    report({ type: 'host_result', host: 'a', status: 'changed', task, result: { changed: true, rc: 0, stdout: 'x' }, at: 1 });
    report({ type: 'host_result', host: 'b', status: 'failed', task, result: { changed: false, rc: 1, msg: 'non-zero return code' }, at: 1 });
    expect(writes).toEqual([]);
    report({ type: 'run_end', stats: { a: { ...emptyStats(), ok: 1, changed: 1 }, b: { ...emptyStats(), failed: 1 } }, at: Date.UTC(2026, 0, 1, 0, 0, 2), elapsedMs: 2000, interrupted: true });
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^\{\n {4}"custom_stats": \{\},\n/);
    const duration = { start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:00:02.000Z' };
    expect(JSON.parse(writes[0]!)).toEqual({
      custom_stats: {},
      global_custom_stats: {},
      plays: [
        {
          play: { name: 'Ansible Ad-Hoc', id: uuid, path: '', duration },
          tasks: [
            {
              task: { name: 'command', id: uuid, path: '', duration },
              hosts: {
                a: { changed: true, rc: 0, stdout: 'x', action: 'command' },
                b: { changed: false, rc: 1, msg: 'non-zero return code', action: 'command', failed: true },
              },
            },
          ],
        },
      ],
      stats: {
        a: { ok: 1, changed: 1, failures: 0, unreachable: 0, skipped: 0, rescued: 0, ignored: 0 },
        b: { ok: 0, changed: 0, failures: 1, unreachable: 0, skipped: 0, rescued: 0, ignored: 0 },
      },
      warnings: ['careful'],
      interrupted: true,
    });
  });
});
