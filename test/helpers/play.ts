import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

/** Writes playbooks into a fresh temporary directory: `const playbook = playbookWriter('fleet-x-')`. */
export function playbookWriter(prefix: string): (name: string, text: string) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return (name, text) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
}

/** A task's result on a host, with its status: `resultOf(run, 'install', 'node1').status`. */
export function resultOf(run: PlayRun, task: string, host: string): Record<string, unknown> & { status: string } {
  const e = run.events.find((x) => x.type === 'host_result' && x.task.name === task && x.host === host) as { status: string; result: Record<string, unknown> } | undefined;
  if (!e) throw new Error(`no result for ${task} on ${host}`);
  return { ...e.result, status: e.status };
}

/** Every failed or unreachable result of a run, as `task on host: msg` lines (an empty list is success). */
export function failures(run: PlayRun): string[] {
  return run.events
    .filter((e) => e.type === 'host_result' && (e.status === 'failed' || e.status === 'unreachable'))
    .map((e) => {
      const r = e as { task: { name: string }; host: string; result: Record<string, unknown> };
      return `${r.task.name} on ${r.host}: ${String(r.result.msg ?? r.result.stderr ?? '').slice(0, 400)}`;
    });
}
