/**
 * Ansible's playbook keywords (the "Playbook Keywords" reference, ansible-core 2.14–2.18) by the
 * object they are valid on, and the conversion of each keyword's value into the model.
 */
import { LOOKUP_REGISTRY } from '../template/lookups.js';
import { closest, editDistance } from '../util/closest.js';
import { findModule } from '../modules/index.js';
import type { Vars } from '../inventory/model.js';
import type { CommonKeywords, LoopControl } from './model.js';
import type { Collector, At } from './errors.js';
import { typeName } from './yaml-source.js';
import { withArticle } from '../util/article.js';

const BECOME = ['become', 'become_exe', 'become_flags', 'become_method', 'become_user'];

/** Keywords every playbook object (play, role, block, task) has. */
const BASE = [
  'any_errors_fatal',
  ...BECOME,
  'check_mode',
  'collections',
  'connection',
  'debugger',
  'diff',
  'environment',
  'ignore_errors',
  'ignore_unreachable',
  'module_defaults',
  'name',
  'no_log',
  'port',
  'remote_user',
  'run_once',
  'tags',
  'throttle',
  'timeout',
  'vars',
];

export const PLAY_KEYWORDS = new Set([
  ...BASE,
  'fact_path',
  'force_handlers',
  'gather_facts',
  'gather_subset',
  'gather_timeout',
  'handlers',
  'hosts',
  'max_fail_percentage',
  'order',
  'post_tasks',
  'pre_tasks',
  'roles',
  'serial',
  'strategy',
  'tasks',
  'vars_files',
  'vars_prompt',
  // the old name of remote_user, still accepted by Ansible on plays
  'user',
]);

export const ROLE_KEYWORDS = new Set([...BASE, 'delegate_facts', 'delegate_to', 'when']);

export const BLOCK_KEYWORDS = new Set([...BASE, 'always', 'block', 'delegate_facts', 'delegate_to', 'notify', 'rescue', 'when']);

export const TASK_KEYWORDS = new Set([
  ...BASE,
  'action',
  'args',
  'async',
  'changed_when',
  'delay',
  'delegate_facts',
  'delegate_to',
  'failed_when',
  'local_action',
  'loop',
  'loop_control',
  'notify',
  'poll',
  'register',
  'retries',
  'until',
  'when',
]);

export const HANDLER_KEYWORDS = new Set([...TASK_KEYWORDS, 'listen']);

/** What include_tasks and include_role accept besides their own arguments (Ansible's TaskInclude). */
export const INCLUDE_KEYWORDS = new Set([
  'action',
  'args',
  'collections',
  'debugger',
  'ignore_errors',
  'loop',
  'loop_control',
  'name',
  'no_log',
  'register',
  'run_once',
  'tags',
  'timeout',
  'vars',
  'when',
]);

/** What import_tasks and import_role accept: keywords fleet pushes onto every imported task. */
export const IMPORT_KEYWORDS = new Set([...BASE, 'args', 'delegate_facts', 'delegate_to', 'when']);

export const LOOP_CONTROL_KEYS = ['loop_var', 'index_var', 'label', 'pause', 'extended', 'extended_allitems', 'break_when'];

/** with_<lookup> forms fleet runs (loop + loopWith): every lookup fleet has, as Ansible's with_X is query('X', ...). */
export const SUPPORTED_WITH: ReadonlySet<string> = new Set(LOOKUP_REGISTRY.keys());

export const ORDERS = ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'] as const;

