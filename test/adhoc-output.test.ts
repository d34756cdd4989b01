import { describe, expect, it } from 'vitest';
import { formatAdhocResult } from '../src/output/adhoc-text.js';
import { adhocJsonReporter } from '../src/output/adhoc-json.js';
import { emptyStats } from '../src/executor/events.js';

describe('ad-hoc text output', () => {
  it('prints command results as ansible does', () => {
    expect(formatAdhocResult('node1', 'changed', { changed: true, rc: 0, stdout: 'node1', stderr: '' }, false)).toBe('node1 | CHANGED | rc=0 >>\nnode1');
    expect(formatAdhocResult('node2', 'failed', { changed: true, failed: true, rc: 3, stdout: '', stderr: '42', msg: 'non-zero return code' }, false)).toBe(
      'node2 | FAILED | rc=3 >>\n42\nnon-zero return code',
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
    expect(formatAdhocResult('n', 'failed', r, true)).toBe('n | FAILED! => {"changed":false,"msg":"\'x\' is undefined"}');
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
    expect(JSON.parse(out).plays[0].tasks[0].hosts.a).toEqual({ changed: false, msg: 'hi' });
  });
});
