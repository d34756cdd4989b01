/**
 * Roles: finding them (roles/ beside the playbook, the roles path, the parent role's directory,
 * the playbook directory, or a path), reading defaults/, vars/, meta/ (dependencies,
 * allow_duplicates), tasks/ and handlers/, and turning a `roles:` entry into a block of its tasks.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Vars } from '../inventory/model.js';
import { displayPath, type LoadCtx, type LoadedRole, type RoleUse } from './context.js';
import type { At } from './errors.js';
import { ROLE_KEYWORDS, Values, commonOf, isTemplated, mergeKeywords, readCommon } from './keywords.js';
import type { BlockNode, CommonKeywords, HandlerNode, Node, RoleRef, SourcePos } from './model.js';
import { isHandlerNode } from './model.js';
import { loadTasksFromFile } from './task.js';
import { entries, isMap, isNull, isScalar, isSeq, items, js, posOf, readSource, typeName, type SourceFile, type YNode } from './yaml-source.js';
import { withArticle } from '../util/article.js';

const ROLE_PARTS = ['tasks', 'handlers', 'defaults', 'vars', 'meta', 'files', 'templates', 'library', 'module_utils', 'lookup_plugins', 'filter_plugins'];

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The directories a role name is looked up in, in Ansible's order. */
export function roleSearchDirs(playDir: string, rolesPath: readonly string[], parent?: RoleRef): string[] {
  const dirs = [join(playDir, 'roles'), ...rolesPath.map((p) => resolve(playDir, p)), ...(parent ? [dirname(parent.path)] : []), playDir];
  return [...new Set(dirs.map((d) => resolve(d)))];
}

/** Finds a role directory by name (or path): `{ path, name }`, or the directories searched. */
export function findRole(name: string, playDir: string, rolesPath: readonly string[], parent?: RoleRef): { path: string; name: string } | { searched: string[] } {
  const dirs = roleSearchDirs(playDir, rolesPath, parent);
  for (const d of dirs) {
    const p = resolve(d, name);
    if (isDir(p)) return { path: p, name };
  }
  const asPath = resolve(name);
  if ((name.includes('/') || name.startsWith('.')) && isDir(asPath)) return { path: asPath, name: basename(asPath) };
  return { searched: dirs };
}

/**
 * Ansible's find_vars_files for a role sub-directory: `main` (or the given file) with .yml, .yaml,
 * .json or no extension; with allowDir, a directory of that name gives all its files, sorted.
 */
function roleFiles(rolePath: string, subdir: string, main: string | undefined, allowDir: boolean): string[] | 'not-found' {
  const dir = join(rolePath, subdir);
  if (!isDir(dir)) return main === undefined ? [] : 'not-found';
  const name = main ?? 'main';
  const exts = main === undefined ? ['.yml', '.yaml', '.json', ''] : ['', '.yml', '.yaml', '.json'];
  for (const ext of exts) {
    const full = name.includes('.') && main !== undefined ? join(dir, name) : join(dir, name + ext);
    if (!existsSync(full)) continue;
    if (isDir(full)) {
      if (!allowDir) continue;
      return walk(full).filter((f) => /\.(ya?ml|json)$/.test(f) || !basename(f).includes('.'));
    }
    return [full];
  }
  return main === undefined ? [] : 'not-found';
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.')) continue;
    const p = join(dir, entry);
    if (isDir(p)) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

async function loadVarsPart(rolePath: string, roleName: string, subdir: 'defaults' | 'vars', main: string | undefined, ctx: LoadCtx, at: At): Promise<Vars> {
  const files = roleFiles(rolePath, subdir, main, true);
  if (files === 'not-found') {
    ctx.c.error(`could not find ${subdir}/${main} in role "${roleName}"`, { ...at, hint: `looked in ${displayPath(join(rolePath, subdir))} for ${main}, ${main}.yml, ${main}.yaml, ${main}.json` });
    return {};
  }
  const out: Vars = {};
  for (const f of files) {
    const src = await readSource(f, ctx.c, `${subdir} file of role "${roleName}"`, at.pos, displayPath(f));
    if (!src) continue;
    const value = js(src, src.doc.contents as YNode | null);
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      ctx.c.error(`the ${subdir} file of role "${roleName}" must be a mapping of variables, got ${withArticle(typeName(value))}`, { pos: posOf(src, src.doc.contents as YNode) });
      continue;
    }
    Object.assign(out, value);
  }
  return out;
}

