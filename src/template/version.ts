/**
 * Version comparison as Ansible's `version` test does it: LooseVersion (default), StrictVersion
 * (`strict=True` or version_type='strict') and semantic versions (version_type='semver').
 */
import { TemplateError } from './errors.js';

type Part = number | string;

/** distutils' LooseVersion components: numbers and letter runs, dots dropped. */
export function looseParts(v: string): Part[] {
  return v
    .split(/(\d+|[a-z]+|\.)/)
    .filter((x) => x && x !== '.')
    .map((x) => (/^\d+$/.test(x) ? Number(x) : x));
}

function compareParts(a: Part[], b: Part[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (typeof x !== typeof y) {
      throw new TemplateError(`Version comparison failed: '<' not supported between instances of '${typeof x === 'number' ? 'int' : 'str'}' and '${typeof y === 'number' ? 'int' : 'str'}'`);
    }
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return Math.sign(a.length - b.length);
}

function strictParse(v: string): { version: number[]; pre?: [string, number] } {
  const m = /^(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?$/.exec(v);
  if (!m) throw new TemplateError(`Version comparison failed: invalid version number '${v}'`);
  const version = [Number(m[1]), Number(m[2]), m[4] ? Number(m[4]) : 0];
  return m[5] ? { version, pre: [m[5][0]!, Number(m[6])] } : { version };
}

function strictCompare(a: string, b: string): number {
  const x = strictParse(a);
  const y = strictParse(b);
  const c = compareParts(x.version, y.version);
  if (c) return c;
  if (!x.pre && !y.pre) return 0;
  if (!x.pre) return 1;
  if (!y.pre) return -1;
  return compareParts(x.pre, y.pre);
}

function semverParse(v: string): { core: number[]; pre: Part[] } {
  const m = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v);
  if (!m) throw new TemplateError(`Version comparison failed: invalid semantic version '${v}'`);
  const pre = m[4] ? m[4].split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [];
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre };
}

function semverCompare(a: string, b: string): number {
  const x = semverParse(a);
  const y = semverParse(b);
  const c = compareParts(x.core, y.core);
  if (c) return c;
  if (!x.pre.length && !y.pre.length) return 0;
  if (!x.pre.length) return 1;
  if (!y.pre.length) return -1;
  const n = Math.min(x.pre.length, y.pre.length);
  for (let i = 0; i < n; i++) {
    const p = x.pre[i]!;
    const q = y.pre[i]!;
    if (p === q) continue;
    if (typeof p === 'number' && typeof q === 'number') return p < q ? -1 : 1;
    if (typeof p === 'number') return -1;
    if (typeof q === 'number') return 1;
    return p < q ? -1 : 1;
  }
  return Math.sign(x.pre.length - y.pre.length);
}

const OPERATORS: Record<string, string> = {
  '==': 'eq', '=': 'eq', eq: 'eq', '<': 'lt', lt: 'lt', '<=': 'le', le: 'le', '>': 'gt', gt: 'gt',
  '>=': 'ge', ge: 'ge', '!=': 'ne', '<>': 'ne', ne: 'ne',
};

/** Ansible's version test: `value is version(other, operator, strict=..., version_type=...)`. */
export function versionCompare(value: string, version: string, operator = 'eq', strict = false, versionType?: string): boolean {
  const op = OPERATORS[operator];
  if (!op) throw new TemplateError(`Invalid operator type (${operator})`);
  if (!value || !version) throw new TemplateError('Input version value cannot be empty');
  const type = versionType ?? (strict ? 'strict' : 'loose');
  let c: number;
  switch (type) {
    case 'loose':
    case 'pep440':
      c = compareParts(looseParts(value), looseParts(version));
      break;
    case 'strict':
      c = strictCompare(value, version);
      break;
    case 'semver':
    case 'semantic':
      c = semverCompare(value, version);
      break;
    default:
      throw new TemplateError(`Invalid version type (${type}). Must be one of loose, strict, semver, semantic, pep440`);
  }
  switch (op) {
    case 'eq':
      return c === 0;
    case 'ne':
      return c !== 0;
    case 'lt':
      return c < 0;
    case 'le':
      return c <= 0;
    case 'gt':
      return c > 0;
    default:
      return c >= 0;
  }
}
