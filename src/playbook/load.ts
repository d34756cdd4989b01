/**
 * The entry points: a playbook (with its import_playbook entries expanded), a task file (for
 * include_tasks at run time) and a role (for include_role at run time). Every one validates all it
 * reads and throws one PlaybookError listing every problem found.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Vars } from '../inventory/model.js';
import { moduleNames } from '../modules/index.js';
import { isImportPlaybook } from './action.js';
import { displayPath, type LoadCtx } from './context.js';
import { Collector, PlaybookError, formatUses, type At } from './errors.js';
import { Values, isTemplated } from './keywords.js';
import type { HandlerNode, IncludeNode, Node, Play, Playbook, RoleRef } from './model.js';
import { parsePlay } from './play.js';
import { loadRoleUse } from './roles.js';
import { loadTasksFromFile, taskFileCandidates } from './task.js';
import { splitArgs } from '../util/kv.js';
import { entries, isMap, isNull, isSeq, items, js, posOf, readSource, typeName, type SourceFile, type YNode } from './yaml-source.js';
import { withArticle } from '../util/article.js';

export interface LoadPlaybookOptions {
  /**
   * Refuse the run for every task's own problem too (fleet's `--strict`). By default, as in Ansible,
   * only YAML, structure, keyword and unresolvable module-name errors refuse it; a task's own
   * problem (a module fleet lacks, a missing or unsupported parameter, a bad value, a loop form fleet
   * cannot expand) is a warning, and that task fails with it if and when it runs.
   */
  strict?: boolean;
  /**
   * More directories to look for roles in, after `roles/` beside the playbook (Ansible's roles_path,
   * ANSIBLE_ROLES_PATH). Relative ones are taken from the playbook's directory.
   */
  rolesPath?: string[];
}

const IMPORT_PLAYBOOK_KEYS = ['name', 'when', 'tags', 'vars'];

function baseCtx(c: Collector, options: LoadPlaybookOptions, playDir: string): LoadCtx {
  return {
    c,
    playDir,
    rolesPath: options.rolesPath ?? [],
    validated: new Set(),
    roleChain: [],
    loadRole: loadRoleUse,
  };
}

/**
 * The uses of not-yet-implemented modules, per module; under `strict` each module is one error
 * (otherwise every use was already warned about as the task's own problem).
 */
function reportUnimplemented(c: Collector): { module: string; uses: Play['pos'][] }[] {
  const out: { module: string; uses: Play['pos'][] }[] = [];
  let first = true;
  for (const u of c.unimplemented.values()) {
    const names = [...u.writtenAs].filter((n) => n !== u.module);
    const msg = `module ${u.module}${names.length ? ` (written ${names.join(', ')})` : ''} is not implemented in fleet yet (used at ${formatUses(u.uses)})`;
    if (c.strict) {
      c.error(msg, {
        pos: u.uses[0],
        ...(first ? { hint: `fleet implements: ${moduleNames().sort().join(', ')}. Without --strict, such a task fails only if it runs` } : {}),
      });
      first = false;
    }
    out.push({ module: u.module, uses: u.uses });
  }
  return out;
}

function prependWhen(nodes: Node[], when: (string | boolean)[]): void {
  for (const n of nodes) n.when = [...when, ...(n.when ?? [])];
}

