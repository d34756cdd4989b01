import { randomUUID } from 'node:crypto';
import type { FleetEvent, HostStats } from '../executor/events.js';
import { cleanValue } from './ansible-format.js';

interface Timed {
  name: string;
  id: string;
  path?: string;
  duration: { start: string; end?: string };
}

interface PlayEntry {
  play: Timed;
  tasks: { task: Timed; hosts: Record<string, unknown> }[];
}

const iso = (at: number) => new Date(at).toISOString();

function statsOf(stats: Record<string, HostStats>): Record<string, Record<string, number>> {
  return Object.fromEntries(
    Object.entries(stats).map(([host, s]) => [host, { changed: s.changed, failures: s.failed, ignored: s.ignored, ok: s.ok, rescued: s.rescued, skipped: s.skipped, unreachable: s.unreachable }]),
  );
}

/**
 * `fleet play --output json`: one JSON document at the end of the run, shaped as Ansible's json
 * stdout callback (`plays` with their `tasks` and each host's result, `stats` with `failures`,
 * `custom_stats`, `global_custom_stats`). Internal `_fleet…` keys are dropped; no_log results are
 * already censored by the executor. `--output json-events` streams the events instead.
 */
export function playJsonDocumentReporter(write: (text: string) => void): (event: FleetEvent) => void {
  const plays: PlayEntry[] = [];
  let current: PlayEntry | undefined;
  let task: PlayEntry['tasks'][number] | undefined;
  return (event) => {
    switch (event.type) {
      case 'play_start':
        // fleet announces each serial batch; Ansible's document has the play once.
        if (current && current.play.name === event.name && current.play.duration.end === undefined) return;
        current = { play: { name: event.name, id: randomUUID(), duration: { start: iso(event.at) } }, tasks: [] };
        plays.push(current);
        task = undefined;
        return;
      case 'task_start':
        if (!current) return;
        if (task) task.task.duration.end = iso(event.at);
        task = { task: { name: event.task.name, id: randomUUID(), ...(event.task.path ? { path: event.task.path } : {}), duration: { start: iso(event.at) } }, hosts: {} };
        current.tasks.push(task);
        return;
      case 'host_result':
        if (!task) return;
        task.hosts[event.host] = { ...(cleanValue(event.result) as Record<string, unknown>), action: event.task.module, ...(event.status === 'failed' ? { failed: true } : {}) };
        return;
      case 'play_end':
        if (task) task.task.duration.end = iso(event.at);
        if (current) current.play.duration.end = iso(event.at);
        task = undefined;
        return;
      case 'run_end':
        write(JSON.stringify({ custom_stats: {}, global_custom_stats: {}, plays, stats: statsOf(event.stats) }, null, 4) + '\n');
        return;
      default:
        return;
    }
  };
}
