/**
 * List filters: unique, sort, map, select/reject(attr), flatten, zip, set operations, product,
 * permutations, combinations, batch, groupby, dictsort, subelements, extract, random, shuffle,
 * reverse.
 */
import { randomInt } from 'node:crypto';
import type { Args } from '../args.js';
import { TemplateError } from '../errors.js';
import { isDict, pyCompare, pyEquals, pyRepr, pyTypeName, truthy } from '../python.js';
import type { CallContext, FilterDef } from '../types.js';
import { Undefined } from '../undefined.js';
import { attrGetter, fold, getItem, includes, items, requireList, uniqueBy } from './util.js';

function sortBy(list: unknown[], key: (item: unknown) => unknown, reverse: boolean): unknown[] {
  const keyed = list.map((item) => ({ item, key: key(item) }));
  keyed.sort((x, y) => pyCompare(x.key, y.key));
  if (reverse) keyed.reverse();
  return keyed.map((k) => k.item);
}

function sortKey(a: Args, attributeIndex: number, caseIndex: number): (item: unknown) => unknown {
  const caseSensitive = a.bool(caseIndex, 'case_sensitive', false);
  const attribute = a.value(attributeIndex, 'attribute', null);
  if (typeof attribute === 'string' && attribute.includes(',')) {
    const getters = attribute.split(',').map((p) => attrGetter(p.trim()));
    return (item) => getters.map((g) => fold(g(item), caseSensitive));
  }
  const get = attrGetter(attribute);
  return (item) => fold(get(item), caseSensitive);
}

function selectOrReject(keep: boolean, useAttribute: boolean) {
  return (value: unknown, a: Args, ctx: CallContext): unknown[] => {
    let rest = a.positional;
    let get = (item: unknown): unknown => item;
    if (useAttribute) {
      if (!rest.length) throw new TemplateError('selectattr/rejectattr need an attribute name');
      get = attrGetter(rest[0]);
      rest = rest.slice(1);
    }
    let check: (item: unknown) => boolean;
    if (!rest.length) {
      check = (item) => truthy(get(item));
    } else {
      const name = String(rest[0]);
      if (!ctx.hasTest(name)) throw new TemplateError(`no test named '${name}'`);
      const args = rest.slice(1);
      check = (item) => ctx.test(name, get(item), args, a.kwargs);
    }
    return items(value).filter((item) => check(item) === keep);
  };
}

/** Ansible's flatten: nested lists spliced in (down to `levels`), None/'None'/'null' dropped. */
export function flatten(list: unknown[], levels: number | null, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const element of list) {
    if (skipNulls && (element === null || element === undefined || element === 'None' || element === 'null')) continue;
    if (Array.isArray(element)) {
      if (levels === null) out.push(...flatten(element, null, skipNulls));
      else if (levels >= 1) out.push(...flatten(element, levels - 1, skipNulls));
      else out.push(element);
    } else {
      out.push(element);
    }
  }
  return out;
}

function zipLongest(lists: unknown[][], fill: unknown): unknown[][] {
  const n = Math.max(0, ...lists.map((l) => l.length));
  return Array.from({ length: n }, (_, i) => lists.map((l) => (i < l.length ? l[i] : fill)));
}

function product(lists: unknown[][]): unknown[][] {
  let out: unknown[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((x) => [...prefix, x]));
  return out;
}

function permutations(list: unknown[], r: number): unknown[][] {
  if (r > list.length) return [];
  if (r === 0) return [[]];
  const out: unknown[][] = [];
  list.forEach((x, i) => {
    for (const rest of permutations([...list.slice(0, i), ...list.slice(i + 1)], r - 1)) out.push([x, ...rest]);
  });
  return out;
}

function combinations(list: unknown[], r: number): unknown[][] {
  if (r === 0) return [[]];
  const out: unknown[][] = [];
  list.forEach((x, i) => {
    for (const rest of combinations(list.slice(i + 1), r - 1)) out.push([x, ...rest]);
  });
  return out;
}

function unique(list: unknown[]): unknown[] {
  return uniqueBy(list, (x) => x);
}

