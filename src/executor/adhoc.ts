import pLimit from 'p-limit';
import { FleetError } from '../errors.js';
import type { Inventory, Vars } from '../inventory/model.js';
import { hostVars, selectHosts } from '../inventory/index.js';
import { getModule, parseArgString, validateParams } from '../modules/index.js';
import type { ModuleResult } from '../modules/types.js';
import { becomeByDefault, connectionSpecFor, type ConnectionOverrides } from './connection-spec.js';
import { ConnectionPool } from './connections.js';
import { countResult, emptyStats, statusOf, type EventSink, type HostStats, type TaskRef } from './events.js';
import { runModule } from './run-module.js';

export interface AdhocOptions {
  inventory: Inventory;
  pattern: string;
  /** --limit patterns (each may be `@file`). */
  limit?: string[];
  module: string;
  args: string;
  forks: number;
  connection: ConnectionOverrides;
  extraVars?: Vars;
  checkMode?: boolean;
  onEvent: EventSink;
  /** Aborting stops starting new hosts; hosts already running finish. */
  signal?: AbortSignal;
  /** Directory for resolving `--limit @file` paths. */
  cwd?: string;
}

export interface AdhocSummary {
  hosts: string[];
  stats: Record<string, HostStats>;
  elapsedMs: number;
  interrupted: boolean;
}

function failureResult(error: unknown): ModuleResult {
  if (error instanceof FleetError) {
    const unreachable = error.code === 'UNREACHABLE' || error.code === 'HOST_KEY';
    return { changed: false, ...(unreachable ? { unreachable: true } : { failed: true }), msg: error.message };
  }
  return { changed: false, failed: true, msg: error instanceof Error ? error.message : String(error) };
}

/**
 * `fleet run PATTERN -m MODULE -a ARGS`: one module on every matched host, hosts in parallel up to
 * `forks`. Module arguments are checked once before any host is contacted.
 */
export async function runAdhoc(options: AdhocOptions): Promise<AdhocSummary> {
  const started = Date.now();
  const module = getModule(options.module);
  const params = validateParams(module.name, module.params, parseArgString(module, options.args), module);
  if (module.freeForm && module.params[module.freeForm]?.required && !params[module.freeForm]) {
    throw new FleetError('MODULE_ARGS', `module ${module.name} needs arguments`, { hint: `pass them with -a, e.g. -a 'uptime'` });
  }
  const { hosts, unmatched } = selectHosts(options.inventory, options.pattern, options.limit ?? [], { cwd: options.cwd });
  for (const part of unmatched) options.onEvent({ type: 'warning', message: `Could not match supplied host pattern, ignoring: ${part}` });
  if (hosts.length === 0) options.onEvent({ type: 'warning', message: 'No hosts matched, nothing to do' });
  const task: TaskRef = { name: module.name, module: module.name };
  const stats: Record<string, HostStats> = Object.fromEntries(hosts.map((h) => [h, emptyStats()]));
  options.onEvent({ type: 'run_start', hosts, task, at: started });

  const pool = new ConnectionPool();
  const limit = pLimit(Math.max(1, options.forks));
  let interrupted = false;
  try {
    await Promise.all(
      hosts.map((host) =>
        limit(async () => {
          if (options.signal?.aborted) {
            interrupted = true;
            return;
          }
          let result: ModuleResult;
          try {
            const vars = { ...hostVars(options.inventory, host), ...(options.extraVars ?? {}) };
            const spec = connectionSpecFor(host, vars, options.connection);
            const connection = pool.get(spec);
            result = await runModule({
              module,
              params,
              connection,
              host,
              become: becomeByDefault(vars, options.connection),
              ...(spec.become?.user ? { becomeUser: spec.become.user } : {}),
              checkMode: options.checkMode ?? false,
            });
          } catch (error) {
            result = failureResult(error);
          }
          const status = statusOf(result);
          countResult(stats[host]!, status);
          options.onEvent({ type: 'host_result', host, status, task, result: { ...result, action: module.name }, at: Date.now() });
        }),
      ),
    );
  } finally {
    await pool.closeAll();
  }
  const elapsedMs = Date.now() - started;
  options.onEvent({ type: 'run_end', stats, at: Date.now(), elapsedMs, interrupted });
  return { hosts, stats, elapsedMs, interrupted };
}

/** ansible's exit codes: 4 when a host was unreachable, 2 when one failed, 99 interrupted, else 0. */
export function exitCodeFor(summary: Pick<AdhocSummary, 'stats' | 'interrupted'>): number {
  if (summary.interrupted) return 99;
  const all = Object.values(summary.stats);
  if (all.some((s) => s.unreachable > 0)) return 4;
  if (all.some((s) => s.failed > 0)) return 2;
  return 0;
}
