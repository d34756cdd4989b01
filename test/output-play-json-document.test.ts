import { describe, expect, it } from 'vitest';
import { emptyStats, type FleetEvent } from '../src/executor/events.js';
import { playJsonDocumentReporter } from '../src/output/play-json-document.js';

const iso = (at: number) => new Date(at).toISOString();
const uuid = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

function runDocument(events: FleetEvent[]): { writes: string[]; doc: Record<string, unknown> } {
  const writes: string[] = [];
  const report = playJsonDocumentReporter((t) => writes.push(t));
  for (const e of events) report(e);
  return { writes, doc: writes.length ? JSON.parse(writes[0]!) : {} };
}

describe('play JSON document (Ansible json callback shape)', () => {
  const cmd = { name: 't1', module: 'command', path: 'x.yml:5' };
  const fail = { name: 't2', module: 'fail' };

  it('writes one document at run end with plays, tasks, host results and Ansible\'s stats names', () => {
    const { writes, doc } = runDocument([
      { type: 'playbook_start', file: 'x.yml', checkMode: false, at: 0 },
      { type: 'play_start', name: 'p1', hosts: ['localhost'], at: 1000 },
      { type: 'task_start', task: cmd, at: 2000 },
      { type: 'host_result', host: 'localhost', status: 'changed', task: cmd, result: { changed: true, rc: 0, stdout: 'hi', _fleet_secret: 'pw' }, at: 2500 },
      { type: 'task_start', task: fail, at: 3000 },
      { type: 'host_result', host: 'localhost', status: 'failed', task: fail, result: { changed: false, msg: 'boom' }, at: 3500 },
      { type: 'warning', message: 'ignored by the document' },
      { type: 'play_end', name: 'p1', at: 4000 },
      { type: 'run_end', stats: { localhost: { ...emptyStats(), ok: 2, changed: 1, failed: 1, ignored: 1 } }, at: 5000, elapsedMs: 5000, interrupted: false },
    ]);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.endsWith('}\n')).toBe(true);
    expect(writes[0]).toContain('\n    "custom_stats": {},\n');
    expect(writes[0]).not.toContain('pw');
    expect(doc).toEqual({
      custom_stats: {},
      global_custom_stats: {},
      plays: [
        {
          play: { name: 'p1', id: uuid, duration: { start: iso(1000), end: iso(4000) } },
          tasks: [
            {
              task: { name: 't1', id: uuid, path: 'x.yml:5', duration: { start: iso(2000), end: iso(3000) } },
              hosts: { localhost: { changed: true, rc: 0, stdout: 'hi', action: 'command' } },
            },
            {
              task: { name: 't2', id: uuid, duration: { start: iso(3000), end: iso(4000) } },
              hosts: { localhost: { changed: false, msg: 'boom', action: 'fail', failed: true } },
            },
          ],
        },
      ],
      stats: { localhost: { changed: 1, failures: 1, ignored: 1, ok: 2, rescued: 0, skipped: 0, unreachable: 0 } },
    });
  });

  it('writes nothing before run end', () => {
    const { writes } = runDocument([
      { type: 'play_start', name: 'p', hosts: ['a'], at: 1 },
      { type: 'task_start', task: cmd, at: 2 },
      { type: 'host_result', host: 'a', status: 'ok', task: cmd, result: { changed: false }, at: 3 },
      { type: 'play_end', name: 'p', at: 4 },
    ]);
    expect(writes).toEqual([]);
  });

  it('keeps one play for the serial batches of a play, and a new entry for a later play of the same name', () => {
    const { doc } = runDocument([
      { type: 'play_start', name: 'p', hosts: ['a'], at: 1000 },
      { type: 'task_start', task: cmd, at: 1100 },
      { type: 'host_result', host: 'a', status: 'ok', task: cmd, result: { changed: false }, at: 1200 },
      { type: 'play_start', name: 'p', hosts: ['b'], at: 1300 },
      { type: 'task_start', task: cmd, at: 1400 },
      { type: 'host_result', host: 'b', status: 'ok', task: cmd, result: { changed: false }, at: 1500 },
      { type: 'play_end', name: 'p', at: 1600 },
      { type: 'play_start', name: 'p', hosts: ['a'], at: 2000 },
      { type: 'play_end', name: 'p', at: 2100 },
      { type: 'play_start', name: 'q', hosts: ['a'], at: 3000 },
      { type: 'play_start', name: 'r', hosts: ['a'], at: 3100 },
      { type: 'run_end', stats: {}, at: 4000, elapsedMs: 4000, interrupted: false },
    ]);
    const plays = doc.plays as { play: { name: string; duration: { start: string; end?: string } }; tasks: { hosts: Record<string, unknown> }[] }[];
    expect(plays.map((p) => [p.play.name, p.play.duration])).toEqual([
      ['p', { start: iso(1000), end: iso(1600) }],
      ['p', { start: iso(2000), end: iso(2100) }],
      ['q', { start: iso(3000) }],
      ['r', { start: iso(3100) }],
    ]);
    expect(plays[0]!.tasks.map((t) => Object.keys(t.hosts))).toEqual([['a'], ['b']]);
    expect(plays[1]!.tasks).toEqual([]);
    expect(doc.stats).toEqual({});
  });

  it('ignores tasks and results that arrive outside a play or task', () => {
    const { doc } = runDocument([
      { type: 'task_start', task: cmd, at: 1 },
      { type: 'play_start', name: 'p', hosts: ['a'], at: 2 },
      { type: 'host_result', host: 'a', status: 'ok', task: cmd, result: { changed: false }, at: 3 },
      { type: 'run_end', stats: {}, at: 4, elapsedMs: 4, interrupted: false },
    ]);
    expect((doc.plays as { tasks: unknown[] }[]).map((p) => p.tasks)).toEqual([[]]);
  });
});
