import { describe, expect, it } from 'vitest';
import { emptyStats, type FleetEvent } from '../src/executor/events.js';
import { playJsonReporter } from '../src/output/play-json.js';

describe('play JSON lines', () => {
  it('writes one parseable object per event, each in one write', () => {
    const writes: string[] = [];
    const report = playJsonReporter((t) => writes.push(t), { now: () => Date.UTC(2024, 0, 2, 3, 4, 5) });
    const task = { name: 'install', module: 'apt', path: 'site.yml:4', role: 'base' };
    const events: FleetEvent[] = [
      { type: 'playbook_start', file: 'site.yml', checkMode: true, at: Date.UTC(2024, 0, 1) },
      { type: 'play_start', name: 'all', hosts: ['a'], at: 1 },
      { type: 'task_start', task, at: 2 },
      { type: 'item_result', host: 'a', status: 'changed', task, label: 'git', result: { changed: true, item: 'git' }, at: 3 },
      { type: 'task_retry', host: 'a', task, attempt: 1, retries: 2, result: { changed: false, failed: true }, at: 4 },
      {
        type: 'host_result',
        host: 'a',
        status: 'changed',
        task,
        result: { changed: true, _fleet_secret_token: 'pw', nested: { _fleet_x: 1, ok: true } },
        delegatedTo: 'b',
        diff: [{ before: 'x', after: 'y' }],
        at: 5,
      },
      { type: 'warning', message: 'careful' },
      { type: 'no_hosts', play: 'none', at: 6 },
      { type: 'play_end', name: 'all', at: 7 },
      { type: 'run_end', stats: { a: { ...emptyStats(), ok: 1, changed: 1 } }, at: 8, elapsedMs: 8, interrupted: false },
    ];
    for (const e of events) report(e);
    expect(writes).toHaveLength(events.length);
    const lines = writes.map((w) => {
      expect(w.endsWith('\n')).toBe(true);
      expect(w.slice(0, -1)).not.toContain('\n');
      return JSON.parse(w);
    });
    expect(lines.map((l) => l.type)).toEqual(events.map((e) => e.type));
    expect(lines[0]).toEqual({ type: 'playbook_start', time: '2024-01-01T00:00:00.000Z', at: Date.UTC(2024, 0, 1), file: 'site.yml', checkMode: true });
    expect(lines[3]).toMatchObject({ host: 'a', status: 'changed', label: 'git', task, result: { changed: true, item: 'git' } });
    expect(lines[4]).toMatchObject({ attempt: 1, retries: 2 });
    expect(lines[5]).toEqual({
      type: 'host_result',
      time: new Date(5).toISOString(),
      at: 5,
      host: 'a',
      status: 'changed',
      task,
      result: { changed: true, nested: { ok: true } },
      delegatedTo: 'b',
      diff: [{ before: 'x', after: 'y' }],
    });
    expect(writes[5]).not.toContain('pw');
    expect(lines[6]).toEqual({ type: 'warning', time: '2024-01-02T03:04:05.000Z', at: Date.UTC(2024, 0, 2, 3, 4, 5), message: 'careful' });
    expect(lines[9]).toMatchObject({ stats: { a: { ok: 1, changed: 1, failed: 0 } }, elapsedMs: 8, interrupted: false });
  });

  it('survives values JSON cannot hold', () => {
    let out = '';
    const report = playJsonReporter((t) => (out += t));
    const result: Record<string, unknown> = { changed: false, size: 12n };
    result.self = result;
    report({ type: 'host_result', host: 'a', status: 'ok', task: { name: 't', module: 'm' }, result: result as { changed: boolean }, at: 1 });
    expect(JSON.parse(out).result).toEqual({ changed: false, size: '12', self: '[Circular]' });
  });
});
