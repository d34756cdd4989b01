/**
 * The differential suite: every playbook in test/compat/playbooks/ runs under ansible-playbook and
 * under fleet against the same lab node, and must end the same (exit code, recap counts, files
 * produced). test/compat/pending/ holds playbooks that do not end the same yet; they are not run.
 * Needs ansible-playbook (scripts/setup.sh installs Debian's ansible-core) and a built dist/.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.js';
import { ANSIBLE_PLAYBOOK, FLEET_CLI, compareRunners, describeRun } from './harness.js';

// FLEET_COMPAT_DIR runs another directory's playbooks instead (e.g. pending/, to see which pass now).
const dir = process.env.FLEET_COMPAT_DIR ?? fileURLToPath(new URL('./playbooks/', import.meta.url));
const playbooks = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && !/\.expect\.ya?ml$/.test(f)).sort();

describe('fleet and ansible-playbook end the same', () => {
  const lab = useLab(2, 't-compat');

  it('has its runners', () => {
    expect(existsSync(ANSIBLE_PLAYBOOK), `${ANSIBLE_PLAYBOOK} is missing: run scripts/setup.sh (installs ansible-core)`).toBe(true);
    expect(existsSync(FLEET_CLI), `${FLEET_CLI} is missing: npm run build`).toBe(true);
  });

  for (const name of playbooks) {
    it(name.replace(/\.ya?ml$/, ''), async () => {
      const { nodes } = lab();
      const run = await compareRunners(lab(), nodes[0]!, join(dir, name));
      expect(run.differences, describeRun(run)).toEqual([]);
    }, 200_000);
  }
});
