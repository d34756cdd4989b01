import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { findRole, loadPlaybook, loadRole, loadTaskFile, PlaybookError, resolveIncludeFile } from '../src/playbook/index.js';
import type { BlockNode, IncludeNode, Node, Play, TaskNode } from '../src/playbook/model.js';
import { playRoleVars, playRoles } from '../src/executor/play/play-roles.js';

const FIX = 'test/fixtures/playbooks';
const SITE = `${FIX}/roles-site`;

/** Task names in order, blocks flattened, with the role each task carries. */
function names(nodes: readonly Node[]): string[] {
  return nodes.flatMap((n) =>
    n.kind === 'block' ? names(n.block) : [`${n.role ? `${n.role.name} : ` : ''}${n.kind === 'task' ? n.name ?? n.moduleAs : n.name ?? n.action}`],
  );
}

async function sitePlay(): Promise<Play> {
  return (await loadPlaybook(`${SITE}/site.yml`, { rolesPath: ['extra-roles'] })).plays[0]!;
}

describe('roles', () => {
  it('turns each roles: entry into a block of its tasks, dependencies first, de-duplicated as Ansible does', async () => {
    const p = await sitePlay();
    expect(p.roles.map((b) => (b as BlockNode).role!.name)).toEqual(['common', 'web', 'web', 'handlers_only', 'localrole', 'dupok', 'dupok', 'extrarole']);
    expect(names(p.roles)).toEqual([
      'base : base task',
      'common : common task',
      'common : common extra task',
      'common : include_tasks',
      'web : web task',
      'web : web task',
      'localrole : local role task',
      'dupok : dupok task',
      'dupok : dupok task',
      'extradep : extra dep task',
      'extrarole : extra role task',
    ]);
  });

  it('puts the entry keywords on the block and the other keys (and vars:) in the role params', async () => {
    const p = await sitePlay();
    const web = p.roles[1] as BlockNode;
    expect(web).toMatchObject({ kind: 'block', tags: ['web'], when: ['enable_web'], become: true, pos: { file: `${SITE}/site.yml`, line: 6, column: 7 } });
    expect(web.role).toMatchObject({ name: 'web', path: resolve(SITE, 'roles/web'), params: { http_port: 8080, vhost: 'example' }, defaults: { http_port: 80 }, vars: {} });
    expect((p.roles[2] as BlockNode).role!.params).toEqual({ http_port: 9090 });
    const webTask = web.block[0] as TaskNode;
    expect(webTask.role).toBe(web.role);
  });

  it('reads defaults (a main/ directory merged in order), vars and meta dependencies', async () => {
    const p = await sitePlay();
    const common = (p.roles[0] as BlockNode).role!;
    expect(common.defaults).toEqual({ from_a: 1, from_b: 2, shared: 'b' });
    expect(common.vars).toEqual({ common_var: 2 });
    const base = ((p.roles[0] as BlockNode).block[0] as BlockNode).role!;
    expect(base).toMatchObject({ name: 'base', defaults: { base_pkg: 'curl' } });
    expect((p.roles[5] as BlockNode).role!.allow_duplicates).toBe(true);
  });

  it('keeps include_tasks in a role as an include node resolved from the role tasks directory', async () => {
    const p = await sitePlay();
    const inc = (p.roles[0] as BlockNode).block[3] as IncludeNode;
    expect(inc).toMatchObject({ kind: 'include', action: 'include_tasks', target: 'dyn.yml', baseDir: resolve(SITE, 'roles/common/tasks') });
    expect(inc.role!.name).toBe('common');
    expect(resolveIncludeFile(inc, 'dyn.yml', p.dir)).toBe(resolve(SITE, 'roles/common/tasks/dyn.yml'));
  });

  it('orders handlers as Ansible: roles: handlers, the play handlers, then imported roles handlers', async () => {
    const p = await sitePlay();
    expect(p.handlers.map((h) => `${h.role?.name ?? 'play'} : ${h.name}`)).toEqual([
      'base : base handler',
      'common : common handler',
      'web : restart web',
      'web : restart web',
      'handlers_only : only handler',
      'play : play handler',
      'froms : froms other handler',
    ]);
    // the role entry keywords apply to its handlers, except tags
    expect(p.handlers[2]).toMatchObject({ become: true, when: ['enable_web'] });
    expect(p.handlers[2]!.tags).toBeUndefined();
  });

  it('import_role: a block of the role tasks (tasks_from, vars_from, defaults_from) with the import keywords', async () => {
    const p = await sitePlay();
    const imp = p.tasks[1] as BlockNode;
    expect(imp).toMatchObject({ kind: 'block', name: 'import a role', tags: ['imported'] });
    expect(imp.role).toMatchObject({ name: 'froms', vars: { froms_var: 'other' }, defaults: { froms_default: 'other' } });
    expect(names(imp.block)).toEqual(['froms : froms other task']);
  });

  it('include_role: an include node with its options and apply, checked at load', async () => {
    const p = await sitePlay();
    expect(p.tasks[2]).toMatchObject({
      kind: 'include',
      action: 'include_role',
      name: 'include a role',
      target: 'froms',
      options: { tasks_from: 'other.yml' },
      apply: { tags: ['applied'], become: true },
      when: ['later'],
    });
  });

  it('searches roles/ beside the playbook, the roles path, the parent role directory, then the playbook directory', () => {
    const dir = resolve(SITE);
    expect(findRole('web', dir, [])).toEqual({ path: resolve(SITE, 'roles/web'), name: 'web' });
    expect(findRole('localrole', dir, [])).toEqual({ path: resolve(SITE, 'localrole'), name: 'localrole' });
    expect(findRole('extrarole', dir, ['extra-roles'])).toEqual({ path: resolve(SITE, 'extra-roles/extrarole'), name: 'extrarole' });
    expect(findRole('nope', dir, ['extra-roles'])).toEqual({ searched: [resolve(SITE, 'roles'), resolve(SITE, 'extra-roles'), dir] });
  });

  it('loadRole (include_role at run time): tasks, handlers, params and *_from', async () => {
    const r = await loadRole('web', SITE, { params: { http_port: 1 } });
    expect(r.ref).toMatchObject({ name: 'web', params: { http_port: 1 } });
    expect(names(r.tasks)).toEqual(['base : base task', 'web : web task']);
    expect(r.handlers.map((h) => h.name)).toEqual(['base handler', 'restart web']);
    const f = await loadRole('froms', SITE, { tasks_from: 'other', handlers_from: 'other' });
    expect(names(f.tasks)).toEqual(['froms : froms other task']);
    await expect(loadRole('missing', SITE)).rejects.toThrow(/the role "missing" was not found in: /);
  });
});