async function importPlaybook(es: ReturnType<typeof entries>, src: SourceFile, absFile: string, ctx: LoadCtx, chain: string[]): Promise<Play[]> {
  const c = ctx.c;
  const main = es.find((e) => isImportPlaybook(e.key))!;
  const at: At = { pos: main.pos };
  let when: (string | boolean)[] | undefined;
  let tags: string[] | undefined;
  let vars: Vars | undefined;
  for (const e of es) {
    if (e === main) continue;
    const eat: At = { pos: e.pos };
    const v = new Values(c, eat);
    const value = js(src, e.value);
    switch (e.key) {
      case 'name':
        break;
      case 'when':
        when = v.conditions('when', value);
        break;
      case 'tags':
        tags = v.tags(value);
        break;
      case 'vars':
        if (value !== null && (typeof value !== 'object' || Array.isArray(value))) c.error('vars of import_playbook must be a mapping', eat);
        else vars = v.vars('vars', value);
        break;
      default:
        c.error(`"${e.key}" is not valid on import_playbook`, { ...eat, hint: `import_playbook takes: ${IMPORT_PLAYBOOK_KEYS.join(', ')}` });
    }
  }
  const value = js(src, main.value);
  if (typeof value !== 'string' || !value.trim()) {
    c.error(`${main.key} needs the file name of a playbook, got ${withArticle(typeName(value))}`, { ...at, hint: `write - ${main.key}: other.yml` });
    return [];
  }
  let words: string[];
  try {
    words = splitArgs(value.trim());
  } catch {
    words = [value.trim()];
  }
  if (words.length > 1) {
    c.error(`additional parameters in ${main.key} are not supported: "${words.slice(1).join(' ')}"`, { ...at, hint: 'put them in vars: / tags: beside the import' });
  }
  const name = words[0]!;
  if (isTemplated(name)) {
    c.error(`${main.key} "${name}" uses a template: fleet reads imported playbooks before any variable is known`, { ...at, hint: 'write the file name literally' });
    return [];
  }
  if (/^[A-Za-z0-9_]+\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+$/.test(name) && !existsSync(resolve(dirname(absFile), name))) {
    c.error(`playbooks from collections ("${name}") are not supported by fleet`, { ...at, hint: 'copy the playbook next to yours and import it by file name' });
    return [];
  }
  const target = resolve(dirname(absFile), name);
  if (chain.includes(target)) {
    c.error(`import_playbook loop: ${[...chain, target].map(displayPath).join(' -> ')}`, at);
    return [];
  }
  const plays = await readPlaybookFile(target, ctx, [...chain, target], main.pos);
  for (const play of plays) {
    if (vars) play.vars = { ...(play.vars ?? {}), ...vars };
    if (tags?.length) play.tags = [...new Set([...(play.tags ?? []), ...tags])];
    if (when?.length) {
      play.importWhen = [...when, ...(play.importWhen ?? [])];
      for (const section of [play.pre_tasks, play.roles, play.tasks, play.post_tasks]) prependWhen(section, when);
    }
  }
  return plays;
}

async function readPlaybookFile(absFile: string, ctx: LoadCtx, chain: string[], at?: Play['pos']): Promise<Play[]> {
  const c = ctx.c;
  const src = await readSource(absFile, c, 'playbook', at, displayPath(absFile));
  if (!src) return [];
  const root = src.doc.contents as YNode | null;
  const first = { file: src.file, line: 1, column: 1 };
  if (isNull(root)) {
    c.error('the playbook is empty: a playbook is a list of plays', { pos: first, hint: 'start with "- hosts: all" and a tasks: list' });
    return [];
  }
  if (!isSeq(root)) {
    c.error(`a playbook must be a list of plays, got ${withArticle(typeName(js(src, root)))}`, {
      pos: posOf(src, root),
      hint: 'start each play with "- hosts: ..." (a list item); a file of tasks is imported with import_tasks, not run as a playbook',
    });
    return [];
  }
  const list = items(src, root);
  if (!list.length) {
    c.error('the playbook is empty: a playbook is a list of plays', { pos: posOf(src, root), hint: 'add a play: "- hosts: all"' });
    return [];
  }
  const dir = dirname(absFile);
  const pctx: LoadCtx = { ...ctx, playDir: dir };
  const plays: Play[] = [];
  for (const item of list) {
    if (!isMap(item)) {
      const v = js(src, item);
      c.error(`each entry of a playbook must be a play (a mapping with hosts:) or an import_playbook, got ${withArticle(typeName(v))}${typeof v === 'string' ? ` "${v}"` : ''}`, { pos: posOf(src, item) });
      continue;
    }
    const es = entries(src, item, c);
    if (es.some((e) => isImportPlaybook(e.key))) {
      plays.push(...(await importPlaybook(es, src, absFile, pctx, chain)));
      continue;
    }
    const inc = es.find((e) => e.key === 'include');
    if (inc && !es.some((e) => e.key === 'hosts')) {
      c.error('include of a playbook was removed in ansible-core 2.16', { pos: inc.pos, hint: 'use import_playbook' });
      continue;
    }
    const play = await parsePlay(item, src, pctx, dir);
    if (play) plays.push(play);
  }
  return plays;
}

/**
 * Loads and validates a playbook before any host is touched: every play, role, imported task file
 * and statically named include, every module and parameter. import_playbook entries are expanded
 * in place (paths relative to the importing file). Throws a PlaybookError listing every problem.
 */
