import { diffsOf } from '../../modules/types.js';
import pLimit from 'p-limit';
import { FleetError } from '../../errors.js';
import { loadRole, loadTaskFile, resolveIncludeFile } from '../../playbook/index.js';
import type { BlockNode, IncludeNode, Node, TaskNode } from '../../playbook/model.js';
import { notifiedBy } from './handler-names.js';
import { countResult } from '../events.js';
import { markUnsafe } from '../../template/index.js';
import type { Runtime } from './runtime.js';
import { interrupted } from './runtime.js';
import { allTags, allWhen, childScope, keyword, scopedVars, type Scope } from './scope.js';
import { tagsSelected as tagSelected } from '../../playbook/index.js';
import { runTaskOnHost, taskRef, truthy, type TaskOutcome } from './task-runner.js';
import { taskVars } from './vars.js';
import { loopItems } from './loop-items.js';

function activeHosts(rt: Runtime, hosts: readonly string[]): string[] {
  return rt.playEnded ? [] : hosts.filter((h) => rt.states.get(h).active);
}

/** Run a list of nodes for these hosts (linear: task by task across hosts). */
export async function runNodes(rt: Runtime, nodes: readonly Node[], hosts: readonly string[], scope: Scope): Promise<void> {
  for (const node of nodes) {
    if (interrupted(rt)) return;
    const active = activeHosts(rt, hosts);
    if (!active.length) return;
    if (node.kind === 'task') await runTask(rt, node, active, scope);
    else if (node.kind === 'block') await runBlock(rt, node, active, scope);
    else await runInclude(rt, node, active, scope);
  }
}

async function runBlock(rt: Runtime, block: BlockNode, hosts: string[], scope: Scope): Promise<void> {
  // A block without rescue inside one with rescue: its failures are still the outer block's to rescue.
  const inner = childScope(scope, block, { rescuable: block.rescue.length > 0 || scope.rescuable, ...(block.role ? { role: block.role } : {}) });
  await runNodes(rt, block.block, hosts, inner);
  const failed = hosts.filter((h) => rt.states.get(h).failed);
  if (block.rescue.length && failed.length) {
    for (const h of failed) rt.states.get(h).failed = false;
    await runNodes(rt, block.rescue, failed, { ...inner, rescuable: scope.rescuable });
  }
  if (block.always.length) {
    const entered = hosts.filter((h) => !rt.states.get(h).unreachable && !rt.states.get(h).ended);
    const wasFailed = new Map(entered.map((h) => [h, rt.states.get(h).failed]));
    for (const h of entered) rt.states.get(h).failed = false;
    await runNodes(rt, block.always, entered, { ...inner, rescuable: scope.rescuable });
    for (const h of entered) if (wasFailed.get(h)) rt.states.get(h).failed = true;
  }
}

