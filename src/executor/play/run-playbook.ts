import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import pLimit from 'p-limit';
import { FleetError } from '../../errors.js';
import { parseYamlValue } from '../../util/ansible-yaml.js';
import type { Inventory, Vars } from '../../inventory/model.js';
import { loadVarsDir, selectHosts } from '../../inventory/index.js';
import { findModule } from '../../modules/index.js';
import type { Node, Play, Playbook, TaskNode } from '../../playbook/model.js';
import { createTemplar, type Templar } from '../../template/index.js';
import type { ConnectionOverrides } from '../connection-spec.js';
import { ConnectionPool } from '../connections.js';
import type { EventSink, HostStats, TaskRef } from '../events.js';
import { HostStates } from './host-state.js';
import type { Runtime, StepAnswer } from './runtime.js';
import type { Scope } from './scope.js';
import type { TagFilter } from './runtime.js';
import { playRoleVars } from './play-roles.js';
import { truthy } from './task-runner.js';
import { runHandlers, runNodes } from './walker.js';
import { promptedVars, type Prompter } from './vars-prompt.js';
import { VERSION_VARS } from './vars.js';

export interface PlaybookOptions {
  playbooks: Playbook[];
  inventory: Inventory;
  limit?: string[];
  extraVars?: Vars;
  forks: number;
  connection: ConnectionOverrides;
  checkMode?: boolean;
  diffMode?: boolean;
  tags?: TagFilter;
  /**
   * Ansible's `gathering`: implicit gathers unless a play says `gather_facts: false`; explicit only
   * when a play says `gather_facts: true`; smart as implicit, but only on hosts with no facts yet.
   */
  gathering?: 'implicit' | 'explicit' | 'smart';
  startAtTask?: string;
  /** --force-handlers: the default of the play keyword force_handlers. */
  forceHandlers?: boolean;
  /** Task files and roles included at run time refuse every task's own problem (`--strict`). */
  strict?: boolean;
  /** The run's -v count (debug's `verbosity:` above it makes the task skipped). */
  verbosity?: number;
  step?: (task: TaskRef) => Promise<StepAnswer>;
  /** Asks vars_prompt questions; leave it out when there is no terminal (defaults are used). */
  prompt?: Prompter;
  onEvent: EventSink;
  signal?: AbortSignal;
  cwd?: string;
}

export interface PlaybookSummary {
  stats: Record<string, HostStats>;
  elapsedMs: number;
  interrupted: boolean;
  /** Hosts that failed or were unreachable, for a retry file. */
  failedHosts: string[];
}

function orderHosts(hosts: string[], order: Play['order']): string[] {
  switch (order) {
    case 'reverse_inventory':
      return [...hosts].reverse();
    case 'sorted':
      return [...hosts].sort();
    case 'reverse_sorted':
      return [...hosts].sort().reverse();
    case 'shuffle':
      return [...hosts].map((h) => [Math.random(), h] as const).sort((a, b) => a[0] - b[0]).map(([, h]) => h);
    default:
      return hosts;
  }
}

/** serial: numbers, percentages, or a list of them (the last repeats), as Ansible batches hosts. */
export function batches(hosts: string[], serial: (number | string)[] | undefined): string[][] {
  if (!serial || !serial.length) return [hosts];
  const sizes = serial.map((s) => {
    const text = String(s).trim();
    const n = text.endsWith('%') ? Math.floor((hosts.length * Number(text.slice(0, -1))) / 100) : Number(text);
    if (!Number.isFinite(n)) throw new FleetError('PLAY', `serial must be a number or a percentage, got ${JSON.stringify(s)}`);
    return Math.max(1, n || hosts.length);
  });
  const out: string[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const size = sizes[Math.min(k++, sizes.length - 1)]!;
    out.push(hosts.slice(i, i + size));
    i += size;
  }
  return out;
}

async function loadVarsFiles(play: Play, templar: Templar, base: Vars): Promise<Vars> {
  const out: Vars = {};
  for (const entry of play.vars_files) {
    const candidates = (Array.isArray(entry) ? entry : [entry]).map((p) => String(templar.template(p, { ...base, ...out })));
    let loaded = false;
    const tried: string[] = [];
    for (const candidate of candidates) {
      const path = isAbsolute(candidate) ? candidate : join(play.dir, candidate);
      tried.push(path);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch {
        continue;
      }
      let data: unknown;
      try {
        data = parseYamlValue(text);
      } catch (e) {
        throw new FleetError('VARS_FILE', `vars file ${path} is not valid YAML: ${(e as Error).message}`, { file: path });
      }
      if (data !== null && (typeof data !== 'object' || Array.isArray(data))) throw new FleetError('VARS_FILE', `vars file ${path} must hold a mapping`, { file: path });
      Object.assign(out, data ?? {});
      loaded = true;
      break;
    }
    if (!loaded) throw new FleetError('VARS_FILE', `vars_files: could not find ${tried.join(' or ')}`, { file: play.pos.file, line: play.pos.line, hint: 'check the path; relative paths are from the playbook directory' });
  }
  return out;
}

function gatherFactsTask(play: Play): TaskNode {
  return { kind: 'task', pos: play.pos, name: 'Gathering Facts', module: 'setup', moduleAs: 'setup', args: {} };
}

function gatherWanted(play: Play, gathering: NonNullable<PlaybookOptions['gathering']>, templar: Templar, extraVars: Vars): boolean {
  const wanted = truthy(templar.template(play.gather_facts, extraVars));
  return gathering === 'explicit' ? wanted && !!play.gather_facts_set : wanted;
}

