import { join } from 'node:path';
import pLimit from 'p-limit';
import { FleetError } from '../errors.js';
import type { Inventory, Vars } from '../inventory/model.js';
import { loadVarsDir, selectHosts } from '../inventory/index.js';
import { getModule, parseArgString, validateParams } from '../modules/index.js';
import { createTemplar } from '../template/index.js';
import type { ModuleResult } from '../modules/types.js';
import { resultOfError } from './failure-result.js';
import { becomeByDefault, connectionSpecFor, type ConnectionOverrides } from './connection-spec.js';
import { ConnectionPool } from './connections.js';
import { countResult, emptyStats, statusOf, type EventSink, type HostStats, type TaskRef } from './events.js';
import { HostStates } from './play/host-state.js';
import { taskVars, VERSION_VARS, type VarSources } from './play/vars.js';
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
  /**
   * Directory for resolving `--limit @file` paths; also the ad-hoc "playbook" directory, as for
   * `ansible`: `playbook_dir`, its group_vars/ and host_vars/, and where files/ are looked up.
   */
  cwd?: string;
}

export interface AdhocSummary {
  hosts: string[];
  stats: Record<string, HostStats>;
  elapsedMs: number;
  interrupted: boolean;
}

/**
 * The variables of one ad-hoc host: Ansible runs `ansible PATTERN -m M -a ARGS` as a play of one
 * task, so a host sees what a play's task sees (inventory and its group_vars/host_vars, those beside
 * the current directory, extra vars, magic vars such as inventory_hostname and hostvars), without
 * play vars.
 */
async function adhocVarSources(options: AdhocOptions, hosts: string[], cwd: string): Promise<VarSources> {
  const warn = (message: string) => options.onEvent({ type: 'warning', message });
  return {
    inventory: options.inventory,
    states: new HostStates(),
    templar: createTemplar({ baseDir: cwd }),
    extraVars: options.extraVars ?? {},
    playVars: {},
    varsFiles: {},
    playbookVarsDir: await loadVarsDir(cwd, options.inventory.groups.keys(), hosts, warn),
    playHosts: () => hosts,
    magic: {
      playbook_dir: cwd,
      ansible_check_mode: !!options.checkMode,
      ansible_diff_mode: false,
      ansible_play_name: 'Ansible Ad-Hoc',
      ansible_play_hosts_all: hosts,
      ...VERSION_VARS,
    },
  };
}

/**
 * `fleet run PATTERN -m MODULE -a ARGS`: one module on every matched host, hosts in parallel up to
 * `forks`. The argument string is split once before any host is contacted; each host's arguments
 * are then templated with that host's variables and validated, and a host whose arguments do not
 * template (an undefined variable) or validate fails alone, as under `ansible`.
 */
export async function runAdhoc(options: AdhocOptions): Promise<AdhocSummary> {
  const started = Date.now();
  const module = getModule(options.module);
  const rawParams = parseArgString(module, options.args);
  if (module.freeForm && module.params[module.freeForm]?.required && !rawParams[module.freeForm]) {
    throw new FleetError('MODULE_ARGS', `module ${module.name} needs arguments`, { hint: `pass them with -a, e.g. -a 'uptime'` });
  }
  const { hosts, unmatched } = selectHosts(options.inventory, options.pattern, options.limit ?? [], { cwd: options.cwd });
  for (const part of unmatched) options.onEvent({ type: 'warning', message: `Could not match supplied host pattern, ignoring: ${part}` });
  // As ansible: an inventory without hosts was warned about when loaded, and is not warned about again.
  if (hosts.length === 0 && options.inventory.hosts.size > 0) options.onEvent({ type: 'warning', message: 'No hosts matched, nothing to do' });
  const cwd = options.cwd ?? process.cwd();
  const sources = await adhocVarSources(options, hosts, cwd);
  const searchPaths = [join(cwd, 'files'), join(cwd, 'templates'), cwd];
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
            const vars = taskVars(sources, host, { scoped: [] });
            const templated = sources.templar.template(rawParams, vars) as Record<string, unknown>;
            const params = validateParams(module.name, module.params, templated, module);
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
              vars,
              evaluate: (expression: string) => sources.templar.evaluate(expression, vars),
              searchPaths,
            });
          } catch (error) {
            result = resultOfError(error);
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
