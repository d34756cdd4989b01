import { basename } from 'node:path';
import type { FleetEvent, HostStatus, TaskRef } from '../executor/events.js';
import { diffsOf, type FileDiff, type ModuleResult } from '../modules/types.js';
import { bannerLine, COLOR, outputWidth, pyJson, stringc, type AnsibleColor } from './ansible-format.js';
import { formatDiffs } from './diff.js';
import { formatRecap } from './recap.js';
import { yamlResult } from './yaml-results.js';

export interface PlayTextReporterOptions {
  write: (text: string) => void;
  writeErr: (text: string) => void;
  color: boolean;
  /** Number of -v given. */
  verbosity: number;
  /** --diff: show the before/after of changed results (events that carry `diff` are shown regardless). */
  diff: boolean;
  /** --check; only shown when `checkModeMarkers` is set (the run's playbook_start also says so). */
  checkMode?: boolean;
  /** Ansible's `check_mode_markers`: `[CHECK MODE]` after PLAY/TASK banners and DRY RUN banners. Off, as in Ansible. */
  checkModeMarkers?: boolean;
  /** Ansible's `display_skipped_hosts`: print `skipping:` lines (default true). */
  showSkipped?: boolean;
  /** Banner width; `COLUMNS` from the environment, else 80. */
  width?: number;
  /** Clock, for the total time when run_end carries none. */
  now?: () => number;
  /** How results after `=> ` are written: JSON (the default callback) or YAML (stdout_callback = yaml). */
  results?: 'json' | 'yaml';
}

const DEBUG_MODULES = new Set(['debug', 'ansible.builtin.debug', 'ansible.legacy.debug']);
/** Keys debug keeps beside `msg` (Ansible's _DEBUG_ALLOWED_KEYS); the others are handled apart. */
const DEBUG_HIDDEN = ['changed', 'failed', 'skipped', 'invocation'];

/** `role : name`, or the module when the task has no name, as Ansible's Task.get_name(). */
export function taskDisplayName(task: TaskRef): string {
  const name = (task.name ?? '').trim() || task.module;
  return task.role ? `${task.role} : ${name}` : name;
}

function taskKey(task: TaskRef): string {
  return JSON.stringify([task.handler ?? false, task.role ?? '', task.name, task.module, task.path ?? '']);
}

function isDebug(task: TaskRef): boolean {
  return DEBUG_MODULES.has(task.module);
}

function flag(result: ModuleResult, name: string): boolean {
  return !!(result[`_fleet_${name}`] ?? result[`_ansible_${name}`]);
}

/**
 * Prints the executor's events for `fleet play` as ansible-playbook's default stdout callback does:
 * PLAY/TASK banners, one status line per host (and per loop item), retries, `...ignoring`, diffs
 * with --diff, warnings on stderr, and the PLAY RECAP, followed by fleet's one-line summary.
 */
