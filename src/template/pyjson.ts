/**
 * Python's json.dumps, as Ansible's to_json and to_nice_json produce it: `", "` and `": "`
 * separators, non-ASCII escaped as \uXXXX, keys sorted on request, NaN/Infinity spelled as Python does.
 */
import { TemplateError } from './errors.js';
import { formatDate, formatNumber, isDict, pyTypeName } from './python.js';
import { Undefined } from './undefined.js';

export interface JsonOptions {
  indent?: number | string | null;
  sortKeys?: boolean;
  separators?: [string, string];
  ensureAscii?: boolean;
}

function quote(s: string, ensureAscii: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = s.charCodeAt(i);
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      default:
        if (c < 0x20 || (ensureAscii && c > 0x7e)) out += `\\u${c.toString(16).padStart(4, '0')}`;
        else out += ch;
    }
  }
  return `${out}"`;
}

function number(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return formatNumber(n);
}

export function pyJsonDumps(value: unknown, options: JsonOptions = {}): string {
  const ensureAscii = options.ensureAscii ?? true;
  const indentOpt = options.indent;
  const indent = indentOpt === null || indentOpt === undefined ? null : typeof indentOpt === 'number' ? ' '.repeat(indentOpt) : indentOpt;
  const [itemSep, keySep] = options.separators ?? (indent === null ? [', ', ': '] : [',', ': ']);
  const seen = new Set<unknown>();
  const walk = (v: unknown, level: number): string => {
    if (v instanceof Undefined) throw v.error();
    if (v === null || v === undefined) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'number') return number(v);
    if (typeof v === 'string') return quote(v, ensureAscii);
    if (v instanceof Date) return quote(formatDate(v).replace(' ', 'T'), ensureAscii);
    if (typeof v !== 'object') throw new TemplateError(`Object of type ${pyTypeName(v)} is not JSON serializable`);
    if (seen.has(v)) throw new TemplateError('Circular reference detected');
    seen.add(v);
    try {
      const open = indent === null ? '' : `\n${indent.repeat(level + 1)}`;
      const close = indent === null ? '' : `\n${indent.repeat(level)}`;
      const sep = indent === null ? itemSep : `${itemSep}\n${indent.repeat(level + 1)}`;
      if (Array.isArray(v)) {
        if (!v.length) return '[]';
        return `[${open}${v.map((x) => walk(x, level + 1)).join(sep)}${close}]`;
      }
      if (!isDict(v) && !(v instanceof Map)) throw new TemplateError(`Object of type ${pyTypeName(v)} is not JSON serializable`);
      const dict = v as Record<string, unknown>;
      let keys = Object.keys(dict);
      if (!keys.length) return '{}';
      if (options.sortKeys) keys = [...keys].sort();
      return `{${open}${keys.map((k) => `${quote(k, ensureAscii)}${keySep}${walk(dict[k], level + 1)}`).join(sep)}${close}}`;
    } finally {
      seen.delete(v);
    }
  };
  return walk(value, 0);
}
