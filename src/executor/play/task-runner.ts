import { FleetError } from '../../errors.js';
import type { Vars } from '../../inventory/model.js';
import { diffsOf, type ModuleResult, type Predicted } from '../../modules/types.js';
import type { TaskNode } from '../../playbook/model.js';
import { OMIT, TemplateError, markUnsafe } from '../../template/index.js';
import { TaskModuleError, taskModule } from './task-module.js';
import { resultOfError } from '../failure-result.js';
import { HandlerNotFoundError, handlerNames } from './handler-names.js';
import { statusOf, type HostStatus, type TaskRef } from '../events.js';
import { runModule } from '../run-module.js';
import { addHost, addToGroup } from './inventory-changes.js';
import { ansibleLoop, loopItems } from './loop-items.js';
import type { HostState } from './host-state.js';
import type { Runtime } from './runtime.js';
import { allWhen, keyword, mergedEnvironment, scopedVars, type Scope } from './scope.js';
import { taskVars, type TaskLayers } from './vars.js';
import type { Connection } from '../../transport/connection.js';
import { runAsync } from './async-job.js';
import { moduleDefaultsFor } from './module-defaults.js';
import { taskConnection, type TaskConnection } from './task-connection.js';
import { secondsKeyword, timedOut, withTimeout } from './task-timeout.js';
import { truthy } from './truthy.js';
import { sleep } from '../../util/sleep.js';

export { truthy };

export interface TaskOutcome {
  status: HostStatus;
  result: ModuleResult;
  ignored: boolean;
  /** ignore_unreachable held for this host: an unreachable result counts as skipped. */
  unreachableIgnored?: boolean;
  delegatedTo?: string;
  /** Diff mode applied to the task: its diff is shown (a module may return one regardless). */
  showDiff?: boolean;
}

const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

export function taskRef(task: TaskNode, scope: Scope, shownName?: string): TaskRef {
  const role = task.role ?? scope.role;
  return {
    name: shownName ?? task.name ?? task.moduleAs,
    module: task.module,
    path: `${task.pos.file}:${task.pos.line}`,
    ...(scope.handler ? { handler: true } : {}),
    ...(role ? { role: role.name } : {}),
  };
}

function environmentFor(rt: Runtime, scope: Scope, task: TaskNode, vars: Vars): Record<string, string> | undefined {
  const frames = mergedEnvironment(scope, task);
  if (!frames.length) return undefined;
  const env: Record<string, string> = {};
  for (const frame of frames) {
    const value = rt.templar.template(frame, vars);
    if (!value || typeof value !== 'object') throw new FleetError('ENVIRONMENT', 'environment must be a mapping of names to values');
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== OMIT) env[k] = v === null || v === undefined ? '' : String(v);
  }
  return env;
}

/** Vars with the task's result visible as Ansible shows it to changed_when/failed_when/until. */
function withResult(rt: Runtime, host: string, layers: TaskLayers, task: TaskNode, result: ModuleResult): Vars {
  const extra: Vars = { ...result, ...(task.register ? { [task.register]: result } : {}) };
  return taskVars(rt.vars, host, { ...layers, loop: { ...(layers.loop ?? {}), ...extra } });
}

/** Modules that are action plugins in Ansible without async support: async on them fails the task. */
const NOT_ASYNC = new Set(['add_host', 'assemble', 'assert', 'async_status', 'copy', 'debug', 'fail', 'fetch', 'group_by', 'include_vars', 'pause', 'raw', 'script', 'set_fact', 'set_stats', 'template', 'unarchive', 'wait_for_connection']);

/**
 * changed_when and failed_when, as Ansible: changed_when applies to a failed result too; a condition
 * that cannot be evaluated fails the task, its error in <changed|failed>_when_result, the rest kept.
 */
function judge(rt: Runtime, task: TaskNode, host: string, layers: TaskLayers, result: ModuleResult): void {
  let judging: 'changed' | 'failed' = 'changed';
  try {
    if (task.changed_when) result.changed = rt.templar.conditional(task.changed_when, withResult(rt, host, layers, task, result));
    judging = 'failed';
    if (task.failed_when) {
      const failed = rt.templar.conditional(task.failed_when, withResult(rt, host, layers, task, result));
      result.failed = failed;
      result.failed_when_result = failed;
    }
  } catch (error) {
    result.failed = true;
    result[`${judging}_when_result`] = error instanceof Error ? error.message : String(error);
  }
}

