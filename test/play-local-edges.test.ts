/**
 * Edges of the executor's failure and batching decisions on local-connection hosts (see
 * play-local.test.ts): serial lists and percentages, run_once per batch, ignored failures under
 * any_errors_fatal, unreachable hosts against max_fail_percentage, timeouts, facts, vars_files.
 * Each expectation is what ansible-playbook 2.14 does.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../src/executor/adhoc.js';
import { recap, resultOf } from './helpers/play.js';
import { hostsOf, LOCAL_VARS, setup, tasksStarted } from './helpers/play-local.js';

function batchesOf(run: Awaited<ReturnType<ReturnType<typeof setup>['run']>>): string[][] {
  return run.events.filter((e) => e.type === 'play_start').map((e) => (e.type === 'play_start' ? e.hosts : []));
}

describe('serial forms', () => {
  it('a list of sizes, the last repeating, with a percentage of the play\'s hosts', async () => {
    const { run } = setup(
      `
- hosts: web
  gather_facts: false
  serial: ["25%", 2]
  tasks:
    - name: one
      debug: {msg: one}
`,
      `[web]\nh1\nh2\nh3\nh4\nh5\nh6\n${LOCAL_VARS}`,
    );
    const r = await run();
    // 25% of 6 hosts is 1 (rounded down), then batches of 2
    expect(batchesOf(r)).toEqual([['h1'], ['h2', 'h3'], ['h4', 'h5'], ['h6']]);
  });

  it('run_once runs once per batch', async () => {
    const { run } = setup(`
- hosts: web
  gather_facts: false
  serial: 2
  tasks:
    - name: once
      debug: {msg: "{{ inventory_hostname }}"}
      run_once: true
`);
    const r = await run();
    expect(hostsOf(r, 'once')).toEqual(['h1', 'h3']);
  });
});

describe('failures that do and do not stop others', () => {
  it('an ignored failure is not fatal under any_errors_fatal', async () => {
    const { run } = setup(`
- hosts: h1,h2
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - name: ignored
      command: "false"
      when: inventory_hostname == 'h1'
      ignore_errors: true
    - name: after
      debug: {msg: after}
`);
    const r = await run();
    expect(hostsOf(r, 'after').sort()).toEqual(['h1', 'h2']);
    expect(recap(r.stats.h1)).toEqual({ ok: 2, changed: 1, ignored: 1 });
    expect(exitCodeFor(r.summary)).toBe(0);
  });

  it('max_fail_percentage 0 stops the play at the first failure', async () => {
    const { run } = setup(`
- hosts: web
  gather_facts: false
  max_fail_percentage: 0
  tasks:
    - name: h3 fails
      command: "false"
      when: inventory_hostname == 'h3'
    - name: after
      debug: {msg: after}
`);
    const r = await run();
    expect(tasksStarted(r)).toEqual(['h3 fails']);
    expect(exitCodeFor(r.summary)).toBe(2);
  });

  it('an unreachable host does not count against max_fail_percentage, as Ansible counts failed hosts only', async () => {
    const { run } = setup(
      `
- hosts: web
  gather_facts: false
  max_fail_percentage: 20
  tasks:
    - name: everyone
      command: "true"
    - name: after
      debug: {msg: after}
`,
      `[web]\nh1\nh2\nh3\nghost ansible_host=127.0.0.1 ansible_port=1 ansible_connection=ssh\n[local]\nh1\nh2\nh3\n[local:vars]\nansible_connection=local\n`,
    );
    const r = await run();
    expect(hostsOf(r, 'after').sort()).toEqual(['h1', 'h2', 'h3']);
    expect(recap(r.stats.ghost)).toEqual({ unreachable: 1 });
    expect(recap(r.stats.h1)).toEqual({ ok: 2, changed: 1 });
    expect(exitCodeFor(r.summary)).toBe(4);
  });

  it('ignore_errors does not ignore an unreachable host', async () => {
    const { run } = setup(
      `
- hosts: all
  gather_facts: false
  tasks:
    - name: everyone
      command: "true"
      ignore_errors: true
    - name: after
      debug: {msg: after}
`,
      `h1 ansible_connection=local\nghost ansible_host=127.0.0.1 ansible_port=1 ansible_connection=ssh\n`,
    );
    const r = await run();
    expect(hostsOf(r, 'after')).toEqual(['h1']);
    expect(recap(r.stats.ghost)).toEqual({ unreachable: 1 });
    expect(exitCodeFor(r.summary)).toBe(4);
  });

  it('timeout fails a task that runs too long, and the host stops there', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - name: slow
      command: sleep 10
      timeout: 1
    - name: after
      debug: {msg: after}
`);
    const r = await run();
    expect(r.statuses.get('slow|h1')).toBe('failed');
    expect(resultOf(r, 'slow', 'h1').msg).toBe('The command action failed to execute in the expected time frame (1) and was terminated');
    expect(hostsOf(r, 'after')).toEqual([]);
  });
});

describe('play-level sources', () => {
  it('gather_facts runs Gathering Facts first, counted ok, and the facts are variables', async () => {
    const { run } = setup(`
- hosts: h1,h2
  gather_facts: true
  tasks:
    - name: show
      debug: {msg: "{{ ansible_facts.system }} {{ ansible_system }}"}
`);
    const r = await run();
    expect(tasksStarted(r)).toEqual(['Gathering Facts', 'show']);
    expect(resultOf(r, 'show', 'h2').msg).toBe('Linux Linux');
    expect(recap(r.stats.h1)).toEqual({ ok: 2 });
  });

  it('role vars beat play vars, in the role\'s tasks and the play\'s', async () => {
    const s = setup(`
- hosts: h1
  gather_facts: false
  vars: {x: play}
  roles: [r]
  tasks:
    - name: in play
      debug: {msg: "{{ x }}"}
`);
    mkdirSync(join(s.dir, 'roles/r/vars'), { recursive: true });
    mkdirSync(join(s.dir, 'roles/r/tasks'));
    writeFileSync(join(s.dir, 'roles/r/vars/main.yml'), 'x: role\n');
    writeFileSync(join(s.dir, 'roles/r/tasks/main.yml'), '- name: in role\n  debug: {msg: "{{ x }}"}\n');
    const r = await s.run();
    expect(resultOf(r, 'in role', 'h1').msg).toBe('role');
    expect(resultOf(r, 'in play', 'h1').msg).toBe('role');
  });

  it('vars_files beat play vars and lose to set_fact', async () => {
    const s = setup(`
- hosts: h1
  gather_facts: false
  vars: {a: play, b: play}
  vars_files: [WORK/more.yml]
  tasks:
    - name: show
      debug: {msg: "{{ a }} {{ b }}"}
    - set_fact: {b: fact}
    - name: again
      debug: {msg: "{{ a }} {{ b }}"}
`);
    writeFileSync(join(s.dir, 'more.yml'), 'a: file\nb: file\n');
    const r = await s.run();
    expect(resultOf(r, 'show', 'h1').msg).toBe('file file');
    expect(resultOf(r, 'again', 'h1').msg).toBe('file fact');
  });
});
