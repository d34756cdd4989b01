/**
 * Jinja's and Ansible's tests (`x is defined`, `result is failed`, `v is version('2.0', '>=')`),
 * by name and by their `ansible.builtin.` name.
 */
import { existsSync, lstatSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Args } from './args.js';
import { TemplateError } from './errors.js';
import { pyRegex } from './pyregex.js';
import { compareOp, isDict, pyContains, pyEquals, pyIter, pyStr, truthy } from './python.js';
import type { TestDef } from './types.js';
import { Undefined } from './undefined.js';
import { versionCompare } from './version.js';

function result(value: unknown, test: string): Record<string, unknown> {
  if (!isDict(value)) throw new TemplateError(`The '${test}' test expects a dictionary`);
  return value;
}

function failed(value: unknown, test = 'failed'): boolean {
  return truthy(result(value, test).failed ?? false);
}

function changed(value: unknown): boolean {
  const r = result(value, 'changed');
  if (!('changed' in r)) {
    const results = r.results;
    if (Array.isArray(results) && isDict(results[0])) return results.some((x) => isDict(x) && truthy(x.changed ?? false));
    return false;
  }
  return truthy(r.changed);
}

function regexTest(matchType: 'match' | 'search' | 'fullmatch') {
  return (value: unknown, a: Args): boolean => {
    const text = value === null || value === undefined ? '' : pyStr(value);
    const pattern = pyStr(a.value(0, 'pattern', ''));
    const flags = { ignorecase: a.bool(1, 'ignorecase'), multiline: a.bool(2, 'multiline') };
    const type = matchType === 'search' ? a.str(3, 'match_type', 'search')! : matchType;
    if (type === 'search') return pyRegex(pattern, flags).test(text);
    const re = pyRegex(pattern, flags, 'y');
    re.lastIndex = 0;
    const m = re.exec(text);
    re.lastIndex = 0;
    return m !== null && (type === 'match' || m[0].length === text.length);
  };
}

const BOOLEANS_TRUE = ['y', 'yes', 'on', '1', 'true', 't'];
const BOOLEANS_FALSE = ['n', 'no', 'off', '0', 'false', 'f'];

/** Ansible's module_utils boolean(): a well-known true/false value, else the value unchanged. */
function convertBool(value: unknown): unknown {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : value;
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (BOOLEANS_TRUE.includes(s)) return true;
    if (BOOLEANS_FALSE.includes(s)) return false;
  }
  return value;
}

function path(value: unknown): string {
  return pyStr(value);
}

function stat(p: string, follow: boolean) {
  try {
    return follow ? statSync(p) : lstatSync(p);
  } catch {
    return undefined;
  }
}

function compare(op: string): TestDef {
  return { fn: (v, a) => compareOp(op, v, a.value(0, 'other')) };
}

const isNumber = (v: unknown): boolean => typeof v === 'number' || typeof v === 'boolean';

