/**
 * A task's module: which key names it, what fleet module it is, and its arguments (mapping, k=v
 * string, free-form text, `args:`), validated against the module's parameter schema.
 */
import { findModule, moduleNames, validateParams, ModuleArgsError, type ModuleDefinition, type ParamSchema } from '../modules/index.js';
import { closestWord, isTemplated } from './keywords.js';
import { KNOWN_COLLECTIONS, KNOWN_MODULES } from './known-modules.js';
import { parseKv, SplitError } from '../util/kv.js';
import { typeName } from './yaml-source.js';
import { withArticle } from '../util/article.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModule = ModuleDefinition<any, any, any>;

export type Resolved =
  | { kind: 'fleet'; name: string; def: AnyModule }
  | { kind: 'unimplemented'; name: string; collection: string }
  | { kind: 'unknown'; suggestion?: string };

/** include/import actions are task-level constructs, not modules. */
export const INCLUDE_ACTIONS = ['include_tasks', 'import_tasks', 'include_role', 'import_role'] as const;
export type IncludeAction = (typeof INCLUDE_ACTIONS)[number];

/** `include_tasks`, `ansible.builtin.include_tasks`, `ansible.legacy.include_tasks` -> include_tasks. */
export function includeAction(key: string): IncludeAction | undefined {
  const short = key.replace(/^ansible\.(builtin|legacy)\./, '');
  return (INCLUDE_ACTIONS as readonly string[]).includes(short) ? (short as IncludeAction) : undefined;
}

export function isImportPlaybook(key: string): boolean {
  return key === 'import_playbook' || key === 'ansible.builtin.import_playbook' || key === 'ansible.legacy.import_playbook';
}

