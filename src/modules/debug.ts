import type { ModuleContext, ModuleDefinition, ModuleResult } from './types.js';
import { evaluateExpression, type Evaluated } from './util/evaluate.js';
import { applyResult, resultPlan, type ResultPlan } from './util/result-plan.js';

/**
 * debug: prints a message or a variable's value; never changes anything. `var` is evaluated with the
 * task's variables (ctx.evaluate) and the result key is the expression itself, as Ansible's.
 * `verbosity` comes back as `_fleet_verbosity`: the reporter hides the result below that -v level.
 */
export interface DebugParams {
  msg?: unknown;
  var?: unknown;
  verbosity: number;
}

export type DebugState = { kind: 'msg' } | { kind: 'var'; evaluated: Evaluated };

export const NOT_DEFINED = 'VARIABLE IS NOT DEFINED!';

/** The result key for `var`: the expression text, or Python's type name for a list/dict (as Ansible). */
function varKey(v: unknown): string {
  if (Array.isArray(v)) return "<class 'list'>";
  if (v !== null && typeof v === 'object') return "<class 'dict'>";
  return String(v);
}

export function planDebug(p: DebugParams, state: DebugState): ResultPlan {
  const base: ModuleResult = { changed: false, _ansible_verbose_always: true, ...(p.verbosity > 0 ? { _fleet_verbosity: p.verbosity } : {}) };
  if (p.msg !== undefined && p.var !== undefined) {
    return resultPlan({ changed: false, failed: true, msg: "'msg' and 'var' are incompatible options" });
  }
  if (state.kind === 'var' && p.var !== undefined) {
    const e = state.evaluated;
    if (!e.ok && !e.undefined) return resultPlan({ changed: false, failed: true, msg: `debug: cannot evaluate var "${String(p.var)}": ${e.error}` });
    return resultPlan({ ...base, failed: false, [varKey(p.var)]: e.ok ? e.value : NOT_DEFINED });
  }
  // msg may be any value (a list, a mapping), shown as given.
  return resultPlan({ ...base, failed: false, msg: (p.msg ?? 'Hello world!') as string });
}

export const debug: ModuleDefinition<DebugParams, DebugState, never> = {
  name: 'debug',
  aliases: ['ansible.builtin.debug', 'ansible.legacy.debug'],
  readOnly: true,
  params: {
    msg: { type: 'raw' },
    var: { type: 'raw' },
    verbosity: { type: 'int', default: 0 },
  },
  probe: async (ctx: ModuleContext, p) => {
    if (p.var === undefined || p.msg !== undefined) return { kind: 'msg' };
    if (typeof p.var !== 'string') return { kind: 'var', evaluated: { ok: true, value: p.var } };
    return { kind: 'var', evaluated: await evaluateExpression(ctx, p.var) };
  },
  plan: planDebug,
  apply: applyResult,
};
