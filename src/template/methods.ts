/**
 * The Python methods playbooks call on values: `name.split('.')`, `line.strip()`,
 * `path.startswith('/')`, `d.items()`, `d.get('k', 1)`, `lst.index(x)`, `now().strftime('%Y')`.
 */
import { Args, splitCallArgs } from './args.js';
import { TemplateError } from './errors.js';
import { percentFormat, strFormat, strftime } from './pyformat.js';
import { formatDate, isDict, pyCompare, pyEquals, pyIter, pyStr, pyTypeName } from './python.js';

type Method = (self: any, a: Args) => unknown;

const WS = /\s/;

export function pySplit(s: string, sep: unknown, maxsplit = -1): string[] {
  if (sep === null || sep === undefined) {
    const out: string[] = [];
    let i = 0;
    const n = s.length;
    while (i < n) {
      while (i < n && WS.test(s[i]!)) i++;
      if (i >= n) break;
      if (maxsplit >= 0 && out.length >= maxsplit) {
        out.push(s.slice(i));
        break;
      }
      let j = i;
      while (j < n && !WS.test(s[j]!)) j++;
      out.push(s.slice(i, j));
      i = j;
    }
    return out;
  }
  const separator = String(sep);
  if (separator === '') throw new TemplateError('empty separator');
  const parts = s.split(separator);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(separator)];
}

export function pyRsplit(s: string, sep: unknown, maxsplit = -1): string[] {
  if (maxsplit < 0) return pySplit(s, sep, -1);
  if (sep === null || sep === undefined) {
    const out: string[] = [];
    let j = s.length;
    while (j > 0) {
      while (j > 0 && WS.test(s[j - 1]!)) j--;
      if (j <= 0) break;
      if (out.length >= maxsplit) {
        out.unshift(s.slice(0, j));
        break;
      }
      let i = j;
      while (i > 0 && !WS.test(s[i - 1]!)) i--;
      out.unshift(s.slice(i, j));
      j = i;
    }
    return out;
  }
  const separator = String(sep);
  if (separator === '') throw new TemplateError('empty separator');
  const parts = s.split(separator);
  if (parts.length <= maxsplit + 1) return parts;
  const cut = parts.length - maxsplit;
  return [parts.slice(0, cut).join(separator), ...parts.slice(cut)];
}

function stripSet(chars: unknown): (c: string) => boolean {
  if (chars === null || chars === undefined) return (c) => WS.test(c);
  const set = String(chars);
  return (c) => set.includes(c);
}

export function pyStrip(s: string, chars?: unknown, left = true, right = true): string {
  const inSet = stripSet(chars);
  let i = 0;
  let j = s.length;
  if (left) while (i < j && inSet(s[i]!)) i++;
  if (right) while (j > i && inSet(s[j - 1]!)) j--;
  return s.slice(i, j);
}

/** Python's str.title(): a letter after a non-letter is upper-cased, other letters lower-cased. */
export function pyTitle(s: string): string {
  let out = '';
  let prevCased = false;
  for (const ch of s) {
    const cased = ch.toLowerCase() !== ch.toUpperCase();
    out += cased ? (prevCased ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    prevCased = cased;
  }
  return out;
}

export function pyCapitalize(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s;
}

function affixes(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v));
  return [String(value)];
}

function sliceRange(s: string, a: Args, from: number): string {
  const start = a.num(from, 'start');
  const end = a.num(from + 1, 'end');
  return s.slice(start ?? 0, end ?? s.length);
}

function count(s: string, sub: string): number {
  if (sub === '') return s.length + 1;
  let n = 0;
  let i = s.indexOf(sub);
  while (i >= 0) {
    n++;
    i = s.indexOf(sub, i + sub.length);
  }
  return n;
}

function justify(a: Args): [number, string] {
  return [a.num(0, 'width', 0)!, a.str(1, 'fillchar', ' ')!];
}

