import { randomUUID } from 'node:crypto';
import type { FleetEvent, HostStats } from '../executor/events.js';
import type { ModuleResult } from '../modules/types.js';
import { cleanValue } from './ansible-format.js';

interface JsonStats {
  ok: number;
  changed: number;
  failures: number;
  unreachable: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

function jsonStats(s: HostStats): JsonStats {
  return { ok: s.ok, changed: s.changed, failures: s.failed, unreachable: s.unreachable, skipped: s.skipped, rescued: s.rescued, ignored: s.ignored };
}

/**
 * Collects an ad-hoc run and prints one JSON document at the end, shaped like the output of
 * Ansible's json stdout callback for `ansible` (the `Ansible Ad-Hoc` play, its task, each host's result
 * with `action`, then stats), so scripts written for it work; `warnings` and `interrupted` are fleet's own.
 */
export function adhocJsonReporter(write: (text: string) => void): (event: FleetEvent) => void {
  const hosts: Record<string, ModuleResult> = {};
  const warnings: string[] = [];
  let taskName = '';
  let start = '';
  return (event) => {
    switch (event.type) {
      case 'run_start':
        taskName = event.task.name;
        start = new Date(event.at).toISOString();
        break;
      case 'warning':
        warnings.push(event.message);
        break;
      case 'host_result':
        hosts[event.host] = { ...(cleanValue(event.result) as ModuleResult), action: event.task.module, ...(event.status === 'failed' ? { failed: true } : {}) };
        break;
      case 'run_end': {
        const duration = { start, end: new Date(event.at).toISOString() };
        const doc = {
          custom_stats: {},
          global_custom_stats: {},
          plays: [
            {
              play: { name: 'Ansible Ad-Hoc', id: randomUUID(), path: '', duration },
              tasks: [{ task: { name: taskName, id: randomUUID(), path: '', duration }, hosts }],
            },
          ],
          stats: Object.fromEntries(Object.entries(event.stats).map(([h, s]) => [h, jsonStats(s)])),
          // fleet's own, beside Ansible's keys:
          warnings,
          interrupted: event.interrupted,
        };
        write(JSON.stringify(doc, null, 4) + '\n');
        break;
      }
    }
  };
}
