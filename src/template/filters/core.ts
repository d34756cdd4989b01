/**
 * Jinja's and Ansible's general filters: default, mandatory, type conversions (bool, int, float,
 * string, list, dict), ternary, type_debug, length, first/last, min/max/sum, abs, round, attr.
 */
import type { Args } from '../args.js';
import { TemplateError } from '../errors.js';
import { isDict, pyAdd, pyCompare, pyLen, pyRepr, pyStr, pyTypeName, toFloat, toInt, truthy } from '../python.js';
import type { FilterDef } from '../types.js';
import { Undefined } from '../undefined.js';
import { attrGetter, fold, getItem, items } from './util.js';

const defaultFilter: FilterDef = {
  undefinedInput: true,
  undefinedArgs: true,
  fn: (value, a) => {
    const fallback = a.get(0, 'default_value', '');
    const boolean = a.get(1, 'boolean', false);
    if (value instanceof Undefined) return fallback;
    if (truthy(boolean) && !truthy(value)) return fallback;
    return value;
  },
};

/** Ansible's bool filter: yes/on/1/true (any case) and 1 are true, anything else false. */
export function toBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return ['yes', 'on', '1', 'true'].includes(value.toLowerCase());
  if (typeof value === 'number') return value === 1;
  return false;
}

function minMax(kind: 'min' | 'max') {
  return (value: unknown, a: Args): unknown => {
    const list = items(value);
    if (!list.length) return new Undefined(kind, 'No aggregated item, sequence was empty.');
    const caseSensitive = a.bool(0, 'case_sensitive', false);
    const get = attrGetter(a.value(1, 'attribute', null));
    let best = list[0];
    let bestKey = fold(get(best), caseSensitive);
    for (const item of list.slice(1)) {
      const key = fold(get(item), caseSensitive);
      const c = pyCompare(key, bestKey);
      if (kind === 'min' ? c < 0 : c > 0) {
        best = item;
        bestKey = key;
      }
    }
    return best;
  };
}

/** Python's round(): on the exact decimal value, halves to even ("common"); or math.ceil/floor. */
export function pyRound(value: number, precision: number, method: string): number {
  const m = 10 ** precision;
  if (method === 'ceil') return Math.ceil(value * m) / m;
  if (method === 'floor') return Math.floor(value * m) / m;
  if (method !== 'common') throw new TemplateError('method must be common, ceil or floor');
  if (!Number.isFinite(value)) return value;
  if (precision < 0 || precision > 60) {
    const x = value * m;
    let r = Math.round(x);
    if (Math.abs(x % 1) === 0.5) r = 2 * Math.round(x / 2);
    return r / m;
  }
  const sign = value < 0 ? -1 : 1;
  const exact = Math.abs(value).toFixed(Math.min(100, precision + 40));
  const [int, frac = ''] = exact.split('.') as [string, string | undefined];
  const kept = frac.slice(0, precision);
  if (/^50*$/.test(frac.slice(precision))) {
    const digits = int + kept;
    const truncated = Number(`${int}.${kept || '0'}`);
    if (Number(digits[digits.length - 1]) % 2 === 0) return sign * truncated;
    return sign * Number((truncated + 10 ** -precision).toFixed(precision));
  }
  return sign * Number(Math.abs(value).toFixed(precision));
}

export const coreFilters: Record<string, FilterDef> = {
  default: defaultFilter,
  d: defaultFilter,
  mandatory: {
    undefinedInput: true,
    fn: (value, a) => {
      if (value instanceof Undefined) {
        const msg = a.str(0, 'msg');
        throw new TemplateError(msg ?? `Mandatory variable '${value.name}' not defined.`, { variable: value.name });
      }
      return value;
    },
  },
  bool: { fn: (value) => toBool(value) },
  int: {
    fn: (value, a) => {
      const fallback = a.value(0, 'default', 0);
      const base = a.num(1, 'base', 10)!;
      if (typeof value === 'string') {
        const n = toInt(value, base) ?? (base === 10 ? toFloat(value) : undefined);
        return n === undefined || !Number.isFinite(n) ? fallback : Math.trunc(n);
      }
      const n = toInt(value);
      return n === undefined ? fallback : n;
    },
  },
  float: {
    fn: (value, a) => {
      const n = toFloat(value);
      return n === undefined ? a.value(0, 'default', 0) : n;
    },
  },
  string: { fn: (value) => pyStr(value) },
  ternary: {
    fn: (value, a) => {
      const noneValue = a.value(2, 'none_val', undefined);
      if ((value === null || value === undefined) && noneValue !== undefined) return noneValue;
      return truthy(value) ? a.value(0, 'true_val') : a.value(1, 'false_val');
    },
  },
  type_debug: { fn: (value) => pyTypeName(value) },
  list: { fn: (value) => [...items(value)] },
  dict: {
    fn: (value) => {
      if (isDict(value)) return { ...value };
      const out: Record<string, unknown> = {};
      for (const pair of items(value)) {
        const kv = items(pair);
        if (kv.length !== 2) throw new TemplateError('dict requires a list of (key, value) pairs');
        out[pyStr(kv[0])] = kv[1];
      }
      return out;
    },
  },
  items: {
    undefinedInput: true,
    fn: (value) => {
      if (value instanceof Undefined) return [];
      if (!isDict(value)) throw new TemplateError(`Can only get item pairs from a mapping, not ${pyTypeName(value)}.`);
      return Object.keys(value).map((k) => [k, value[k]]);
    },
  },
  length: { fn: (value) => pyLen(value) },
  count: { fn: (value) => pyLen(value) },
  first: {
    fn: (value) => {
      const list = items(value);
      return list.length ? list[0] : new Undefined('first', 'No first item, sequence was empty.');
    },
  },
  last: {
    fn: (value) => {
      const list = items(value);
      return list.length ? list[list.length - 1] : new Undefined('last', 'No last item, sequence was empty.');
    },
  },
  min: { fn: minMax('min') },
  max: { fn: minMax('max') },
  sum: {
    fn: (value, a) => {
      const get = attrGetter(a.value(0, 'attribute', null));
      let total = a.value(1, 'start', 0);
      for (const item of items(value)) total = pyAdd(total, get(item));
      return total;
    },
  },
  abs: {
    fn: (value) => {
      if (typeof value !== 'number' && typeof value !== 'boolean') {
        throw new TemplateError(`bad operand type for abs(): '${pyTypeName(value)}'`);
      }
      return Math.abs(Number(value));
    },
  },
  round: {
    fn: (value, a) => {
      const n = typeof value === 'number' ? value : toFloat(value);
      if (n === undefined) throw new TemplateError(`round expects a number, got ${pyRepr(value)}`);
      return pyRound(n, a.num(0, 'precision', 0)!, a.str(1, 'method', 'common')!);
    },
  },
  attr: { fn: (value, a) => getItem(value, a.value(0, 'name')) },
  pprint: { fn: (value) => pyRepr(value) },
};