async function runSection(rt: Runtime, nodes: readonly Node[], scope: Scope): Promise<void> {
  if (!nodes.length) return;
  if (rt.play.strategy === 'free') {
    const limit = pLimit(Math.max(1, rt.forks));
    await Promise.all(rt.batch.map((h) => limit(() => runNodes(rt, nodes, [h], scope))));
  } else {
    await runNodes(rt, nodes, rt.batch, scope);
  }
  await runHandlers(rt, rt.batch, { force: rt.forceHandlers });
}

/**
 * Run plays in order. Everything was loaded and validated before this is called; per-host problems
 * become that host's failures and every other host goes on.
 */
export async function runPlaybook(options: PlaybookOptions): Promise<PlaybookSummary> {
  const started = Date.now();
  const states = new HostStates();
  const pool = new ConnectionPool();
  const extraVars = options.extraVars ?? {};
  const tags = options.tags ?? { only: [], skip: [] };
  let startAt = options.startAtTask;
  let stepContinue = false;
  try {
    for (const playbook of options.playbooks) {
      options.onEvent({ type: 'playbook_start', file: playbook.file, checkMode: !!options.checkMode, at: Date.now() });
      for (const play of playbook.plays) {
        if (options.signal?.aborted) break;
        const templar = createTemplar({ baseDir: play.dir });
        const pattern = String(templar.template(play.hosts, extraVars));
        const { hosts: matched, unmatched } = selectHosts(options.inventory, pattern, options.limit ?? [], options.cwd ? { cwd: options.cwd } : {});
        for (const part of unmatched) options.onEvent({ type: 'warning', message: `Could not match supplied host pattern, ignoring: ${part}` });
        const hosts = orderHosts(matched, play.order).filter((h) => !states.get(h).failed && !states.get(h).unreachable);
        if (!hosts.length) {
          options.onEvent({ type: 'play_start', name: play.name, hosts: [], at: Date.now() });
          options.onEvent({ type: 'no_hosts', play: play.name, at: Date.now() });
          continue;
        }
        const prompted = await promptedVars(play, extraVars, options.prompt, (message) => options.onEvent({ type: 'warning', message }));
        const playVars = { ...((play.vars ?? {}) as Vars), ...prompted };
        const varsFiles = await loadVarsFiles(play, templar, { ...playVars, ...extraVars });
        const playbookVarsDir = await loadVarsDir(play.dir, options.inventory.groups.keys(), hosts, (m) => options.onEvent({ type: 'warning', message: m }));
        for (const h of hosts) states.get(h).ended = false;
        const rt: Runtime = {
          inventory: options.inventory,
          states,
          pool,
          templar,
          connection: options.connection,
          extraVars,
          forks: options.forks,
          checkMode: !!options.checkMode,
          diffMode: !!options.diffMode,
          tags,
          emit: options.onEvent,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(startAt ? { startAt } : {}),
          strict: !!options.strict,
          forceHandlers: play.force_handlers === undefined ? !!options.forceHandlers : truthy(templar.template(play.force_handlers, { ...playVars, ...extraVars })),
          verbosity: options.verbosity ?? 0,
          ...(options.step ? { step: options.step } : {}),
          stepContinue,
          play,
          handlers: [...play.handlers],
          batch: [],
          playEnded: false,
          announced: new Set(),
          shownNames: new Map(),
          vars: {
            inventory: options.inventory,
            states,
            templar,
            extraVars,
            playVars,
            varsFiles,
            playRoles: playRoleVars(play),
            playbookVarsDir,
            playHosts: () => rt.batch.filter((h) => states.get(h).active),
            magic: {
              playbook_dir: play.dir,
              ansible_check_mode: !!options.checkMode,
              ansible_diff_mode: !!options.diffMode,
              ansible_play_name: play.name,
              ansible_play_hosts_all: hosts,
              ...VERSION_VARS,
            },
          },
        };
        const scope: Scope = { frames: [play], rescuable: false };
        for (const batch of batches(hosts, play.serial)) {
          if (options.signal?.aborted || rt.playEnded) break;
          rt.batch = batch.filter((h) => states.get(h).active);
          if (!rt.batch.length) continue;
          options.onEvent({ type: 'play_start', name: play.name, hosts: rt.batch, at: Date.now() });
          if (gatherWanted(play, options.gathering ?? 'implicit', templar, extraVars) && findModule('setup')) {
            if (options.gathering === 'smart') {
              const all = rt.batch;
              rt.batch = all.filter((h) => !Object.keys(states.get(h).facts).length);
              await runSection(rt, rt.batch.length ? [gatherFactsTask(play)] : [], scope);
              rt.batch = all;
            } else {
              await runSection(rt, [gatherFactsTask(play)], scope);
            }
          }
          await runSection(rt, play.pre_tasks, scope);
          await runSection(rt, [...play.roles, ...play.tasks], scope);
          await runSection(rt, play.post_tasks, scope);
          if (rt.batch.every((h) => !states.get(h).active && !states.get(h).ended)) {
            rt.playbookStopped = true;
            break;
          }
        }
        startAt = rt.startAt;
        stepContinue = !!rt.stepContinue;
        options.onEvent({ type: 'play_end', name: play.name, at: Date.now() });
        if (rt.playbookStopped) break;
      }
    }
  } finally {
    await pool.closeAll();
  }
  if (startAt !== undefined && !options.signal?.aborted) {
    options.onEvent({ type: 'error', message: `No matching task "${startAt}" found. Note: --start-at-task can only follow static includes.` });
  }
  const stats = states.stats();
  const elapsedMs = Date.now() - started;
  const interrupted = !!options.signal?.aborted;
  options.onEvent({ type: 'run_end', stats, at: Date.now(), elapsedMs, interrupted });
  const failedHosts = states.all().filter((s) => s.stats.failed > 0 || s.stats.unreachable > 0).map((s) => s.name);
  return { stats, elapsedMs, interrupted, failedHosts };
}
