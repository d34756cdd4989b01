/**
 * More of the executor's decisions on local-connection hosts (see play-local.test.ts): until/retries,
 * meta end_play/end_host, conditions on blocks, any_errors_fatal inside a rescued block, listen,
 * max_fail_percentage per serial batch, tags, what notifies a handler, loops over nothing. Each
 * expectation is ansible-playbook 2.14's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../src/executor/adhoc.js';
import { recap, resultOf } from './helpers/play.js';
import { hostsOf, setup, tasksStarted } from './helpers/play-local.js';

describe('until and retries', () => {
  it('retries until the condition holds, reporting each retry with the retries left, and the attempts', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - name: count up
      shell: echo x >> WORK/count && wc -l < WORK/count
      register: out
      until: out.stdout | int >= 3
      retries: 5
      delay: 0
    - name: show
      debug: {msg: "{{ out.attempts }} {{ out.stdout }}"}
`);
    const r = await run();
    expect(r.events.filter((e) => e.type === 'task_retry').map((e) => (e.type === 'task_retry' ? `${e.attempt}/${e.retries}` : ''))).toEqual(['1/5', '2/4']);
    expect(r.statuses.get('count up|h1')).toBe('changed');
    expect(resultOf(r, 'show', 'h1').msg).toBe('3 3');
  });

  it('fails after retries + 1 runs when the condition never holds', async () => {
    const { dir, run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - name: never
      shell: echo x >> WORK/count
      register: out
      until: false
      retries: 2
      delay: 0
`);
    const r = await run();
    expect(r.statuses.get('never|h1')).toBe('failed');
    // ansible-playbook 2.14 reports attempts = retries on the final failure, after retries + 1 runs
    expect(resultOf(r, 'never', 'h1').attempts).toBe(2);
    expect(readFileSync(join(dir, 'count'), 'utf8')).toBe('x\nx\nx\n');
    expect(recap(r.stats.h1)).toEqual({ failed: 1 });
  });
});

describe('meta', () => {
  it('end_play ends this play for every host, and the next play still runs', async () => {
    const { run } = setup(`
- hosts: h1,h2
  gather_facts: false
  tasks:
    - name: before
      debug: {msg: before}
    - name: stop
      meta: end_play
    - name: after
      debug: {msg: after}
- hosts: h1,h2
  gather_facts: false
  tasks:
    - name: next play
      debug: {msg: next}
`);
    const r = await run();
    expect(hostsOf(r, 'after')).toEqual([]);
    expect(hostsOf(r, 'next play').sort()).toEqual(['h1', 'h2']);
    expect(recap(r.stats.h1)).toEqual({ ok: 2 });
    expect(exitCodeFor(r.summary)).toBe(0);
  });

  it('end_host with a condition ends the play for that host only', async () => {
    const { run } = setup(`
- hosts: h1,h2
  gather_facts: false
  tasks:
    - name: stop h1
      meta: end_host
      when: inventory_hostname == 'h1'
    - name: after
      debug: {msg: after}
- hosts: h1,h2
  gather_facts: false
  tasks:
    - name: next play
      debug: {msg: next}
`);
    const r = await run();
    expect(hostsOf(r, 'after')).toEqual(['h2']);
    expect(hostsOf(r, 'next play').sort()).toEqual(['h1', 'h2']);
    expect(recap(r.stats.h1)).toEqual({ ok: 1 });
    expect(exitCodeFor(r.summary)).toBe(0);
  });
});

describe('blocks pass their keywords down', () => {
  it('a block\'s when applies to each of its tasks (all conditions must hold), and its vars are seen inside only', async () => {
    const { run } = setup(`
- hosts: h1,h2
  gather_facts: false
  tasks:
    - block:
        - name: inner
          debug: {msg: "{{ scoped }}"}
          when: scoped == 'yes'
        - name: inner other
          debug: {msg: other}
          when: inventory_hostname == 'h2'
      when: inventory_hostname == 'h1'
      vars: {scoped: 'yes'}
    - name: outside
      debug: {msg: "{{ scoped | default('unset') }}"}
`);
    const r = await run();
    expect(['h1', 'h2'].map((h) => r.statuses.get(`inner|${h}`))).toEqual(['ok', 'skipped']);
    expect(['h1', 'h2'].map((h) => r.statuses.get(`inner other|${h}`))).toEqual(['skipped', 'skipped']);
    expect(resultOf(r, 'outside', 'h1').msg).toBe('unset');
    expect(recap(r.stats.h1)).toEqual({ ok: 2, skipped: 1 });
    expect(recap(r.stats.h2)).toEqual({ ok: 1, skipped: 2 });
  });

  it('a task\'s list of when conditions must all hold', async () => {
    const { run } = setup(`
- hosts: h1,h2,h3
  gather_facts: false
  tasks:
    - name: both
      debug: {msg: both}
      when:
        - inventory_hostname != 'h1'
        - inventory_hostname != 'h3'
`);
    const r = await run();
    expect(['h1', 'h2', 'h3'].map((h) => r.statuses.get(`both|${h}`))).toEqual(['skipped', 'ok', 'skipped']);
  });

  it('a failure in a block with rescue is not fatal under any_errors_fatal', async () => {
    const { run } = setup(`
- hosts: h1,h2
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - block:
        - name: h1 fails
          command: "false"
          when: inventory_hostname == 'h1'
      rescue:
        - name: rescue
          debug: {msg: rescued}
    - name: after
      debug: {msg: after}
`);
    const r = await run();
    expect(hostsOf(r, 'after').sort()).toEqual(['h1', 'h2']);
    expect(recap(r.stats.h1)).toEqual({ ok: 2, rescued: 1 });
    expect(exitCodeFor(r.summary)).toBe(0);
  });
});

describe('handlers by topic', () => {
  it('listen: one notification runs every handler listening to the topic, in the order they are defined', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - name: change
      command: "true"
      notify: web changed
  handlers:
    - name: second defined first
      debug: {msg: a}
      listen: web changed
    - name: unrelated
      debug: {msg: never}
    - name: also listening
      debug: {msg: b}
      listen: web changed
`);
    const r = await run();
    expect(tasksStarted(r)).toEqual(['change', 'second defined first', 'also listening']);
    expect(recap(r.stats.h1)).toEqual({ ok: 3, changed: 1 });
  });
  it('a name runs the first handler so named, and a topic also runs the handlers listening to it', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - name: change
      command: "true"
      notify: [dup, topic]
  handlers:
    - name: dup
      debug: {msg: first dup}
    - name: dup
      debug: {msg: second dup}
    - name: topic
      debug: {msg: named topic}
    - name: listener
      debug: {msg: listener}
      listen: topic
`);
    const r = await run();
    const ran = r.events.filter((e) => e.type === 'host_result' && e.task.handler).map((e) => (e.type === 'host_result' ? e.result.msg : ''));
    expect(ran).toEqual(['first dup', 'named topic', 'listener']);
  });
});

describe('max_fail_percentage with serial', () => {
  it('counts the failures of each batch against that batch', async () => {
    const { run } = setup(`
- hosts: web
  gather_facts: false
  serial: 2
  max_fail_percentage: 49
  tasks:
    - name: one per batch fails
      command: "false"
      when: inventory_hostname in ['h1', 'h4']
    - name: after
      debug: {msg: after}
`);
    const r = await run();
    // 1 of 2 is 50%, more than 49: the first batch stops, and with it the play.
    expect(hostsOf(r, 'after')).toEqual([]);
    expect(hostsOf(r, 'one per batch fails').sort()).toEqual(['h1', 'h2']);
    expect(recap(r.stats.h3)).toEqual({});
    expect(exitCodeFor(r.summary)).toBe(2);
  });
});

describe('tags', () => {
  it('--tags runs the tagged tasks (and always), --skip-tags leaves them out', async () => {
    const playbook = `
- hosts: h1
  gather_facts: false
  tasks:
    - name: tagged
      debug: {msg: t}
      tags: [deploy]
    - name: untagged
      debug: {msg: u}
    - name: always
      debug: {msg: a}
      tags: [always]
`;
    const only = await setup(playbook).run({ tags: ['deploy'] });
    expect(tasksStarted(only)).toEqual(['tagged', 'always']);
    const skip = await setup(playbook).run({ skipTags: ['deploy'] });
    expect(tasksStarted(skip)).toEqual(['untagged', 'always']);
  });
});

describe('what notifies and what fails in handlers', () => {
  it('a changed task that failed notifies nothing, even when its failure is ignored', async () => {
    const { run } = setup(`
- hosts: h1,h2
  gather_facts: false
  tasks:
    - name: changed then failed
      shell: exit {{ 1 if inventory_hostname == 'h1' else 0 }}
      ignore_errors: true
      notify: restart
  handlers:
    - name: restart
      debug: {msg: restart}
`);
    const r = await run();
    expect(r.statuses.get('changed then failed|h1')).toBe('failed');
    expect(hostsOf(r, 'restart')).toEqual(['h2']);
    expect(recap(r.stats.h1)).toEqual({ ok: 1, changed: 1, ignored: 1 });
  });

  it('a handler that fails fails its host, and later handlers do not run there', async () => {
    const { run } = setup(`
- hosts: h1,h2
  gather_facts: false
  tasks:
    - name: change
      command: "true"
      notify: [breaks, later]
  handlers:
    - name: breaks
      command: "false"
      when: inventory_hostname == 'h1'
    - name: later
      debug: {msg: later}
`);
    const r = await run();
    expect(r.statuses.get('breaks|h1')).toBe('failed');
    expect(hostsOf(r, 'later')).toEqual(['h2']);
    expect(recap(r.stats.h1)).toEqual({ ok: 1, changed: 1, failed: 1 });
    expect(recap(r.stats.h2)).toEqual({ ok: 2, changed: 1, skipped: 1 });
    expect(exitCodeFor(r.summary)).toBe(2);
  });

  it('notifying a handler the play does not have stops the run with Ansible\'s message', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - name: change
      command: "true"
      notify: nobody
`);
    await expect(run()).rejects.toThrow("The requested handler 'nobody' was not found in either the main handlers list nor in the listening handlers list");
  });
});

describe('loops over what is not there', () => {
  it('a loop over an undefined variable fails where the condition holds and is skipped where it does not', async () => {
    const { run } = setup(`
- hosts: h1,h2
  gather_facts: false
  tasks:
    - name: over nothing
      debug: {msg: "{{ item }}"}
      loop: "{{ missing_list }}"
      when: inventory_hostname == 'h1'
    - name: empty
      debug: {msg: "{{ item }}"}
      loop: []
`);
    const r = await run();
    expect(r.statuses.get('over nothing|h1')).toBe('failed');
    expect(r.statuses.get('over nothing|h2')).toBe('skipped');
    expect(r.statuses.get('empty|h2')).toBe('skipped');
    expect(recap(r.stats.h2)).toEqual({ skipped: 2 });
  });
});
