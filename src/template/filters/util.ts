/**
 * Helpers shared by the filters: Jinja's attribute getters (`attribute='a.b.0'`), case folding
 * for sort/unique/min/max, uniqueness by Python equality.
 */
import { TemplateError } from '../errors.js';
import { isDict, pyEquals, pyIter, pyRepr, pyTypeName } from '../python.js';
import { Undefined } from '../undefined.js';

/** Jinja's environment.getitem: a dict key, a list index, else Undefined. */
export function getItem(value: unknown, key: unknown): unknown {
  if (value instanceof Undefined) return value;
  if (Array.isArray(value)) {
    const i = typeof key === 'number' ? key : /^-?\d+$/.test(String(key)) ? Number(key) : NaN;
    if (Number.isInteger(i)) {
      const j = i < 0 ? i + value.length : i;
      if (j >= 0 && j < value.length) return value[j];
    }
    return new Undefined(String(key), `list object has no element ${String(key)}`);
  }
  if (isDict(value)) {
    const k = String(key);
    if (Object.prototype.hasOwnProperty.call(value, k) && value[k] !== undefined) return value[k];
    return new Undefined(k, `'dict object' has no attribute '${k}'`);
  }
  if (typeof value === 'string' && typeof key === 'number') {
    const chars = [...value];
    const j = key < 0 ? key + chars.length : key;
    if (j >= 0 && j < chars.length) return chars[j];
  }
  return new Undefined(String(key), `'${pyTypeName(value)} object' has no attribute '${String(key)}'`);
}

/** Jinja's make_attrgetter: `a.b.0` walks dicts and lists; missing parts give Undefined or the default. */
export function attrGetter(attribute: unknown, fallback?: unknown): (item: unknown) => unknown {
  if (attribute === null || attribute === undefined) return (item) => item;
  const parts =
    typeof attribute === 'number'
      ? [attribute]
      : String(attribute)
          .split('.')
          .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return (item) => {
    let value = item;
    for (const part of parts) {
      value = getItem(value, part);
      if (value instanceof Undefined) break;
    }
    if (value instanceof Undefined && fallback !== undefined) return fallback;
    return value;
  };
}

/** Lower-case strings (sort, unique, min and max compare case-insensitively by default). */
export function fold(value: unknown, caseSensitive: boolean): unknown {
  if (value instanceof Undefined) throw value.error();
  return !caseSensitive && typeof value === 'string' ? value.toLowerCase() : value;
}

/** The items of a list-like input (a dict gives its keys, a string its characters). */
export function items(value: unknown): unknown[] {
  return pyIter(value);
}

/** Items with duplicates (by Python equality of their keys) removed, first one kept. */
export function uniqueBy(list: unknown[], key: (item: unknown) => unknown): unknown[] {
  const out: unknown[] = [];
  const primitives = new Set<unknown>();
  const complexKeys: unknown[] = [];
  for (const item of list) {
    const k = key(item);
    if (k instanceof Undefined) throw k.error();
    if (k === null || typeof k !== 'object') {
      const norm = typeof k === 'boolean' ? Number(k) : k;
      if (primitives.has(norm)) continue;
      primitives.add(norm);
    } else {
      if (complexKeys.some((seen) => pyEquals(seen, k))) continue;
      complexKeys.push(k);
    }
    out.push(item);
  }
  return out;
}

/** Whether an item is in the list by Python equality. */
export function includes(list: unknown[], item: unknown): boolean {
  return list.some((x) => pyEquals(x, item));
}

export function requireList(value: unknown, owner: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new TemplateError(`${owner} expects a list, got ${pyTypeName(value)} ${pyRepr(value)}`);
}
