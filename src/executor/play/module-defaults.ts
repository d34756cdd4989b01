import type { CommonKeywords } from '../../playbook/model.js';
import type { Scope } from './scope.js';

/**
 * Action groups (`group/<name>` in module_defaults) and the fleet modules in each. ansible-core
 * defines none for its builtin modules; collections define theirs for their own modules, which
 * fleet does not have, so a `group/` entry applies to no fleet module.
 */
const ACTION_GROUPS: Record<string, readonly string[]> = {};

/**
 * The module_defaults for `module` (its canonical name) as Ansible merges them: each frame's entries
 * (play, blocks, role, task; inner ones replace outer ones module by module), then the defaults of
 * the groups the module is in, then those of the module itself. The task's own arguments go on top.
 */
export function moduleDefaultsFor(scope: Scope, task: CommonKeywords, module: string): Record<string, unknown> {
  const frames = [...scope.frames, task].map((f) => f.module_defaults).filter((d) => d !== undefined);
  if (!frames.length) return {};
  const merged: Record<string, Record<string, unknown>> = Object.assign({}, ...frames);
  const out: Record<string, unknown> = {};
  for (const [name, modules] of Object.entries(ACTION_GROUPS)) if (modules.includes(module)) Object.assign(out, merged[`group/${name}`] ?? {});
  Object.assign(out, merged[module] ?? {});
  return out;
}
