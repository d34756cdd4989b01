/**
 * A task's own problem (a module fleet lacks, a missing or bad parameter, a module named by a
 * variable) fails that task when it runs, as in Ansible, so when, ignore_errors, failed_when and
 * rescue apply; structure errors and unknown module names still refuse the run; --strict refuses
 * every problem; --syntax-check lists them all.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labExec } from '../src/lab/index.js';
import { useLab } from './helpers/lab.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const DIR = join(import.meta.dirname, 'fixtures', 'play', 'task-problems');

function fleet(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

/** The lines of the output that follow `TASK [name]`, up to the next blank line. */
function taskBlock(stdout: string, name: string): string {
  const start = stdout.indexOf(`TASK [${name}]`);
  if (start < 0) return '';
  const rest = stdout.slice(start);
  const end = rest.indexOf('\n\n');
  return end < 0 ? rest : rest.slice(0, end);
}

describe('a task with a problem of its own fails when it runs', () => {
  const lab = useLab(1, 't-taskproblems');

  it('runs the playbook: skipped by when, ignored, judged by failed_when, rescued, templated, then fails where reached', async () => {
    const node = lab().nodes[0]!;
    await labExec(node, ['sh', '-c', 'rm -rf /tmp/fleet-task-problems*']);
    const r = await fleet(['play', join(DIR, 'run-time.yaml'), '-i', lab().inventoryPath]);
    // Warned once each before the run, with file:line.
    expect(r.stderr).toMatch(/\[WARNING\]: \S*run-time\.yaml:10:7: task "other platforms only, with a module fleet lacks" will fail if it runs: module apt_repository \(written ansible\.builtin\.apt_repository\) is not implemented in fleet yet/);
    expect(r.stderr).toMatch(/\[WARNING\]: \S*run-time\.yaml:14:7: task "file without path, ignored" will fail if it runs: missing required arguments: path/);
    expect(taskBlock(r.stdout, 'other platforms only, with a module fleet lacks')).toMatch(/^skipping: \[node1\]$/m);
    expect(taskBlock(r.stdout, 'file without path, ignored')).toMatch(/^fatal: \[node1\]: FAILED! => \{"changed": false, "msg": "missing required arguments: path"\}\n\.\.\.ignoring$/m);
    expect(taskBlock(r.stdout, 'the failure is registered with its message')).toMatch(/^ok: \[node1\]/m);
    expect(taskBlock(r.stdout, 'failed_when saw the message')).toMatch(/^ok: \[node1\]/m);
    expect(taskBlock(r.stdout, 'a bad value, rescued')).toMatch(/^fatal: \[node1\]: FAILED! => .*value of state must be one of: absent, directory, file, hard, link, touch, got: sideways/m);
    expect(taskBlock(r.stdout, 'the chosen module ran')).toMatch(/^ok: \[node1\]/m);
    expect(taskBlock(r.stdout, 'arguments validated after templating')).toMatch(/^changed: \[node1\]$/m);
    expect(taskBlock(r.stdout, 'a module fleet lacks, reached')).toMatch(
      /^fatal: \[node1\]: FAILED! => \{"changed": false, "msg": "module slurp \(written ansible\.builtin\.slurp\) is not implemented in fleet yet"\}$/m,
    );
    expect(r.stdout).not.toMatch(/TASK \[never reached\]/);
    // The same recap as ansible-playbook 2.14 gives for this playbook (where slurp exists but apt_repository is skipped).
    expect(r.stdout).toMatch(/^node1\s+: ok=8\s+changed=2\s+unreachable=0\s+failed=1\s+skipped=1\s+rescued=1\s+ignored=1\s*$/m);
    expect(r.code).toBe(2);
    const rescued = await labExec(node, ['cat', '/tmp/fleet-task-problems.rescued']);
    expect(rescued.stdout).toBe('value of state must be one of: absent, directory, file, hard, link, touch, got: sideways\n');
    expect((await labExec(node, ['test', '-f', '/tmp/fleet-task-problems.templated'])).rc).toBe(0);
  }, 60_000);

  it('--strict refuses the run for the same problems, exit 4, before touching a host', async () => {
    const r = await fleet(['play', join(DIR, 'strict.yaml'), '-i', lab().inventoryPath, '--strict']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/ERROR! 2 problems found in \S*strict\.yaml:/);
    expect(r.stderr).toMatch(/strict\.yaml:7:7: module apt_repository \(written ansible\.builtin\.apt_repository\) is not implemented in fleet yet/);
    expect(r.stderr).toMatch(/strict\.yaml:10:7, task "a typo in a parameter": Unsupported parameters for \(stat\) module: pth\./);
    expect(r.stdout).not.toMatch(/TASK/);
    // Without --strict the same playbook runs: both tasks are skipped by their when.
    const relaxed = await fleet(['play', join(DIR, 'strict.yaml'), '-i', lab().inventoryPath]);
    expect(relaxed.code, relaxed.stderr).toBe(0);
    expect(relaxed.stdout).toMatch(/^node1\s+: ok=1\s+changed=1\s+unreachable=0\s+failed=0\s+skipped=2\s/m);
  });

  it('a module name nobody knows still refuses the run, as Ansible does, even behind when: false', async () => {
    const r = await fleet(['play', join(DIR, 'typo.yaml'), '-i', lab().inventoryPath]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/typo\.yaml:7:7, task "a module nobody has": unknown module "comand" \(did you mean "command"\?\)/);
    expect(r.stdout).not.toMatch(/TASK/);
  });

  it('--syntax-check lists every task problem as a warning and passes; with --strict it fails', async () => {
    const r = await fleet(['play', join(DIR, 'strict.yaml'), '--syntax-check']);
    expect(r.code).toBe(0);
    expect(r.stderr.match(/\[WARNING\]: .* will fail if it runs: /g)).toHaveLength(2);
    expect(r.stdout).toMatch(/playbook: \S*strict\.yaml/);
    const strict = await fleet(['play', join(DIR, 'strict.yaml'), '--syntax-check', '--strict']);
    expect(strict.code).toBe(4);
  });

  it('a notify naming no handler stops the run when it fires, exit 1, as Ansible', async () => {
    const r = await fleet(['play', join(DIR, 'run-errors.yaml'), '-i', lab().inventoryPath]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/TASK \[notifies a handler that does not exist\]/);
    expect(r.stderr).toMatch(/ERROR! \S*run-errors\.yaml:10, task "notifies a handler that does not exist": The requested handler 'no such handler' was not found in either the main handlers list nor in the listening handlers list/);
    expect(r.stdout).not.toMatch(/TASK \[after the missing handler\]/);
    expect(r.stdout).not.toMatch(/PLAY RECAP/);
  });

  it('--start-at-task naming no task runs nothing (includes included) and prints Ansible\'s error, exit 0', async () => {
    const r = await fleet(['play', join(DIR, 'run-errors.yaml'), '-i', lab().inventoryPath, '--start-at-task', 'no such task']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^ \[ERROR\]: No matching task "no such task" found\. Note: --start-at-task can only follow static includes\.$/m);
    expect(r.stdout).not.toMatch(/TASK \[/);
    // As Ansible's recap: a host no task ran for has no line.
    expect(r.stdout).toMatch(/^PLAY RECAP \*+\n\n/m);
    expect(r.stdout).not.toMatch(/^node1 /m);
  });

  it('a pattern part matching nothing is warned about; a --limit leaving no host stops the run, exit 1', async () => {
    const pb = join(DIR, 'strict.yaml');
    const r = await fleet(['play', pb, '-i', lab().inventoryPath, '--limit', 'nomatch']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[WARNING\]: Could not match supplied host pattern, ignoring: nomatch/);
    expect(r.stderr).toMatch(/ERROR! Specified inventory, host pattern and\/or --limit leaves us with no hosts to target\./);
    const partial = await fleet(['play', pb, '-i', lab().inventoryPath, '--limit', 'node1,nomatch']);
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stderr).toMatch(/\[WARNING\]: Could not match supplied host pattern, ignoring: nomatch/);
  });
});
