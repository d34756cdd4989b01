import { CommandError } from '../errors.js';
import type { BecomeMethod, Connection } from '../transport/connection.js';
import type { ModuleContext, ModuleDefinition, ModuleResult, Predicted, PredictedState } from '../modules/types.js';
import { plannedCommands } from '../modules/util/planned-commands.js';

export interface ModuleRun {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  module: ModuleDefinition<any, any, any>;
  params: Record<string, unknown>;
  connection: Connection;
  host: string;
  become: boolean;
  becomeUser?: string;
  becomeMethod?: BecomeMethod;
  /** Epoch ms after which no command may run (the task's `timeout`); a running one is killed then. */
  deadline?: number;
  checkMode: boolean;
  diffMode?: boolean;
  /** Environment for every command the module runs (the task's `environment`). */
  env?: Record<string, string>;
  vars?: Record<string, unknown>;
  evaluate?: (expression: string) => unknown;
  searchPaths?: string[];
  renderTemplate?: ModuleContext['renderTemplate'];
  /** Check mode: earlier predicted changes to consult, and where to remember this task's. */
  predicted?: PredictedState & { remember(p: Predicted): void };
}

/**
 * One module on one host: probe the state now, plan purely, and apply unless in check mode.
 * Check mode is this function stopping early; modules have no check branches of their own.
 */
export async function runModule(run: ModuleRun): Promise<ModuleResult> {
  const { module, connection } = run;
  const ctx: ModuleContext = {
    host: run.host,
    connection,
    become: run.become,
    ...(run.becomeUser ? { becomeUser: run.becomeUser } : {}),
    ...(run.becomeMethod ? { becomeMethod: run.becomeMethod } : {}),
    checkMode: run.checkMode,
    ...(run.diffMode !== undefined ? { diffMode: run.diffMode } : {}),
    ...(run.vars ? { vars: run.vars } : {}),
    ...(run.evaluate ? { evaluate: run.evaluate } : {}),
    ...(run.searchPaths ? { searchPaths: run.searchPaths } : {}),
    ...(run.renderTemplate ? { renderTemplate: run.renderTemplate } : {}),
    ...(run.checkMode && run.predicted ? { predicted: run.predicted } : {}),
    run: (command, options = {}) => {
      const left = run.deadline !== undefined ? run.deadline - Date.now() : undefined;
      if (left !== undefined && left <= 0) return Promise.reject(new CommandError('the task ran out of time', { host: run.host, command }));
      return connection.run(command, {
        ...options,
        ...(left !== undefined ? { timeoutMs: left } : {}),
        ...(run.env || options.env ? { env: { ...(run.env ?? {}), ...(options.env ?? {}) } } : {}),
        ...(run.become ? { become: true, ...(run.becomeUser ? { becomeUser: run.becomeUser } : {}), ...(run.becomeMethod ? { becomeMethod: run.becomeMethod } : {}) } : {}),
      });
    },
  };
  const result = await probeAndApply(run, ctx);
  return module.diffAsOne && Array.isArray(result.diff) && result.diff.length === 1 ? { ...result, diff: result.diff[0] } : result;
}

async function probeAndApply(run: ModuleRun, ctx: ModuleContext): Promise<ModuleResult> {
  const { module, params } = run;
  const state: unknown = await module.probe(ctx, params);
  const plan = module.plan(params, state);
  const diff = (run.diffMode || module.diffAlways) && plan.diff?.length ? { diff: plan.diff } : {};
  if (run.checkMode && plan.actions.length && plan.predicts) run.predicted?.remember(plan.predicts);
  // Check mode reports what the real run would execute (fleet's addition: Ansible cannot say).
  const wouldRun = run.checkMode && !module.readOnly && plan.actions.length ? { would_run: plannedCommands(plan.actions) } : {};
  if (run.checkMode && !module.readOnly && plan.checkResult) return { changed: false, ...plan.checkResult, ...wouldRun, ...diff };
  if (run.checkMode && !module.readOnly) {
    return { ...(plan.result ?? {}), changed: plan.actions.length > 0, ...(plan.skipped ? { skipped: true } : {}), ...(plan.msg ? { msg: plan.msg } : {}), ...wouldRun, ...diff };
  }
  const result = await module.apply(ctx, params, plan);
  return result.diff || !diff.diff ? result : { ...result, ...diff };
}