function shuffled(list: unknown[]): unknown[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A (grouper, list) pair of groupby that also answers `.grouper` and `.list`. */
function group(grouper: unknown, list: unknown[]): unknown[] {
  const pair: unknown[] & { grouper?: unknown; list?: unknown[] } = [grouper, list];
  pair.grouper = grouper;
  pair.list = list;
  return pair;
}

export const listFilters: Record<string, FilterDef> = {
  unique: {
    fn: (v, a) => {
      const key = sortKey(a, 1, 0);
      return uniqueBy(items(v), key);
    },
  },
  sort: {
    fn: (v, a) => sortBy(items(v), sortKey(a, 2, 1), a.bool(0, 'reverse', false)),
  },
  reverse: {
    fn: (v) => {
      if (typeof v === 'string') return [...v].reverse().join('');
      return [...items(v)].reverse();
    },
  },
  map: {
    fn: (v, a, ctx) => {
      const list = items(v);
      if ('attribute' in a.kwargs) {
        const get = attrGetter(a.kwargs.attribute, 'default' in a.kwargs ? a.kwargs.default : undefined);
        return list.map(get);
      }
      if (!a.positional.length) return [...list];
      const name = String(a.positional[0]);
      if (!ctx.hasFilter(name)) throw new TemplateError(`no filter named '${name}'`);
      const args = a.positional.slice(1);
      return list.map((item) => ctx.filter(name, item, args, a.kwargs));
    },
  },
  select: { fn: selectOrReject(true, false) },
  reject: { fn: selectOrReject(false, false) },
  selectattr: { fn: selectOrReject(true, true) },
  rejectattr: { fn: selectOrReject(false, true) },
  flatten: {
    fn: (v, a) => {
      const levels = a.value(0, 'levels', null);
      return flatten(requireList(v, 'flatten'), levels === null ? null : Number(levels), a.bool(1, 'skip_nulls', true));
    },
  },
  zip: { fn: (v, a) => {
    const lists = [items(v), ...a.positional.map(items)];
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => lists.map((l) => l[i]));
  } },
  zip_longest: { fn: (v, a) => zipLongest([items(v), ...a.positional.map(items)], a.get(-1, 'fillvalue', null)) },
  difference: {
    fn: (v, a) => {
      const other = items(a.value(0, 'b'));
      return unique(items(v).filter((x) => !includes(other, x)));
    },
  },
  intersect: {
    fn: (v, a) => {
      const other = items(a.value(0, 'b'));
      return unique(items(v).filter((x) => includes(other, x)));
    },
  },
  union: { fn: (v, a) => unique([...items(v), ...items(a.value(0, 'b'))]) },
  symmetric_difference: {
    fn: (v, a) => {
      const x = items(v);
      const y = items(a.value(0, 'b'));
      const both = unique(x.filter((e) => includes(y, e)));
      return unique([...x, ...y]).filter((e) => !includes(both, e));
    },
  },
  product: {
    fn: (v, a) => {
      const lists = [items(v), ...a.positional.map(items)];
      const repeat = a.num(-1, 'repeat', 1)!;
      const all: unknown[][] = [];
      for (let i = 0; i < repeat; i++) all.push(...lists);
      return product(all);
    },
  },
  permutations: {
    fn: (v, a) => {
      const list = items(v);
      return permutations(list, a.num(0, 'r', list.length)!);
    },
  },
  combinations: { fn: (v, a) => combinations(items(v), a.num(0, 'r', 0)!) },
  batch: {
    fn: (v, a) => {
      const size = a.num(0, 'linecount')!;
      if (size <= 0) throw new TemplateError('batch size must be positive');
      const fill = a.value(1, 'fill_with', null);
      const list = items(v);
      const out: unknown[][] = [];
      for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
      const last = out[out.length - 1];
      if (last && fill !== null && last.length < size) while (last.length < size) last.push(fill);
      return out;
    },
  },
  groupby: {
    fn: (v, a) => {
      const get = attrGetter(a.value(0, 'attribute'), a.has(1, 'default') ? a.value(1, 'default') : undefined);
      const caseSensitive = a.bool(2, 'case_sensitive', false);
      const sorted = sortBy(items(v), (item) => fold(get(item), caseSensitive), false);
      const out: unknown[][] = [];
      let currentKey: unknown;
      let current: unknown[] | undefined;
      for (const item of sorted) {
        const key = fold(get(item), caseSensitive);
        if (!current || !pyEquals(key, currentKey)) {
          current = [];
          currentKey = key;
          out.push(group(get(item), current));
        }
        current.push(item);
      }
      return out;
    },
  },
  dictsort: {
    fn: (v, a) => {
      if (!isDict(v)) throw new TemplateError(`dictsort expects a dict, got ${pyTypeName(v)}`);
      const caseSensitive = a.bool(0, 'case_sensitive', false);
      const by = a.str(1, 'by', 'key');
      const pos = by === 'value' ? 1 : 0;
      const pairs = Object.keys(v).map((k) => [k, v[k]]);
      return sortBy(pairs, (p) => fold((p as unknown[])[pos], caseSensitive), a.bool(2, 'reverse', false));
    },
  },
  subelements: {
    fn: (v, a) => {
      const elements = isDict(v) ? Object.values(v) : Array.isArray(v) ? [...v] : undefined;
      if (!elements) throw new TemplateError('obj must be a list of dicts or a nested dict');
      const path = a.value(0, 'subelements');
      const keys = Array.isArray(path) ? path.map(String) : typeof path === 'string' ? path.split('.') : undefined;
      if (!keys) throw new TemplateError('subelements must be a list or a string');
      const skipMissing = a.bool(1, 'skip_missing', false);
      const out: unknown[][] = [];
      for (const element of elements) {
        let values: unknown = element;
        for (const key of keys) {
          if (!isDict(values)) throw new TemplateError(`the key ${key} should point to a dictionary, got '${pyRepr(values)}'`);
          if (!Object.prototype.hasOwnProperty.call(values, key)) {
            if (skipMissing) {
              values = [];
              break;
            }
            throw new TemplateError(`could not find '${key}' key in iterated item ${pyRepr(values)}`);
          }
          values = values[key];
        }
        if (!Array.isArray(values)) throw new TemplateError(`the key '${keys.join('.')}' should point to a list, got ${pyRepr(values)}`);
        for (const value of values) out.push([element, value]);
      }
      return out;
    },
  },
  extract: {
    fn: (v, a) => {
      const more = a.value(1, 'morekeys', null);
      const keys = more === null ? [v] : Array.isArray(more) ? [v, ...more] : [v, more];
      let value: unknown = a.value(0, 'container');
      for (const key of keys) {
        value = getItem(value, key);
        if (value instanceof Undefined) return value;
      }
      return value;
    },
  },
  random: {
    fn: (v, a) => {
      if (typeof v === 'number') {
        const start = a.num(0, 'start', 0)!;
        const step = a.num(1, 'step', 1)!;
        const count = Math.ceil((v - start) / step);
        if (count <= 0) throw new TemplateError('empty range for random');
        return start + randomInt(count) * step;
      }
      const list = items(v);
      if (!list.length) throw new TemplateError('Cannot choose from an empty sequence');
      return list[randomInt(list.length)];
    },
  },
  shuffle: { fn: (v) => shuffled(items(v)) },
};
