/**
 * The lookups that reshape data for `with_*` loops, as Ansible 2.14's plugins shape it: items,
 * list, flattened, dict, nested (cartesian), together, indexed_items, subelements, random_choice.
 * Each takes the terms as the lookup receives them (`query('x', a, b)` gives [a, b]; `with_x: v`
 * gives v listified, see loopTerms) and returns a list. `cartesian` is community.general's.
 */
import { randomInt } from 'node:crypto';
import { TemplateError } from './errors.js';
import { isDict, pyRepr, pyStr, truthy } from './python.js';
import type { LookupDef } from './types.js';
import { Undefined } from './undefined.js';

/** Python iteration as the plugins do it: a list as is, a dict's keys, a string's characters. */
function pyList(value: unknown, lookup: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (isDict(value)) return Object.keys(value);
  if (typeof value === 'string') return [...value];
  if (value instanceof Undefined) throw value.error();
  throw new TemplateError(`An unhandled exception occurred while running the lookup plugin '${lookup}': '${pyRepr(value)}' is not iterable`);
}

/** LookupBase._flatten: one level, lists spread, anything else kept. */
function flattenOnce(terms: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const t of terms) {
    if (Array.isArray(t)) out.push(...(t as unknown[]));
    else out.push(t);
  }
  return out;
}

/** listify_lookup_plugin_terms on a value that is already templated: a string or scalar becomes a list of one. */
export function listify(value: unknown): unknown {
  if (Array.isArray(value) || isDict(value)) return value;
  return [value];
}

function flattenAll(terms: unknown[]): unknown[] {
  const out: unknown[] = [];
  const walk = (v: unknown): void => (Array.isArray(v) ? v.forEach(walk) : void out.push(v));
  walk(terms);
  return out;
}

function nested(terms: unknown[]): unknown[] {
  const lists = terms.map(listify);
  if (!lists.length) throw new TemplateError('with_nested requires at least one element in the nested list');
  let result = pyList(lists[0], 'nested');
  for (const next of lists.slice(1)) {
    const b = pyList(next, 'nested');
    const combined: unknown[] = [];
    for (const x of result) for (const y of b) combined.push(flattenOnce([x, y]));
    result = combined;
  }
  return result.map((x) => flattenOnce(pyList(x, 'nested')));
}

function together(terms: unknown[]): unknown[] {
  const lists = terms.map((t) => pyList(listify(t), 'together'));
  if (!lists.length) throw new TemplateError('with_together requires at least one element in each list');
  const n = Math.max(...lists.map((l) => l.length));
  return Array.from({ length: n }, (_, i) => flattenOnce(lists.map((l) => (i < l.length ? l[i] : null))));
}

/** community.general.cartesian: every combination, each flattened once. */
function cartesian(terms: unknown[]): unknown[] {
  const lists = terms.map((t) => pyList(listify(t), 'cartesian'));
  if (!lists.length) throw new TemplateError('with_cartesian requires at least one element in each list');
  let out: unknown[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((x) => [...prefix, x]));
  return out.map(flattenOnce);
}

function subelementsError(msg = ''): TemplateError {
  return new TemplateError(`subelements lookup expects a list of two or three items, ${msg}`);
}

/** The element without the sub-list it is paired with: Ansible's plugin pops the last key. */
function withoutSubkey(element: Record<string, unknown>, path: string[]): Record<string, unknown> {
  const top: Record<string, unknown> = { ...element };
  let at = top;
  for (const key of path.slice(0, -1)) {
    const next = { ...(at[key] as Record<string, unknown>) };
    at[key] = next;
    at = next;
  }
  delete at[path[path.length - 1]!];
  return top;
}

function subelements(terms: unknown[]): unknown[] {
  if (terms.length < 2 || terms.length > 3) throw subelementsError();
  const source = listify(terms[0]);
  const subkey = terms[1];
  if (!(Array.isArray(source) || isDict(source)) || typeof subkey !== 'string') {
    throw subelementsError('first a dict or a list, second a string pointing to the subkey');
  }
  const path = subkey.split('.');
  let elements: unknown[];
  if (isDict(source)) {
    if ('skipped' in source && source.skipped !== false) return [];
    elements = Object.values(source);
  } else elements = source;
  const flags = terms.length === 3 ? terms[2] : {};
  if (!isDict(flags) && !(Array.isArray(flags) && flags.every((k) => k === 'skip_missing'))) {
    throw subelementsError("the optional third item must be a dict with flags ('skip_missing',)");
  }
  const skipMissing = isDict(flags) ? truthy(flags.skip_missing ?? false) : false;
  const out: unknown[] = [];
  for (const element of elements) {
    if (!isDict(element)) throw new TemplateError(`subelements lookup expects a dictionary, got '${pyStr(element)}'`);
    if ('skipped' in element && element.skipped !== false) continue;
    let value: Record<string, unknown> = element;
    let sublist: unknown[] = [];
    let found = true;
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      const last = i === path.length - 1;
      if (!(key in value)) {
        if (skipMissing) {
          found = false;
          break;
        }
        throw new TemplateError(`could not find '${key}' key in iterated item '${pyStr(value)}'`);
      }
      const next = value[key];
      if (!last) {
        if (!isDict(next)) {
          if (skipMissing) {
            found = false;
            break;
          }
          throw new TemplateError(`the key ${key} should point to a dictionary, got '${pyStr(next)}'`);
        }
        value = next;
      } else if (!Array.isArray(next)) {
        throw new TemplateError(`the key ${key} should point to a list, got '${pyStr(next)}'`);
      } else sublist = next;
    }
    if (!found) continue;
    const shown = withoutSubkey(element, path);
    for (const sub of sublist) out.push([shown, sub]);
  }
  return out;
}

export const DATA_LOOKUPS: Record<string, LookupDef> = {
  items: { fn: flattenOnce },
  list: { fn: (terms) => terms },
  flattened: { fn: flattenAll },
  dict: {
    fn: (terms) =>
      terms.flatMap((term) => {
        if (!isDict(term)) throw new TemplateError('with_dict expects a dict');
        return Object.keys(term).map((key) => ({ key, value: term[key] }));
      }),
  },
  nested: { fn: nested },
  cartesian: { fn: cartesian },
  together: { fn: together },
  indexed_items: { fn: (terms) => flattenOnce(terms).map((item, i) => [i, item]) },
  subelements: { fn: subelements },
  random_choice: { fn: (terms) => (terms.length ? [terms[randomInt(terms.length)]] : []) },
};

/**
 * The terms a `with_<lookup>:` value gives its lookup, as Ansible's loop does: a list is the
 * terms, a string or scalar one term, a mapping stays a mapping (with_dict takes it whole, the
 * others iterate its keys; with_list and with_indexed_items refuse it).
 */
export function loopTerms(lookup: string, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (!isDict(value)) return [typeof value === 'string' ? value.trim() : value];
  switch (lookup.replace(/^ansible\.builtin\./, '')) {
    case 'dict':
      return [value];
    case 'list':
      throw new TemplateError('with_list expects a list');
    case 'indexed_items':
      throw new TemplateError('with_indexed_items expects a list');
    default:
      return Object.keys(value);
  }
}
