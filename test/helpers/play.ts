import { resolve } from 'node:path';
import type { FleetEvent, HostStats } from '../../src/executor/events.js';
import { runPlaybook, type PlaybookSummary } from '../../src/executor/play/run-playbook.js';
import { loadInventory } from '../../src/inventory/index.js';
import type { Vars } from '../../src/inventory/model.js';
import { loadPlaybook } from '../../src/playbook/index.js';

export interface PlayRun {
  summary: PlaybookSummary;
  events: FleetEvent[];
  /** `task name|host` -> status, from host_result events. */
  statuses: Map<string, string>;
  stats: Record<string, HostStats>;
}

/** Run a playbook through the library API (as the CLI does) and keep every event. */
export async function play(file: string, inventoryPath: string, options: { extraVars?: Vars; checkMode?: boolean; diffMode?: boolean; tags?: string[]; skipTags?: string[]; limit?: string[] } = {}): Promise<PlayRun> {
  const events: FleetEvent[] = [];
  const playbook = await loadPlaybook(resolve(file));
  const inventory = await loadInventory([inventoryPath]);
  const summary = await runPlaybook({
    playbooks: [playbook],
    inventory,
    forks: 50,
    connection: {},
    extraVars: options.extraVars ?? {},
    checkMode: !!options.checkMode,
    diffMode: !!options.diffMode,
    tags: { only: options.tags ?? [], skip: options.skipTags ?? [] },
    ...(options.limit ? { limit: options.limit } : {}),
    onEvent: (e) => events.push(e),
  });
  const statuses = new Map<string, string>();
  for (const e of events) if (e.type === 'host_result') statuses.set(`${e.task.name}|${e.host}`, e.status);
  return { summary, events, statuses, stats: summary.stats };
}

/** The recap numbers that matter, for compact assertions. */
export function recap(s: HostStats | undefined): Record<string, number> {
  if (!s) return {};
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== 0));
}
