/**
 * State shared while one playbook (or task file, or role) loads. Role loading is reached through
 * `ctx.loadRole` so that task parsing and role loading do not import each other.
 */
import { relative, isAbsolute } from 'node:path';
import type { Vars } from '../inventory/model.js';
import type { Collector } from './errors.js';
import type { CommonKeywords, HandlerNode, Node, RoleRef, SourcePos } from './model.js';
import type { SourceFile } from './yaml-source.js';

/** Where a list of tasks is being read from. */
export interface FileScope {
  src: SourceFile;
  /** Absolute directory of the file (the first place relative task files are searched). */
  dir: string;
  role?: RoleRef;
  /** Reading a handlers section. */
  handlers: boolean;
  /** Absolute paths of the task files being imported, outermost first (import loops). */
  chain: string[];
}

export interface PlayState {
  /** Roles already placed in the play: absolute path + params (Ansible runs such a role once). */
  roleSeen: Set<string>;
  /** Handlers of roles brought in by import_role (after the play's own handlers, as Ansible). */
  importedRoleHandlers: HandlerNode[];
}

/** A role named somewhere: in roles:, a meta dependency, import_role or include_role. */
export interface RoleUse {
  name: string;
  pos?: SourcePos;
  task?: string;
  params: Vars;
  /** tasks_from, vars_from, defaults_from, handlers_from. */
  from: { tasks?: string; vars?: string; defaults?: string; handlers?: string };
  /** The role whose meta/main.yml lists this one. */
  parent?: RoleRef;
  /** Dedup key parts beyond path and params (when, tags, vars of the role entry). */
  keyExtra: unknown;
  /** roles: and meta dependencies run once per play with the same params; imports and includes do not. */
  dedupe: boolean;
}

export interface LoadedRole {
  ref: RoleRef;
  /** The dependencies' blocks, then the role's own tasks. */
  tasks: Node[];
  /** The dependencies' handlers, then the role's own. */
  handlers: HandlerNode[];
}

export interface LoadCtx {
  c: Collector;
  /** Absolute directory of the playbook the current play came from: playbook_dir. */
  playDir: string;
  rolesPath: string[];
  play?: PlayState;
  /** Task files and roles already checked (include_tasks / include_role validation). */
  validated: Set<string>;
  /** Roles being loaded, outermost first (dependency loops). */
  roleChain: string[];
  /**
   * Loads a role (searching for it). Undefined when it could not be found or loaded (the problem is
   * collected), or `skipped` when it already ran in this play with the same params.
   */
  loadRole(use: RoleUse, ctx: LoadCtx): Promise<LoadedRole | 'skipped' | undefined>;
}

/** A path as shown in messages: relative to the working directory when it is under it. */
export function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

export type { CommonKeywords };
