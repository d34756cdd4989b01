/**
 * Host patterns with Ansible's rules (ansible-core InventoryManager):
 *  - `a,b` or `a:b` union, `a:&b` intersection, `a:!b` exclusion; whatever the order written,
 *    unions are applied first, then intersections, then exclusions; a pattern with only `&`/`!`
 *    parts starts from `all`;
 *  - each part is `all`, a host name, a group name, a shell glob (`web*`, `192.168.1.*`,
 *    `db[12]x`) or a regex after `~` (matched at the start of the name); a part is first matched
 *    against group names (a matching group gives all its hosts, children included) and, when no
 *    group matched or the part has `.`, `?`, `*` or `[`, against host names too;
 *  - a part may end in a subscript, `web[0]`, `web[-1]`, `web[1:3]` (both ends included), `web[1:]`;
 *  - the result is in inventory order, without duplicates;
 *  - `localhost`, `127.0.0.1` or `::1` that match nothing give the implicit localhost.
 * `--limit` is the same syntax, plus `@file` for a file of patterns (host names) one a line.
 */
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { UsageError } from '../errors.js';
import type { Inventory } from './model.js';
import { fnmatchRegExp } from '../util/fnmatch.js';
import { parseAddress } from './ranges.js';
import { LOCALHOST_NAMES, groupHosts } from './resolve.js';

export interface MatchOptions {
  /** `--limit`: only hosts that also match this (same syntax, `@file` allowed). */
  limit?: string | readonly string[];
  /** Directory `@file` limits are read relative to (default: process.cwd()). */
  cwd?: string;
}

export interface MatchResult {
  /** Matching host names, in inventory order (the implicit localhost where named). */
  hosts: string[];
  /** Sub-patterns (of the pattern or the limit) that matched no host and no group. */
  unmatched: string[];
  /** Things worth a warning (deprecated [x-y] subscripts...). */
  warnings: string[];
}

/**
 * Splits a pattern into its parts: on commas when there is one, else on colons (but not the
 * colons of an IPv6 address, a host:port, or a [x:y] range or subscript). Whitespace is ignored.
 */