export function playTextReporter(options: PlayTextReporterOptions): (event: FleetEvent) => void {
  const verbosity = options.verbosity;
  const color = options.color;
  const showSkipped = options.showSkipped ?? true;
  const width = options.width ?? outputWidth();
  const markers = options.checkModeMarkers ?? false;
  let checkMode = options.checkMode ?? false;

  let playOpen = false;
  let bannerKey: string | undefined;
  let tasks = 0;
  let startedAt: number | undefined;
  /** host -> key of the task whose loop items it has reported (its host_result line is then left out). */
  const itemHosts = new Map<string, string>();
  const warned = new Set<string>();

  const out = (text: string, tone?: AnsibleColor) => options.write((tone ? stringc(text, tone, color) : text) + '\n');
  const err = (text: string, tone?: AnsibleColor) => options.writeErr((tone ? stringc(text, tone, color) : text) + '\n');
  const banner = (msg: string) => out('\n' + bannerLine(msg, width));
  const checkMsg = () => (checkMode && markers ? ' [CHECK MODE]' : '');

  const warn = (message: string, prefix = '[WARNING]', tone: AnsibleColor = COLOR.warn) => {
    const text = `${prefix}: ${message}`;
    if (warned.has(text)) return;
    warned.add(text);
    err(text, tone);
  };

  const printTaskBanner = (task: TaskRef) => {
    bannerKey = taskKey(task);
    banner(`${task.handler ? 'RUNNING HANDLER' : 'TASK'} [${taskDisplayName(task)}]${checkMsg()}`);
    if (verbosity >= 2 && task.path) out(`task path: ${task.path}`, COLOR.debug);
  };
  const ensureBanner = (task: TaskRef) => {
    if (bannerKey !== taskKey(task)) printTaskBanner(task);
  };

  /** Ansible's _handle_warnings and _handle_exception: what a result carries besides its data. */
  const handleExtras = (result: ModuleResult) => {
    if (Array.isArray(result.warnings)) for (const w of result.warnings) warn(String(w));
    if (Array.isArray(result.deprecations)) {
      for (const d of result.deprecations) {
        warn(deprecationMessage(d), '[DEPRECATION WARNING]', COLOR.deprecate);
      }
    }
    if (typeof result.exception === 'string' && result.exception.trim()) {
      const msg =
        verbosity < 3
          ? `An exception occurred during task execution. To see the full traceback, use -vvv. The error was: ${result.exception.trim().split('\n').pop()}`
          : `The full traceback is:\n${result.exception}`;
      out(msg, COLOR.error);
    }
  };

  /**
   * debug's own results always show (its action sets _ansible_verbose_always); a failure raised
   * around it, or a no_log-censored result, does not carry the flag and shows as any other.
   */
  const verboseAlways = (result: ModuleResult, task: TaskRef) =>
    (isDebug(task) && !result.failed && !result.unreachable && !result.skipped && !('censored' in result)) || flag(result, 'verbose_always');
  const isVerbose = (result: ModuleResult, task: TaskRef, level = 0) =>
    (verbosity > level || verboseAlways(result, task)) && !flag(result, 'verbose_override');

  /** The result as Ansible's _dump_results shows it, after clean_copy and _clean_results. */
  const dump = (result: ModuleResult, task: TaskRef): string => {
    const shown: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(result)) {
      if (k === 'failed' || k === 'skipped' || k === 'exception' || k === 'warnings' || k === 'deprecations') continue;
      if ((k === 'invocation' || k === 'diff') && verbosity < 3) continue;
      shown[k] = v;
    }
    if (isDebug(task)) {
      if ('msg' in shown) {
        for (const k of Object.keys(shown)) if (k !== 'msg') delete shown[k];
      } else {
        for (const k of DEBUG_HIDDEN) delete shown[k];
      }
    }
    if (options.results === 'yaml') return yamlResult(shown);
    return pyJson(shown, verboseAlways(result, task) || verbosity > 2 ? 4 : undefined);
  };

  /** debug's `verbosity:` (handed over as `_fleet_verbosity`) not reached: shown as a skip. */
  const belowThreshold = (result: ModuleResult) => typeof result._fleet_verbosity === 'number' && verbosity < result._fleet_verbosity;
  const thresholdSkip = (host: string, task: TaskRef, label?: string) => {
    if (!showSkipped) return;
    ensureBanner(task);
    let msg = label === undefined ? `skipping: [${host}]` : `skipping: [${host}] => (item=${label}) `;
    if (verbosity > 0) msg += ` => ${pyJson({ changed: false, skipped_reason: 'Verbosity threshold not met.' })}`;
    out(msg, COLOR.skip);
  };

  const showDiff = (status: HostStatus, result: ModuleResult, diff: FileDiff[] | undefined, task: TaskRef) => {
    if (status !== 'changed') return;
    // The event's diff is there when diff mode applied to the task (--diff or its `diff:` keyword);
    // a diff left in the result itself is only shown with --diff.
    const text = formatDiffs(diff ?? (options.diff ? diffsOf(result.diff) : undefined), { color });
    if (!text) return;
    ensureBanner(task);
    options.write(text);
  };

  const skipLine = (host: string, result: ModuleResult, task: TaskRef, label?: string) => {
    if (!showSkipped) return;
    ensureBanner(task);
    let msg = label === undefined ? `skipping: [${host}]` : `skipping: [${host}] => (item=${label}) `;
    if (isVerbose(result, task)) msg += ` => ${dump(result, task)}`;
    out(msg, COLOR.skip);
  };

  const onItem = (event: Extract<FleetEvent, { type: 'item_result' }>) => {
    const { host, task, label, result } = event;
    itemHosts.set(host, taskKey(task));
    if (event.status === 'skipped') return skipLine(host, result, task, label);
    if (event.status === 'failed' || event.status === 'unreachable') {
      ensureBanner(task);
      handleExtras(result);
      out(`failed: [${host}] (item=${label}) => ${dump(result, task)}`, COLOR.error);
      return;
    }
    if (belowThreshold(result)) return thresholdSkip(host, task, label);
    ensureBanner(task);
    showDiff(event.status, result, event.diff, task);
    handleExtras(result);
    let msg = `${event.status === 'changed' ? 'changed' : 'ok'}: [${host}] => (item=${label})`;
    if (isVerbose(result, task)) msg += ` => ${dump(result, task)}`;
    out(msg, event.status === 'changed' ? COLOR.changed : COLOR.ok);
  };

  const onHost = (event: Extract<FleetEvent, { type: 'host_result' }>) => {
    const { host, task } = event;
    const hadItems = itemHosts.get(host) === taskKey(task);
    if (hadItems) itemHosts.delete(host);
    // The items were shown one by one; like Ansible's _process_items, leave them out of the summary.
    const result = hadItems && 'results' in event.result ? withoutKey(event.result, 'results') : event.result;
    const label = event.delegatedTo && event.delegatedTo !== host ? `${host} -> ${event.delegatedTo}` : host;
    switch (event.status) {
      case 'skipped':
        skipLine(host, result, task);
        return;
      case 'unreachable':
        ensureBanner(task);
        handleExtras(result);
        out(`fatal: [${label}]: UNREACHABLE! => ${dump(result, task)}`, COLOR.unreachable);
        if (event.ignored) out('...ignoring', COLOR.skip);
        return;
      case 'failed':
        ensureBanner(task);
        handleExtras(result);
        if (!hadItems) out(`fatal: [${label}]: FAILED! => ${dump(result, task)}`, COLOR.error);
        if (event.ignored) out('...ignoring', COLOR.skip);
        return;
      case 'ok':
      case 'changed': {
        if (task.module === 'include_tasks' && typeof result.include === 'string') {
          // Ansible's line for a dynamic include: the file, for the host.
          ensureBanner(task);
          out(`included: ${result.include} for ${host}`, COLOR.skip);
          return;
        }
        if (belowThreshold(result)) {
          thresholdSkip(host, task);
          return;
        }
        ensureBanner(task);
        if (hadItems) {
          handleExtras(result);
          return;
        }
        showDiff(event.status, result, event.diff, task);
        handleExtras(result);
        let msg = `${event.status}: [${label}]`;
        if (isVerbose(result, task)) msg += ` => ${dump(result, task)}`;
        out(msg, event.status === 'changed' ? COLOR.changed : COLOR.ok);
        return;
      }
    }
  };

  return (event) => {
    switch (event.type) {
      case 'playbook_start':
        checkMode ||= event.checkMode;
        startedAt = event.at;
        if (verbosity > 1) banner(`PLAYBOOK: ${basename(event.file)}`);
        if (checkMode && markers) banner('DRY RUN');
        break;
      case 'play_start':
        playOpen = true;
        bannerKey = undefined;
        banner(`${event.name.trim() ? `PLAY [${event.name.trim()}]` : 'PLAY'}${checkMsg()}`);
        break;
      case 'no_hosts':
        if (!playOpen) banner(`${event.play.trim() ? `PLAY [${event.play.trim()}]` : 'PLAY'}${checkMsg()}`);
        out('skipping: no hosts matched', COLOR.skip);
        break;
      case 'play_end':
        playOpen = false;
        break;
      case 'task_start':
        tasks++;
        itemHosts.clear();
        bannerKey = undefined;
        // With skipped hosts hidden, a task's banner waits for its first shown result, as in Ansible.
        if (showSkipped) printTaskBanner(event.task);
        break;
      case 'item_result':
        onItem(event);
        break;
      case 'task_retry': {
        // The executor hands over the retries still left after this attempt (Ansible's retries - attempts).
        const left = Math.max(0, event.retries);
        ensureBanner(event.task);
        let msg = `FAILED - RETRYING: [${event.host}]: ${taskDisplayName(event.task)} (${left} retries left).`;
        if (isVerbose(event.result, event.task, 2)) msg += `Result was: ${dump(event.result, event.task)}`;
        out(msg, COLOR.debug);
        break;
      }
      case 'host_result':
        onHost(event);
        break;
      case 'warning':
        warn(event.message);
        break;
      case 'error':
        warn(event.message, ' [ERROR]', COLOR.error);
        break;
      case 'run_end': {
        options.write(formatRecap(event.stats, { color, width }));
        if (checkMode && markers) banner('DRY RUN');
        const ms = Number.isFinite(event.elapsedMs) ? event.elapsedMs : options.now && startedAt !== undefined ? options.now() - startedAt : 0;
        const hosts = Object.keys(event.stats).length;
        out(`fleet: ${tasks} task(s) on ${hosts} host(s) in ${(ms / 1000).toFixed(2)}s${event.interrupted ? ' (interrupted)' : ''}`);
        if (event.interrupted) err('[WARNING]: interrupted: tasks and hosts not yet started were skipped', COLOR.warn);
        break;
      }
      case 'run_start':
        break;
    }
  };
}

/**
 * What follows `[DEPRECATION WARNING]: ` for a deprecation a result carries, as Ansible's
 * Display.get_deprecation_message builds it (not wrapped to the terminal, as fleet's warnings).
 */
export function deprecationMessage(d: unknown): string {
  const o: Record<string, unknown> = typeof d === 'object' && d !== null ? (d as Record<string, unknown>) : { msg: d };
  let msg = String(o.msg ?? '').trim();
  if (msg && !['!', '?', '.'].includes(msg.slice(-1))) msg += '.';
  const collection = o.collection_name === 'ansible.builtin' ? 'ansible-core' : o.collection_name;
  const when = o.date ? `in a release after ${String(o.date)}.` : o.version ? `in version ${String(o.version)}.` : 'in a future release.';
  const rest = ['This feature will be removed', collection ? `from ${String(collection)}` : '', when, 'Deprecation warnings can be disabled by setting deprecation_warnings=False in ansible.cfg.'];
  return [msg, ...rest.filter(Boolean)].join(' ');
}

function withoutKey(result: ModuleResult, key: string): ModuleResult {
  const copy = { ...result };
  delete copy[key];
  return copy;
}