/**
 * add_host and group_by change the in-memory inventory as soon as their result is in; `changed`
 * says whether it did, then changed_when/failed_when judge that result again (Ansible's strategy).
 */
function changeInventory(rt: Runtime, task: TaskNode, host: string, layers: TaskLayers, result: ModuleResult): void {
  if (result.failed || result.skipped) return;
  const added = result.add_host as { host_name?: string; groups?: string[]; host_vars?: Vars } | undefined;
  let changed: boolean;
  if (added?.host_name) changed = addHost(rt.inventory, added.host_name, added.groups ?? [], added.host_vars ?? {});
  else if (typeof result.add_group === 'string') changed = addToGroup(rt.inventory, result.add_group, host, (result.parent_groups as string[] | undefined) ?? ['all']);
  else return;
  result.changed = changed;
  judge(rt, task, host, layers, result);
}

/** One module run on one host, with delegate_to, become, until/retries and changed_when/failed_when. */
async function attempt(rt: Runtime, task: TaskNode, host: string, scope: Scope, layers: TaskLayers, vars: Vars): Promise<{ result: ModuleResult; delegatedTo?: string; showDiff: boolean }> {
  let tc: TaskConnection, timeout: number | undefined, asyncSeconds: number | undefined, poll: number | undefined;
  try {
    // A connection, become or timing keyword this host cannot honour fails the task here (ignore_errors, rescue apply).
    tc = taskConnection(rt, task, host, scope, vars);
    timeout = secondsKeyword(rt, keyword(scope, task, 'timeout'), vars);
    asyncSeconds = secondsKeyword(rt, task.async, vars, 'async');
    poll = secondsKeyword(rt, task.poll, vars, 'poll');
  } catch (error) {
    return { result: resultOfError(error), showDiff: false };
  }
  const { target, become, becomeUser, becomeMethod } = tc;
  // As Ansible's play context fills it in for the task: how the host is reached, unless a variable says.
  if (!('ansible_connection' in vars)) vars = overlayVars(vars, { ansible_connection: tc.spec.kind });
  const checkKeyword = keyword(scope, task, 'check_mode');
  const checkMode = checkKeyword !== undefined ? truthy(rt.templar.template(checkKeyword, vars)) : rt.checkMode;
  const diffKeyword = keyword(scope, task, 'diff');
  const diffMode = diffKeyword !== undefined ? truthy(rt.templar.template(diffKeyword, vars)) : rt.diffMode;
  const env = environmentFor(rt, scope, task, vars);
  const searchPaths = [
    ...(layers.role ? [`${layers.role.path}/files`, `${layers.role.path}/templates`, `${layers.role.path}/vars`, layers.role.path] : []),
    `${rt.play.dir}/files`,
    `${rt.play.dir}/templates`,
    `${rt.play.dir}/vars`,
    rt.play.dir,
  ];

  // Ansible's count: retries N (3 when not given) makes N+1 attempts, 0 or less makes one.
  const asked = task.until ? Number(rt.templar.template(task.retries ?? 3, vars)) : 0;
  const attempts = !task.until || asked <= 0 ? 1 : asked + 1;
  const delay = Number(rt.templar.template(task.delay ?? 5, vars));
  let result: ModuleResult = { changed: false };
  const run = ({ module, params }: ReturnType<typeof taskModule>, connection: Connection, deadline?: number): Promise<ModuleResult> =>
    runModule({
      module,
      params,
      connection,
      host: target,
      become,
      ...(becomeUser ? { becomeUser } : {}),
      ...(becomeMethod ? { becomeMethod } : {}),
      ...(deadline !== undefined ? { deadline } : {}),
      checkMode,
      diffMode,
      ...(env ? { env } : {}),
      vars,
      evaluate: (expression: string) => rt.templar.evaluate(expression, vars),
      searchPaths,
      predicted: { ...rt.states.get(target).predicted, remember: (p: Predicted) => rt.states.get(target).remember(p) },
      renderTemplate: (text, o) => rt.templar.renderText(text, o.extraVars ? overlayVars(vars, o.extraVars) : vars, o),
    });
  let keepDiff = false;
  for (let n = 1; n <= attempts; n++) {
    try {
      // Inside the retry loop: a task that cannot run its module fails like a module that failed,
      // so failed_when, until, ignore_errors and rescue see it as Ansible's do.
      const resolved = taskModule(task, rt.templar, vars, (name) => moduleDefaultsFor(scope, task, name));
      keepDiff = !!resolved.module.diffAlways;
      if (asyncSeconds && NOT_ASYNC.has(resolved.module.name)) throw new TaskModuleError('async is not supported for this task.');
      if (asyncSeconds && !checkMode) result = await runAsync(rt, tc, { seconds: asyncSeconds, poll: poll ?? 10 }, (c, deadline) => run(resolved, c, deadline), resultOfError);
      else if (timeout) result = await withTimeout(run(resolved, rt.pool.get(tc.spec), Date.now() + timeout * 1000), timeout, task.moduleAs);
      else result = await run(resolved, rt.pool.get(tc.spec));
    } catch (error) {
      result = resultOfError(error);
    }
    if (result.unreachable || timedOut(result)) break;
    if (typeof result._fleet_verbosity === 'number' && rt.verbosity < result._fleet_verbosity) {
      // debug's verbosity above the run's: Ansible counts the task as skipped.
      result = { changed: false, skipped: true, skipped_reason: 'Verbosity threshold not met.', _fleet_verbosity: result._fleet_verbosity };
    }
    // As Ansible: a result says whether it failed (a non-zero rc counts), and a skipped one is not judged.
    if (!('failed' in result)) result.failed = typeof result.rc === 'number' && result.rc !== 0;
    for (const stream of ['stdout', 'stderr'] as const) {
      const text = result[stream];
      if (typeof text === 'string' && !(`${stream}_lines` in result)) result[`${stream}_lines`] = text === '' ? [] : text.split(/\r?\n/);
    }
    if (task.until) result.attempts = n;
    if (result.skipped) break;
    judge(rt, task, host, layers, result);
    changeInventory(rt, task, host, layers, result);
    if (!task.until) break;
    if (rt.templar.conditional(task.until, withResult(rt, host, layers, task, result))) break;
    if (n < attempts) {
      result.retries = attempts;
      rt.emit({ type: 'task_retry', host, task: taskRef(task, scope, rt.shownNames.get(task)), attempt: n, retries: attempts - n, result, at: Date.now() });
      await sleep(delay * 1000, rt.signal);
    } else {
      // Out of attempts: Ansible reports one fewer than were made, and the task failed, unless
      // failed_when judged it (Ansible's TaskResult goes by failed_when_result first).
      result.attempts = attempts - 1;
      result.failed = 'failed_when_result' in result ? !!result.failed_when_result : true;
    }
  }
  // As in Ansible, a result has a diff only where diff mode applied to the task (--diff or `diff:`),
  // unless the module always returns one.
  if (!diffMode && !keepDiff && result.diff !== undefined) delete result.diff;
  return { result, showDiff: diffMode, ...(target !== host ? { delegatedTo: target } : {}) };
}

