import { describe, expect, it } from 'vitest';
import { FleetError } from '../src/errors.js';
import { loadPlaybook, PlaybookError, type Node, type PlaybookProblem } from '../src/playbook/index.js';

const BAD = 'test/fixtures/playbooks/bad';

async function failure(file: string, options: { strict?: boolean } = {}): Promise<PlaybookError> {
  try {
    await loadPlaybook(`${BAD}/${file}`, options);
  } catch (e) {
    if (e instanceof PlaybookError) return e;
    throw e;
  }
  throw new Error(`${file} loaded without errors`);
}

const line = (p: PlaybookProblem) => `${p.file}:${p.line}:${p.column}${p.task ? `, task "${p.task}"` : ''}: ${p.message}`;

/** Every problem of a bad playbook as "file:line:col, task "name": message" (hints left out). */
async function problems(file: string, options: { strict?: boolean } = {}): Promise<string[]> {
  return (await failure(file, options)).problems.map(line);
}

/** The task problems of a playbook that loads: `line:col task: message` of every task that carries one. */
async function taskProblems(file: string): Promise<string[]> {
  const pb = await loadPlaybook(`${BAD}/${file}`);
  const out: string[] = [];
  const walk = (nodes: Node[]): void => {
    for (const n of nodes) {
      if (n.kind === 'block') walk([...n.block, ...n.rescue, ...n.always]);
      else if (n.problem) out.push(`${n.pos.line}:${n.pos.column} ${n.name}: ${n.problem.message}`);
    }
  };
  for (const play of pb.plays) walk([...play.pre_tasks, ...play.roles, ...play.tasks, ...play.post_tasks, ...play.handlers]);
  return out;
}

