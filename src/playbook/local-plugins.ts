import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PLUGIN_DIRS = ['library', 'action_plugins'];
const EXTENSIONS = ['.py', '.ps1', '.sh', ''];

/**
 * A module or action plugin a playbook or role ships itself (`library/NAME.py`,
 * `action_plugins/NAME.py` beside the playbook or in the role), which Ansible would load and fleet
 * cannot run: such a name is the task's own problem, not a typo that refuses the run.
 */
export function localPlugin(name: string, bases: readonly (string | undefined)[]): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
  for (const base of bases) {
    if (!base) continue;
    for (const dir of PLUGIN_DIRS) {
      for (const ext of EXTENSIONS) {
        const path = join(base, dir, `${name}${ext}`);
        if (existsSync(path) && statSync(path).isFile()) return path;
      }
    }
  }
  return undefined;
}