function censor(result: ModuleResult): ModuleResult {
  return { censored: CENSORED, changed: result.changed, ...(result.failed ? { failed: true } : {}), ...(result.skipped ? { skipped: true } : {}) };
}

function skippedResult(): ModuleResult {
  return { changed: false, skipped: true, skip_reason: 'Conditional result was False' };
}

/**
 * Run one task on one host: `when`, loops (each item with its own `when`), the module, and the
 * result as Ansible reports and registers it. Never throws: a problem is this host's failure.
 */
export async function runTaskOnHost(rt: Runtime, task: TaskNode, host: string, scope: Scope): Promise<TaskOutcome> {
  const ref = taskRef(task, scope, rt.shownNames.get(task));
  const layers: TaskLayers = {
    ...(task.role ?? scope.role ? { role: (task.role ?? scope.role)! } : {}),
    scoped: scopedVars(scope, task),
    ...(scope.includeParams ? { includeParams: scope.includeParams } : {}),
  };
  let result: ModuleResult;
  let delegatedTo: string | undefined;
  let showDiff = false;
  let noLog = false;
  try {
    const vars = taskVars(rt.vars, host, layers);
    const noLogKeyword = keyword(scope, task, 'no_log');
    noLog = noLogKeyword !== undefined && truthy(rt.templar.template(noLogKeyword, vars));
    if (task.loop === undefined) {
      if (!rt.templar.conditional(allWhen(scope, task), vars)) result = skippedResult();
      else ({ result, delegatedTo, showDiff } = await attempt(rt, task, host, scope, layers, vars));
    } else {
      let items: unknown[];
      try {
        items = loopItems(task, rt.templar, vars);
      } catch (error) {
        // As Ansible: a loop over an undefined variable fails only when the task's condition holds.
        if (!(error instanceof TemplateError && error.variable !== undefined) || rt.templar.conditional(allWhen(scope, task), vars)) throw error;
        items = [];
      }
      const control = task.loop_control ?? {};
      const loopVar = control.loop_var ?? 'item';
      const results: ModuleResult[] = [];
      for (let i = 0; i < items.length; i++) {
        if (rt.signal?.aborted) break;
        const item = items[i];
        const loop: Vars = { [loopVar]: item, ansible_loop_var: loopVar, ansible_loop: ansibleLoop(items, i), ...(control.index_var ? { [control.index_var]: i } : {}) };
        const itemLayers = { ...layers, loop };
        const itemVars = taskVars(rt.vars, host, itemLayers);
        let r: ModuleResult;
        try {
          if (!rt.templar.conditional(allWhen(scope, task), itemVars)) r = skippedResult();
          else ({ result: r, delegatedTo, showDiff } = await attempt(rt, task, host, scope, itemLayers, itemVars));
        } catch (error) {
          r = resultOfError(error);
        }
        r = { ...r, [loopVar]: item, ansible_loop_var: loopVar, ...(control.index_var ? { [control.index_var]: i } : {}) };
        const label = control.label !== undefined ? String(rt.templar.template(control.label, itemVars)) : typeof item === 'string' ? item : JSON.stringify(item);
        const shown = noLog ? censor(r) : r;
        rt.emit({ type: 'item_result', host, status: statusOf(r), task: ref, label: noLog ? '(censored due to no_log)' : label, result: shown, ...(showDiff && diffsOf(r.diff) && !noLog ? { diff: diffsOf(r.diff)! } : {}), at: Date.now() });
        results.push(r);
        // As Ansible's loop: the next item sees this item's facts and registered result.
        applyFacts(rt.states.get(host), task, r);
        if (task.register) rt.states.get(host).setFacts[task.register] = markUnsafe(asRegistered(r));
        if (r.unreachable) break;
        if (control.pause) await sleep(Number(rt.templar.template(control.pause, itemVars)) * 1000, rt.signal);
      }
      const anyFailed = results.some((r) => r.failed);
      const allSkipped = results.length === 0 || results.every((r) => r.skipped);
      result = {
        changed: results.some((r) => r.changed),
        results,
        msg: anyFailed ? 'One or more items failed' : allSkipped && results.length === 0 ? 'No items in the list' : 'All items completed',
        ...(anyFailed ? { failed: true } : {}),
        ...(allSkipped ? { skipped: true } : {}),
        ...(results.some((r) => r.unreachable) ? { unreachable: true } : {}),
      };
    }
    const ignoreKeyword = keyword(scope, task, 'ignore_errors');
    const ignore = ignoreKeyword !== undefined && truthy(rt.templar.template(ignoreKeyword, vars));
    const unreachableKeyword = keyword(scope, task, 'ignore_unreachable');
    const unreachableIgnored = !!result.unreachable && unreachableKeyword !== undefined && truthy(rt.templar.template(unreachableKeyword, vars));
    const delegateFacts = keyword(scope, task, 'delegate_facts');
    const factsHost = delegatedTo && delegateFacts !== undefined && truthy(rt.templar.template(delegateFacts, vars)) ? delegatedTo : host;
    applyEffects(rt, task, host, result, vars, factsHost);
    const status = statusOf(result);
    return {
      status,
      result: noLog ? censor(result) : result,
      ignored: status === 'failed' && ignore,
      ...(unreachableIgnored ? { unreachableIgnored } : {}),
      ...(delegatedTo ? { delegatedTo } : {}),
      ...(showDiff ? { showDiff } : {}),
    };
  } catch (error) {
    if (error instanceof HandlerNotFoundError) throw error;
    result = resultOfError(error);
    if (task.register) rt.states.get(host).setFacts[task.register] = markUnsafe(result);
    const status = statusOf(result);
    return { status, result: noLog ? censor(result) : result, ignored: status === 'failed' && ignoresErrors(rt, task, host, scope, layers) };
  }
}

