import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ModuleContext, ModuleDefinition } from './types.js';
import { findLocal } from './util/local-files.js';
import { applyResult, resultPlan, type ResultPlan } from './util/result-plan.js';
import { parseYamlValue as parseVarsText, YamlTextError as VarsFileError } from '../util/ansible-yaml.js';

/**
 * include_vars: loads YAML/JSON vars files from the controller (a file, or a directory in sorted
 * order) found through ctx.searchPaths (role vars/, playbook vars/, playbook dir). Returns the
 * variables under `ansible_facts` (all under one key with `name`) and the files read under
 * `ansible_included_var_files`, as Ansible's. The executor gives them include_vars precedence (not
 * the lower precedence of facts): a result carrying `ansible_included_var_files` is an include_vars
 * result.
 */
export interface IncludeVarsParams {
  _raw_params?: string;
  file?: string;
  dir?: string;
  name?: string;
  depth: number;
  files_matching?: string;
  ignore_files: string[];
  extensions: string[];
  ignore_unknown_extensions: boolean;
  hash_behaviour?: 'replace' | 'merge';
}

export interface LoadedFile {
  path: string;
  /** Parsed content, or the reason it could not be. */
  data?: unknown;
  error?: string;
}

export interface IncludeVarsState {
  files: LoadedFile[];
  /** A failure before any file was read (not found, bad options). */
  error?: string;
  /** With hash_behaviour: the variables as the task sees them, to combine the loaded ones with. */
  current?: Record<string, unknown>;
}

function optionsError(p: IncludeVarsParams): string | undefined {
  const file = p.file ?? p._raw_params;
  if (file !== undefined && p.dir !== undefined) return 'You are mixing file only and dir only arguments, these are incompatible';
  if (p.dir === undefined && (p.files_matching !== undefined || p.ignore_files.length || p.depth !== 0)) {
    return 'You are mixing file only and dir only arguments, these are incompatible';
  }
  if (p.files_matching !== undefined) {
    try {
      new RegExp(p.files_matching);
    } catch (e) {
      return `files_matching is not a valid regular expression: ${(e as Error).message}`;
    }
  }
  return undefined;
}

function readVarsFile(path: string): LoadedFile {
  try {
    return { path, data: parseVarsText(readFileSync(path, 'utf8')) };
  } catch (e) {
    if (e instanceof VarsFileError) return { path, error: `Syntax Error while loading YAML in ${path}: ${e.message}` };
    return { path, error: `could not read ${path}: ${(e as Error).message}` };
  }
}

/** Files of a directory to load, sorted, depth-limited (0: all), filtered as Ansible's. */
export function dirFiles(root: string, p: Pick<IncludeVarsParams, 'depth' | 'files_matching' | 'ignore_files' | 'extensions' | 'ignore_unknown_extensions'>): { files: string[]; error?: string } {
  const matcher = p.files_matching !== undefined ? new RegExp(p.files_matching) : undefined;
  const ignored = (name: string) => p.ignore_files.some((pattern) => new RegExp(`${pattern}$`).test(name));
  const validExt = (name: string) => p.extensions.some((ext) => name.endsWith(`.${ext}`)) || (p.extensions.includes('') && !name.includes('.'));
  const out: string[] = [];
  const walk = (dir: string, depth: number): string | undefined => {
    const entries = readdirSync(dir).sort();
    const subdirs: string[] = [];
    for (const name of entries) {
      const full = join(dir, name);
      let isDir = false;
      try {
        isDir = statSync(full).isDirectory();
      } catch {
        continue;
      }
      if (isDir) {
        subdirs.push(full);
        continue;
      }
      if (matcher && !matcher.test(name)) continue;
      if (ignored(name)) continue;
      if (!validExt(name)) {
        if (p.ignore_unknown_extensions) continue;
        return `${full} does not have a valid extension: ${p.extensions.join(', ')}`;
      }
      out.push(full);
    }
    if (p.depth === 0 || depth < p.depth) {
      for (const sub of subdirs) {
        const err = walk(sub, depth + 1);
        if (err) return err;
      }
    }
    return undefined;
  };
  const error = walk(root, 1);
  return error ? { files: out, error } : { files: out };
}

