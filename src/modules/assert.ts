import { ModuleArgsError } from './args.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from './types.js';
import { evaluateExpression, type Evaluated } from './util/evaluate.js';
import { applyResult, resultPlan, type ResultPlan } from './util/result-plan.js';
import { ansibleTruthy } from './util/truthy.js';

/**
 * assert: every expression of `that` must be true (Ansible truthiness). Fails on the first false
 * one with `assertion` (its text), `evaluated_to: false` and `msg` (fail_msg, else "Assertion
 * failed"). Never changed. Not `quiet`: `_ansible_verbose_always` so the reporter shows the result.
 */
export interface AssertParams {
  /** One expression or a list of them (a string is never split on commas). */
  that: unknown;
  fail_msg?: unknown;
  success_msg?: unknown;
  quiet: boolean;
}

export interface AssertState {
  /** One per `that` item, in order, up to the first false or failing one. */
  results: { assertion: unknown; evaluated: Evaluated }[];
}

function checkMsg(name: string, value: unknown): void {
  if (value === undefined) return;
  const ok = typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
  if (!ok) throw new ModuleArgsError(`assert: ${name} must be a string or a list of strings, got ${JSON.stringify(value)}`);
}

export function thatList(that: unknown): unknown[] {
  return Array.isArray(that) ? that : [that];
}

function isTrue(e: Evaluated): boolean {
  return e.ok && ansibleTruthy(e.value);
}

export function planAssert(p: AssertParams, state: AssertState): ResultPlan {
  checkMsg('fail_msg', p.fail_msg);
  checkMsg('success_msg', p.success_msg);
  // fail_msg/success_msg may be a list of strings, as Ansible allows; `msg` carries it as given.
  const verbose: ModuleResult = p.quiet ? { changed: false } : { changed: false, _ansible_verbose_always: true };
  for (const { assertion, evaluated } of state.results) {
    if (isTrue(evaluated)) continue;
    if (!evaluated.ok) {
      return resultPlan({ ...verbose, failed: true, assertion, msg: `The conditional check '${String(assertion)}' failed. The error was: ${evaluated.error}` });
    }
    return resultPlan({ ...verbose, failed: true, evaluated_to: false, assertion, msg: (p.fail_msg ?? 'Assertion failed') as string });
  }
  return resultPlan({ ...verbose, msg: (p.success_msg ?? 'All assertions passed') as string });
}

export const assert: ModuleDefinition<AssertParams, AssertState, never> = {
  name: 'assert',
  aliases: ['ansible.builtin.assert', 'ansible.legacy.assert'],
  readOnly: true,
  params: {
    that: { type: 'raw', required: true },
    fail_msg: { type: 'raw', aliases: ['msg'] },
    success_msg: { type: 'raw' },
    quiet: { type: 'bool', default: false },
  },
  probe: async (ctx: ModuleContext, p) => {
    const results: AssertState['results'] = [];
    for (const assertion of thatList(p.that)) {
      const evaluated: Evaluated =
        typeof assertion === 'string' ? await evaluateExpression(ctx, assertion) : { ok: true, value: assertion };
      results.push({ assertion, evaluated });
      // Ansible stops at the first assertion that does not hold.
      if (!isTrue(evaluated)) break;
    }
    return { results };
  },
  plan: planAssert,
  apply: applyResult,
};