export function splitHostPattern(pattern: string | readonly string[]): string[] {
  if (Array.isArray(pattern)) return pattern.flatMap((p) => splitHostPattern(p));
  const text = pattern as string;
  let parts: string[];
  if (text.includes(',')) {
    parts = text.split(',');
  } else if (parseAddress(text, true)) {
    parts = [text];
  } else {
    parts = text.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  }
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** A `~regex` part: Python's re.match, anchored at the start only. */
function pythonRegExp(source: string): RegExp {
  const js = source.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  return new RegExp(`^(?:${js})`);
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;

function splitSubscript(pattern: string, warnings: string[]): { expr: string; sub?: [number, number | undefined] } {
  if (pattern.startsWith('~')) return { expr: pattern };
  const m = SUBSCRIPT.exec(pattern);
  if (!m) return { expr: pattern };
  const [, expr, idx, start, sep, end] = m;
  if (idx !== undefined) return { expr: expr!, sub: [Number(idx), undefined] };
  if (sep === '-') warnings.push(`use [x:y] inclusive subscripts instead of [x-y] in "${pattern}"`);
  return { expr: expr!, sub: [Number(start), end ? Number(end) : -1] };
}

function applySubscript(hosts: string[], sub: [number, number | undefined] | undefined): string[] | undefined {
  if (!hosts.length || !sub) return hosts;
  const [start, end] = sub;
  if (end) {
    const last = end === -1 ? hosts.length - 1 : end;
    return hosts.slice(start, last + 1);
  }
  const i = start < 0 ? hosts.length + start : start;
  if (i < 0 || i >= hosts.length) return undefined; // out of range: no host
  return [hosts[i]!];
}

class Matcher {
  private readonly cache = new Map<string, string[]>();
  readonly unmatched: string[] = [];
  readonly warnings: string[] = [];
  /** The name the implicit localhost got first in this evaluation (Ansible makes only one). */
  private implicitLocalhost: string | undefined;

  constructor(private readonly inv: Inventory) {}

  private compile(expr: string): RegExp {
    try {
      return expr.startsWith('~') ? pythonRegExp(expr.slice(1)) : fnmatchRegExp(expr);
    } catch (e) {
      throw new UsageError(`invalid host pattern ${expr}: ${(e as Error).message}`, {
        hint: 'a pattern starting with ~ is a regular expression; check its brackets and escapes',
      });
    }
  }

  private enumerate(expr: string, shown: string): string[] {
    const re = this.compile(expr);
    const results: string[] = [];
    const groups = [...this.inv.groups.keys()].filter((g) => re.test(g));
    if (!this.inv.groups.has('all') && re.test('all')) groups.unshift('all'); // hand-built inventory
    for (const g of groups) results.push(...groupHosts(this.inv, g));
    if (!groups.length || expr.startsWith('~') || /[.?*[]/.test(expr)) {
      for (const h of this.inv.hosts.keys()) if (re.test(h)) results.push(h);
    }
    if (!results.length && LOCALHOST_NAMES.includes(expr)) {
      this.implicitLocalhost ??= expr;
      results.push(this.implicitLocalhost);
    }
    if (!results.length && !groups.length && expr !== 'all') this.unmatched.push(shown);
    return results;
  }

  /** One part, without its & or ! prefix: its hosts, in order, possibly with duplicates. */
  matchOne(part: string, shown: string): string[] {
    const key = part;
    const known = this.cache.get(key);
    if (known) return known;
    const { expr, sub } = splitSubscript(part, this.warnings);
    const hosts = this.enumerate(expr, shown);
    let result = applySubscript(hosts, sub);
    if (result === undefined) {
      this.unmatched.push(shown);
      result = [];
    }
    this.cache.set(key, result);
    return result;
  }

  /** Ansible's _evaluate_patterns over already split parts. */
  evaluate(parts: string[]): string[] {
    const regular = parts.filter((p) => p && p[0] !== '!' && p[0] !== '&');
    const inter = parts.filter((p) => p && p[0] === '&');
    const excl = parts.filter((p) => p && p[0] === '!');
    const ordered = [...(regular.length ? regular : ['all']), ...inter, ...excl];
    let hosts: string[] = [];
    for (const p of ordered) {
      if (this.inv.hosts.has(p)) {
        hosts.push(p);
        continue;
      }
      const op = p[0];
      const that = this.matchOne(op === '!' || op === '&' ? p.slice(1) : p, p);
      if (op === '!') {
        const set = new Set(that);
        hosts = hosts.filter((h) => !set.has(h));
      } else if (op === '&') {
        const set = new Set(that);
        hosts = hosts.filter((h) => set.has(h));
      } else {
        const existing = new Set(hosts);
        for (const h of that) {
          if (!existing.has(h)) {
            existing.add(h);
            hosts.push(h);
          }
        }
      }
    }
    return [...new Set(hosts)];
  }
}

/**
 * The parts of a `--limit`: split as a pattern, and each `@file` replaced by the lines of that file
 * (each line one pattern, blank lines ignored), as Ansible's subset().
 */
export function limitPatterns(limit: string | readonly string[], cwd = process.cwd()): string[] {
  const out: string[] = [];
  for (const part of splitHostPattern(limit)) {
    if (part.startsWith('@')) {
      const file = resolvePath(cwd, part.slice(1));
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new UsageError(
          code === 'EISDIR'
            ? `a --limit starting with "@" must name a file, not a directory: ${file}`
            : `cannot read the --limit file ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
          { file, hint: 'write --limit @FILE with one host name a line (a .retry file works)' },
        );
      }
      for (const line of text.split(/\r?\n/)) {
        const p = line.trim();
        if (p) out.push(p);
      }
    } else out.push(part);
  }
  return out;
}

/**
 * The hosts a pattern selects (with an optional --limit in `options.limit`), plus the sub-patterns
 * that matched nothing. Never throws for "no match"; see requireHosts for that.
 */
export function matchHosts(inv: Inventory, pattern: string | readonly string[], options: MatchOptions = {}): MatchResult {
  const m = new Matcher(inv);
  let hosts = m.evaluate(splitHostPattern(pattern));
  if (hasLimit(options.limit)) {
    const subset = new Set(m.evaluate(limitPatterns(options.limit!, options.cwd)));
    hosts = hosts.filter((h) => subset.has(h));
  }
  return { hosts, unmatched: [...new Set(m.unmatched)], warnings: [...new Set(m.warnings)] };
}

function hasLimit(limit: string | readonly string[] | undefined): boolean {
  if (limit === undefined) return false;
  return typeof limit === 'string' ? limit.trim() !== '' : limit.some((l) => l.trim() !== '');
}

/**
 * matchHosts with the --limit as its own argument (none: undefined, '' or []), as the executor
 * calls it: `selectHosts(inv, 'web', ['@retry'], { cwd })`. Never throws for "no match".
 */
export function selectHosts(
  inv: Inventory,
  pattern: string | readonly string[],
  limit?: string | readonly string[],
  options: { cwd?: string } = {},
): MatchResult {
  return matchHosts(inv, pattern, { ...options, ...(limit !== undefined ? { limit } : {}) });
}

/**
 * The hosts a pattern selects (with an optional --limit); a UsageError when none is left, naming
 * the parts that matched nothing.
 */
export function requireHosts(
  inv: Inventory,
  pattern: string | readonly string[],
  limit?: string | readonly string[],
  options: { cwd?: string } = {},
): string[] {
  const r = selectHosts(inv, pattern, limit, options);
  if (r.hosts.length) return r.hosts;
  const shown = typeof pattern === 'string' ? pattern : pattern.join(',');
  const limited = hasLimit(limit);
  const limitText = limited ? (typeof limit === 'string' ? limit : limit!.join(',')) : '';
  const groups = [...inv.groups.keys()].filter((g) => g !== 'all' && g !== 'ungrouped');
  const known = groups.length
    ? `groups in this inventory: ${groups.slice(0, 10).join(', ')}${groups.length > 10 ? ', ...' : ''}`
    : 'the inventory has no groups';
  const why = r.unmatched.length
    ? `nothing matches ${r.unmatched.map((u) => `"${u}"`).join(', ')}`
    : limited
      ? `--limit "${limitText}" leaves none of the hosts "${shown}" selects`
      : `"${shown}" selects no host`;
  throw new UsageError(`no hosts matched the pattern "${shown}"${limited ? ` with --limit "${limitText}"` : ''}: ${why}`, {
    hint: `${known}; "fleet inventory --graph" shows them${inv.hosts.size === 0 ? ' (no inventory was given: only localhost is available)' : ''}`,
  });
}