const STR_METHODS: Record<string, (s: string, a: Args) => unknown> = {
  split: (s, a) => pySplit(s, a.value(0, 'sep', null), a.num(1, 'maxsplit', -1)),
  rsplit: (s, a) => pyRsplit(s, a.value(0, 'sep', null), a.num(1, 'maxsplit', -1)),
  splitlines: (s, a) => {
    const keep = a.bool(0, 'keepends');
    const lines = s.match(/[^\r\n]*(?:\r\n|\r|\n|$)/g) ?? [];
    const out = lines.filter((l, i) => l !== '' || i < lines.length - 1);
    if (out.length && out[out.length - 1] === '') out.pop();
    return keep ? out : out.map((l) => l.replace(/(\r\n|\r|\n)$/, ''));
  },
  strip: (s, a) => pyStrip(s, a.value(0, 'chars', null)),
  lstrip: (s, a) => pyStrip(s, a.value(0, 'chars', null), true, false),
  rstrip: (s, a) => pyStrip(s, a.value(0, 'chars', null), false, true),
  startswith: (s, a) => {
    const t = sliceRange(s, a, 1);
    return affixes(a.value(0, 'prefix')).some((p) => t.startsWith(p));
  },
  endswith: (s, a) => {
    const t = sliceRange(s, a, 1);
    return affixes(a.value(0, 'suffix')).some((p) => t.endsWith(p));
  },
  replace: (s, a) => {
    const old = String(a.value(0, 'old'));
    const rep = String(a.value(1, 'new'));
    let n = a.num(2, 'count', -1)!;
    if (n < 0) return s.split(old).join(rep);
    let out = '';
    let rest = s;
    while (n-- > 0) {
      const i = rest.indexOf(old);
      if (i < 0) break;
      out += rest.slice(0, i) + rep;
      rest = rest.slice(i + old.length);
      if (old === '') {
        out += rest.slice(0, 1);
        rest = rest.slice(1);
      }
    }
    return out + rest;
  },
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  casefold: (s) => s.toLowerCase(),
  swapcase: (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  title: (s) => pyTitle(s),
  capitalize: (s) => pyCapitalize(s),
  join: (s, a) =>
    pyIter(a.value(0, 'iterable'))
      .map((item, i) => {
        if (typeof item !== 'string') {
          throw new TemplateError(`sequence item ${i}: expected str instance, ${pyTypeName(item)} found`);
        }
        return item;
      })
      .join(s),
  find: (s, a) => {
    const start = a.num(1, 'start', 0)!;
    const i = sliceRange(s, a, 1).indexOf(String(a.value(0, 'sub')));
    return i < 0 ? -1 : i + start;
  },
  rfind: (s, a) => {
    const start = a.num(1, 'start', 0)!;
    const i = sliceRange(s, a, 1).lastIndexOf(String(a.value(0, 'sub')));
    return i < 0 ? -1 : i + start;
  },
  index: (s, a) => {
    const start = a.num(1, 'start', 0)!;
    const i = sliceRange(s, a, 1).indexOf(String(a.value(0, 'sub')));
    if (i < 0) throw new TemplateError('substring not found');
    return i + start;
  },
  rindex: (s, a) => {
    const start = a.num(1, 'start', 0)!;
    const i = sliceRange(s, a, 1).lastIndexOf(String(a.value(0, 'sub')));
    if (i < 0) throw new TemplateError('substring not found');
    return i + start;
  },
  count: (s, a) => count(sliceRange(s, a, 1), String(a.value(0, 'sub'))),
  format: (s, a) => strFormat(s, a.positional, a.kwargs),
  format_map: (s, a) => strFormat(s, [], (a.value(0, 'mapping') as Record<string, unknown>) ?? {}),
  isdigit: (s) => /^\d+$/.test(s),
  isdecimal: (s) => /^\d+$/.test(s),
  isnumeric: (s) => /^\p{N}+$/u.test(s),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isalnum: (s) => /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s) => /^\s+$/.test(s),
  islower: (s) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  isupper: (s) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
  istitle: (s) => /\p{L}/u.test(s) && pyTitle(s) === s,
  isidentifier: (s) => /^[\p{L}_][\p{L}\p{N}_]*$/u.test(s),
  zfill: (s, a) => {
    const width = a.num(0, 'width', 0)!;
    const sign = /^[-+]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  },
  ljust: (s, a) => {
    const [w, f] = justify(a);
    return s.padEnd(w, f);
  },
  rjust: (s, a) => {
    const [w, f] = justify(a);
    return s.padStart(w, f);
  },
  center: (s, a) => {
    const [w, f] = justify(a);
    if (w <= s.length) return s;
    const total = w - s.length;
    const left = Math.floor(total / 2) + (total & w & 1);
    return f.repeat(left) + s + f.repeat(total - left);
  },
  partition: (s, a) => {
    const sep = String(a.value(0, 'sep'));
    const i = s.indexOf(sep);
    return i < 0 ? [s, '', ''] : [s.slice(0, i), sep, s.slice(i + sep.length)];
  },
  rpartition: (s, a) => {
    const sep = String(a.value(0, 'sep'));
    const i = s.lastIndexOf(sep);
    return i < 0 ? ['', '', s] : [s.slice(0, i), sep, s.slice(i + sep.length)];
  },
  removeprefix: (s, a) => {
    const p = String(a.value(0, 'prefix'));
    return p && s.startsWith(p) ? s.slice(p.length) : s;
  },
  removesuffix: (s, a) => {
    const p = String(a.value(0, 'suffix'));
    return p && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
  expandtabs: (s, a) => s.replace(/\t/g, ' '.repeat(a.num(0, 'tabsize', 8)!)),
  encode: (s) => s,
  decode: (s) => s,
  __mod__: (s, a) => percentFormat(s, a.value(0, 'args')),
};

function indexOf(list: unknown[], x: unknown): number {
  for (let i = 0; i < list.length; i++) if (pyEquals(list[i], x)) return i;
  return -1;
}

const LIST_METHODS: Record<string, (l: unknown[], a: Args) => unknown> = {
  index: (l, a) => {
    const i = indexOf(l, a.value(0, 'value'));
    if (i < 0) throw new TemplateError(`${pyStr(a.value(0, 'value'))} is not in list`);
    return i;
  },
  count: (l, a) => l.filter((x) => pyEquals(x, a.value(0, 'value'))).length,
  append: (l, a) => {
    l.push(a.value(0, 'object'));
    return null;
  },
  extend: (l, a) => {
    l.push(...pyIter(a.value(0, 'iterable')));
    return null;
  },
  insert: (l, a) => {
    let i = a.num(0, 'index', 0)!;
    if (i < 0) i = Math.max(0, l.length + i);
    l.splice(i, 0, a.value(1, 'object'));
    return null;
  },
  pop: (l, a) => {
    if (!l.length) throw new TemplateError('pop from empty list');
    let i = a.num(0, 'index', -1)!;
    if (i < 0) i += l.length;
    if (i < 0 || i >= l.length) throw new TemplateError('pop index out of range');
    return l.splice(i, 1)[0];
  },
  remove: (l, a) => {
    const i = indexOf(l, a.value(0, 'value'));
    if (i < 0) throw new TemplateError('list.remove(x): x not in list');
    l.splice(i, 1);
    return null;
  },
  reverse: (l) => {
    l.reverse();
    return null;
  },
  sort: (l, a) => {
    l.sort((x, y) => pyCompare(x, y));
    if (a.bool(-1, 'reverse')) l.reverse();
    return null;
  },
  copy: (l) => [...l],
  clear: (l) => {
    l.length = 0;
    return null;
  },
};

const DICT_METHODS: Record<string, (d: Record<string, unknown>, a: Args) => unknown> = {
  items: (d) => Object.keys(d).map((k) => [k, d[k]]),
  keys: (d) => Object.keys(d),
  values: (d) => Object.keys(d).map((k) => d[k]),
  get: (d, a) => {
    const key = a.value(0, 'key');
    const k = typeof key === 'string' ? key : pyStr(key);
    if (Object.prototype.hasOwnProperty.call(d, k)) {
      const v = d[k];
      if (v !== undefined) return v;
    }
    return a.get(1, 'default', null);
  },
  copy: (d) => ({ ...d }),
  update: (d, a) => {
    const other = a.get(0, 'other');
    if (isDict(other)) Object.assign(d, other);
    else if (Array.isArray(other)) for (const pair of other) d[String((pair as unknown[])[0])] = (pair as unknown[])[1];
    Object.assign(d, a.kwargs);
    return null;
  },
  pop: (d, a) => {
    const k = String(a.value(0, 'key'));
    if (Object.prototype.hasOwnProperty.call(d, k)) {
      const v = d[k];
      delete d[k];
      return v;
    }
    if (a.has(1, 'default')) return a.get(1, 'default');
    throw new TemplateError(`KeyError: '${k}'`);
  },
  setdefault: (d, a) => {
    const k = String(a.value(0, 'key'));
    if (!Object.prototype.hasOwnProperty.call(d, k)) d[k] = a.get(1, 'default', null);
    return d[k];
  },
  clear: (d) => {
    for (const k of Object.keys(d)) delete d[k];
    return null;
  },
};

const DATE_METHODS: Record<string, (d: Date, a: Args) => unknown> = {
  strftime: (d, a) => strftime(String(a.value(0, 'format')), d),
  isoformat: (d, a) => formatDate(d).replace(' ', a.str(0, 'sep', 'T')!),
  timestamp: (d) => d.getTime() / 1000,
};

const DATE_ATTRIBUTES: Record<string, (d: Date) => unknown> = {
  year: (d) => d.getFullYear(),
  month: (d) => d.getMonth() + 1,
  day: (d) => d.getDate(),
  hour: (d) => d.getHours(),
  minute: (d) => d.getMinutes(),
  second: (d) => d.getSeconds(),
  microsecond: (d) => d.getMilliseconds() * 1000,
  epoch: (d) => Math.floor(d.getTime() / 1000),
};

function bind(self: unknown, name: string, method: Method): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const { positional, kwargs } = splitCallArgs(args);
    return method(self, new Args(`${name}()`, positional, kwargs));
  };
}

