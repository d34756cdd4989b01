/**
 * Where a lookup finds a relative path, as Ansible's find_file_in_search_path: for each directory
 * of the task's search path (its role, then the role's tasks/ dir, or `ansible_search_path` when
 * set), DIR/SUBDIR/NAME then DIR/NAME; then the same in the playbook dir. SUBDIR is `files` for
 * file, fileglob and first_found, `templates` for template, `vars` in a with_first_found loop of
 * include_vars.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { expandUser } from './filters/paths.js';
import type { CallContext } from './types.js';

/** The directories a task's lookups search, before the playbook dir. */
export function taskSearchPath(ctx: Pick<CallContext, 'searchPaths' | 'variable'>): string[] {
  const explicit = ctx.variable('ansible_search_path');
  if (Array.isArray(explicit) && explicit.every((p) => typeof p === 'string')) return [...(explicit as string[]), ...ctx.searchPaths];
  const role = ctx.variable('role_path');
  const fromRole = typeof role === 'string' && role ? [role, join(role, 'tasks')] : [];
  return [...fromRole, ...ctx.searchPaths];
}

/** Every place NAME is looked for, in order. */
export function searchCandidates(ctx: Pick<CallContext, 'searchPaths' | 'variable' | 'baseDir'>, subdir: string, name: string): string[] {
  const out: string[] = [];
  const inSubdir = name.split('/')[0] === subdir;
  for (const dir of [...taskSearchPath(ctx), ctx.baseDir]) {
    const base = resolve(ctx.baseDir, dir);
    if (!inSubdir) out.push(join(base, subdir, name));
    out.push(join(base, name));
  }
  return [...new Set(out)];
}

/** The first existing path for a lookup's term (absolute and `~` paths as they are). */
export function findFile(ctx: Pick<CallContext, 'searchPaths' | 'variable' | 'baseDir'>, subdir: string, term: string): string | undefined {
  const name = expandUser(term);
  if (isAbsolute(name)) return existsSync(name) ? name : undefined;
  return searchCandidates(ctx, subdir, name).find((c) => existsSync(c));
}