/** The facts one result (or loop item) sets on the host. */
function applyFacts(state: HostState, task: TaskNode, r: ModuleResult): void {
  const facts = r.ansible_facts as Vars | undefined;
  if (!facts || r.failed) return;
  if (task.module === 'set_fact') {
    Object.assign(state.setFacts, facts);
    // cacheable: a fact as well, seen in ansible_facts (and kept when set_fact's layer is not).
    if (r._ansible_facts_cacheable) for (const [k, v] of Object.entries(facts)) state.facts[k.replace(/^ansible_/, '')] = v;
  } else if (task.module === 'include_vars') Object.assign(state.includedVars, facts);
  else for (const [k, v] of Object.entries(facts)) state.facts[k.replace(/^ansible_/, '')] = v;
}

/** ignore_errors for a task that failed before it ran (a loop or an argument that could not be templated). */
function ignoresErrors(rt: Runtime, task: TaskNode, host: string, scope: Scope, layers: TaskLayers): boolean {
  const value = keyword(scope, task, 'ignore_errors');
  if (value === undefined) return false;
  try {
    return truthy(rt.templar.template(value, taskVars(rt.vars, host, layers)));
  } catch {
    return false;
  }
}

/**
 * A result as `register` keeps it: Ansible's keys only. `would_run` (check mode's planned commands)
 * is for the output, so a playbook reading a registered result sees what Ansible's would hold.
 */