/** A Python method of the value, bound to it; undefined when the value has no such method. */
export function pythonMethod(value: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  if (typeof value === 'string') {
    const m = Object.prototype.hasOwnProperty.call(STR_METHODS, name) ? STR_METHODS[name] : undefined;
    return m && bind(value, name, m as Method);
  }
  if (Array.isArray(value)) {
    const m = Object.prototype.hasOwnProperty.call(LIST_METHODS, name) ? LIST_METHODS[name] : undefined;
    return m && bind(value, name, m as Method);
  }
  if (value instanceof Date) {
    const m = Object.prototype.hasOwnProperty.call(DATE_METHODS, name) ? DATE_METHODS[name] : undefined;
    return m && bind(value, name, m as Method);
  }
  if (isDict(value)) {
    const m = Object.prototype.hasOwnProperty.call(DICT_METHODS, name) ? DICT_METHODS[name] : undefined;
    return m && bind(value, name, m as Method);
  }
  return undefined;
}

/** A non-method attribute of a non-dict value (`date.year`), or undefined. */
export function pythonAttribute(value: unknown, name: string): unknown {
  if (value instanceof Date && Object.prototype.hasOwnProperty.call(DATE_ATTRIBUTES, name)) {
    return DATE_ATTRIBUTES[name]!(value);
  }
  if (typeof value === 'number' && (name === 'real' || name === 'numerator')) return value;
  if (typeof value === 'number' && name === 'imag') return 0;
  return undefined;
}

