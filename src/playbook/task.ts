/**
 * Task lists: tasks, blocks, include_tasks / import_tasks, include_role / import_role. Every
 * problem is collected with its position and the task's name; parsing goes on past it so one load
 * reports everything.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { moduleNames } from '../modules/index.js';
import { editDistance, closest } from '../util/closest.js';
import { VARIABLE_PARAMS, argsFromValue, checkParams, includeAction, isImportPlaybook, looksLikeModule, resolveModule, type IncludeAction } from './action.js';
import { displayPath, type FileScope, type LoadCtx, type RoleUse } from './context.js';
import type { At, TaskProblem } from './errors.js';
import {
  BLOCK_KEYWORDS,
  HANDLER_KEYWORDS,
  IMPORT_KEYWORDS,
  INCLUDE_KEYWORDS,
  PLAY_KEYWORDS,
  SUPPORTED_WITH,
  TASK_KEYWORDS,
  Values,
  commonOf,
  isIdentifier,
  isTemplated,
  listOf,
  mergeKeywords,
  readCommon,
  readLoopControl,
  suggest,
} from './keywords.js';
import type { BlockNode, CommonKeywords, IncludeNode, LoopControl, Node, TaskNode } from './model.js';
import { entries, isMap, isNull, isSeq, items, js, posOf, readSource, typeName, type Entry, type SourceFile, type YNode } from './yaml-source.js';
import { KNOWN_MODULES } from './known-modules.js';
import { localPlugin } from './local-plugins.js';
import { LEGACY_INCLUDE_WARNING, isLegacyInclude, legacyTaskInclude, renameInclude } from './legacy-include.js';
import { parseKv } from '../util/kv.js';
import { withArticle } from '../util/article.js';

function loopHint(lookup: string): string {
  const known = [...SUPPORTED_WITH].filter((n) => !n.includes('.')).sort();
  return `fleet runs with_<lookup> for the lookups it has (${known.join(', ')}); for with_${lookup} write loop: "{{ query('${lookup}', ...) }}" with a filter instead`;
}

const TASK_SHAPE_HINT = 'a task is a mapping with one module (e.g. command: uptime) and keywords such as name, when, loop, register, notify';

/** The name a problem is reported under: the task's name, else its module key. */
function labelOf(es: Entry[], src: SourceFile): string | undefined {
  const n = es.find((e) => e.key === 'name');
  if (n) {
    const v = js(src, n.value);
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  const other = es.find(
    (e) => !TASK_KEYWORDS.has(e.key) && !HANDLER_KEYWORDS.has(e.key) && !BLOCK_KEYWORDS.has(e.key) && !PLAY_KEYWORDS.has(e.key) && !e.key.startsWith('with_'),
  );
  return other?.key;
}

/** How close a key is to a keyword versus to a module name (which one the user most likely meant). */
function likelyKeywordTypo(key: string, keywords: Iterable<string>): boolean {
  const kw = closest(key, keywords);
  if (!kw) return false;
  const mod = closest(key, [...moduleNames(), ...KNOWN_MODULES.keys()]);
  return !mod || editDistance(key, kw) <= editDistance(key, mod);
}

/** Parses a YAML sequence of tasks (tasks:, block:, a task file...). */
export async function parseTaskList(node: YNode | null, scope: FileScope, ctx: LoadCtx, what: string, at?: At): Promise<Node[]> {
  if (isNull(node)) return [];
  if (!isSeq(node)) {
    ctx.c.error(`${what} must be a list of tasks, got ${withArticle(typeName(js(scope.src, node)))}`, {
      pos: posOf(scope.src, node, at?.pos),
      ...(at?.task ? { task: at.task } : {}),
      hint: `write each task as a list item: "- name: ..." under ${what}:`,
    });
    return [];
  }
  const out: Node[] = [];
  for (const item of items(scope.src, node)) out.push(...(await parseEntry(item, scope, ctx)));
  return out;
}

/** Reads a task file (a YAML list of tasks): import_tasks, include_tasks, a role's tasks/main.yml. */
export async function loadTasksFromFile(absFile: string, scope: Omit<FileScope, 'src' | 'dir'>, ctx: LoadCtx, what: string, at?: At): Promise<Node[] | undefined> {
  const src = await readSource(absFile, ctx.c, what, at?.pos, displayPath(absFile));
  if (!src) return undefined;
  const contents = src.doc.contents as YNode | null;
  if (isNull(contents)) return [];
  if (!isSeq(contents)) {
    ctx.c.error(`a ${what} must be a list of tasks, got ${withArticle(typeName(js(src, contents)))}`, {
      pos: posOf(src, contents),
      hint: 'start each task with "- name: ..."; a playbook (with hosts:) cannot be used as a task file',
    });
    return undefined;
  }
  return parseTaskList(contents, { ...scope, src, dir: dirname(absFile) }, ctx, what);
}

async function parseEntry(node: YNode, scope: FileScope, ctx: LoadCtx): Promise<Node[]> {
  const { src } = scope;
  const c = ctx.c;
  const pos = posOf(src, node);
  if (!isMap(node)) {
    const value = js(src, node);
    c.error(`a task must be a mapping, got ${withArticle(typeName(value))}${typeof value === 'string' ? ` "${value}"` : ''}`, { pos, hint: TASK_SHAPE_HINT });
    return [];
  }
  const es = entries(src, node, c);
  const label = labelOf(es, src);
  const keys = es.map((e) => e.key);
  if (keys.includes('block')) {
    const b = await parseBlock(es, node, scope, ctx, label);
    return b ? [b] : [];
  }
  for (const k of ['rescue', 'always']) {
    const e = es.find((x) => x.key === k);
    if (e) c.error(`${k} is only valid in a block, next to block:`, { pos: e.pos, task: label, hint: 'write block: [...] with rescue: / always: beside it' });
  }
  const pb = es.find((e) => isImportPlaybook(e.key));
  if (pb) {
    c.error(`${pb.key} is only valid at the top level of a playbook, not in a list of tasks`, { pos: pb.pos, task: label, hint: 'use import_tasks or include_tasks for task files' });
    return [];
  }
  const oldInclude = es.find((e) => isLegacyInclude(e.key));
  if (oldInclude) {
    const action = legacyTaskInclude(js(src, oldInclude.value), keys);
    c.warn(`${LEGACY_INCLUDE_WARNING} Read as ${action}.`, { pos: oldInclude.pos, task: label });
    const renamed = renameInclude(es, action);
    return parseInclude(renamed, renamed.filter((e) => includeAction(e.key)), node, scope, ctx, label);
  }
  const inc = es.filter((e) => includeAction(e.key));
  if (inc.length) return parseInclude(es, inc, node, scope, ctx, label);
  const t = await parseTask(es, node, scope, ctx, label);
  return t ? [t] : [];
}

/** Keywords and module arguments common to tasks. */
function readTaskKeyword(e: Entry, value: unknown, task: TaskNode, v: Values, ctx: LoadCtx, at: At): boolean {
  const c = ctx.c;
  if (readCommon(e.key, value, task, v, c, at)) return true;
  switch (e.key) {
    case 'register': {
      const s = v.str('register', value);
      if (s !== undefined) {
        if (!isIdentifier(s)) c.error(`register must be a variable name, got "${s}"`, { ...at, hint: 'letters, digits and underscores, not starting with a digit' });
        task.register = s;
      }
      return true;
    }
    case 'notify': {
      const n = v.strings('notify', value);
      if (n) task.notify = n;
      return true;
    }
    case 'listen': {
      const n = v.strings('listen', value);
      if (n) task.listen = n;
      return true;
    }
    case 'changed_when':
    case 'failed_when':
    case 'until': {
      const w = v.conditions(e.key, value);
      if (w) task[e.key] = w;
      return true;
    }
    case 'retries':
    case 'delay':
    case 'async':
    case 'poll': {
      const n = v.int(e.key, value);
      if (n !== undefined) task[e.key] = n;
      return true;
    }
    case 'loop_control': {
      const lc = readLoopControl(value, v, c, at);
      if (lc) task.loop_control = lc;
      return true;
    }
  }
  return false;
}

/** A loop value fleet can expand; otherwise the task's own problem (it fails when it runs, as in Ansible). */
function checkLoopValue(value: unknown, c: LoadCtx['c'], at: At, key: string, holder: { problem?: TaskProblem }): boolean {
  if (value === null || value === undefined) {
    c.taskProblem(holder, { message: `you must give a value to ${key}`, loop: true }, at);
    return false;
  }
  if (key === 'loop') {
    if (Array.isArray(value)) return true;
    if (typeof value === 'string' && isTemplated(value)) return true;
    c.taskProblem(
      holder,
      {
        message: `Invalid data passed to 'loop', it requires a list, got this instead: ${JSON.stringify(value)}`,
        hint: typeof value === 'object' ? 'for a mapping write loop: "{{ my_dict | dict2items }}"' : 'write loop: [a, b] or loop: "{{ my_list }}"',
        loop: true,
      },
      at,
    );
    return false;
  }
  return true;
}

interface ActionCandidate {
  kind: 'module' | 'action' | 'local_action';
  entry: Entry;
}

async function parseTask(es: Entry[], node: YNode, scope: FileScope, ctx: LoadCtx, label: string | undefined): Promise<TaskNode | undefined> {
  const { src } = scope;
  const c = ctx.c;
  const pos = posOf(src, node);
  const allowed = scope.handlers ? HANDLER_KEYWORDS : TASK_KEYWORDS;
  const task: TaskNode = { kind: 'task', pos, module: '', moduleAs: '', args: {} };
  const candidates: ActionCandidate[] = [];
  const others: Entry[] = [];
  let argsBase: Record<string, unknown> = {};
  let loopKey: string | undefined;

  for (const e of es) {
    const at: At = { pos: e.pos, task: label };
    const v = new Values(c, at);
    const value = js(src, e.value);
    if (e.key === 'name') {
      const s = v.str('name', value);
      if (s !== undefined) task.name = s;
      continue;
    }
    if (e.key.startsWith('with_')) {
      const lookup = e.key.slice(5);
      if (loopKey) {
        c.error(`duplicate loop in task: ${loopKey} and ${e.key}`, { ...at, hint: 'a task has one loop' });
        continue;
      }
      loopKey = e.key;
      if (!SUPPORTED_WITH.has(lookup)) {
        c.taskProblem(task, { message: `${e.key} is not supported by fleet`, hint: loopHint(lookup), loop: true }, at);
        continue;
      }
      if (checkLoopValue(value, c, at, e.key, task)) {
        task.loop = value;
        task.loopWith = lookup;
      }
      continue;
    }
    if (e.key === 'loop') {
      if (loopKey) {
        c.error(`duplicate loop in task: ${loopKey} and loop`, { ...at, hint: 'a task has one loop' });
        continue;
      }
      loopKey = 'loop';
      if (checkLoopValue(value, c, at, 'loop', task)) task.loop = value;
      continue;
    }
    if (e.key === 'action' || e.key === 'local_action') {
      candidates.push({ kind: e.key, entry: e });
      continue;
    }
    if (e.key === 'args') {
      if (value === null) continue;
      if (typeof value === 'string' && isTemplated(value)) argsBase = { [VARIABLE_PARAMS]: value };
      else if (typeof value !== 'object' || Array.isArray(value)) {
        c.error(`args must be a mapping of module parameters, got ${withArticle(typeName(value))}`, { ...at, hint: 'write args: {chdir: /tmp}, or args: "{{ a_mapping }}"' });
      } else argsBase = { ...(value as Record<string, unknown>) };
      continue;
    }
    if (allowed.has(e.key)) {
      if (!readTaskKeyword(e, value, task, v, ctx, at)) {
        // Ansible keywords fleet takes without a model field: none left
        c.error(`${e.key} is not supported by fleet`, at);
      }
      continue;
    }
    if (e.key === 'rescue' || e.key === 'always') continue; // reported by parseEntry
    if (e.key === 'listen') {
      c.error('listen is only valid on handlers', { ...at, hint: 'move this task under handlers:, or use notify: on the task instead' });
      continue;
    }
    others.push(e);
  }

  // Which key is the module: the non-keyword key that names a module; a key closer to a keyword
  // than to any module is a misspelt keyword.
  const modules = others.filter((e) => looksLikeModule(e.key) || localPlugin(e.key, pluginBases(scope, ctx)));
  let rest = others.filter((e) => !modules.includes(e));
  if (!modules.length && !candidates.length) {
    const moduleish = rest.filter((e) => !PLAY_KEYWORDS.has(e.key) && !likelyKeywordTypo(e.key, allowed));
    if (moduleish.length === 1) {
      modules.push(moduleish[0]!);
      rest = rest.filter((e) => e !== moduleish[0]);
    } else if (moduleish.length > 1) {
      c.error(`conflicting action statements: ${moduleish.map((e) => e.key).join(', ')}`, {
        pos: moduleish[1]!.pos,
        task: label,
        hint: `a task has exactly one module; none of these is one fleet knows${moduleish.map((e) => suggest(e.key, [...moduleNames(), ...KNOWN_MODULES.keys()])).join('')}`,
      });
      return undefined;
    }
  }
  for (const e of rest) {
    const playKeyword = PLAY_KEYWORDS.has(e.key) && !allowed.has(e.key);
    c.error(`"${e.key}" is not a valid keyword for a ${scope.handlers ? 'handler' : 'task'}${playKeyword ? '' : suggest(e.key, allowed)}`, {
      pos: e.pos,
      task: label,
      hint: playKeyword
        ? `${e.key} is a play keyword: is a play written inside a list of tasks? (plays go at the top level of the playbook)`
        : `valid keywords: ${listOf(allowed)}, with_<lookup>; and one module`,
    });
  }
  const all: ActionCandidate[] = [...candidates, ...modules.map((e) => ({ kind: 'module' as const, entry: e }))];
  if (all.length > 1) {
    c.error(`conflicting action statements: ${all.map((a) => a.entry.key).join(', ')}`, {
      pos: all[1]!.entry.pos,
      task: label,
      hint: 'a task has exactly one module (or action:/local_action:); split it into several tasks',
    });
    return undefined;
  }
  if (!all.length) {
    if (!rest.length) c.error('no module/action detected in task', { pos, task: label, hint: TASK_SHAPE_HINT });
    return undefined;
  }
  const chosen = all[0]!;
  const at: At = { pos: chosen.entry.pos, task: label };
  const rawValue = js(src, chosen.entry.value);
  let moduleAs: string;
  let moduleValue: unknown;
  if (chosen.kind === 'module') {
    moduleAs = chosen.entry.key;
    moduleValue = rawValue;
  } else {
    if (chosen.kind === 'local_action') {
      if (task.delegate_to !== undefined) c.error('delegate_to and local_action are mutually exclusive', { ...at, hint: 'local_action already runs the task on localhost' });
      task.delegate_to = 'localhost';
    }
    if (typeof rawValue === 'string' && /^\s*\{\{/.test(rawValue)) {
      // The module is named by a template: resolved per host when the task runs.
      const m = /^\s*(\{\{[\s\S]*?\}\})\s*([\s\S]*)$/.exec(rawValue);
      if (!m) {
        c.error(`${chosen.kind}: the template naming the module is not closed`, { ...at, hint: 'close the {{ }} block' });
        return undefined;
      }
      task.moduleAs = m[1]!;
      task.moduleTemplate = true;
      task.args = { ...argsBase, ...(m[2] ? { _raw_params: m[2] } : {}) };
      if (scope.role) task.role = scope.role;
      return task;
    }
    if (typeof rawValue === 'string') {
      const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(rawValue);
      if (!m) {
        c.error(`${chosen.kind} needs a module name`, { ...at, hint: `write ${chosen.kind}: command uptime, or ${chosen.kind}: {module: command, cmd: uptime}` });
        return undefined;
      }
      moduleAs = m[1]!;
      moduleValue = m[2] ? m[2] : null;
    } else if (rawValue && typeof rawValue === 'object' && !Array.isArray(rawValue)) {
      const { module, ...rest2 } = rawValue as Record<string, unknown>;
      if (typeof module !== 'string' || !module) {
        c.error(`${chosen.kind} as a mapping needs module: <name>`, { ...at, hint: `write ${chosen.kind}: {module: command, cmd: uptime}` });
        return undefined;
      }
      moduleAs = module;
      moduleValue = rest2;
    } else {
      c.error(`${chosen.kind} must be a string ("module args") or a mapping with module:`, at);
      return undefined;
    }
    if (includeAction(moduleAs)) {
      c.error(`${includeAction(moduleAs)} cannot be used through ${chosen.kind}`, { ...at, hint: `write ${includeAction(moduleAs)}: ... as the task's key` });
      return undefined;
    }
  }
  task.moduleAs = moduleAs;
  const resolved = resolveModule(moduleAs);
  const plugin = resolved.kind === 'unknown' ? localPlugin(moduleAs, pluginBases(scope, ctx)) : undefined;
  if (plugin) {
    task.args = { ...argsBase };
    task.module = moduleAs;
    task.unimplemented = true;
    const message = `module ${moduleAs} is a plugin this playbook ships (${displayPath(plugin)}), which fleet cannot run: fleet runs its own modules, not Ansible's Python plugins`;
    c.taskProblem(task, { message, hint: "the README's modules table lists fleet's modules" }, at);
    if (scope.role) task.role = scope.role;
    return task;
  }
  if (resolved.kind === 'unknown') {
    c.error(`unknown module "${moduleAs}"${resolved.suggestion ? ` (did you mean "${resolved.suggestion}"?)` : ''}`, {
      ...at,
      hint: `fleet's modules: ${moduleNames().sort().join(', ')}`,
    });
    return undefined;
  }
  const def = resolved.kind === 'fleet' ? resolved.def : undefined;
  const parsed = argsFromValue(def, moduleValue, moduleAs);
  const argsAt: At = { pos: posOf(src, chosen.entry.value, chosen.entry.pos), task: label };
  if (parsed.error && parsed.syntax) c.error(parsed.error, { ...argsAt, hint: parsed.hint });
  else if (parsed.error) c.taskProblem(task, { message: parsed.error, ...(parsed.hint ? { hint: parsed.hint } : {}) }, argsAt);
  task.args = { ...argsBase, ...parsed.args };
  task.module = resolved.name;
  if (resolved.kind === 'unimplemented') {
    c.useUnimplemented(resolved.name, moduleAs, chosen.entry.pos);
    task.unimplemented = true;
    const message = `module ${resolved.name}${moduleAs !== resolved.name ? ` (written ${moduleAs})` : ''} is not implemented in fleet yet`;
    if (!c.strict) c.taskProblem(task, { message, hint: "the README's modules table lists fleet's modules" }, at);
  } else if (!parsed.error) {
    const check = checkParams(resolved.def, task.args);
    if (check.error) c.taskProblem(task, { message: check.error, ...(check.hint ? { hint: check.hint } : {}) }, at);
  }
  if (task.loop_control && task.loop === undefined && !loopKey) {
    c.warn('loop_control has no effect without loop: or with_<lookup>:', { pos: es.find((e) => e.key === 'loop_control')!.pos, task: label });
  }
  if (scope.role) task.role = scope.role;
  return task;
}

/**
 * Where Ansible finds a playbook's own modules: the task's role, the playbook, and every role
 * loaded so far (a role's library/ serves the whole play once the role is loaded).
 */
function pluginBases(scope: FileScope, ctx: LoadCtx): string[] {
  const roles = [...ctx.roleChain, ...(ctx.play ? [...ctx.play.roleSeen] : [])].map((key) => key.split('\u0000')[0]!);
  return [...new Set([...(scope.role ? [scope.role.path] : []), scope.dir, ctx.playDir, ...roles])];
}

/** Sets a block's notify on the tasks inside it that have none (Ansible's inheritance). */
function pushNotify(nodes: Node[], notify: string[]): void {
  for (const n of nodes) {
    if (n.kind === 'task' && !n.notify) n.notify = [...notify];
    else if (n.kind === 'block') {
      pushNotify(n.block, notify);
      pushNotify(n.rescue, notify);
      pushNotify(n.always, notify);
    }
  }
}

async function parseBlock(es: Entry[], node: YNode, scope: FileScope, ctx: LoadCtx, label: string | undefined): Promise<BlockNode | undefined> {
  const { src } = scope;
  const c = ctx.c;
  const pos = posOf(src, node);
  if (scope.handlers) {
    c.error('a block in handlers is not supported by fleet', { pos, task: label, hint: 'list each handler as a task under handlers:' });
    return undefined;
  }
  const block: BlockNode = { kind: 'block', pos, block: [], rescue: [], always: [] };
  let notify: string[] | undefined;
  for (const e of es) {
    const at: At = { pos: e.pos, task: label };
    const v = new Values(c, at);
    if (e.key === 'block' || e.key === 'rescue' || e.key === 'always') {
      block[e.key] = await parseTaskList(e.value, scope, ctx, e.key, at);
      continue;
    }
    const value = js(src, e.value);
    if (e.key === 'name') {
      const s = v.str('name', value);
      if (s !== undefined) block.name = s;
      continue;
    }
    if (e.key === 'notify') {
      notify = v.strings('notify', value);
      continue;
    }
    if (BLOCK_KEYWORDS.has(e.key)) {
      if (!readCommon(e.key, value, block, v, c, at)) c.error(`${e.key} is not supported by fleet on a block`, at);
      continue;
    }
    if (looksLikeModule(e.key) || includeAction(e.key)) {
      c.error(`a block cannot have a module ("${e.key}")`, {
        ...at,
        hint: 'put the task inside the block: block: [{name: ..., ' + e.key + ': ...}]',
      });
      continue;
    }
    if (TASK_KEYWORDS.has(e.key) || e.key.startsWith('with_')) {
      c.error(`${e.key} is not valid on a block`, { ...at, hint: `a block takes only: ${listOf(BLOCK_KEYWORDS)}; set ${e.key} on the tasks inside it` });
      continue;
    }
    c.error(`"${e.key}" is not a valid keyword for a block${suggest(e.key, BLOCK_KEYWORDS)}`, { ...at, hint: `valid block keywords: ${listOf(BLOCK_KEYWORDS)}` });
  }
  if (notify) {
    pushNotify(block.block, notify);
    pushNotify(block.rescue, notify);
    pushNotify(block.always, notify);
  }
  if (scope.role) block.role = scope.role;
  return block;
}

const TASKS_ARGS = ['file', '_raw_params', 'apply'];
const ROLE_ARGS = ['name', 'tasks_from', 'vars_from', 'defaults_from', 'handlers_from', 'apply', 'public', 'allow_duplicates', 'rolespec_validate'];

/** Where a task file named in include_tasks/import_tasks is looked for, in order. */
export function taskFileCandidates(target: string, dir: string, playDir: string, rolePath?: string): { path: string; base: string }[] {
  if (isAbsolute(target)) return [{ path: target, base: '/' }];
  const bases = [dir, ...(rolePath ? [join(rolePath, 'tasks'), rolePath] : []), playDir];
  const seen = new Set<string>();
  const out: { path: string; base: string }[] = [];
  for (const base of bases) {
    const path = resolve(base, target);
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ path, base: resolve(base) });
  }
  return out;
}

function findFile(candidates: { path: string; base: string }[]): { path: string; base: string } | undefined {
  return candidates.find((cand) => existsSync(cand.path) && statSync(cand.path).isFile());
}

async function parseInclude(es: Entry[], incs: Entry[], node: YNode, scope: FileScope, ctx: LoadCtx, label: string | undefined): Promise<Node[]> {
  const { src } = scope;
  const c = ctx.c;
  const pos = posOf(src, node);
  const main = incs[0]!;
  const action = includeAction(main.key)!;
  const isImport = action.startsWith('import_');
  const forRole = action.endsWith('_role');
  const at0: At = { pos: main.pos, task: label };
  const otherModules = es.filter((e) => e !== main && !TASK_KEYWORDS.has(e.key) && !HANDLER_KEYWORDS.has(e.key) && !e.key.startsWith('with_') && (looksLikeModule(e.key) || includeAction(e.key)));
  if (otherModules.length) {
    c.error(`conflicting action statements: ${[main, ...otherModules].map((e) => e.key).join(', ')}`, { pos: otherModules[0]!.pos, task: label, hint: 'a task has exactly one module or include' });
    return [];
  }
  if (scope.handlers && forRole) {
    c.error(`${action} in handlers is not supported by fleet`, { ...at0, hint: 'use include_tasks or import_tasks of the role\'s task file in handlers:, or list the handlers themselves' });
    return [];
  }
  const allowedKw = isImport ? IMPORT_KEYWORDS : INCLUDE_KEYWORDS;
  const kw: CommonKeywords = {};
  let name: string | undefined;
  let args: Record<string, unknown> = {};
  let loop: unknown;
  let loopWith: string | undefined;
  let loopControl: LoopControl | undefined;
  let register: string | undefined;
  let mainValue: unknown;
  let listen: string[] | undefined;
  const incProblem: { problem?: TaskProblem } = {};
  for (const e of es) {
    const at: At = { pos: e.pos, task: label };
    const v = new Values(c, at);
    const value = js(src, e.value);
    if (e === main) {
      mainValue = value;
      continue;
    }
    if (e.key === 'name') {
      name = v.str('name', value);
      continue;
    }
    if (e.key === 'listen') {
      // Ansible keeps listen on the import itself, which is not a handler: the imported ones never hear it.
      if (!scope.handlers) c.error('listen is only valid on handlers', { ...at, hint: 'move this include under handlers:, or use notify: on a task instead' });
      else if (isImport) c.warn('listen on import_tasks has no effect: the imported handlers answer only to their own names and listen', at);
      else listen = v.strings('listen', value);
      continue;
    }
    if (isImport && (e.key === 'loop' || e.key.startsWith('with_'))) {
      c.error(`${action} cannot loop: imports are read once when the playbook loads`, { ...at, hint: `use ${forRole ? 'include_role' : 'include_tasks'} to loop over a list` });
      continue;
    }
    if (!allowedKw.has(e.key) && !(e.key.startsWith('with_') && !isImport)) {
      if (TASK_KEYWORDS.has(e.key) || HANDLER_KEYWORDS.has(e.key)) {
        c.error(
          `${e.key} is not valid on ${action}`,
          isImport
            ? { ...at, hint: `fleet applies only these keywords to imported tasks: ${listOf(IMPORT_KEYWORDS)}; set ${e.key} on the tasks themselves` }
            : { ...at, hint: `on ${action} it would apply to the include itself, not to the included tasks; use apply: {${e.key}: ...} (or a block around the include). Valid here: ${listOf(INCLUDE_KEYWORDS)}` },
        );
      } else {
        c.error(`"${e.key}" is not a valid keyword for ${action}${suggest(e.key, allowedKw)}`, { ...at, hint: `valid: ${listOf(allowedKw)}` });
      }
      continue;
    }
    if (e.key.startsWith('with_')) {
      const lookup = e.key.slice(5);
      if (loop !== undefined) c.error(`duplicate loop in task: ${e.key}`, at);
      else if (!SUPPORTED_WITH.has(lookup)) c.taskProblem(incProblem, { message: `${e.key} is not supported by fleet`, hint: loopHint(lookup), loop: true }, at);
      else if (checkLoopValue(value, c, at, e.key, incProblem)) {
        loop = value;
        loopWith = lookup;
      }
      continue;
    }
    switch (e.key) {
      case 'args':
        if (value && typeof value === 'object' && !Array.isArray(value)) args = { ...(value as Record<string, unknown>) };
        else if (value !== null) c.error(`args must be a mapping, got ${withArticle(typeName(value))}`, at);
        continue;
      case 'loop':
        if (loop !== undefined) c.error('duplicate loop in task: loop', at);
        else if (checkLoopValue(value, c, at, 'loop', incProblem)) loop = value;
        continue;
      case 'loop_control':
        loopControl = readLoopControl(value, v, c, at);
        continue;
      case 'register': {
        const s = v.str('register', value);
        if (s !== undefined && !isIdentifier(s)) c.error(`register must be a variable name, got "${s}"`, at);
        register = s;
        continue;
      }
    }
    if (!readCommon(e.key, value, kw, v, c, at)) c.error(`${e.key} is not supported by fleet on ${action}`, at);
  }

  // The include's own arguments: a string (file / k=v) or a mapping, plus args:.
  if (typeof mainValue === 'string') {
    const { params, raw } = parseKv(mainValue);
    if (forRole) {
      if (raw !== undefined) {
        c.error(`${action} takes name=<role> (or a mapping with name:), got "${mainValue}"`, { ...at0, hint: `write ${action}: {name: myrole}` });
        return [];
      }
      args = { ...args, ...params };
    } else args = { ...args, ...params, ...(raw !== undefined ? { _raw_params: raw } : {}) };
  } else if (mainValue && typeof mainValue === 'object' && !Array.isArray(mainValue)) {
    args = { ...args, ...(mainValue as Record<string, unknown>) };
  } else if (mainValue !== null && mainValue !== undefined) {
    c.error(`${action} needs a ${forRole ? 'role name' : 'file name'}, got ${withArticle(typeName(mainValue))}`, at0);
    return [];
  }
  const validArgs = (forRole ? ROLE_ARGS : TASKS_ARGS).filter((a) => !(a === 'apply' && isImport));
  const bad = Object.keys(args).filter((k) => !validArgs.includes(k));
  if (bad.length) {
    c.error(`invalid options for ${action}: ${bad.join(', ')}`, { ...at0, hint: `valid options: ${validArgs.filter((a) => a !== '_raw_params').join(', ')}` });
  }
  let apply: CommonKeywords | undefined;
  if (args.apply !== undefined && !isImport) {
    if (!args.apply || typeof args.apply !== 'object' || Array.isArray(args.apply)) {
      c.error(`apply must be a mapping of keywords, got ${withArticle(typeName(args.apply))}`, at0);
    } else {
      apply = {};
      const v = new Values(c, at0);
      for (const [k, val] of Object.entries(args.apply as Record<string, unknown>)) {
        if (!BLOCK_KEYWORDS.has(k) || ['block', 'rescue', 'always', 'name', 'notify'].includes(k) || !readCommon(k, val, apply, v, c, at0)) {
          c.error(`"${k}" cannot be used in apply${suggest(k, BLOCK_KEYWORDS)}`, { ...at0, hint: `apply takes block keywords: ${listOf([...BLOCK_KEYWORDS].filter((x) => !['block', 'rescue', 'always', 'name', 'notify'].includes(x)))}` });
        }
      }
    }
  }
  const targetRaw = forRole ? args.name : (args._raw_params ?? args.file);
  if (typeof targetRaw !== 'string' || !targetRaw.trim()) {
    c.error(forRole ? `${action} needs name: <role>` : `no file specified for ${action}`, { ...at0, hint: forRole ? `write ${action}: {name: myrole}` : `write ${action}: path/to/tasks.yml` });
    return [];
  }
  const target = targetRaw.trim();
  const task = name ?? label;
  const templated = isTemplated(target);
  if (isImport && templated) {
    c.error(`${action} is resolved when the playbook loads, before variables are known: "${target}" cannot use a template here`, {
      ...at0,
      hint: `use ${forRole ? 'include_role' : 'include_tasks'} for a ${forRole ? 'role name' : 'file name'} with variables`,
    });
    return [];
  }
  const from: RoleUse['from'] = {};
  if (forRole) {
    for (const k of ['tasks', 'vars', 'defaults', 'handlers'] as const) {
      const val = args[`${k}_from`];
      if (val === undefined || val === null) continue;
      if (typeof val !== 'string') c.error(`${k}_from must be a file name, got ${withArticle(typeName(val))}`, at0);
      else from[k] = val;
    }
  }

  if (action === 'import_tasks') {
    const cands = taskFileCandidates(target, scope.dir, ctx.playDir, scope.role?.path);
    const found = findFile(cands);
    if (!found) {
      c.error(`could not find the tasks file "${target}" for import_tasks`, { ...at0, task, hint: `searched: ${cands.map((x) => displayPath(x.path)).join(', ')}` });
      return [];
    }
    if (scope.chain.includes(found.path)) {
      c.error(`import loop: ${[...scope.chain, found.path].map(displayPath).join(' -> ')}`, { ...at0, task, hint: 'a task file cannot import itself (directly or through others); use include_tasks with a condition for recursion' });
      return [];
    }
    const nodes = await loadTasksFromFile(found.path, { ...(scope.role ? { role: scope.role } : {}), handlers: scope.handlers, chain: [...scope.chain, found.path] }, ctx, 'tasks file', at0);
    if (!nodes) return [];
    if (scope.handlers) return nodes.map((n) => mergeKeywords(kw, n));
    const block: BlockNode = { kind: 'block', pos, ...(name !== undefined ? { name } : {}), ...kw, block: nodes, rescue: [], always: [] };
    if (scope.role) block.role = scope.role;
    return [block];
  }

  if (action === 'import_role') {
    const use: RoleUse = { name: target, pos: main.pos, ...(task ? { task } : {}), params: { ...(kw.vars ?? {}) }, from, keyExtra: null, dedupe: false, ...(scope.role ? { parent: scope.role } : {}) };
    const loaded = await ctx.loadRole(use, ctx);
    if (!loaded || loaded === 'skipped') return [];
    const block: BlockNode = { kind: 'block', pos, ...(name !== undefined ? { name } : {}), ...kw, block: loaded.tasks, rescue: [], always: [], role: loaded.ref };
    const handlerKw = commonOf(kw);
    delete handlerKw.tags;
    if (ctx.play) ctx.play.importedRoleHandlers.push(...loaded.handlers.map((h) => mergeKeywords(handlerKw, h)));
    return [block];
  }

  // include_tasks / include_role: kept for run time, checked now when the name is static.
  const include: IncludeNode = {
    kind: 'include',
    pos,
    ...(name !== undefined ? { name } : {}),
    action: action as Extract<IncludeAction, 'include_tasks' | 'include_role'>,
    target,
    options: {},
    baseDir: scope.dir,
    ...kw,
  };
  if (loop !== undefined) include.loop = loop;
  if (loopWith) include.loopWith = loopWith;
  if (loopControl) include.loop_control = loopControl;
  if (register !== undefined) include.register = register;
  if (incProblem.problem) include.problem = incProblem.problem;
  if (apply) include.apply = apply;
  if (listen) include.listen = listen;
  if (scope.role) include.role = scope.role;
  if (action === 'include_tasks') {
    const cands = taskFileCandidates(target, scope.dir, ctx.playDir, scope.role?.path);
    if (!templated) {
      const found = findFile(cands);
      if (!found) {
        c.error(`could not find the tasks file "${target}" for include_tasks`, { ...at0, task, hint: `searched: ${cands.map((x) => displayPath(x.path)).join(', ')}` });
      } else {
        include.baseDir = found.base;
        const key = `tasks\u0000${found.path}\u0000${scope.role?.path ?? ''}`;
        if (!ctx.validated.has(key)) {
          ctx.validated.add(key);
          await loadTasksFromFile(found.path, { ...(scope.role ? { role: scope.role } : {}), handlers: false, chain: [] }, ctx, 'tasks file', at0);
        }
      }
    }
  } else {
    for (const [k, val] of Object.entries(args)) if (k !== 'name' && k !== 'apply') include.options[k] = val;
    const staticFrom = Object.values(from).every((f) => !isTemplated(f));
    if (!templated && staticFrom) {
      const key = `role\u0000${target}\u0000${JSON.stringify(from)}\u0000${scope.role?.path ?? ''}`;
      if (!ctx.validated.has(key)) {
        ctx.validated.add(key);
        await ctx.loadRole({ name: target, pos: main.pos, ...(task ? { task } : {}), params: {}, from, keyExtra: null, dedupe: false, ...(scope.role ? { parent: scope.role } : {}) }, { ...ctx, play: undefined });
      }
    }
  }
  return [include];
}