const TESTS: Record<string, TestDef> = {
  defined: { undefinedInput: true, fn: (v) => !(v instanceof Undefined) },
  undefined: { undefinedInput: true, fn: (v) => v instanceof Undefined },
  none: { fn: (v) => v === null || v === undefined },
  boolean: { fn: (v) => typeof v === 'boolean' },
  true: { fn: (v) => v === true },
  false: { fn: (v) => v === false },
  integer: { fn: (v) => typeof v === 'number' && Number.isInteger(v) },
  float: { fn: (v) => typeof v === 'number' && !Number.isInteger(v) },
  number: { fn: isNumber },
  string: { fn: (v) => typeof v === 'string' },
  mapping: { fn: (v) => isDict(v) },
  sequence: { fn: (v) => typeof v === 'string' || Array.isArray(v) || isDict(v) },
  iterable: { fn: (v) => typeof v === 'string' || Array.isArray(v) || isDict(v) || v instanceof Set },
  callable: { fn: (v) => typeof v === 'function' },
  sameas: { fn: (v, a) => v === a.value(0, 'other') || (v === null && a.value(0, 'other') === undefined) },
  lower: { fn: (v) => typeof v === 'string' && v === v.toLowerCase() },
  upper: { fn: (v) => typeof v === 'string' && v === v.toUpperCase() },
  even: { fn: (v) => Number(v) % 2 === 0 },
  odd: { fn: (v) => Math.abs(Number(v) % 2) === 1 },
  divisibleby: { fn: (v, a) => Number(v) % Number(a.value(0, 'num')) === 0 },
  eq: compare('=='),
  equalto: compare('=='),
  '==': compare('=='),
  ne: compare('!='),
  '!=': compare('!='),
  lt: compare('<'),
  lessthan: compare('<'),
  '<': compare('<'),
  le: compare('<='),
  '<=': compare('<='),
  gt: compare('>'),
  greaterthan: compare('>'),
  '>': compare('>'),
  ge: compare('>='),
  '>=': compare('>='),
  in: { fn: (v, a) => pyContains(a.value(0, 'seq'), v) },
  contains: { fn: (v, a) => pyContains(v, a.value(0, 'value')) },
  any: { fn: (v) => pyIter(v).some(truthy) },
  all: { fn: (v) => pyIter(v).every(truthy) },
  subset: {
    fn: (v, a) => {
      const big = pyIter(a.value(0, 'b'));
      return pyIter(v).every((x) => big.some((y) => pyEquals(x, y)));
    },
  },
  superset: {
    fn: (v, a) => {
      const small = pyIter(a.value(0, 'b'));
      const big = pyIter(v);
      return small.every((x) => big.some((y) => pyEquals(x, y)));
    },
  },
  nan: { fn: (v) => typeof v === 'number' && Number.isNaN(v) },
  truthy: { fn: (v, a) => truthy(a.bool(0, 'convert_bool', false) ? convertBool(v) : v) },
  falsy: { fn: (v, a) => !truthy(a.bool(0, 'convert_bool', false) ? convertBool(v) : v) },
  match: { fn: regexTest('match') },
  search: { fn: regexTest('search') },
  regex: { fn: regexTest('search') },
  fullmatch: { fn: regexTest('fullmatch') },
  version: {
    fn: (v, a) => {
      const versionType = a.value(3, 'version_type', null);
      return versionCompare(
        pyStr(v),
        pyStr(a.value(0, 'version')),
        pyStr(a.value(1, 'operator', 'eq')),
        a.bool(2, 'strict', false),
        versionType === null ? undefined : pyStr(versionType),
      );
    },
  },
  failed: { fn: (v) => failed(v) },
  failure: { fn: (v) => failed(v, 'failure') },
  succeeded: { fn: (v) => !failed(v, 'succeeded') },
  success: { fn: (v) => !failed(v, 'success') },
  successful: { fn: (v) => !failed(v, 'successful') },
  changed: { fn: changed },
  change: { fn: changed },
  skipped: { fn: (v) => truthy(result(v, 'skipped').skipped ?? false) },
  skip: { fn: (v) => truthy(result(v, 'skip').skipped ?? false) },
  unreachable: { fn: (v) => truthy(result(v, 'unreachable').unreachable ?? false) },
  reachable: { fn: (v) => !truthy(result(v, 'reachable').unreachable ?? false) },
  finished: { fn: (v) => truthy(result(v, 'finished').finished ?? 1) },
  started: { fn: (v) => truthy(result(v, 'started').started ?? 1) },
  abs: { fn: (v) => isAbsolute(path(v)) },
  file: { fn: (v) => stat(path(v), true)?.isFile() ?? false },
  directory: { fn: (v) => stat(path(v), true)?.isDirectory() ?? false },
  exists: { fn: (v) => existsSync(path(v)) },
  link: { fn: (v) => stat(path(v), false)?.isSymbolicLink() ?? false },
  link_exists: { fn: (v) => stat(path(v), false) !== undefined },
  mount: {
    fn: (v) => {
      const p = resolve(path(v));
      const self = stat(p, false);
      const parent = stat(dirname(p), false);
      if (!self || !parent || self.isSymbolicLink()) return false;
      return self.dev !== parent.dev || self.ino === parent.ino;
    },
  },
  same_file: {
    fn: (v, a) => {
      const x = stat(path(v), true);
      const y = stat(path(a.value(0, 'path')), true);
      return Boolean(x && y && x.dev === y.dev && x.ino === y.ino);
    },
  },
  vault_encrypted: { fn: (v) => typeof v === 'string' && v.trimStart().startsWith('$ANSIBLE_VAULT;') },
  vaulted_file: { fn: () => false },
};

function build(): Map<string, TestDef> {
  const all = new Map<string, TestDef>();
  for (const [name, def] of Object.entries(TESTS)) {
    all.set(name, def);
    all.set(`ansible.builtin.${name}`, def);
  }
  all.set('version_compare', TESTS.version!);
  all.set('ansible.builtin.version_compare', TESTS.version!);
  return all;
}

export const TEST_REGISTRY: ReadonlyMap<string, TestDef> = build();