function asRegistered(result: ModuleResult): ModuleResult {
  if (result.would_run === undefined && !Array.isArray(result.results)) return result;
  const { would_run: _, ...rest } = result;
  return Array.isArray(rest.results) ? { ...rest, results: (rest.results as unknown[]).map((r) => (r && typeof r === 'object' ? asRegistered(r as ModuleResult) : r)) } : rest;
}

/**
 * What a result does to the run: registered variables, facts (on `factsHost`: the delegated host
 * under delegate_facts), notified handlers, inventory changes.
 */
function applyEffects(rt: Runtime, task: TaskNode, host: string, result: ModuleResult, vars: Vars, factsHost = host): void {
  const state = rt.states.get(host);
  if (task.register) state.setFacts[task.register] = markUnsafe(asRegistered(result));
  for (const r of Array.isArray(result.results) ? (result.results as ModuleResult[]) : [result]) applyFacts(rt.states.get(factsHost), task, r);
  if (result.changed && !result.failed && task.notify) {
    for (const name of task.notify) {
      const wanted = String(rt.templar.template(name, vars));
      if (!rt.handlers.some((h) => handlerNames(h).includes(wanted))) throw new HandlerNotFoundError(wanted, task);
      state.notified.add(wanted);
    }
  }
}

/** `vars` with `extra` on top, without reading (so templating) every variable of a lazy `vars`. */
function overlayVars(vars: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  return new Proxy(vars, {
    get: (t, k, r) => (typeof k === 'string' && Object.hasOwn(extra, k) ? extra[k] : Reflect.get(t, k, r)),
    has: (t, k) => (typeof k === 'string' && Object.hasOwn(extra, k)) || Reflect.has(t, k),
    ownKeys: (t) => [...new Set([...Reflect.ownKeys(t), ...Object.keys(extra)])],
    getOwnPropertyDescriptor: (t, k) =>
      typeof k === 'string' && Object.hasOwn(extra, k) ? { value: extra[k], enumerable: true, configurable: true, writable: true } : Reflect.getOwnPropertyDescriptor(t, k),
  });
}