/** include_tasks / include_role: load at run time, per distinct file, for the hosts that include it. */
async function runInclude(rt: Runtime, node: IncludeNode, hosts: string[], scope: Scope): Promise<void> {
  // Handlers run when notified whatever --tags says, and so do the tasks a handler includes.
  if (!scope.handler && !tagSelected(allTags(scope, node), rt.tags)) return;
  // --start-at-task follows static imports only, as in Ansible: includes before the start are not run.
  if (rt.startAt !== undefined) return;
  if (node.problem) {
    // An include fleet cannot expand fails where it runs, like any task with its own problem.
    const { kind: _kind, action, target: _target, options: _options, baseDir: _baseDir, apply: _apply, ...keywords } = node;
    return runTask(rt, { ...keywords, kind: 'task', module: action, moduleAs: action, args: {} }, hosts, scope);
  }
  const groups = new Map<string, { hosts: string[]; params: Record<string, unknown> }>();
  const skipped: string[] = [];
  for (const host of hosts) {
    const vars = taskVars(rt.vars, host, { ...(scope.role ? { role: scope.role } : {}), scoped: scopedVars(scope, node), ...(scope.includeParams ? { includeParams: scope.includeParams } : {}) });
    const runs: { target: string; params: Record<string, unknown> }[] = [];
    const items = node.loop !== undefined ? loopItems(node, rt.templar, vars) : [undefined];
    for (const [index, item] of items.entries()) {
      const loopVar = node.loop_control?.loop_var ?? 'item';
      const indexVar = node.loop_control?.index_var;
      // The included tasks see the loop variable and index_var, as Ansible's included tasks do.
      const loopVars = { [loopVar]: item, ...(indexVar ? { [indexVar]: index } : {}) };
      const itemVars = node.loop !== undefined ? taskVars(rt.vars, host, { scoped: [...scopedVars(scope, node), loopVars] }) : vars;
      if (!rt.templar.conditional(allWhen(scope, node), itemVars)) continue;
      const target = String(rt.templar.template(node.target, itemVars));
      runs.push({ target, params: node.loop !== undefined ? loopVars : {} });
    }
    if (!runs.length) skipped.push(host);
    for (const run of runs) {
      const key = `${run.target}\u0000${JSON.stringify(run.params)}`;
      const group = groups.get(key) ?? { hosts: [], params: run.params };
      group.hosts.push(host);
      groups.set(key, group);
    }
  }
  const ref = {
    name: node.name ?? `${node.action}`,
    module: node.action,
    path: `${node.pos.file}:${node.pos.line}`,
    ...(scope.handler ? { handler: true } : {}),
    ...(scope.role ? { role: scope.role.name } : {}),
  };
  rt.emit({ type: 'task_start', task: ref, at: Date.now() });
  // As Ansible: a host whose condition is false (or whose loop is empty) reports the include skipped.
  for (const host of skipped) {
    countResult(rt.states.get(host).stats, 'skipped');
    rt.emit({ type: 'host_result', host, status: 'skipped', task: ref, result: { changed: false, skipped: true, skip_reason: 'Conditional result was False' }, at: Date.now() });
  }
  const onWarning = (message: string) => rt.emit({ type: 'warning', message });
  for (const [key, group] of groups) {
    const target = key.slice(0, key.indexOf('\u0000'));
    const path = node.action === 'include_tasks' ? resolveIncludeFile(node, target, rt.play.dir) : undefined;
    for (const host of group.hosts) {
      rt.states.get(host).stats.ok++;
      rt.emit({ type: 'host_result', host, status: 'ok', task: ref, result: { changed: false, include: path ?? target, include_args: group.params }, at: Date.now() });
    }
    const frame = { ...node, when: [] as (string | boolean)[] };
    const includeParams = { ...(scope.includeParams ?? {}), ...group.params };
    if (path !== undefined) {
      const nodes = await loadTaskFile(path, { playDir: rt.play.dir, ...(scope.role ? { role: scope.role } : {}), strict: rt.strict, onWarning });
      await runNodes(rt, nodes, group.hosts, childScope(scope, frame, { includeParams }));
    } else {
      const options = rt.templar.template(node.options, taskVars(rt.vars, group.hosts[0]!, { scoped: [] })) as Record<string, unknown>;
      const role = await loadRole(target, rt.play.dir, { ...options, params: includeParams, strict: rt.strict, onWarning });
      rt.handlers.push(...role.handlers);
      await runNodes(rt, role.tasks, group.hosts, childScope(scope, frame, { role: role.ref, includeParams }));
    }
  }
}

function shouldSkipForStart(rt: Runtime, task: TaskNode, scope: Scope): boolean {
  if (!rt.startAt) return false;
  const ref = taskRef(task, scope);
  const names = [ref.name, ref.role ? `${ref.role} : ${ref.name}` : ref.name];
  if (names.includes(rt.startAt)) {
    rt.startAt = undefined;
    return false;
  }
  return true;
}

/**
 * The name a task is announced with, as Ansible 2.14's linear strategy shows it: templated with the
 * first host's variables; a name that cannot be rendered (an undefined variable such as a loop's
 * `item`, a bad expression) is shown as written.
 */