export async function loadPlaybook(file: string, options: LoadPlaybookOptions = {}): Promise<Playbook> {
  const abs = resolve(file);
  const c = new Collector(!!options.strict);
  if (!existsSync(abs)) throw new PlaybookError(`the playbook: ${file} could not be found`, { file });
  if (!statSync(abs).isFile()) throw new PlaybookError(`the playbook: ${file} does not appear to be a file`, { file });
  const ctx = baseCtx(c, options, dirname(abs));
  const plays = await readPlaybookFile(abs, ctx, [abs]);
  const unimplemented = reportUnimplemented(c);
  if (c.problems.length) {
    const error = PlaybookError.fromProblems(c.problems, displayPath(abs));
    error.warnings = c.warnings;
    throw error;
  }
  return { file, plays, warnings: c.warnings, unimplemented };
}

export interface LoadTaskFileContext {
  role?: RoleRef;
  /** The playbook's directory (roles/ and task files are also searched there); defaults to the file's. */
  playDir?: string;
  rolesPath?: string[];
  strict?: boolean;
  /** Told each warning found while loading (e.g. a task's own problem), since the run is under way. */
  onWarning?: (message: string) => void;
}

/** Loads a task file for include_tasks at run time, with the same validation as at load time. */
export async function loadTaskFile(file: string, context: LoadTaskFileContext = {}): Promise<Node[]> {
  const abs = resolve(file);
  const c = new Collector(!!context.strict);
  const ctx = baseCtx(c, context, context.playDir ? resolve(context.playDir) : dirname(abs));
  const nodes = await loadTasksFromFile(abs, { ...(context.role ? { role: context.role } : {}), handlers: false, chain: [abs] }, ctx, 'tasks file');
  reportUnimplemented(c);
  for (const w of c.warnings) context.onWarning?.(w);
  if (c.problems.length || !nodes) throw PlaybookError.fromProblems(c.problems, displayPath(abs));
  return nodes;
}

export interface LoadRoleOptions {
  tasks_from?: string;
  vars_from?: string;
  defaults_from?: string;
  handlers_from?: string;
  /** Role params (include_role's vars, loop variables...). */
  params?: Vars;
  /** The role whose task includes this one: its directory is searched for sibling roles. */
  parent?: RoleRef;
  rolesPath?: string[];
  strict?: boolean;
  onWarning?: (message: string) => void;
  /** Other include_role options (apply, public, allow_duplicates, rolespec_validate) are accepted and ignored here. */
  [option: string]: unknown;
}

/**
 * Loads a role for include_role at run time (and is what `roles:` uses at load time): its
 * dependencies' blocks then its own tasks, and its handlers. `fromDir` is the playbook directory
 * the role is searched from (roles/ in it, the roles path, then the directory itself).
 */
export async function loadRole(name: string, fromDir: string, options: LoadRoleOptions = {}): Promise<{ ref: RoleRef; tasks: Node[]; handlers: HandlerNode[] }> {
  const c = new Collector(!!options.strict);
  const ctx = baseCtx(c, { rolesPath: options.rolesPath ?? [] }, resolve(fromDir));
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  const from = {
    ...(str(options.tasks_from) ? { tasks: str(options.tasks_from)! } : {}),
    ...(str(options.vars_from) ? { vars: str(options.vars_from)! } : {}),
    ...(str(options.defaults_from) ? { defaults: str(options.defaults_from)! } : {}),
    ...(str(options.handlers_from) ? { handlers: str(options.handlers_from)! } : {}),
  };
  const loaded = await loadRoleUse(
    { name, params: { ...(options.params ?? {}) }, from, keyExtra: null, dedupe: false, ...(options.parent ? { parent: options.parent } : {}) },
    ctx,
  );
  reportUnimplemented(c);
  for (const w of c.warnings) options.onWarning?.(w);
  if (c.problems.length || !loaded || loaded === 'skipped') {
    throw PlaybookError.fromProblems(c.problems.length ? c.problems : [{ message: `the role "${name}" could not be loaded` }]);
  }
  return loaded;
}

/**
 * The file an include_tasks node names, once its target is templated: searched beside the
 * including file, in the role's tasks/ and the role, then in the playbook directory.
 */
export function resolveIncludeFile(node: IncludeNode, target: string, playDir: string): string {
  const cands = taskFileCandidates(target, node.baseDir, playDir, node.role?.path);
  const found = cands.find((x) => existsSync(x.path) && statSync(x.path).isFile());
  if (!found) {
    throw new PlaybookError(`could not find the tasks file "${target}" for include_tasks`, {
      file: node.pos.file,
      line: node.pos.line,
      column: node.pos.column,
      ...(node.name ? { task: node.name } : {}),
      hint: `searched: ${cands.map((x) => displayPath(x.path)).join(', ')}`,
    });
  }
  return found.path;
}