describe('playbook errors', () => {
  it('is a FleetError with code PLAYBOOK, the first problem in its context, and a describe() with the place', async () => {
    const e = await failure('two-modules.yml');
    expect(e).toBeInstanceOf(FleetError);
    expect(e.code).toBe('PLAYBOOK');
    expect(e.context).toMatchObject({ file: `${BAD}/two-modules.yml`, line: 5, column: 7, task: 'two modules' });
    expect(e.describe()).toBe(
      `${BAD}/two-modules.yml:5:7, task "two modules": conflicting action statements: command, shell\n` +
        '  hint: a task has exactly one module (or action:/local_action:); split it into several tasks',
    );
  });

  it('reports every problem of the playbook together, in file order', async () => {
    const e = await failure('many.yml');
    expect(e.problems.map(line)).toEqual([
      `${BAD}/many.yml:5:7, task "first problem": conflicting action statements: command, shell`,
      `${BAD}/many.yml:8:7, task "second problem": retries must be a number or a template, got string "lots"`,
      `${BAD}/many.yml:9:3, task "third problem": the play has no hosts: every play needs hosts (a host pattern such as all, webservers or "web:&prod")`,
    ]);
    expect(e.message.split('\n')[0]).toBe(`3 problems found in ${BAD}/many.yml:`);
    expect(e.describe()).toContain(`  - ${BAD}/many.yml:8:7, task "second problem": retries must be a number`);
  });

  it('malformed YAML, at the place the parser gives', async () => {
    expect(await problems('malformed.yml')).toEqual([
      `${BAD}/malformed.yml:4:24: malformed YAML in the playbook: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
  });

  it('an empty playbook, a mapping instead of a list, a task instead of a play', async () => {
    expect(await problems('empty.yml')).toEqual([`${BAD}/empty.yml:1:1: the playbook is empty: a playbook is a list of plays`]);
    expect(await problems('comment-only.yml')).toEqual([`${BAD}/comment-only.yml:1:1: the playbook is empty: a playbook is a list of plays`]);
    expect(await problems('empty-list.yml')).toEqual([`${BAD}/empty-list.yml:1:1: the playbook is empty: a playbook is a list of plays`]);
    expect(await problems('not-list.yml')).toEqual([`${BAD}/not-list.yml:1:1: a playbook must be a list of plays, got a mapping`]);
    expect(await problems('task-as-play.yml')).toEqual([
      `${BAD}/task-as-play.yml:1:3, task "a task at the top": this looks like a task (module "command"), but a playbook is a list of plays`,
    ]);
    await expect(loadPlaybook(`${BAD}/does-not-exist.yml`)).rejects.toThrow(`the playbook: ${BAD}/does-not-exist.yml could not be found`);
  });

  it('a play without hosts', async () => {
    expect(await problems('no-hosts.yml')).toEqual([
      `${BAD}/no-hosts.yml:1:3, task "forgot hosts": the play has no hosts: every play needs hosts (a host pattern such as all, webservers or "web:&prod")`,
    ]);
  });

  it('two modules in a task, or none', async () => {
    expect(await problems('two-modules.yml')).toEqual([`${BAD}/two-modules.yml:5:7, task "two modules": conflicting action statements: command, shell`]);
    expect(await problems('no-module.yml')).toEqual([`${BAD}/no-module.yml:3:7, task "nothing to do": no module/action detected in task`]);
  });

  it('unknown keywords at play, task and block level, with the closest valid one', async () => {
    const e = await failure('unknown-keyword.yml');
    expect(e.problems.map(line)).toEqual([
      `${BAD}/unknown-keyword.yml:2:3: "taks" is not a valid keyword for a play (did you mean "tasks"?)`,
      `${BAD}/unknown-keyword.yml:7:7, task "typo in when": "whne" is not a valid keyword for a task (did you mean "when"?)`,
      `${BAD}/unknown-keyword.yml:11:7, task "typo in block": "resuce" is not a valid keyword for a block (did you mean "rescue"?)`,
    ]);
    expect(e.problems[0]!.hint).toMatch(/^valid play keywords: any_errors_fatal, become, .*hosts.*tasks/);
    expect(e.problems[2]!.hint).toMatch(/^valid block keywords: always, .*rescue/);
  });

  it('a play written inside a task list', async () => {
    const e = await failure('nested-play.yml');
    expect(e.problems.map(line)).toEqual([
      `${BAD}/nested-play.yml:3:7: "hosts" is not a valid keyword for a task`,
      `${BAD}/nested-play.yml:4:7: "tasks" is not a valid keyword for a task`,
    ]);
    expect(e.problems[0]!.hint).toBe('hosts is a play keyword: is a play written inside a list of tasks? (plays go at the top level of the playbook)');
  });

  it('unknown modules, with the closest known module', async () => {
    const e = await failure('unknown-module.yml');
    expect(e.problems.map(line)).toEqual([
      `${BAD}/unknown-module.yml:4:7, task "misspelt shell": unknown module "shel" (did you mean "shell"?)`,
      `${BAD}/unknown-module.yml:6:7, task "misspelt builtin": unknown module "ansible.builtin.comand" (did you mean "command"?)`,
      `${BAD}/unknown-module.yml:8:7, task "nothing like it": unknown module "frobnicate_widgets"`,
    ]);
    expect(e.problems[0]!.hint).toMatch(/^fleet's modules: .*command.*shell/);
  });

  it('module parameters under --strict: unknown, missing, wrong type, k=v for a module without free-form', async () => {
    const e = await failure('params.yml', { strict: true });
    expect(e.problems.map(line)).toEqual([
      `${BAD}/params.yml:4:7, task "unknown parameter": Unsupported parameters for (command) module: chdri. Supported parameters include: argv, chdir, cmd, creates, executable, removes, stdin, stdin_add_newline, strip_empty_ends.`,
      `${BAD}/params.yml:8:7, task "missing required": missing required arguments: _raw_params`,
      `${BAD}/params.yml:11:7, task "bad type": command: parameter stdin_add_newline must be a boolean (yes/no, true/false), got "maybe"`,
      `${BAD}/params.yml:15:13, task "k=v for a module without free-form": module ping takes key=value arguments; "hello world" is not one`,
    ]);
    expect(e.problems[0]!.hint).toBe('did you mean "chdir" for "chdri"?');
  });

  it('module parameters by default: the playbook loads, each task carries its problem and is warned about once', async () => {
    expect(await taskProblems('params.yml')).toEqual([
      '3:7 unknown parameter: Unsupported parameters for (command) module: chdri. Supported parameters include: argv, chdir, cmd, creates, executable, removes, stdin, stdin_add_newline, strip_empty_ends.',
      '7:7 missing required: missing required arguments: _raw_params',
      '10:7 bad type: command: parameter stdin_add_newline must be a boolean (yes/no, true/false), got "maybe"',
      '14:7 k=v for a module without free-form: module ping takes key=value arguments; "hello world" is not one',
    ]);
    const pb = await loadPlaybook(`${BAD}/params.yml`);
    expect(pb.warnings).toEqual([
      `${BAD}/params.yml:4:7: task "unknown parameter" will fail if it runs: Unsupported parameters for (command) module: chdri. Supported parameters include: argv, chdir, cmd, creates, executable, removes, stdin, stdin_add_newline, strip_empty_ends. (did you mean "chdir" for "chdri"?)`,
      `${BAD}/params.yml:8:7: task "missing required" will fail if it runs: missing required arguments: _raw_params (module raw needs _raw_params)`,
      `${BAD}/params.yml:11:7: task "bad type" will fail if it runs: command: parameter stdin_add_newline must be a boolean (yes/no, true/false), got "maybe"`,
      expect.stringMatching(new RegExp(`^${BAD}/params\\.yml:15:13: task "k=v for a module without free-form" will fail if it runs: module ping takes key=value arguments; "hello world" is not one \\(write the arguments as a mapping`)),
    ]);
  });

  it('bad loop_control keys and tags of the wrong type', async () => {
    expect(await problems('loop-control.yml')).toEqual([
      `${BAD}/loop-control.yml:6:7, task "bad loop_control": "loopvar" is not a valid loop_control key (did you mean "loop_var"?)`,
    ]);
    expect(await problems('tags.yml')).toEqual([
      `${BAD}/tags.yml:5:7, task "tags as a mapping": tags must be specified as a list or a comma-separated string, got mapping {"web":true}`,
      `${BAD}/tags.yml:8:7, task "tags as a number": tags must be specified as a list or a comma-separated string, got integer 5`,
    ]);
  });

  it('missing imported playbook, task files and roles, with the paths searched', async () => {
    const e = await failure('missing-files.yml');
    expect(e.problems.map(line)).toEqual([
      `${BAD}/missing-files.yml:1:3: the playbook ${BAD}/nowhere.yml could not be found`,
      `${BAD}/missing-files.yml:5:7, task "import missing": could not find the tasks file "missing-tasks.yml" for import_tasks`,
      `${BAD}/missing-files.yml:7:7, task "include missing": could not find the tasks file "also-missing.yml" for include_tasks`,
      `${BAD}/missing-files.yml:9:7, task "no_such_role": the role "no_such_role" was not found in: ${BAD}/roles:${BAD}`,
    ]);
    expect(e.problems[1]!.hint).toBe(`searched: ${BAD}/missing-tasks.yml`);
  });

  it('roles: tasks_from that does not exist, an include_role of a missing role, a templated import', async () => {
    expect(await problems('role-files.yml')).toEqual([
      `${BAD}/role-files.yml:6:7, task "missing tasks_from": could not find tasks/nope in role "notasks"`,
      `${BAD}/role-files.yml:8:7, task "include of a missing role": the role "not_there" was not found in: ${BAD}/roles:${BAD}`,
      `${BAD}/role-files.yml:11:7, task "templated import": import_tasks is resolved when the playbook loads, before variables are known: "{{ file }}.yml" cannot use a template here`,
    ]);
  });

  it('a problem in a role used several times is reported once', async () => {
    expect(await problems('broken-role-twice.yml')).toEqual([`${BAD}/roles/broken/tasks/main.yml:2:3, task "broken role task": unknown module "shel" (did you mean "shell"?)`]);
  });

  it('import loops, import_playbook loops and role dependency loops', async () => {
    expect(await problems('import-loop.yml')).toEqual([
      `${BAD}/loop-b.yml:2:3, task "in b": import loop: ${BAD}/loop-a.yml -> ${BAD}/loop-b.yml -> ${BAD}/loop-a.yml`,
    ]);
    expect(await problems('pb-loop.yml')).toEqual([`${BAD}/pb-loop.yml:1:3: import_playbook loop: ${BAD}/pb-loop.yml -> ${BAD}/pb-loop.yml`]);
    expect(await problems('role-loop.yml')).toEqual([`${BAD}/roles/loopb/meta/main.yml:1:16, task "loopa": role dependency loop: loopa -> loopb -> loopa`]);
  });

  it('a block with a module; unsupported with_* and two loops; vars_prompt; include_tasks with become; import with loop', async () => {
    expect(await problems('block-module.yml')).toEqual([`${BAD}/block-module.yml:6:7, task "block with a module": a block cannot have a module ("command")`]);
    const w = await failure('with-unsupported.yml', { strict: true });
    expect(w.problems.map(line)).toEqual([
      `${BAD}/with-unsupported.yml:5:7, task "together": with_filetree is not supported by fleet`,
      `${BAD}/with-unsupported.yml:9:7, task "two loops": duplicate loop in task: loop and with_items`,
    ]);
    expect(w.problems[0]!.hint).toMatch(/^fleet runs with_<lookup> for the lookups it has \(.*\bnested\b.*\btogether\b.*\); for with_filetree write loop: "\{\{ query\('filetree', \.\.\.\) \}\}" with a filter instead$/);
    // Without --strict the loop form fleet lacks fails only its task; two loops still refuse the run.
    expect(await problems('with-unsupported.yml')).toEqual([`${BAD}/with-unsupported.yml:9:7, task "two loops": duplicate loop in task: loop and with_items`]);
    expect(await problems('vars-prompt.yml')).toEqual([
      `${BAD}/vars-prompt.yml:2:3: vars_prompt entry needs a name that is a valid variable name, got undefined`,
      `${BAD}/vars-prompt.yml:2:3: "privat" is not a valid vars_prompt key (did you mean "private"?)`,
    ]);
    const inc = await failure('include-become.yml');
    expect(inc.problems.map(line)).toEqual([
      `${BAD}/include-become.yml:5:7, task "include with become": become is not valid on include_tasks`,
      `${BAD}/include-become.yml:8:7, task "import with loop": import_tasks cannot loop: imports are read once when the playbook loads`,
    ]);
    expect(inc.problems[0]!.hint).toMatch(/use apply: \{become: \.\.\.\}/);
  });

  it('other mistakes: variable names, listen, rescue, local_action, register, loop, vault, play options', async () => {
    expect(await problems('misc.yml', { strict: true })).toEqual([
      `${BAD}/misc.yml:3:3: "bad-name" is not a valid variable name in vars`,
      `${BAD}/misc.yml:9:7, task "listen outside handlers": listen is only valid on handlers`,
      `${BAD}/misc.yml:12:7, task "rescue without block": rescue is only valid in a block, next to block:`,
      `${BAD}/misc.yml:15:7, task "local_action and delegate_to": delegate_to and local_action are mutually exclusive`,
      `${BAD}/misc.yml:19:7, task "bad register": register must be a variable name, got "my-result"`,
      `${BAD}/misc.yml:22:7, task "loop over a mapping": Invalid data passed to 'loop', it requires a list, got this instead: {"a":1}`,
      `${BAD}/misc.yml:25:22: an Ansible Vault value (!vault) cannot be used: fleet does not decrypt vault data`,
      `${BAD}/misc.yml:31:3: strategy "debug" is not supported`,
      `${BAD}/misc.yml:32:3: serial must be a number, a percentage ("30%") or a list of them, got string "lots"`,
      `${BAD}/misc.yml:33:3: order must be one of inventory, reverse_inventory, sorted, reverse_sorted, shuffle, got "random"`,
      `${BAD}/misc.yml:34:3: gather_facts must be a boolean (true/false, yes/no) or a template, got string "maybe"`,
      `${BAD}/misc.yml:35:3: "when" is not a valid keyword for a play`,
      `${BAD}/misc.yml:37:7, task "import_playbook": import_playbook is only valid at the top level of a playbook, not in a list of tasks`,
      `${BAD}/misc.yml:38:7, task "include": could not find the tasks file "old.yml" for import_tasks`,
    ]);
    // The loop over a mapping is that task's own problem: without --strict it fails only that task.
    expect((await problems('misc.yml')).filter((p) => p.includes('loop over a mapping'))).toEqual([]);
    expect((await failure('misc.yml')).problems).toHaveLength(13);
  });
});

describe('modules Ansible has but fleet does not implement yet', () => {
  it('under --strict: one error per module listing every use, not one per task', async () => {
    const e = await failure('unimplemented.yml', { strict: true });
    expect(e.problems.map(line)).toEqual([
      `${BAD}/unimplemented.yml:4:7: module xfconf (written community.general.xfconf) is not implemented in fleet yet (used at ${BAD}/unimplemented.yml:4)`,
      `${BAD}/unimplemented.yml:6:7: module debconf (written ansible.builtin.debconf) is not implemented in fleet yet (used at ${BAD}/unimplemented.yml:6, ${BAD}/unimplemented.yml:8)`,
      `${BAD}/unimplemented.yml:10:7: module at (written ansible.posix.at) is not implemented in fleet yet (used at ${BAD}/unimplemented.yml:10)`,
    ]);
    expect(e.problems[0]!.hint).toMatch(/Without --strict, such a task fails only if it runs/);
  });

  it('by default: a warning for each use, the tasks marked to fail if they run, their args kept unvalidated', async () => {
    const pb = await loadPlaybook(`${BAD}/unimplemented.yml`);
    expect(pb.unimplemented).toEqual([
      { module: 'xfconf', uses: [{ file: `${BAD}/unimplemented.yml`, line: 4, column: 7 }] },
      {
        module: 'debconf',
        uses: [
          { file: `${BAD}/unimplemented.yml`, line: 6, column: 7 },
          { file: `${BAD}/unimplemented.yml`, line: 8, column: 7 },
        ],
      },
      { module: 'at', uses: [{ file: `${BAD}/unimplemented.yml`, line: 10, column: 7 }] },
    ]);
    expect(pb.warnings!.filter((w) => w.includes('debconf'))).toEqual([
      `${BAD}/unimplemented.yml:6:7: task "debconf answer" will fail if it runs: module debconf is not implemented in fleet yet (the README's modules table lists fleet's modules)`,
      `${BAD}/unimplemented.yml:8:7: task "again with the builtin name" will fail if it runs: module debconf (written ansible.builtin.debconf) is not implemented in fleet yet (the README's modules table lists fleet's modules)`,
    ]);
    const tasks = pb.plays[0]!.tasks;
    expect(tasks[2]).toMatchObject({
      module: 'debconf',
      moduleAs: 'ansible.builtin.debconf',
      unimplemented: true,
      problem: { message: 'module debconf (written ansible.builtin.debconf) is not implemented in fleet yet' },
      args: { name: 'locales', question: 'x', value: 'y', vtype: 'string' },
    });
    expect(tasks[4]).toMatchObject({ module: 'command', args: { _raw_params: 'echo ok' } });
    expect(tasks[4]!).not.toHaveProperty('unimplemented');
  });

  it('still refuses names no one knows (a typo), as Ansible does', async () => {
    await expect(loadPlaybook(`${BAD}/unknown-module.yml`)).rejects.toThrow(/unknown module "shel"/);
  });
});

describe('modules a playbook or role ships itself (library/, action_plugins/)', () => {
  const SITE = 'test/fixtures/playbooks/local-plugin/site.yml';
  it("are the task's own problem, where Ansible would load them; a name found nowhere still refuses the run", async () => {
    let error: unknown;
    try {
      await loadPlaybook(SITE);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlaybookError);
    const e = error as PlaybookError;
    expect(e.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^unknown module "my_modul" \(did you mean "my_module"\?\)|^unknown module "my_modul"/)]);
    expect(e.warnings).toEqual([
      expect.stringMatching(/roles\/r\/tasks\/main\.yml:1.*will fail if it runs: module r_action is a plugin this playbook ships \(.*roles\/r\/action_plugins\/r_action\.py\)/),
      expect.stringMatching(/site\.yml:6.*task "own module" will fail if it runs: module my_module is a plugin this playbook ships \(.*library\/my_module\.py\)/),
    ]);
  });
});