export function isTemplated(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{') || value.includes('{%');
  if (Array.isArray(value)) return value.some(isTemplated);
  if (value && typeof value === 'object') return Object.values(value).some(isTemplated);
  return false;
}

function lcs(a: string, b: string): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let prev = 0;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? prev + 1 : Math.max(row[j]!, row[j - 1]!);
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The closest candidate (as util/closest), ties broken by the longest common subsequence. */
export function closestWord(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const best = closest(word, list);
  if (best === undefined) return undefined;
  const d = editDistance(word.toLowerCase(), best.toLowerCase());
  const tied = list.filter((cand) => editDistance(word.toLowerCase(), cand.toLowerCase()) === d);
  return tied.sort((x, y) => lcs(word, y) - lcs(word, x))[0] ?? best;
}

export function suggest(word: string, candidates: Iterable<string>): string {
  const guess = closestWord(word, candidates);
  return guess ? ` (did you mean "${guess}"?)` : '';
}

export function listOf(words: Iterable<string>): string {
  return [...words].sort().join(', ');
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isIdentifier(name: string): boolean {
  return IDENT.test(name);
}

const TRUE_WORDS = new Set(['yes', 'on', '1', 'true', 'y', 't']);
const FALSE_WORDS = new Set(['no', 'off', '0', 'false', 'n', 'f']);

/** Converts keyword values; each problem goes to the collector with the keyword's position. */
export class Values {
  constructor(
    private readonly c: Collector,
    private readonly at: At,
  ) {}

  private bad(key: string, expected: string, value: unknown): undefined {
    this.c.error(`${key} must be ${expected}, got ${typeName(value)} ${JSON.stringify(value)}`, this.at);
    return undefined;
  }

  bool(key: string, value: unknown): boolean | string | undefined {
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
    if (typeof value === 'string') {
      if (isTemplated(value)) return value;
      const word = value.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
    }
    return this.bad(key, 'a boolean (true/false, yes/no) or a template', value);
  }

  str(key: string, value: unknown): string | undefined {
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return this.bad(key, 'a string', value);
  }

  int(key: string, value: unknown): number | string | undefined {
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'string') {
      if (isTemplated(value)) return value;
      if (/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
    }
    return this.bad(key, 'a number or a template', value);
  }

  /** when, changed_when, failed_when, until: a string, a boolean, or a list of them. */
  conditions(key: string, value: unknown): (string | boolean)[] | undefined {
    if (value === null || value === undefined) return undefined;
    const one = (v: unknown): string | boolean | undefined => {
      if (typeof v === 'string' || typeof v === 'boolean') return v;
      if (typeof v === 'number') return String(v);
      return undefined;
    };
    const list = Array.isArray(value) ? value : [value];
    const out: (string | boolean)[] = [];
    for (const v of list) {
      const c = one(v);
      if (c === undefined) return this.bad(key, 'a condition (a Jinja expression without {{ }}, a boolean, or a list of them)', value);
      if (typeof c === 'string' && /^\s*\{\{.*\}\}\s*$/s.test(c)) {
        this.c.warn(`conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: ${c}`, this.at);
      }
      out.push(c);
    }
    return out;
  }

  /** notify, listen: a string or a list of strings. */
  strings(key: string, value: unknown): string[] | undefined {
    if (value === null || value === undefined) return undefined;
    const list = Array.isArray(value) ? value : [value];
    const out: string[] = [];
    for (const v of list) {
      if (typeof v === 'string') out.push(v);
      else if (typeof v === 'number' || typeof v === 'boolean') out.push(String(v));
      else return this.bad(key, 'a string or a list of strings', value);
    }
    return out;
  }

  /** tags: a comma-separated string or a list (Ansible's Taggable._load_tags). */
  tags(value: unknown): string[] | undefined {
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'string') return value.split(',').map((t) => t.trim()).filter(Boolean);
    if (Array.isArray(value)) {
      const out: string[] = [];
      for (const v of value.flat()) {
        if (typeof v === 'string') out.push(v.trim());
        else if (typeof v === 'number') out.push(String(v));
        else {
          this.c.error(`tags must be a string or a list of strings; ${JSON.stringify(v)} (${withArticle(typeName(v))}) is not a tag`, {
            ...this.at,
            hint: 'write tags: [web, db] or tags: web,db',
          });
          return undefined;
        }
      }
      return out.filter(Boolean);
    }
    this.c.error(`tags must be specified as a list or a comma-separated string, got ${typeName(value)} ${JSON.stringify(value)}`, {
      ...this.at,
      hint: 'write tags: [web, db] or tags: web,db',
    });
    return undefined;
  }

  /** vars: a mapping (or a list of mappings, merged) with valid variable names. */
  vars(key: string, value: unknown): Vars | undefined {
    if (value === null || value === undefined) return {};
    const maps = Array.isArray(value) ? value : [value];
    const out: Vars = {};
    for (const m of maps) {
      if (!m || typeof m !== 'object' || Array.isArray(m)) {
        return this.bad(key, 'a mapping of variable names to values', value);
      }
      for (const [k, v] of Object.entries(m as Record<string, unknown>)) {
        if (!isIdentifier(k)) {
          this.c.error(`"${k}" is not a valid variable name in ${key}`, { ...this.at, hint: 'variable names are letters, digits and underscores, not starting with a digit' });
          continue;
        }
        out[k] = v;
      }
    }
    return out;
  }

  environment(value: unknown): Record<string, unknown> | string | undefined {
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'string' && isTemplated(value)) return value;
    const maps = Array.isArray(value) ? value : [value];
    const out: Record<string, unknown> = {};
    for (const m of maps) {
      if (!m || typeof m !== 'object' || Array.isArray(m)) return this.bad('environment', 'a mapping of variable names to values, or a template', value);
      Object.assign(out, m);
    }
    return out;
  }
}

/** Keywords of CommonKeywords that take a boolean (or a template). */
const BOOL_KEYS = ['become', 'ignore_errors', 'ignore_unreachable', 'check_mode', 'diff', 'no_log', 'run_once', 'any_errors_fatal', 'delegate_facts'] as const;
const STRING_KEYS = ['become_user', 'become_method', 'become_flags', 'become_exe', 'delegate_to', 'connection', 'remote_user'] as const;
const INT_KEYS = ['throttle', 'timeout', 'port'] as const;

/**
 * Reads one of the keywords shared by plays, roles, blocks and tasks into `target`. Returns false
 * when `key` is not one of them (the caller handles it).
 */
export function readCommon(key: string, value: unknown, target: CommonKeywords, v: Values, c: Collector, at: At): boolean {
  if ((BOOL_KEYS as readonly string[]).includes(key)) {
    const b = v.bool(key, value);
    if (b !== undefined) (target as Record<string, unknown>)[key] = b;
    return true;
  }
  if ((STRING_KEYS as readonly string[]).includes(key)) {
    const s = v.str(key, value);
    if (s !== undefined) (target as Record<string, unknown>)[key] = s;
    return true;
  }
  if ((INT_KEYS as readonly string[]).includes(key)) {
    const n = v.int(key, value);
    if (n !== undefined) (target as Record<string, unknown>)[key] = n;
    return true;
  }
  switch (key) {
    case 'environment': {
      const e = v.environment(value);
      if (e !== undefined) target.environment = e;
      return true;
    }
    case 'vars': {
      const vars = v.vars('vars', value);
      if (vars) target.vars = { ...(target.vars ?? {}), ...vars };
      return true;
    }
    case 'tags': {
      const t = v.tags(value);
      if (t) target.tags = t;
      return true;
    }
    case 'when': {
      const w = v.conditions('when', value);
      if (w) target.when = w;
      return true;
    }
    case 'collections':
      // fleet has one module namespace; `collections:` only changes how short names resolve in Ansible.
      return true;
    case 'debugger':
      c.warn('the debugger keyword is ignored: fleet has no task debugger', at);
      return true;
    case 'module_defaults': {
      const d = readModuleDefaults(value, c, at);
      if (d) target.module_defaults = d;
      return true;
    }
  }
  return false;
}

/**
 * module_defaults: a mapping (or a list of them, merged) of module names (short, FQCN, or
 * `group/<name>`) to mappings of parameters. Names fleet has are stored under its canonical name.
 */
export function readModuleDefaults(value: unknown, c: Collector, at: At): Record<string, Record<string, unknown>> | undefined {
  if (value === null || value === undefined) return undefined;
  const maps = Array.isArray(value) ? value : [value];
  const out: Record<string, Record<string, unknown>> = {};
  for (const m of maps) {
    if (!m || typeof m !== 'object' || Array.isArray(m)) {
      c.error(`module_defaults must be a mapping of module names to their default parameters, got ${typeName(m)} ${JSON.stringify(m)}`, { ...at, hint: 'e.g. module_defaults: {ansible.builtin.file: {owner: root, mode: "0644"}}' });
      return undefined;
    }
    for (const [name, params] of Object.entries(m as Record<string, unknown>)) {
      if (params === null) continue;
      if (typeof params !== 'object' || Array.isArray(params)) {
        c.error(`module_defaults for ${name} must be a mapping of parameters to values, got ${typeName(params)} ${JSON.stringify(params)}`, at);
        continue;
      }
      const key = name.startsWith('group/') ? name : (findModule(name)?.name ?? name.replace(/^ansible\.(builtin|legacy)\./, ''));
      out[key] = { ...(out[key] ?? {}), ...(params as Record<string, unknown>) };
    }
  }
  return out;
}

/** Parses a loop_control mapping; unknown keys are errors naming the valid ones. */
export function readLoopControl(value: unknown, v: Values, c: Collector, at: At): LoopControl | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    c.error(`loop_control must be a mapping, got ${typeName(value)}`, { ...at, hint: `valid keys: ${LOOP_CONTROL_KEYS.join(', ')}` });
    return undefined;
  }
  const out: LoopControl = {};
  for (const [k, val] of Object.entries(value as Record<string, unknown>)) {
    switch (k) {
      case 'loop_var':
      case 'index_var': {
        const s = v.str(`loop_control.${k}`, val);
        if (s !== undefined) {
          if (!isTemplated(s) && !isIdentifier(s)) c.error(`loop_control.${k} must be a variable name, got "${s}"`, at);
          out[k] = s;
        }
        break;
      }
      case 'label': {
        const s = v.str('loop_control.label', val);
        if (s !== undefined) out.label = s;
        break;
      }
      case 'pause': {
        const n = v.int('loop_control.pause', val);
        if (n !== undefined) out.pause = n;
        break;
      }
      case 'extended': {
        const b = v.bool('loop_control.extended', val);
        if (b !== undefined) out.extended = b;
        break;
      }
      case 'extended_allitems': {
        const b = v.bool('loop_control.extended_allitems', val);
        if (b !== undefined) out.extended_allitems = b;
        break;
      }
      case 'break_when': {
        const w = v.conditions('loop_control.break_when', val);
        if (w) out.break_when = w;
        break;
      }
      default:
        c.error(`"${k}" is not a valid loop_control key${suggest(k, LOOP_CONTROL_KEYS)}`, { ...at, hint: `valid loop_control keys: ${LOOP_CONTROL_KEYS.join(', ')}` });
    }
  }
  return out;
}

