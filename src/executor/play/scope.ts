import type { Vars } from '../../inventory/model.js';
import type { CommonKeywords, RoleRef } from '../../playbook/model.js';

/**
 * What a task inherits from the play, blocks, roles and includes around it. Keyword frames are
 * outermost first; the innermost that sets a keyword wins, `when` conditions all apply, tags add up.
 */
export interface Scope {
  /** The play first, then the blocks, roles and includes around the task. */
  frames: CommonKeywords[];
  role?: RoleRef;
  includeParams?: Vars;
  /** The nearest enclosing block has a rescue section: a failure here is rescued, not counted. */
  rescuable: boolean;
  /** Running a handler section. */
  handler?: boolean;
}

export function childScope(scope: Scope, frame: CommonKeywords, extra: Partial<Scope> = {}): Scope {
  return { ...scope, frames: [...scope.frames, frame], ...extra };
}

/** The innermost value of a keyword across the frames and the task itself. */
export function keyword<K extends keyof CommonKeywords>(scope: Scope, task: CommonKeywords, key: K): CommonKeywords[K] | undefined {
  if (task[key] !== undefined) return task[key];
  for (let i = scope.frames.length - 1; i >= 0; i--) {
    const v = scope.frames[i]![key];
    if (v !== undefined) return v;
  }
  return undefined;
}

export function allWhen(scope: Scope, task: CommonKeywords): (string | boolean)[] {
  return [...scope.frames.flatMap((f) => f.when ?? []), ...(task.when ?? [])];
}

export function allTags(scope: Scope, task: CommonKeywords): string[] {
  return [...new Set([...scope.frames.flatMap((f) => f.tags ?? []), ...(task.tags ?? [])])];
}

/**
 * Block, include and task vars, outermost first. The play's own vars (frames[0] is the play) are not
 * among them: they rank lower, below vars_files and role vars (taskVars in vars.ts).
 */
export function scopedVars(scope: Scope, task: CommonKeywords): Vars[] {
  return [...scope.frames.slice(1).map((f) => f.vars ?? {}), task.vars ?? {}];
}

export function mergedEnvironment(scope: Scope, task: CommonKeywords): (Record<string, unknown> | string)[] {
  return [...scope.frames.map((f) => f.environment), task.environment].filter((e): e is Record<string, unknown> | string => e !== undefined);
}