function shownName(rt: Runtime, task: TaskNode, host: string | undefined, scope: Scope): string | undefined {
  const name = task.name;
  if (name === undefined || host === undefined || !/\{\{|\{%/.test(name)) return name;
  try {
    const value = rt.templar.template(name, taskVars(rt.vars, host, { scoped: scopedVars(scope, task) }));
    return value === null || value === undefined ? '' : String(value);
  } catch {
    return name;
  }
}

/** One task across hosts: announce it, run it host by host in parallel (forks, throttle), count results. */
export async function runTask(rt: Runtime, task: TaskNode, hosts: string[], scope: Scope): Promise<void> {
  if (!scope.handler && !tagSelected(allTags(scope, task), rt.tags)) return;
  if (!scope.handler && shouldSkipForStart(rt, task, scope)) return;
  const ref = taskRef(task, scope);
  if (rt.step && !rt.stepContinue) {
    const answer = await rt.step(ref);
    if (answer === 'no') return;
    if (answer === 'continue') rt.stepContinue = true;
  }
  if (!rt.announced.has(task)) {
    rt.announced.add(task);
    const shown = shownName(rt, task, hosts[0], scope);
    if (shown !== undefined) rt.shownNames.set(task, shown);
    rt.emit({ type: 'task_start', task: taskRef(task, scope, rt.shownNames.get(task)), at: Date.now() });
  }
  if (task.module === 'meta') return runMeta(rt, task, hosts, scope);

  const runOnce = playLevelFlag(rt, scope, task, 'run_once', hosts[0]!);
  const targets = runOnce ? hosts.slice(0, 1) : hosts;
  const throttleKeyword = keyword(scope, task, 'throttle');
  const throttle = throttleKeyword === undefined ? 0 : Number(rt.templar.template(throttleKeyword, taskVars(rt.vars, hosts[0]!, { scoped: scopedVars(scope, task) })));
  if (!Number.isInteger(throttle) || throttle < 0) throw new FleetError('PLAY', `throttle must be a whole number of hosts, got ${JSON.stringify(throttleKeyword)}`, { file: task.pos.file, line: task.pos.line });
  const limit = pLimit(Math.max(1, throttle > 0 ? Math.min(throttle, rt.forks) : rt.forks));
  const outcomes = new Map<string, TaskOutcome>();
  await Promise.all(
    targets.map((host) =>
      limit(async () => {
        if (interrupted(rt)) return;
        outcomes.set(host, await runTaskOnHost(rt, task, host, scope));
      }),
    ),
  );
  if (runOnce && outcomes.size && task.register) {
    // As Ansible: the result is reported and counted for the host it ran on, registered for all.
    for (const host of hosts.slice(1)) rt.states.get(host).setFacts[task.register] = rt.states.get(targets[0]!).setFacts[task.register];
  }
  let anyFailed = false;
  for (const host of hosts) {
    const outcome = outcomes.get(host);
    if (!outcome) continue;
    record(rt, task, host, scope, outcome);
    if (outcome.status === 'failed' && !outcome.ignored) anyFailed = true;
  }
  checkFailPercentage(rt);
  if (anyFailed && !scope.rescuable && playLevelFlag(rt, scope, task, 'any_errors_fatal', hosts[0]!)) {
    for (const host of rt.batch) rt.states.get(host).failed = true;
    rt.playEnded = true;
    rt.playbookStopped = true;
  }
}

/** A keyword that decides for the whole task (run_once, any_errors_fatal), templated with the first host's vars. */
function playLevelFlag(rt: Runtime, scope: Scope, task: TaskNode, name: 'run_once' | 'any_errors_fatal', host: string): boolean {
  const value = keyword(scope, task, name);
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  return truthy(rt.templar.template(value, taskVars(rt.vars, host, { scoped: scopedVars(scope, task) })));
}

function record(rt: Runtime, task: TaskNode, host: string, scope: Scope, outcome: TaskOutcome): void {
  const state = rt.states.get(host);
  const ref = taskRef(task, scope, rt.shownNames.get(task));
  // A diff is shown only where diff mode applied to the task (--diff or its `diff:` keyword).
  const diffs = outcome.showDiff ? diffsOf(outcome.result.diff) : undefined;
  const diff = diffs ? { diff: diffs } : {};
  rt.emit({
    type: 'host_result',
    host,
    status: outcome.status,
    task: ref,
    result: outcome.result,
    ...(outcome.delegatedTo ? { delegatedTo: outcome.delegatedTo } : {}),
    ...(outcome.ignored || outcome.unreachableIgnored ? { ignored: true } : {}),
    ...diff,
    at: Date.now(),
  });
  if (outcome.status === 'failed') {
    if (outcome.ignored) {
      // As Ansible counts an ignored failure: ok and ignored, and changed when it changed something.
      state.stats.ok++;
      state.stats.ignored++;
      if (outcome.result.changed) state.stats.changed++;
    } else if (scope.rescuable) {
      state.stats.rescued++;
      state.failed = true;
      state.setFacts.ansible_failed_task = { name: ref.name, action: task.module };
      state.setFacts.ansible_failed_result = markUnsafe(outcome.result);
    } else {
      state.stats.failed++;
      state.failed = true;
    }
    return;
  }
  if (outcome.status === 'unreachable') {
    if (outcome.unreachableIgnored) {
      // As Ansible 2.14 counts it: ok and ignored (older Ansible counted it skipped).
      state.stats.ok++;
      state.stats.ignored++;
      return;
    }
    state.stats.unreachable++;
    state.unreachable = true;
    return;
  }
  countResult(state.stats, outcome.status);
}

async function runMeta(rt: Runtime, task: TaskNode, hosts: string[], scope: Scope): Promise<void> {
  const action = String(task.args._raw_params ?? task.args.free_form ?? '').trim();
  switch (action) {
    case 'flush_handlers':
      await runHandlers(rt, hosts);
      return;
    case 'end_play':
      rt.playEnded = true;
      return;
    case 'end_host':
    case 'end_batch':
      for (const h of hosts) {
        const vars = taskVars(rt.vars, h, { scoped: scopedVars(scope, task) });
        if (rt.templar.conditional(allWhen(scope, task), vars)) rt.states.get(h).ended = true;
      }
      return;
    case 'clear_facts':
      for (const h of hosts) rt.states.get(h).facts = {};
      return;
    case 'clear_host_errors':
      for (const s of rt.states.all()) s.failed = false;
      return;
    case 'reset_connection':
    case 'refresh_inventory':
    case 'noop':
    default:
      return;
  }
}

/**
 * Run notified handlers, in the order they are defined, each once per notified host. With force
 * (force_handlers, at the end of a section) hosts that failed run them too, as Ansible runs that flush
 * in an always: a failed host is treated as healthy until a handler fails on it, then failed again.
 */
export async function runHandlers(rt: Runtime, hosts: readonly string[], options: { force?: boolean } = {}): Promise<void> {
  const forced = options.force && !rt.playEnded ? hosts.filter((h) => rt.states.get(h).failed && !rt.states.get(h).unreachable && !rt.states.get(h).ended) : [];
  for (const h of forced) rt.states.get(h).failed = false;
  try {
    await runNotified(rt, hosts);
  } finally {
    for (const h of forced) rt.states.get(h).failed = true;
  }
  for (const h of hosts) rt.states.get(h).notified.clear();
}

async function runNotified(rt: Runtime, hosts: readonly string[]): Promise<void> {
  for (const handler of rt.handlers) {
    // Notifications stay until the end of the flush: every handler listening to a topic runs.
    const names = notifiedBy(rt.handlers, handler);
    const notified = activeHosts(rt, hosts).filter((h) => names.some((n) => rt.states.get(h).notified.has(n)));
    if (!notified.length) continue;
    const scope: Scope = { frames: [rt.play], rescuable: false, handler: true, ...(handler.role ? { role: handler.role } : {}) };
    if (handler.kind === 'include') await runInclude(rt, handler, notified, scope);
    else {
      rt.announced.delete(handler);
      await runTask(rt, handler, notified, scope);
    }
  }
}

/**
 * max_fail_percentage: once more than that share of the batch has failed, the play stops. Only
 * failed hosts count, not unreachable ones, as in Ansible 2.14's linear strategy.
 */
function checkFailPercentage(rt: Runtime): void {
  const limit = rt.play.max_fail_percentage;
  if (limit === undefined || !rt.batch.length) return;
  const failed = rt.batch.filter((h) => rt.states.get(h).failed).length;
  if ((failed / rt.batch.length) * 100 > Number(limit)) {
    rt.playEnded = true;
    rt.playbookStopped = true;
    rt.emit({ type: 'warning', message: `max_fail_percentage ${limit}% exceeded (${failed} of ${rt.batch.length} hosts failed): stopping the play` });
  }
}
