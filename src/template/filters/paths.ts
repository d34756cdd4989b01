/**
 * Path filters with Python's os.path semantics: basename, dirname, expanduser, expandvars,
 * realpath, relpath, splitext, path_join.
 */
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix } from 'node:path';
import { TemplateError } from '../errors.js';
import { pyStr } from '../python.js';
import type { FilterDef } from '../types.js';
import { items } from './util.js';

function text(value: unknown): string {
  return pyStr(value);
}

/** os.path.basename: the part after the last slash ('' for a path ending in one). */
export function pyBasename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** os.path.dirname: the part before the last slash, trailing slashes removed unless all slashes. */
export function pyDirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  if (head && head !== '/'.repeat(head.length)) return head.replace(/\/+$/, '');
  return head;
}

/** os.path.join: a component starting with / starts over. */
export function pyJoin(parts: string[]): string {
  let out = '';
  for (const part of parts) {
    if (part.startsWith('/')) out = part;
    else if (!out || out.endsWith('/')) out += part;
    else out += `/${part}`;
  }
  return out;
}

export function expandUser(p: string): string {
  if (p === '~' || p.startsWith('~/')) return homedir() + p.slice(1);
  return p;
}

export function expandVars(p: string): string {
  return p.replace(/\$(\w+)|\$\{([^}]*)\}/g, (m, a: string | undefined, b: string | undefined) => {
    const value = process.env[(a ?? b)!];
    return value === undefined ? m : value;
  });
}

function realpath(p: string): string {
  const abs = posix.resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

export const pathFilters: Record<string, FilterDef> = {
  basename: { fn: (v) => pyBasename(text(v)) },
  dirname: { fn: (v) => pyDirname(text(v)) },
  expanduser: { fn: (v) => expandUser(text(v)) },
  expandvars: { fn: (v) => expandVars(text(v)) },
  realpath: { fn: (v) => realpath(text(v)) },
  relpath: {
    fn: (v, a) => {
      const start = a.str(0, 'start', process.cwd())!;
      return posix.relative(realpath(start), posix.resolve(text(v))) || '.';
    },
  },
  splitext: {
    fn: (v) => {
      const p = text(v);
      const base = pyBasename(p);
      const dot = base.lastIndexOf('.');
      if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return [p, ''];
      const cut = p.length - base.length + dot;
      return [p.slice(0, cut), p.slice(cut)];
    },
  },
  path_join: {
    fn: (v) => {
      if (typeof v === 'string') return v;
      const parts = items(v).map(text);
      if (!parts.length) throw new TemplateError('path_join needs a list of path components');
      return pyJoin(parts);
    },
  },
};
