import type { ModuleContext } from '../types.js';
import { bareExpression } from './truthy.js';

/** What evaluating an expression for debug/assert gave: a value, "undefined", or an error. */
export type Evaluated = { ok: true; value: unknown } | { ok: false; undefined: boolean; error: string };

/** True for the template engine's "this variable is not defined" errors, whatever their class. */
export function isUndefinedError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (typeof (e as { variable?: unknown }).variable === 'string') return true;
  return /undefined/i.test(e.name) || /\bundefined\b|is not defined|has no attribute/i.test(e.message);
}

/**
 * The message of the template layer's Undefined value (StrictUndefined: a class named Undefined
 * with a message()), recognised by shape since modules do not import the template layer.
 */
export function undefinedMessage(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as { constructor?: { name?: string }; message?: unknown };
  if (v.constructor?.name !== 'Undefined' || typeof v.message !== 'function') return undefined;
  try {
    return String((v.message as () => unknown).call(value));
  } catch {
    return 'undefined';
  }
}

/**
 * Looks a plain name or dotted/indexed path (`a.b[0]['c']`) up in ctx.vars: the fallback when the
 * executor gives no Jinja evaluator (ad-hoc runs).
 */
export function lookupPath(vars: Record<string, unknown> | undefined, expr: string): { found: boolean; value?: unknown } {
  if (!vars) return { found: false };
  const parts: (string | number)[] = [];
  const re = /^\s*([A-Za-z_][A-Za-z0-9_]*)|\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*(\d+)\s*\]|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(expr)) !== null) {
    parts.push(m[1] ?? m[2] ?? (m[3] !== undefined ? Number(m[3]) : (m[4] ?? m[5]!)));
    end = re.lastIndex;
  }
  if (!parts.length || expr.slice(end).trim() !== '') return { found: false };
  let cur: unknown = vars;
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object' || !(part in (cur as Record<string, unknown>))) return { found: false };
    cur = (cur as Record<string | number, unknown>)[part];
  }
  return { found: true, value: cur };
}

/** Evaluates a Jinja expression through the executor (ctx.evaluate), else a plain vars look-up. */
export async function evaluateExpression(ctx: ModuleContext, expression: string): Promise<Evaluated> {
  const expr = bareExpression(expression);
  if (ctx.evaluate) {
    try {
      const value: unknown = await ctx.evaluate(expr);
      if (value === undefined) return { ok: false, undefined: true, error: `'${expr}' is undefined` };
      const undef = undefinedMessage(value);
      if (undef !== undefined) return { ok: false, undefined: true, error: undef };
      return { ok: true, value };
    } catch (e) {
      return { ok: false, undefined: isUndefinedError(e), error: e instanceof Error ? e.message : String(e) };
    }
  }
  const found = lookupPath(ctx.vars, expr);
  if (found.found) return { ok: true, value: found.value };
  return { ok: false, undefined: true, error: `'${expr}' is undefined` };
}