function split(name: string): { collection?: string; short: string } {
  const m = /^([A-Za-z0-9_]+\.[A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(name);
  return m ? { collection: m[1]!, short: m[2]! } : { short: name };
}

/** Every module name a suggestion may propose: fleet's and the Ansible ones fleet knows of. */
function allNames(): string[] {
  return [...new Set([...moduleNames(), ...KNOWN_MODULES.keys()])];
}

/**
 * What a module name written in a task means: a fleet module (short names and the collection names
 * people write, ansible.builtin.X, community.general.X...), a real Ansible module fleet does not have
 * yet, or an unknown name (with the closest known one).
 */
export function resolveModule(written: string): Resolved {
  const direct = findModule(written);
  if (direct) return { kind: 'fleet', name: direct.name, def: direct };
  const { collection, short } = split(written);
  if (collection && !KNOWN_COLLECTIONS.has(collection) && !/^[a-z0-9_]+\.[a-z0-9_]+$/.test(collection)) {
    return { kind: 'unknown' };
  }
  if (collection) {
    const m = findModule(short);
    if (m) return { kind: 'fleet', name: m.name, def: m };
  }
  const known = KNOWN_MODULES.get(short);
  if (known) return { kind: 'unimplemented', name: short, collection: known };
  const guess = closestWord(short, allNames());
  if (collection && collection !== 'ansible.builtin' && collection !== 'ansible.legacy' && !guess) {
    // A well-formed name from a collection fleet has no list for: a real module, not a typo.
    return { kind: 'unimplemented', name: short, collection };
  }
  return guess ? { kind: 'unknown', suggestion: guess } : { kind: 'unknown' };
}

/** Could this task key be a module name (as opposed to a misspelt keyword)? */
export function looksLikeModule(key: string): boolean {
  const r = resolveModule(key);
  return r.kind !== 'unknown';
}

/** A module's raw arguments; `syntax` marks an error in the text itself (an unclosed quote), which refuses the run. */
export interface ParsedArgs {
  args: Record<string, unknown>;
  error?: string;
  hint?: string;
  syntax?: boolean;
}

/**
 * The key that holds a task's arguments given as one template (`module: "{{ args }}"`, `args: "{{ x }}"`),
 * as Ansible's `_variable_params`: the executor merges the mapping it gives under the task's other arguments.
 */
export const VARIABLE_PARAMS = '_variable_params';

/** Parameters of a module given as a string (`module: k=v ...` or free-form text). */
export function argsFromString(def: AnyModule | undefined, text: string): ParsedArgs {
  try {
    if (def?.freeForm) {
      const { params, raw } = parseKv(text, { freeFormKeys: def.freeFormKeys ?? [] });
      return { args: { ...params, ...(raw !== undefined ? { [def.freeForm]: raw } : {}) } };
    }
    const { params, raw } = parseKv(text);
    if (raw !== undefined) {
      if (!def) return { args: { ...params, _raw_params: raw } };
      // As Ansible: arguments that are one template (`set_fact: "{{ facts }}"`) are a mapping known at run time.
      if (isTemplated(raw)) return { args: { ...params, [VARIABLE_PARAMS]: raw } };
      const keys = Object.keys(def.params).filter((k) => !k.startsWith('_'));
      return {
        args: params,
        error: `module ${def.name} takes key=value arguments; "${raw}" is not one`,
        hint: `write the arguments as a mapping or as name=value words, e.g. ${keys.slice(0, 2).map((k) => `${k}=...`).join(' ')} (parameters: ${keys.sort().join(', ')})`,
      };
    }
    return { args: params };
  } catch (e) {
    if (e instanceof SplitError) return { args: {}, error: e.message, hint: 'close the quote or the {{ }} block, or quote the whole line', syntax: true };
    throw e;
  }
}

/**
 * The raw arguments of a `module: value` entry: a mapping is taken as is, a string is parsed,
 * nothing is {}.
 */
export function argsFromValue(def: AnyModule | undefined, value: unknown, moduleName: string): ParsedArgs {
  if (value === null || value === undefined) return { args: {} };
  if (typeof value === 'string') return argsFromString(def, value);
  if (typeof value === 'number' || typeof value === 'boolean') return argsFromString(def, String(value));
  if (typeof value === 'object' && !Array.isArray(value)) return { args: { ...(value as Record<string, unknown>) } };
  return {
    args: {},
    error: `the arguments of ${moduleName} must be a mapping or a string, got ${withArticle(typeName(value))}`,
    hint: `write ${moduleName}: {name: value, ...} or ${moduleName}: name=value ...`,
  };
}

function hasVault(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasVault);
  if (value && typeof value === 'object') return '__ansible_vault' in value || Object.values(value).some(hasVault);
  return false;
}

/**
 * Validates parameter names, required parameters, types and choices. A value holding a template
 * (`{{ x }}`) is only known per host at run time: its type and choices are not checked here, and it
 * counts as given for a required parameter. Returns the error message, if any.
 */
export function checkParams(def: AnyModule, args: Record<string, unknown>): { error?: string; hint?: string } {
  // Arguments that come whole from a template are only known per host at run time.
  if (VARIABLE_PARAMS in args) return {};
  const schema: ParamSchema = {};
  for (const [name, spec] of Object.entries(def.params)) schema[name] = spec;
  const byKey = (key: string): string | undefined => {
    if (schema[key]) return key;
    for (const [name, spec] of Object.entries(schema)) if (spec.aliases?.includes(key)) return name;
    return undefined;
  };
  const known: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) if (!isTemplated(key)) known[key] = value;
  args = known;
  for (const [key, value] of Object.entries(args)) {
    // Templates are only known per host at run time; vault values are reported on their own.
    if (!isTemplated(value) && !hasVault(value)) continue;
    const name = byKey(key);
    if (!name) continue;
    const spec = schema[name]!;
    const relaxed = { ...spec, type: 'raw' as const };
    delete relaxed.choices;
    delete relaxed.elements;
    schema[name] = relaxed;
  }
  try {
    validateParams(def.name, schema, args, def);
    return {};
  } catch (e) {
    if (e instanceof ModuleArgsError) return { error: e.message, ...(e.context.hint ? { hint: e.context.hint } : {}) };
    throw e;
  }
}
