/**
 * String filters: case, trim, replace, split/join, indent, center, truncate, format, quote,
 * base64, urlencode, to_uuid, strftime, HTML escaping.
 */
import { createHash } from 'node:crypto';
import type { Args } from '../args.js';
import { TemplateError } from '../errors.js';
import { pyCapitalize, pySplit, pyStrip } from '../methods.js';
import { percentFormat, strftime, toDate } from '../pyformat.js';
import { isDict, pyLen, pyStr, pyTypeName } from '../python.js';
import type { FilterDef } from '../types.js';
import { attrGetter, items } from './util.js';

function text(value: unknown): string {
  return pyStr(value);
}

/** Python's shlex.quote. */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (!/[^\w@%+=:,./-]/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

/** Jinja's title: each word (split on whitespace, -, (, {, [, <) capitalized. */
export function jinjaTitle(s: string): string {
  return s
    .split(/([-\s({[<]+)/)
    .filter((item) => item)
    .map((item) => item[0]!.toUpperCase() + item.slice(1).toLowerCase())
    .join('');
}

/** Jinja's indent filter. */
export function indent(s: string, width: unknown = 4, first = false, blank = false): string {
  const pad = typeof width === 'string' ? width : ' '.repeat(Number(width));
  const lines = splitLines(`${s}\n`);
  let out: string;
  if (blank) {
    out = lines.join(`\n${pad}`);
  } else {
    out = lines.shift() ?? '';
    if (lines.length) out += `\n${lines.map((line) => (line ? pad + line : line)).join('\n')}`;
  }
  return first ? pad + out : out;
}

/** Python's str.splitlines() without the line ends. */
export function splitLines(s: string): string[] {
  const lines = s.split(/\r\n|\r|\n|\v|\f|\x1c|\x1d|\x1e|\x85|\u2028|\u2029/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function urlQuote(s: string, safe: string, plusSpaces: boolean): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.~-]/.test(c) || safe.includes(c)) out += c;
    else if (plusSpaces && c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const ANSIBLE_UUID_NAMESPACE = '361E6D51-FAEC-444A-9079-341386DA8E2E';

/** Python's uuid.uuid5(namespace, name). */
export function uuid5(name: string, namespace = ANSIBLE_UUID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new TemplateError(`invalid UUID namespace '${namespace}'`);
  const hash = createHash('sha1').update(ns).update(Buffer.from(name, 'utf8')).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

function truncate(s: string, a: Args): string {
  const length = a.num(0, 'length', 255)!;
  const killwords = a.bool(1, 'killwords', false);
  const end = a.str(2, 'end', '...')!;
  const leeway = a.num(3, 'leeway', 5)!;
  if (pyLen(s) <= length + leeway) return s;
  if (killwords) return s.slice(0, length - end.length) + end;
  const head = s.slice(0, length - end.length);
  const cut = head.lastIndexOf(' ');
  return (cut >= 0 ? head.slice(0, cut) : head) + end;
}

export const stringFilters: Record<string, FilterDef> = {
  lower: { fn: (v) => text(v).toLowerCase() },
  upper: { fn: (v) => text(v).toUpperCase() },
  capitalize: { fn: (v) => pyCapitalize(text(v)) },
  title: { fn: (v) => jinjaTitle(text(v)) },
  trim: { fn: (v, a) => pyStrip(text(v), a.value(0, 'chars', null)) },
  replace: {
    fn: (v, a) => {
      const s = text(v);
      const old = text(a.value(0, 'old'));
      const rep = text(a.value(1, 'new'));
      const count = a.value(2, 'count', null);
      if (count === null) return s.split(old).join(rep);
      let n = Number(count);
      let out = '';
      let rest = s;
      while (n-- > 0) {
        const i = rest.indexOf(old);
        if (i < 0) break;
        out += rest.slice(0, i) + rep;
        rest = rest.slice(i + old.length);
      }
      return out + rest;
    },
  },
  split: {
    fn: (v, a) => {
      if (typeof v !== 'string') throw new TemplateError(`split expects a string, got ${pyTypeName(v)}`);
      return pySplit(v, a.value(0, 'sep', null), a.num(1, 'maxsplit', -1));
    },
  },
  join: {
    fn: (v, a) => {
      const get = attrGetter(a.value(1, 'attribute', null));
      return items(v)
        .map((item) => text(get(item)))
        .join(text(a.value(0, 'd', '')));
    },
  },
  center: {
    fn: (v, a) => {
      const s = text(v);
      const w = a.num(0, 'width', 80)!;
      if (w <= s.length) return s;
      const total = w - s.length;
      const left = Math.floor(total / 2) + (total & w & 1);
      return ' '.repeat(left) + s + ' '.repeat(total - left);
    },
  },
  indent: {
    fn: (v, a) => indent(text(v), a.value(0, 'width', 4), a.bool(1, 'first', false), a.bool(2, 'blank', false)),
  },
  wordcount: { fn: (v) => (text(v).match(/\w+/gu) ?? []).length },
  truncate: { fn: (v, a) => truncate(text(v), a) },
  format: {
    fn: (v, a) => {
      if (Object.keys(a.kwargs).length) return percentFormat(text(v), a.kwargs);
      return percentFormat(text(v), a.positional.length === 1 && isDict(a.positional[0]) ? a.positional[0] : a.positional);
    },
  },
  quote: { fn: (v) => shellQuote(v === null || v === undefined ? '' : text(v)) },
  b64encode: {
    fn: (v, a) => {
      const encoding = (a.str(0, 'encoding', 'utf-8') ?? 'utf-8').replace('-', '').toLowerCase();
      const buf = Buffer.from(text(v), encoding === 'utf16' ? 'utf16le' : encoding === 'latin1' ? 'latin1' : 'utf8');
      return a.bool(1, 'urlsafe', false) ? buf.toString('base64url').padEnd(Math.ceil(buf.length / 3) * 4, '=') : buf.toString('base64');
    },
  },
  b64decode: {
    fn: (v, a) => {
      const encoding = (a.str(0, 'encoding', 'utf-8') ?? 'utf-8').replace('-', '').toLowerCase();
      const buf = Buffer.from(text(v).replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      return buf.toString(encoding === 'utf16' ? 'utf16le' : encoding === 'latin1' ? 'latin1' : 'utf8');
    },
  },
  urlencode: {
    fn: (v) => {
      if (typeof v === 'string') return urlQuote(v, '/', false);
      const pairs = isDict(v) ? Object.entries(v) : items(v).map((p) => items(p));
      return pairs.map(([k, val]) => `${urlQuote(text(k), '', true)}=${urlQuote(text(val), '', true)}`).join('&');
    },
  },
  to_uuid: { fn: (v, a) => uuid5(text(v), a.str(0, 'namespace', ANSIBLE_UUID_NAMESPACE)) },
  strftime: {
    fn: (v, a) => strftime(text(v), toDate(a.value(0, 'second', null)), a.bool(1, 'utc', false)),
  },
  escape: { fn: (v) => escapeHtml(text(v)) },
  e: { fn: (v) => escapeHtml(text(v)) },
  forceescape: { fn: (v) => escapeHtml(text(v)) },
  safe: { fn: (v) => v },
  striptags: {
    fn: (v) =>
      text(v)
        .replace(/<!--.*?-->|<[^>]*>/gs, '')
        .replace(/\s+/g, ' ')
        .trim(),
  },
  comment: {
    fn: (v, a) => {
      const style = a.str(0, 'style', 'plain');
      const prefix = style === 'c' ? '// ' : style === 'erlang' ? '% ' : '# ';
      const decoration = prefix.trimEnd();
      const body = splitLines(text(v)).map((line) => (line ? prefix + line : decoration));
      return [decoration, ...body, decoration].join('\n');
    },
  },
};