describe('import_playbook', () => {
  it('expands imported plays in place with their own directory, applying vars, tags and when', async () => {
    const pb = await loadPlaybook(`${FIX}/imports/main.yml`);
    expect(pb.plays.map((p) => p.name)).toEqual(['child play', 'own play', 'child play']);
    const [child, , again] = pb.plays;
    expect(child).toMatchObject({ dir: resolve(FIX, 'imports/sub'), tags: ['c', 'child'], vars: { child: 1, from_import: 1 }, importWhen: ['run_child'] });
    expect(child!.pre_tasks[0]!.when).toEqual(['run_child']);
    expect(child!.tasks[0]!.when).toEqual(['run_child']);
    expect(names(child!.tasks)).toEqual(['child inner task']);
    expect(again).toMatchObject({ tags: ['c'], vars: { child: 1, from_import: 0 } });
    expect(again!.importWhen).toBeUndefined();
    expect(child!.pos).toEqual({ file: `${FIX}/imports/sub/child.yml`, line: 1, column: 3 });
  });
});

describe('import_tasks and include_tasks', () => {
  it("reads ansible-core 2.14's deprecated include: in tasks as import_tasks or include_tasks, with its warning", async () => {
    const pb = await loadPlaybook(`${FIX}/legacy-include/site.yml`);
    const [plain, looped, templated] = pb.plays[0]!.tasks;
    expect(plain).toMatchObject({ kind: 'block' });
    expect(names([plain!])).toEqual(['a step']);
    expect(looped).toMatchObject({ kind: 'include', action: 'include_tasks' });
    expect(templated).toMatchObject({ kind: 'include', action: 'include_tasks' });
    expect(pb.warnings?.filter((w) => w.includes('"include" is deprecated')).map((w) => /Read as (\w+)/.exec(w)?.[1])).toEqual([
      'import_tasks',
      'include_tasks',
      'include_tasks',
    ]);
  });

  it('import_tasks becomes a block carrying the import keywords; nested imports resolve from the importing file', async () => {
    const p = (await loadPlaybook(`${FIX}/imports/main.yml`)).plays[1]!;
    const setup = p.tasks[0] as BlockNode;
    expect(setup).toMatchObject({ kind: 'block', name: 'setup tasks', when: ['setup_wanted'], tags: ['setup'], become: true, vars: { x: 1 }, rescue: [], always: [] });
    expect(setup.pos).toEqual({ file: `${FIX}/imports/main.yml`, line: 10, column: 7 });
    expect(setup.block[0]).toMatchObject({ name: 'setup one', when: ['one_wanted'], pos: { file: `${FIX}/imports/tasks/setup.yml`, line: 1, column: 3 } });
    expect(names(setup.block)).toEqual(['setup one', 'nested task']);
  });

  it('include_tasks stays an include node for run time (loop, keywords, apply)', async () => {
    const p = (await loadPlaybook(`${FIX}/imports/main.yml`)).plays[1]!;
    expect(p.tasks[1]).toEqual({
      kind: 'include',
      pos: { file: `${FIX}/imports/main.yml`, line: 17, column: 7 },
      name: 'dynamic tasks',
      action: 'include_tasks',
      target: 'tasks/dynamic.yml',
      options: {},
      baseDir: resolve(FIX, 'imports'),
      when: ['dyn'],
      tags: ['dyn'],
      loop: [1, 2],
      loop_control: { loop_var: 'n' },
    });
    expect(p.tasks[2]).toMatchObject({ kind: 'include', target: 'tasks/{{ which }}.yml', apply: { tags: ['applied'], become: true } });
  });

  it('import_tasks in handlers adds the imported handlers with the import keywords', async () => {
    const p = (await loadPlaybook(`${FIX}/imports/main.yml`)).plays[1]!;
    expect(p.handlers).toEqual([
      expect.objectContaining({ kind: 'task', name: 'imported handler', when: ['handler_ok'], become: true, module: 'command' }),
    ]);
  });

  it('loadTaskFile reads a task file with the same validation, carrying the role', async () => {
    const nodes = await loadTaskFile(`${FIX}/imports/tasks/setup.yml`);
    expect(names(nodes)).toEqual(['setup one', 'nested task']);
    const role = (await loadRole('common', SITE)).ref;
    const inRole = await loadTaskFile(`${SITE}/roles/common/tasks/dyn.yml`, { role });
    expect((inRole[0] as TaskNode).role).toBe(role);
    await expect(loadTaskFile(`${FIX}/bad/loop-a.yml`)).rejects.toThrow(PlaybookError);
    await expect(loadTaskFile(`${FIX}/nope.yml`)).rejects.toThrow(/the tasks file .*nope.yml could not be found/);
  });
});

describe('a role importing itself', () => {
  it('for another task file is no loop (as in Ansible)', async () => {
    const p = (await loadPlaybook(`${FIX}/self-import/site.yml`)).plays[0]!;
    expect(names(p.roles)).toEqual(['selfish : main task', 'selfish : other task']);
  });
});

describe("the play's roles as every task sees them", () => {
  it('merges the defaults and vars of roles:, their dependencies and import_role, dependencies first', async () => {
    const p = await sitePlay();
    expect(playRoles(p).map((r) => r.name)).toEqual(['base', 'common', 'web', 'web', 'handlers_only', 'localrole', 'dupok', 'dupok', 'extradep', 'extrarole', 'froms']);
    const { defaults, vars } = playRoleVars(p);
    expect(defaults).toMatchObject({ base_pkg: 'curl', from_a: 1, from_b: 2, shared: 'b', http_port: 80, froms_default: 'other' });
    expect(vars).toMatchObject({ common_var: 2, froms_var: 'other' });
    // include_role is dynamic: the role is not the play's before it runs.
    expect(playRoles({ ...p, tasks: p.tasks.filter((n) => n.kind !== 'block') }).map((r) => r.name)).not.toContain('froms');
  });
});
