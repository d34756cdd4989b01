import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../src/playbook/index.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const PLAYBOOKS = readdirSync(join(ROOT, 'playbooks')).filter((f) => f.endsWith('.yaml'));

function fleet(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the seed-style playbooks shipped in playbooks/', () => {
  it('are all there', () => {
    for (const name of ['distribute_public_key', 'mount_file_system', 'clone_repository', 'new_venv_host', 'new_venv_clusters', 'install_required_software', 'firewalld_open_port', 'initialize_workers']) {
      expect(PLAYBOOKS).toContain(`${name}.yaml`);
    }
  });

  it.each(PLAYBOOKS)('%s passes --syntax-check and --list-tasks', async (file) => {
    const syntax = await fleet(['play', join('playbooks', file), '--syntax-check']);
    expect(syntax.code, syntax.stderr).toBe(0);
    expect(syntax.stdout).toContain(`playbook: playbooks/${file}`);
    const list = await fleet(['play', join('playbooks', file), '--list-tasks']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/play #1 \(\w+\): /);
  });

  it.each(PLAYBOOKS)('%s uses only modules, parameters and loop forms fleet has: it loads under --strict, with no warning', async (file) => {
    const loaded = await loadPlaybook(join(ROOT, 'playbooks', file), { strict: true });
    expect(loaded.unimplemented).toEqual([]);
    expect(loaded.warnings).toEqual([]);
  });
});
