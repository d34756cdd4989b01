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
});
