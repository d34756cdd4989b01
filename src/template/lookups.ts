/**
 * Ansible's lookup plugins, run on the controller: file, env, template, pipe, lines, fileglob,
 * vars, varnames, inventory_hostnames here; csvfile, password, sequence, first_found and the data lookups of `with_*`
 * loops (items, list, dict, nested, together, indexed_items, subelements...) in their own files.
 * Each returns a list; lookup() joins it, query() returns it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { literalEval } from '../inventory/pyliteral.js';
import { InventoryBuilder } from '../inventory/builder.js';
import { matchHosts } from '../inventory/patterns.js';
import type { Delimiters } from './compiler.js';
import { TemplateError } from './errors.js';
import { pyBasename, pyDirname } from './filters/paths.js';
import { DATA_LOOKUPS } from './lookup-data.js';
import { CSVFILE_LOOKUP } from './lookup-csvfile.js';
import { FIRST_FOUND_LOOKUP } from './lookup-first-found.js';
import { PASSWORD_LOOKUP } from './lookup-password.js';
import { findFile, taskSearchPath } from './lookup-paths.js';
import { SEQUENCE_LOOKUP } from './lookup-sequence.js';
import { isDict, pyRepr, pyStr, truthy } from './python.js';
import { pyRegex } from './pyregex.js';
import type { CallContext, LookupDef } from './types.js';
import { Undefined } from './undefined.js';

type Kwargs = Record<string, unknown>;

function run(command: string, cwd: string): { code: number; stdout: string } {
  const r = spawnSync('/bin/sh', ['-c', command], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new TemplateError(`could not run '${command}': ${r.error.message}`);
  return { code: r.status ?? 1, stdout: r.stdout };
}

function strings(terms: unknown[], lookup: string): string[] {
  return terms.map((t) => {
    if (t instanceof Undefined) throw t.error();
    if (typeof t !== 'string') throw new TemplateError(`lookup '${lookup}' expects strings, got ${pyRepr(t)}`);
    return t;
  });
}

/** Python's fnmatch as glob uses it: *, ?, [seq], [!seq]; `*` does not match a leading dot. */
function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