/**
 * Merges the keywords of an enclosing object onto a task copy, as inheritance would: conditions and
 * tags add up (outer first), vars merge (the task's own win), other keywords apply when the task
 * does not set them. Used where the model has no enclosing block (handlers).
 */
export function mergeKeywords<T extends CommonKeywords>(outer: CommonKeywords, task: T, options: { tags?: boolean } = {}): T {
  const out = { ...task } as Record<string, unknown> & CommonKeywords;
  for (const [k, val] of Object.entries(outer)) {
    if (val === undefined) continue;
    if (k === 'when') out.when = [...(outer.when ?? []), ...(task.when ?? [])];
    else if (k === 'tags') {
      if (options.tags !== false) out.tags = [...new Set([...(outer.tags ?? []), ...(task.tags ?? [])])];
    } else if (k === 'vars') out.vars = { ...(outer.vars ?? {}), ...(task.vars ?? {}) };
    else if (out[k] === undefined) out[k] = val;
  }
  return out as T;
}

/** Only the CommonKeywords part of an object (for copying keywords around). */
export function commonOf(obj: CommonKeywords): CommonKeywords {
  const keys: (keyof CommonKeywords)[] = [
    'become',
    'become_user',
    'become_method',
    'become_flags',
    'become_exe',
    'environment',
    'vars',
    'tags',
    'when',
    'ignore_errors',
    'ignore_unreachable',
    'check_mode',
    'diff',
    'no_log',
    'delegate_to',
    'delegate_facts',
    'run_once',
    'any_errors_fatal',
    'throttle',
    'timeout',
    'connection',
    'remote_user',
    'port',
    'module_defaults',
  ];
  const out: CommonKeywords = {};
  for (const k of keys) if (obj[k] !== undefined) (out as Record<string, unknown>)[k] = obj[k];
  return out;
}
