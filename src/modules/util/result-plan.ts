import type { ModuleResult, Plan } from '../types.js';

/**
 * A plan that also carries the module's whole result. Modules that only read (stat, setup, debug,
 * set_fact, assert, wait_for, ...) decide everything in `plan` from the probed state; `apply` then
 * hands back `plan.result` and performs nothing, so calling it on such a plan is always safe, in
 * check mode too.
 */
export interface ResultPlan<A = never> extends Plan<A> {
  result: ModuleResult;
}

export function resultPlan<A = never>(result: ModuleResult, actions: A[] = []): ResultPlan<A> {
  return { actions, result, ...(typeof result.msg === 'string' && result.skipped ? { msg: result.msg, skipped: true } : {}) };
}

/** The result a ResultPlan carries (a plain Plan yields an unchanged, empty result). */
export function resultOf(plan: Plan<unknown>): ModuleResult {
  const r = (plan as Partial<ResultPlan<unknown>>).result;
  return r ? { ...r } : { changed: false };
}

/** `apply` for modules whose plan carries the result. */
export async function applyResult(_ctx: unknown, _params: unknown, plan: Plan<unknown>): Promise<ModuleResult> {
  return resultOf(plan);
}
