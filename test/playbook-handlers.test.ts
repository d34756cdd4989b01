import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadPlaybook, loadTaskFile, PlaybookError, resolveIncludeFile, type PlaybookProblem } from '../src/playbook/index.js';
import type { HandlerNode, IncludeNode } from '../src/playbook/model.js';
import { handlerNames } from '../src/executor/play/handler-names.js';

const DIR = 'test/fixtures/playbooks/handler-includes';
const ABS = resolve(DIR);

async function handlers(): Promise<HandlerNode[]> {
  return (await loadPlaybook(`${DIR}/main.yml`)).plays[0]!.handlers;
}

async function problems(file: string): Promise<string[]> {
  try {
    await loadPlaybook(`${DIR}/${file}`);
  } catch (e) {
    if (e instanceof PlaybookError) return e.problems.map((p: PlaybookProblem) => `${p.file}:${p.line}:${p.column}${p.task ? `, task "${p.task}"` : ''}: ${p.message}`);
    throw e;
  }
  throw new Error(`${file} loaded without errors`);
}

describe('handlers that include or import tasks', () => {
  it('keeps include_tasks handlers as include nodes in definition order: roles first, then the play, imports expanded in place', async () => {
    const hs = await handlers();
    expect(hs.map((h) => `${h.kind} ${h.role ? `${h.role.name} : ` : ''}${h.name}`)).toEqual([
      'include tmpdir : delete temporary directory',
      'include tmpdir : from both dirs',
      'include by include',
      'include templated include',
      'task imported one',
      'task imported two',
    ]);
  });

  it('carries listen, when and vars on an include handler, and answers to its name, topics and role-qualified name', async () => {
    const hs = await handlers();
    const byInclude = hs[2] as IncludeNode;
    expect(byInclude).toMatchObject({ action: 'include_tasks', target: 'tasks/cleanup.yml', listen: ['topic'], when: ['cleanup_wanted | default(true)'], vars: { marker: 'from-handler' } });
    expect(handlerNames(byInclude)).toEqual(['by include', 'topic']);
    expect(handlerNames(hs[0]!)).toEqual(['delete temporary directory', 'tmpdir : delete temporary directory']);
  });

  it('gives imported handlers their own names and listen, with the import keywords, never the import name', async () => {
    const hs = await handlers();
    expect(hs[4]).toMatchObject({ kind: 'task', name: 'imported one', when: ['import_ok'], module: 'command' });
    expect(hs[5]).toMatchObject({ kind: 'task', name: 'imported two', listen: ['imported topic'], when: ['import_ok'] });
    expect(hs.flatMap(handlerNames)).not.toContain('imported');
  });

  it("resolves a role handler's include from the role's handlers/ dir first, then its tasks/ dir, as Ansible does", async () => {
    const hs = await handlers();
    const cleanup = hs[0] as IncludeNode;
    const both = hs[1] as IncludeNode;
    expect(resolveIncludeFile(cleanup, cleanup.target, ABS)).toBe(`${ABS}/roles/tmpdir/tasks/default-cleanup.yml`);
    expect(resolveIncludeFile(both, both.target, ABS)).toBe(`${ABS}/roles/tmpdir/handlers/both.yml`);
  });

  it('resolves a templated include when it runs, and the included file may hold blocks', async () => {
    const templated = (await handlers())[3] as IncludeNode;
    expect(templated.target).toBe('tasks/{{ cleanup_file }}');
    const path = resolveIncludeFile(templated, 'tasks/cleanup.yml', ABS);
    expect(path).toBe(`${ABS}/tasks/cleanup.yml`);
    const nodes = await loadTaskFile(path, { playDir: ABS });
    expect(nodes.map((n) => n.kind)).toEqual(['task', 'block']);
  });

  it('reports a bad path and a structure error of an imported or included handler file before the run', async () => {
    expect(await problems('bad-import-path.yml')).toEqual([`${DIR}/bad-import-path.yml:4:7, task "missing": could not find the tasks file "tasks/nope.yml" for import_tasks`]);
    expect(await problems('bad-include-path.yml')).toEqual([`${DIR}/bad-include-path.yml:4:7, task "missing": could not find the tasks file "tasks/nope.yml" for include_tasks`]);
    expect(await problems('bad-imported-structure.yml')).toEqual([`${DIR}/tasks/two-modules.yml:3:3, task "two modules": conflicting action statements: command, shell`]);
    expect(await problems('bad-included-structure.yml')).toEqual([`${DIR}/tasks/two-modules.yml:3:3, task "two modules": conflicting action statements: command, shell`]);
  });

  it('still refuses include_role in handlers, and listen outside handlers', async () => {
    expect(await problems('include-role.yml')).toEqual([`${DIR}/include-role.yml:4:7, task "a role": include_role in handlers is not supported by fleet`]);
    expect(await problems('listen-on-task-include.yml')).toEqual([`${DIR}/listen-on-task-include.yml:4:7, task "include_tasks": listen is only valid on handlers`]);
  });

  it("loads a handler include of a file using a Windows module (setup_remote_tmp_dir's windows-cleanup.yml): the task would fail if run", async () => {
    const pb = await loadPlaybook(`${DIR}/windows-handler.yml`);
    expect(pb.warnings).toEqual([
      `${DIR}/tasks/windows-cleanup.yml:2:3: task "delete temporary directory (windows)" will fail if it runs: module win_file is not implemented in fleet yet (the README's modules table lists fleet's modules)`,
    ]);
  });

  it('warns that listen on import_tasks reaches no handler (Ansible keeps it on the import)', async () => {
    const pb = await loadPlaybook(`${DIR}/import-listen.yml`);
    expect(pb.warnings).toEqual([`${DIR}/import-listen.yml:5:7: task "imported": listen on import_tasks has no effect: the imported handlers answer only to their own names and listen`]);
    expect(pb.plays[0]!.handlers.flatMap(handlerNames)).toEqual(['imported one', 'imported two', 'imported topic']);
  });
});
