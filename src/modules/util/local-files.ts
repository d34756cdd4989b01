import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

/** Subdirectories of a role or playbook directory that hold one kind of file each. */
const KIND_DIRS = new Set(['files', 'vars', 'templates', 'tasks', 'defaults', 'handlers', 'meta']);

/**
 * The controller-side directories to look in for a relative file, in Ansible's `_find_needle`
 * order: for each base (role dir, playbook dir) its `<subdir>` (files/, vars/, ...), then the base
 * itself. Search paths may name the bases or their kind subdirectories (role files/, role vars/,
 * ...): a kind subdirectory stands for its base's `<subdir>`, so include_vars never looks in
 * files/ and script never in vars/.
 */
export function candidateDirs(searchPaths: readonly string[] | undefined, subdir: string): string[] {
  const bases = searchPaths && searchPaths.length ? searchPaths : [process.cwd()];
  const out: string[] = [];
  const add = (d: string) => {
    const r = resolve(d);
    if (!out.includes(r)) out.push(r);
  };
  for (const p of bases) {
    if (KIND_DIRS.has(basename(p))) {
      add(join(dirname(p), subdir));
    } else {
      add(join(p, subdir));
      add(p);
    }
  }
  return out;
}

export interface Found {
  path?: string;
  /** Every place looked at, for the error message. */
  tried: string[];
}

/** Finds a controller file (or directory with `kind: 'dir'`) by Ansible's search order. */
export function findLocal(searchPaths: readonly string[] | undefined, subdir: string, needle: string, kind: 'file' | 'dir' = 'file'): Found {
  const ok = (p: string) => {
    try {
      const s = statSync(p);
      return kind === 'dir' ? s.isDirectory() : !s.isDirectory();
    } catch {
      return false;
    }
  };
  if (isAbsolute(needle)) return ok(needle) ? { path: needle, tried: [needle] } : { tried: [needle] };
  const tried: string[] = [];
  for (const dir of candidateDirs(searchPaths, subdir)) {
    const p = join(dir, needle);
    tried.push(p);
    if (ok(p)) return { path: p, tried };
  }
  return { tried };
}
