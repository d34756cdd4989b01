import { isTemplated } from './keywords.js';
import type { Entry } from './yaml-source.js';

/**
 * ansible-core 2.14 still reads the deprecated `include:` (removed in 2.16): in a task list it is
 * import_tasks when the file name holds no template and the task has no loop, include_tasks
 * otherwise. (At the top of a playbook 2.14 already refuses it, and so does fleet.)
 */
export function legacyTaskInclude(file: unknown, keys: readonly string[]): 'import_tasks' | 'include_tasks' {
  const looped = keys.some((k) => k === 'loop' || k.startsWith('with_'));
  return looped || typeof file !== 'string' || isTemplated(file) ? 'include_tasks' : 'import_tasks';
}

export function isLegacyInclude(key: string): boolean {
  return key === 'include' || key === 'ansible.builtin.include' || key === 'ansible.legacy.include';
}

/** The entries with the `include:` key renamed to what it stands for. */
export function renameInclude(es: readonly Entry[], to: string): Entry[] {
  return es.map((e) => (isLegacyInclude(e.key) ? { ...e, key: to } : e));
}

export const LEGACY_INCLUDE_WARNING = '"include" is deprecated, use include_tasks/import_tasks instead. This feature will be removed in version 2.16.';