function glob(dir: string, pattern: string): string[] {
  if (!/[*?[]/.test(pattern)) {
    const p = join(dir, pattern);
    return existsSync(p) && statSync(p).isFile() ? [p] : [];
  }
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const re = globRegex(pattern);
  return entries
    .filter((e) => re.test(e) && (pattern.startsWith('.') || !e.startsWith('.')))
    .map((e) => join(dir, e))
    .filter((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

/** The template lookup: the file found in templates/, rendered with the task's variables. */
function templateLookup(terms: unknown[], kwargs: Kwargs, ctx: CallContext): unknown[] {
  const delimiters: Delimiters = {};
  const names = { variable_start_string: 'variableStart', variable_end_string: 'variableEnd', comment_start_string: 'commentStart', comment_end_string: 'commentEnd' } as const;
  for (const [option, key] of Object.entries(names)) if (kwargs[option] !== undefined && kwargs[option] !== null) delimiters[key] = pyStr(kwargs[option]);
  const convert = truthy(kwargs.convert_data ?? true);
  const extra = kwargs.template_vars;
  return strings(terms, 'template').map((term) => {
    const found = findFile(ctx, 'templates', term);
    if (!found) throw new TemplateError(`the template file ${term} could not be found for the lookup`);
    const text = ctx.renderFile(found, isDict(extra) ? extra : undefined, Object.keys(delimiters).length ? { delimiters } : {});
    // As Ansible's templar with convert_data: text that reads as a Python literal container or bool becomes it.
    if (convert && (/^[{[]/.test(text) || text === 'True' || text === 'False')) return literalEval(text);
    return text;
  });
}

/** inventory_hostnames: the hosts a pattern matches, in the inventory that the `groups` variable describes. */
function inventoryHostnames(terms: unknown[], _kwargs: Kwargs, ctx: CallContext): unknown[] {
  const groups = ctx.variable('groups');
  if (!isDict(groups)) return [];
  const builder = new InventoryBuilder();
  for (const [group, hosts] of Object.entries(groups)) {
    builder.addGroup(group);
    if (Array.isArray(hosts)) for (const host of hosts) builder.addHost(pyStr(host), group, undefined);
  }
  const inventory = { hosts: builder.hosts, groups: builder.groups, sources: [] };
  try {
    return matchHosts(inventory, strings(terms, 'inventory_hostnames')).hosts;
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    return [];
  }
}

function varsLookup(terms: unknown[], kwargs: Kwargs, ctx: CallContext): unknown[] {
  const fallback = kwargs.default;
  return terms.map((name) => {
    if (name instanceof Undefined) throw name.error();
    if (typeof name !== 'string') throw new TemplateError(`Invalid setting identifier, "${pyStr(name)}" is not a string, its a ${pyTypeClass(name)}`);
    let value = ctx.variable(name);
    if (value instanceof Undefined) {
      const hostvars = ctx.variable('hostvars');
      const host = ctx.variable('inventory_hostname');
      const own = isDict(hostvars) && typeof host === 'string' ? (hostvars[host] as Record<string, unknown> | undefined)?.[name] : undefined;
      if (own !== undefined) value = own;
    }
    if (!(value instanceof Undefined)) {
      try {
        return ctx.template(value);
      } catch (err) {
        if (!(err instanceof TemplateError && err.variable !== undefined) || fallback === undefined || fallback === null) throw err;
        return fallback;
      }
    }
    if (fallback !== undefined && fallback !== null) return fallback;
    throw new TemplateError(`No variable found with this name: ${name}`, { variable: name });
  });
}

/** varnames: the names of the variables that a Python regex (re.search) matches, in order, each term in turn. */
function varnamesLookup(terms: unknown[], _kwargs: Kwargs, ctx: CallContext): unknown[] {
  const names = ctx.variableNames?.() ?? [];
  const out: string[] = [];
  for (const term of terms) {
    if (term instanceof Undefined) throw term.error();
    if (typeof term !== 'string') throw new TemplateError(`Invalid setting identifier, "${pyStr(term)}" is not a string, it is a ${pyTypeClass(term)}`);
    let re: RegExp;
    try {
      re = pyRegex(term);
    } catch (err) {
      // The reason as Python words it ("nothing to repeat"), not JavaScript's "Invalid regular expression: /*/: Nothing to repeat".
      const reason = (err instanceof Error ? err.message : String(err)).replace(/^.*: /, '');
      throw new TemplateError(`Unable to use "${term}" as a search parameter: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`);
    }
    for (const name of names) if (re.test(name)) out.push(name);
  }
  return out;
}

function pyTypeClass(value: unknown): string {
  const name = typeof value === 'number' ? (Number.isInteger(value) ? 'int' : 'float') : typeof value === 'boolean' ? 'bool' : Array.isArray(value) ? 'list' : isDict(value) ? 'dict' : 'NoneType';
  return `<class '${name}'>`;
}

const LOOKUPS: Record<string, LookupDef> = {
  ...DATA_LOOKUPS,
  file: {
    fn: (terms, kwargs, ctx) =>
      strings(terms, 'file').map((term) => {
        const found = findFile(ctx, 'files', term);
        if (!found || !statSync(found).isFile()) throw new TemplateError(`could not locate file in lookup: ${term}`);
        let text = readFileSync(found, 'utf8');
        if (truthy(kwargs.lstrip ?? false)) text = text.trimStart();
        if (truthy(kwargs.rstrip ?? true)) text = text.trimEnd();
        return text;
      }),
  },
  env: {
    fn: (terms, kwargs) =>
      strings(terms, 'env').map((name) => {
        const value = process.env[name];
        if (value !== undefined) return value;
        if (kwargs.default instanceof Undefined) throw kwargs.default.error();
        return kwargs.default ?? '';
      }),
  },
  template: { fn: templateLookup },
  pipe: {
    fn: (terms, _kwargs, ctx) =>
      terms.map((t) => {
        const term = pyStr(t);
        const { code, stdout } = run(term, ctx.baseDir);
        if (code !== 0) throw new TemplateError(`lookup_plugin.pipe(${term}) returned ${code}`);
        return stdout.trimEnd();
      }),
  },
  lines: {
    fn: (terms, _kwargs, ctx) =>
      terms.flatMap((t) => {
        const term = pyStr(t);
        const { code, stdout } = run(term, ctx.baseDir);
        if (code !== 0) throw new TemplateError(`lookup_plugin.lines(${term}) returned ${code}`);
        const lines = stdout.split(/\r\n|\r|\n/);
        if (lines[lines.length - 1] === '') lines.pop();
        return lines;
      }),
  },
  fileglob: {
    fn: (terms, _kwargs, ctx) =>
      strings(terms, 'fileglob').flatMap((term) => {
        const pattern = pyBasename(term);
        const dirs: string[] = [];
        if (pattern !== term) {
          const found = findFile(ctx, 'files', pyDirname(term) || '.');
          if (found) dirs.push(found);
        } else {
          for (const dir of [...taskSearchPath(ctx), ctx.baseDir]) dirs.push(join(dir, 'files'), dir);
        }
        for (const dir of dirs) {
          const matches = glob(dir, pattern);
          if (matches.length) return matches;
        }
        return [];
      }),
  },
  password: PASSWORD_LOOKUP,
  sequence: SEQUENCE_LOOKUP,
  first_found: FIRST_FOUND_LOOKUP,
  vars: { fn: varsLookup },
  csvfile: CSVFILE_LOOKUP,
  varnames: { fn: varnamesLookup },
  inventory_hostnames: { fn: inventoryHostnames },
};

function build(): Map<string, LookupDef> {
  const all = new Map<string, LookupDef>();
  for (const [name, def] of Object.entries(LOOKUPS)) {
    all.set(name, def);
    all.set(`ansible.builtin.${name}`, def);
  }
  return all;
}

export const LOOKUP_REGISTRY: ReadonlyMap<string, LookupDef> = build();

/**
 * Run a lookup as Ansible's templar does: `wantlist` (query) returns the list; otherwise a list
 * of strings is joined with commas, a single other value returned alone, anything else as the list.
 * `errors='ignore'|'warn'` turns a failure into None (or []).
 */
export function runLookup(name: string, terms: unknown[], kwargs: Kwargs, ctx: CallContext, wantlist: boolean): unknown {
  const def = LOOKUP_REGISTRY.get(name);
  if (!def) throw new TemplateError(`lookup plugin (${name}) not found`);
  const options = { ...kwargs };
  const errors = options.errors === undefined ? 'strict' : pyStr(options.errors);
  delete options.errors;
  if ('wantlist' in options) {
    wantlist = truthy(options.wantlist);
    delete options.wantlist;
  }
  for (const term of terms) if (term instanceof Undefined) throw term.error();
  let ran: unknown[];
  try {
    ran = def.fn(terms, options, ctx);
  } catch (err) {
    // As Ansible's, errors= covers the lookup's own failures, not an undefined variable.
    const undefinedVariable = err instanceof TemplateError && err.variable !== undefined;
    if ((errors === 'ignore' || errors === 'warn') && !undefinedVariable) return wantlist ? [] : null;
    if (err instanceof TemplateError) throw err;
    throw new TemplateError(`An unhandled exception occurred while running the lookup plugin '${name}'. Error was: ${(err as Error).message}`);
  }
  if (wantlist || !ran.length) return ran;
  if (ran.every((r) => typeof r === 'string')) return ran.join(',');
  return ran.length === 1 ? ran[0] : ran;
}