interface RoleMeta {
  dependencies: { node: YNode; src: SourceFile }[];
  allowDuplicates: boolean;
}

async function loadMeta(rolePath: string, roleName: string, ctx: LoadCtx, at: At): Promise<RoleMeta> {
  const meta: RoleMeta = { dependencies: [], allowDuplicates: false };
  const files = roleFiles(rolePath, 'meta', undefined, false);
  if (files === 'not-found' || !files.length) return meta;
  const src = await readSource(files[0]!, ctx.c, `meta file of role "${roleName}"`, at.pos, displayPath(files[0]!));
  if (!src) return meta;
  const root = src.doc.contents as YNode | null;
  if (isNull(root)) return meta;
  if (!isMap(root)) {
    ctx.c.error(`meta/main.yml of role "${roleName}" must be a mapping (dependencies:, galaxy_info:...)`, { pos: posOf(src, root) });
    return meta;
  }
  for (const e of entries(src, root, ctx.c)) {
    if (e.key === 'dependencies') {
      if (isNull(e.value)) continue;
      if (!isSeq(e.value)) {
        ctx.c.error(`dependencies in meta/main.yml of role "${roleName}" must be a list of roles`, { pos: e.pos });
        continue;
      }
      meta.dependencies = items(src, e.value).map((node) => ({ node, src }));
    } else if (e.key === 'allow_duplicates') {
      const b = new Values(ctx.c, { pos: e.pos }).bool('allow_duplicates', js(src, e.value));
      meta.allowDuplicates = b === true;
    }
    // galaxy_info, collections, argument_specs...: not used by fleet
  }
  return meta;
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** Loads a role for a use (roles: entry, dependency, import_role, include_role). See LoadCtx.loadRole. */
export async function loadRoleUse(use: RoleUse, ctx: LoadCtx): Promise<LoadedRole | 'skipped' | undefined> {
  const c = ctx.c;
  const at: At = { pos: use.pos, task: use.task };
  if (isTemplated(use.name)) {
    c.error(`role name "${use.name}" uses a template: fleet resolves roles when the playbook loads`, { ...at, hint: 'use include_role for a role chosen by a variable' });
    return undefined;
  }
  const found = findRole(use.name, ctx.playDir, ctx.rolesPath, use.parent);
  if ('searched' in found) {
    c.error(`the role "${use.name}" was not found in: ${found.searched.map(displayPath).join(':')}`, {
      ...at,
      hint: `create ${displayPath(join(ctx.playDir, 'roles', use.name))}/tasks/main.yml, or add its directory to the roles path`,
    });
    return undefined;
  }
  const { path } = found;
  const name = found.name.includes('/') ? basename(found.name) : found.name;
  // A role may import itself for another task file (Ansible's own tests do); the same file again is a loop.
  const link = `${path}\u0000${use.from.tasks ?? ''}`;
  if (ctx.roleChain.includes(link)) {
    c.error(`role dependency loop: ${[...ctx.roleChain, link].map((p) => basename(p.split('\u0000')[0]!)).join(' -> ')}`, { ...at, hint: 'a role cannot depend on itself, directly or through other roles' });
    return undefined;
  }
  if (!ROLE_PARTS.some((p) => existsSync(join(path, p)))) {
    c.warn(`role "${name}" (${displayPath(path)}) has none of ${ROLE_PARTS.slice(0, 7).join('/, ')}/: it does nothing`, at);
  }
  const meta = await loadMeta(path, name, ctx, at);
  if (use.dedupe && ctx.play) {
    const key = `${path}\u0000${stable(use.params)}\u0000${stable(use.keyExtra)}`;
    if (ctx.play.roleSeen.has(key) && !meta.allowDuplicates) return 'skipped';
    ctx.play.roleSeen.add(key);
  }
  const ref: RoleRef = {
    name,
    path,
    defaults: await loadVarsPart(path, name, 'defaults', use.from.defaults, ctx, at),
    vars: await loadVarsPart(path, name, 'vars', use.from.vars, ctx, at),
    params: { ...use.params },
    ...(meta.allowDuplicates ? { allow_duplicates: true } : {}),
  };
  const chain = [...ctx.roleChain, link];
  const inner: LoadCtx = { ...ctx, roleChain: chain };
  const tasks: Node[] = [];
  const handlers: HandlerNode[] = [];
  for (const dep of meta.dependencies) {
    const expanded = await expandRoleEntry(dep.node, dep.src, inner, ref);
    if (expanded.block) tasks.push(expanded.block);
    handlers.push(...expanded.handlers);
  }
  for (const part of ['tasks', 'handlers'] as const) {
    const main = use.from[part];
    const files = roleFiles(path, part, main, false);
    if (files === 'not-found') {
      c.error(`could not find ${part}/${main} in role "${name}"`, { ...at, hint: `looked in ${displayPath(join(path, part))} for ${main}, ${main}.yml, ${main}.yaml, ${main}.json` });
      continue;
    }
    const file = files[0];
    if (!file) continue;
    if (!isFile(file)) continue;
    const nodes = await loadTasksFromFile(file, { role: ref, handlers: part === 'handlers', chain: [] }, inner, `${part} file of role "${name}"`, at);
    if (!nodes) continue;
    if (part === 'tasks') tasks.push(...nodes);
    else handlers.push(...nodes.filter(isHandlerNode));
  }
  return { ref, tasks, handlers };
}

/**
 * A `roles:` entry or a meta dependency (`- common`, `- role: x`, `- {name: x, tags: web, some_param: 1}`):
 * the block of the role's tasks (keywords of the entry on the block) and its handlers. Nothing when
 * the role already ran in this play with the same params (and does not allow duplicates).
 */
export async function expandRoleEntry(node: YNode, src: SourceFile, ctx: LoadCtx, parent?: RoleRef): Promise<{ block?: BlockNode; handlers: HandlerNode[] }> {
  const c = ctx.c;
  const pos: SourcePos = posOf(src, node);
  const what = parent ? `a dependency of role "${parent.name}"` : 'a roles: entry';
  let roleName: string | undefined;
  const kw: CommonKeywords = {};
  const params: Vars = {};
  let entryVars: Vars | undefined;
  if (isScalar(node)) {
    const v = js(src, node);
    if (typeof v === 'string' || typeof v === 'number') roleName = String(v);
  } else if (isMap(node)) {
    const es = entries(src, node, c);
    const roleKey = es.find((e) => e.key === 'role') ?? es.find((e) => e.key === 'name');
    const rv = roleKey ? js(src, roleKey.value) : undefined;
    if (typeof rv === 'string' && rv) roleName = rv;
    for (const e of es) {
      if (e === roleKey) continue;
      const at: At = { pos: e.pos, task: roleName };
      const value = js(src, e.value);
      if (e.key === 'vars') {
        entryVars = new Values(c, at).vars('vars', value);
        continue;
      }
      if (e.key === 'name' || e.key === 'role') continue;
      if (ROLE_KEYWORDS.has(e.key)) {
        if (!readCommon(e.key, value, kw, new Values(c, at), c, at)) c.error(`${e.key} is not supported by fleet on a role`, at);
        continue;
      }
      // Anything else is a role parameter, as in Ansible.
      params[e.key] = value;
    }
  }
  if (roleName === undefined) {
    c.error(`${what} must name a role: "- rolename", "- role: rolename" or "- name: rolename"`, { pos, hint: 'role definitions must contain a role name' });
    return { handlers: [] };
  }
  const allParams = { ...(entryVars ?? {}), ...params };
  const loaded = await ctx.loadRole(
    {
    name: roleName,
    pos,
    task: roleName,
    params: allParams,
    from: {},
    keyExtra: { when: kw.when ?? null, tags: kw.tags ?? null },
    dedupe: true,
    ...(parent ? { parent } : {}),
    },
    ctx,
  );
  if (!loaded || loaded === 'skipped') return { handlers: [] };
  const block: BlockNode = { kind: 'block', pos, ...kw, block: loaded.tasks, rescue: [], always: [], role: loaded.ref };
  const handlerKw = commonOf(kw);
  delete handlerKw.tags;
  return { block, handlers: loaded.handlers.map((h) => mergeKeywords(handlerKw, h)) };
}

export type { SourcePos };
