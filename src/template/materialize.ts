/**
 * Turn a template's native result into plain data: lazy proxies read out (rendering the strings
 * they hold), undefined values failing, shared and cyclic structures kept as they are.
 */
import { TemplateError } from './errors.js';
import { isLazy } from './lazy-vars.js';
import { isDict } from './python.js';
import { Undefined } from './undefined.js';

const MAX_DEPTH = 200;

export function materialize(value: unknown): unknown {
  const seen = new Map<object, unknown>();
  const walk = (v: unknown, depth: number): unknown => {
    if (v instanceof Undefined) throw v.error();
    if (v === null || typeof v !== 'object') return v;
    const array = Array.isArray(v);
    if (!array && !isDict(v)) return v;
    if (seen.has(v)) return seen.get(v);
    if (depth > MAX_DEPTH) throw new TemplateError('value is nested too deeply (a recursive structure?)');
    let changed = isLazy(v);
    if (array) {
      const list = v as unknown[];
      const out: unknown[] = new Array(list.length);
      seen.set(v, out);
      for (let i = 0; i < list.length; i++) {
        const item = list[i];
        const m = walk(item, depth + 1);
        out[i] = m;
        if (m !== item) changed = true;
      }
      if (!changed) seen.set(v, v);
      return changed ? out : v;
    }
    const dict = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    seen.set(v, out);
    for (const key of Object.keys(dict)) {
      const item = dict[key];
      const m = walk(item, depth + 1);
      out[key] = m;
      if (m !== item) changed = true;
    }
    if (!changed) seen.set(v, v);
    return changed ? out : v;
  };
  return walk(value, 0);
}
