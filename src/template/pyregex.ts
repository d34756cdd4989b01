/**
 * Python regular expressions on JavaScript's engine: `(?P<name>...)`, `(?P=name)`, `\A`, `\Z`,
 * leading inline flags `(?i)`, `(?x)` verbose patterns, `$` matching before a final newline,
 * `{,n}`; and Python replacement templates (`\1`, `\g<name>`, `\n`).
 */
import { TemplateError } from './errors.js';

export interface RegexFlags {
  ignorecase?: boolean;
  multiline?: boolean;
  dotall?: boolean;
}

const cache = new Map<string, RegExp>();

function translate(pattern: string, flags: RegexFlags): { source: string; jsFlags: string } {
  let i = 0;
  let ignorecase = Boolean(flags.ignorecase);
  let multiline = Boolean(flags.multiline);
  let dotall = Boolean(flags.dotall);
  let verbose = false;
  let m: RegExpExecArray | null;
  while ((m = /^\(\?([aiLmsux]+)\)/.exec(pattern.slice(i)))) {
    for (const f of m[1]!) {
      if (f === 'i') ignorecase = true;
      else if (f === 'm') multiline = true;
      else if (f === 's') dotall = true;
      else if (f === 'x') verbose = true;
    }
    i += m[0].length;
  }
  let out = '';
  let inClass = false;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      if (!inClass && n === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && n === 'Z') out += '(?![\\s\\S])';
      else out += c + n;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      if (pattern[i] === '^') {
        out += '^';
        i++;
      }
      if (pattern[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (verbose && /\s/.test(c)) {
      i++;
      continue;
    }
    if (verbose && c === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
      continue;
    }
    if (pattern.startsWith('(?P<', i)) {
      out += '(?<';
      i += 4;
      continue;
    }
    if ((m = /^\(\?P=(\w+)\)/.exec(pattern.slice(i)))) {
      out += `\\k<${m[1]}>`;
      i += m[0].length;
      continue;
    }
    if (pattern.startsWith('(?#', i)) {
      const end = pattern.indexOf(')', i);
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    if ((m = /^\{,(\d+)\}/.exec(pattern.slice(i)))) {
      out += `{0,${m[1]}}`;
      i += m[0].length;
      continue;
    }
    if (c === '$' && !multiline) {
      out += '(?=\\n?$)';
      i++;
      continue;
    }
    out += c;
    i++;
  }
  return { source: out, jsFlags: `${ignorecase ? 'i' : ''}${multiline ? 'm' : ''}${dotall ? 's' : ''}` };
}

/** A JavaScript RegExp for a Python pattern; `extra` adds JS flags ('g', 'y'). */
export function pyRegex(pattern: string, flags: RegexFlags = {}, extra = ''): RegExp {
  const key = `${flags.ignorecase ? 1 : 0}${flags.multiline ? 1 : 0}${flags.dotall ? 1 : 0}${extra}:${pattern}`;
  const hit = cache.get(key);
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  const { source, jsFlags } = translate(pattern, flags);
  let re: RegExp;
  try {
    re = new RegExp(source, jsFlags + extra);
  } catch (err) {
    throw new TemplateError(`invalid regular expression '${pattern}': ${(err as Error).message}`);
  }
  if (cache.size > 1000) cache.clear();
  cache.set(key, re);
  return re;
}

/** Number of capture groups of a regex. */
export function groupCount(re: RegExp): number {
  return new RegExp(`${re.source}|`).exec('')!.length - 1;
}

type TemplatePart = string | number | { name: string };

const REPL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** Parse a Python re.sub replacement template. */
export function parseReplacement(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let lit = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c !== '\\') {
      lit += c;
      i++;
      continue;
    }
    const rest = template.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\\g<([^>]+)>/.exec(rest))) {
      if (lit) parts.push(lit);
      lit = '';
      parts.push(/^\d+$/.test(m[1]!) ? Number(m[1]) : { name: m[1]! });
      i += m[0].length;
    } else if ((m = /^\\(\d{1,2})/.exec(rest))) {
      if (lit) parts.push(lit);
      lit = '';
      parts.push(Number(m[1]));
      i += m[0].length;
    } else {
      const n = template[i + 1] ?? '';
      if (n in REPL_ESCAPES) lit += REPL_ESCAPES[n];
      else if (/[A-Za-z]/.test(n)) throw new TemplateError(`bad escape \\${n} in replacement '${template}'`);
      else lit += `\\${n}`;
      i += 2;
    }
  }
  if (lit) parts.push(lit);
  return parts;
}

/** Expand a parsed template against one match (unmatched groups are empty, as in Python 3.5+). */
export function expandReplacement(parts: TemplatePart[], match: RegExpExecArray | RegExpMatchArray): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') out += part;
    else if (typeof part === 'number') {
      if (part >= match.length) throw new TemplateError(`invalid group reference ${part}`);
      out += match[part] ?? '';
    } else {
      const groups = match.groups ?? {};
      if (!(part.name in groups)) throw new TemplateError(`unknown group name '${part.name}'`);
      out += groups[part.name] ?? '';
    }
  }
  return out;
}

/** Python's re.escape. */
export function pyEscape(s: string): string {
  return s.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => {
    const named: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\v': '\\v', '\f': '\\f' };
    return named[c] ?? `\\${c}`;
  });
}