function probe(ctx: ModuleContext, p: IncludeVarsParams): IncludeVarsState {
  const bad = optionsError(p);
  if (bad) return { files: [], error: bad };
  if (p.dir !== undefined) {
    const found = findLocal(ctx.searchPaths, 'vars', p.dir, 'dir');
    if (!found.path) return { files: [], error: `${p.dir} directory does not exist` };
    const { files, error } = dirFiles(found.path, p);
    const loaded = files.map(readVarsFile);
    return error ? { files: loaded, error } : { files: loaded };
  }
  const file = (p.file ?? p._raw_params ?? '').trim();
  // Ansible's message for no file at all (a first_found lookup with errors='ignore' that found none).
  if (!file) return { files: [], error: 'Could not find file on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option' };
  const found = findLocal(ctx.searchPaths, 'vars', file);
  if (!found.path) return { files: [], error: `Could not find or access '${file}'\nSearched in:\n${found.tried.map((t) => `\t${t}`).join('\n')}` };
  return { files: [readVarsFile(found.path)] };
}

function isDict(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Ansible's combine_vars with hash_behaviour=merge: nested dicts merged, the rest replaced. */
export function mergeDeep(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isDict(out[k]) && isDict(v) ? mergeDeep(out[k] as Record<string, unknown>, v) : v;
  return out;
}

/** A variable's value as plain data (the task's variables are lazy views). */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** A failure as Ansible's include_vars action reports it: `message`, and no `msg`. */
function failure(message: string, included: string[]): ResultPlan {
  return resultPlan({ changed: false, failed: true, message, ansible_facts: {}, ansible_included_var_files: included });
}

export function planIncludeVars(p: IncludeVarsParams, s: IncludeVarsState): ResultPlan {
  if (s.error && !s.files.length) return failure(s.error, []);
  let vars: Record<string, unknown> = {};
  const included: string[] = [];
  for (const f of s.files) {
    if (f.error) return failure(f.error, included);
    const data = f.data ?? {};
    if (!isDict(data)) {
      return failure(`${f.path} must be stored as a dictionary/hash`, included);
    }
    vars = { ...vars, ...data };
    included.push(f.path);
  }
  if (s.error) return failure(s.error, included);
  const facts: Record<string, unknown> = p.name !== undefined ? { [p.name]: vars } : vars;
  // As Ansible: hash_behaviour combines each loaded variable with the value it has already.
  if (p.hash_behaviour === 'merge' && s.current) {
    for (const [k, v] of Object.entries(facts)) {
      const old = plain(s.current[k]);
      if (isDict(old) && isDict(v)) facts[k] = mergeDeep(old, v);
    }
  }
  return resultPlan({ changed: false, ansible_facts: facts, ansible_included_var_files: included });
}

export const include_vars: ModuleDefinition<IncludeVarsParams, IncludeVarsState, never> = {
  name: 'include_vars',
  aliases: ['ansible.builtin.include_vars', 'ansible.legacy.include_vars'],
  readOnly: true,
  params: {
    _raw_params: { type: 'str' },
    file: { type: 'path' },
    dir: { type: 'path' },
    name: { type: 'str' },
    depth: { type: 'int', default: 0 },
    files_matching: { type: 'str' },
    ignore_files: { type: 'list', elements: 'str', default: [] },
    extensions: { type: 'list', elements: 'str', default: ['json', 'yaml', 'yml'] },
    ignore_unknown_extensions: { type: 'bool', default: false },
    hash_behaviour: { type: 'str', choices: ['replace', 'merge'] },
  },
  freeForm: '_raw_params',
  freeFormKeys: ['file', 'dir', 'name', 'depth', 'files_matching', 'ignore_files', 'extensions', 'ignore_unknown_extensions', 'hash_behaviour'],
  probe: async (ctx, p) => {
    const state = probe(ctx, p);
    return p.hash_behaviour && ctx.vars ? { ...state, current: ctx.vars } : state;
  },
  plan: planIncludeVars,
  apply: applyResult,
};
