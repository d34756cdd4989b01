/**
 * The executor's decisions, run in-process through runPlaybook against several inventory hosts that
 * all use the local connection (each host's tasks run in a local /bin/sh), so no lab is needed.
 * Every expectation is what ansible-playbook 2.14 does with the same playbook and inventory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../src/executor/adhoc.js';
import { recap, resultOf } from './helpers/play.js';
import { hostsOf, LOCAL_VARS, setup, tasksStarted } from './helpers/play-local.js';

describe('when', () => {
  it('runs a task where the condition is true and skips it elsewhere, counting skipped', async () => {
    const { run } = setup(`
- hosts: web
  gather_facts: false
  tasks:
    - name: only h1 and h3
      command: "true"
      when: inventory_hostname in ['h1', 'h3']
    - name: literal false
      debug: {msg: never}
      when: false
`);
    const r = await run();
    expect(['h1', 'h2', 'h3', 'h4'].map((h) => r.statuses.get(`only h1 and h3|${h}`))).toEqual(['changed', 'skipped', 'changed', 'skipped']);
    expect(['h1', 'h2', 'h3', 'h4'].map((h) => r.statuses.get(`literal false|${h}`))).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(recap(r.stats.h1)).toEqual({ ok: 1, changed: 1, skipped: 1 });
    expect(recap(r.stats.h2)).toEqual({ skipped: 2 });
    expect(exitCodeFor(r.summary)).toBe(0);
  });

  it('fails the host when the condition uses an undefined variable, and the host gets no more tasks', async () => {
    const { run } = setup(`
- hosts: web
  gather_facts: false
  tasks:
    - name: undefined on h2
      debug: {msg: checked}
      when: inventory_hostname != 'h2' or no_such_variable
    - name: later
      debug: {msg: later}
`);
    const r = await run();
    expect(r.statuses.get('undefined on h2|h2')).toBe('failed');
    expect(String(resultOf(r, 'undefined on h2', 'h2').msg)).toContain('no_such_variable');
    expect(r.statuses.get('undefined on h2|h1')).toBe('ok');
    expect(hostsOf(r, 'later')).toEqual(['h1', 'h3', 'h4']);
    expect(recap(r.stats.h2)).toEqual({ failed: 1 });
    expect(recap(r.stats.h1)).toEqual({ ok: 2 });
    expect(r.summary.failedHosts).toEqual(['h2']);
    expect(exitCodeFor(r.summary)).toBe(2);
  });

  it('decides per loop item: some items skipped is ok, every item skipped is skipped', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - name: odd items
      debug: {msg: "{{ item }}"}
      loop: [1, 2, 3]
      when: item is odd
      register: odd
    - name: no item
      debug: {msg: "{{ item }}"}
      loop: [1, 2]
      when: item > 5
    - name: show
      debug: {msg: "{{ odd.results | map(attribute='skipped', default=false) | list }}"}
`);
    const r = await run();
    const items = r.events.filter((e) => e.type === 'item_result' && e.task.name === 'odd items').map((e) => (e.type === 'item_result' ? `${e.label}:${e.status}` : ''));
    expect(items).toEqual(['1:ok', '2:skipped', '3:ok']);
    expect(r.statuses.get('odd items|h1')).toBe('ok');
    expect(r.statuses.get('no item|h1')).toBe('skipped');
    expect(resultOf(r, 'show', 'h1').msg).toEqual([false, true, false]);
    expect(recap(r.stats.h1)).toEqual({ ok: 2, skipped: 1 });
  });
});

describe('changed_when, failed_when and ignore_errors', () => {
  it('changed_when overrides the module: a command not changed, a debug changed', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - name: quiet command
      command: echo hi
      changed_when: false
    - name: loud debug
      debug: {msg: hi}
      changed_when: true
    - name: from the result
      command: echo changed-now
      register: out
      changed_when: "'changed' in out.stdout"
`);
    const r = await run();
    expect(r.statuses.get('quiet command|h1')).toBe('ok');
    expect(r.statuses.get('loud debug|h1')).toBe('changed');
    expect(r.statuses.get('from the result|h1')).toBe('changed');
    expect(recap(r.stats.h1)).toEqual({ ok: 3, changed: 2 });
  });

  it('failed_when on the registered result fails or saves a host, and an evaluation error fails it', async () => {
    const { run } = setup(`
- hosts: web
  gather_facts: false
  tasks:
    - name: judged by output
      shell: echo {{ inventory_hostname }}
      register: out
      changed_when: false
      failed_when: out.stdout == 'h2'
    - name: false never fails
      command: "false"
      failed_when: false
      when: inventory_hostname == 'h1'
    - name: broken condition
      debug: {msg: x}
      failed_when: out.no_such_key.deeper
      when: inventory_hostname == 'h3'
    - name: after
      debug: {msg: after}
`);
    const r = await run();
    expect(['h1', 'h2', 'h3', 'h4'].map((h) => r.statuses.get(`judged by output|${h}`))).toEqual(['ok', 'failed', 'ok', 'ok']);
    expect(r.statuses.get('false never fails|h1')).toBe('changed');
    expect(r.statuses.get('broken condition|h3')).toBe('failed');
    expect(hostsOf(r, 'after')).toEqual(['h1', 'h4']);
    expect(recap(r.stats.h1)).toEqual({ ok: 3, changed: 1, skipped: 1 });
    expect(recap(r.stats.h2)).toEqual({ failed: 1 });
    expect(recap(r.stats.h3)).toEqual({ ok: 1, failed: 1, skipped: 1 });
    expect(recap(r.stats.h4)).toEqual({ ok: 2, skipped: 2 });
    expect(r.summary.failedHosts).toEqual(['h2', 'h3']);
  });

  it('ignore_errors counts the failure as ignored and the host goes on; the run exits 0', async () => {
    const { run } = setup(`
- hosts: h1,h2
  gather_facts: false
  tasks:
    - name: fails on h1
      command: "false"
      when: inventory_hostname == 'h1'
      ignore_errors: true
      register: failure
    - name: after
      debug: {msg: "rc={{ failure.rc | default('none') }}"}
`);
    const r = await run();
    expect(r.statuses.get('fails on h1|h1')).toBe('failed');
    expect(r.events.some((e) => e.type === 'host_result' && e.host === 'h1' && e.task.name === 'fails on h1' && e.ignored)).toBe(true);
    expect(resultOf(r, 'after', 'h1').msg).toBe('rc=1');
    expect(resultOf(r, 'after', 'h2').msg).toBe('rc=none');
    expect(recap(r.stats.h1)).toEqual({ ok: 2, changed: 1, ignored: 1 });
    expect(recap(r.stats.h2)).toEqual({ ok: 1, skipped: 1 });
    expect(exitCodeFor(r.summary)).toBe(0);
  });
});

describe('block, rescue and always', () => {
  it('rescues a failure: rescued counted, rescue and always run, the host goes on', async () => {
    const { run } = setup(`
- hosts: h1,h2
  gather_facts: false
  tasks:
    - block:
        - name: fails on h1
          command: "false"
          when: inventory_hostname == 'h1'
        - name: rest of block
          debug: {msg: rest}
      rescue:
        - name: rescue
          debug: {msg: "{{ ansible_failed_task.name }}"}
      always:
        - name: always
          debug: {msg: always}
    - name: after
      debug: {msg: after}
`);
    const r = await run();
    expect(hostsOf(r, 'rest of block')).toEqual(['h2']);
    expect(hostsOf(r, 'rescue')).toEqual(['h1']);
    expect(resultOf(r, 'rescue', 'h1').msg).toBe('fails on h1');
    expect(hostsOf(r, 'always')).toEqual(['h1', 'h2']);
    expect(hostsOf(r, 'after')).toEqual(['h1', 'h2']);
    expect(recap(r.stats.h1)).toEqual({ ok: 3, rescued: 1 });
    expect(recap(r.stats.h2)).toEqual({ ok: 3, skipped: 1 });
    expect(exitCodeFor(r.summary)).toBe(0);
  });

  it('a failure in rescue fails the host: always still runs, nothing after the block', async () => {
    const { run } = setup(`
- hosts: h1,h2
  gather_facts: false
  tasks:
    - block:
        - name: fails on h1
          command: "false"
          when: inventory_hostname == 'h1'
      rescue:
        - name: rescue fails too
          command: "false"
      always:
        - name: always
          debug: {msg: always}
    - name: after
      debug: {msg: after}
`);
    const r = await run();
    expect(r.statuses.get('rescue fails too|h1')).toBe('failed');
    expect(hostsOf(r, 'always')).toEqual(['h1', 'h2']);
    expect(hostsOf(r, 'after')).toEqual(['h2']);
    expect(recap(r.stats.h1)).toEqual({ ok: 1, failed: 1, rescued: 1 });
    expect(exitCodeFor(r.summary)).toBe(2);
  });

  it('an inner block without rescue hands its failure to the outer rescue, after its own always', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - block:
        - block:
            - name: inner fails
              command: "false"
            - name: inner rest
              debug: {msg: no}
          always:
            - name: inner always
              debug: {msg: inner}
        - name: outer rest
          debug: {msg: no}
      rescue:
        - name: outer rescue
          debug: {msg: rescued}
    - name: after
      debug: {msg: after}
`);
    const r = await run();
    const order = r.events.filter((e) => e.type === 'host_result').map((e) => (e.type === 'host_result' ? `${e.task.name}:${e.status}` : ''));
    expect(order).toEqual(['inner fails:failed', 'inner always:ok', 'outer rescue:ok', 'after:ok']);
    expect(recap(r.stats.h1)).toEqual({ ok: 3, rescued: 1 });
  });

  it('a failure in an inner rescue is the outer block\'s to rescue', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - block:
        - block:
            - name: inner fails
              command: "false"
          rescue:
            - name: inner rescue fails
              command: "false"
        - name: outer rest
          debug: {msg: no}
      rescue:
        - name: outer rescue
          debug: {msg: rescued}
    - name: after
      debug: {msg: after}
`);
    const r = await run();
    const order = r.events.filter((e) => e.type === 'host_result').map((e) => (e.type === 'host_result' ? `${e.task.name}:${e.status}` : ''));
    expect(order).toEqual(['inner fails:failed', 'inner rescue fails:failed', 'outer rescue:ok', 'after:ok']);
    expect(recap(r.stats.h1)).toEqual({ ok: 2, rescued: 2 });
    expect(exitCodeFor(r.summary)).toBe(0);
  });
});

describe('loops', () => {
  it('registers a loop\'s results, one per item, with the item and changed', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - name: echo each
      command: echo {{ item }}
      loop: [a, b, c]
      register: echoed
    - name: show
      debug:
        msg: "{{ echoed.results | map(attribute='stdout') | join(',') }} {{ echoed.results | map(attribute='item') | join(',') }} {{ echoed.results | length }} {{ echoed.changed }}"
`);
    const r = await run();
    expect(r.statuses.get('echo each|h1')).toBe('changed');
    expect(resultOf(r, 'show', 'h1').msg).toBe('a,b,c a,b,c 3 True');
    expect(recap(r.stats.h1)).toEqual({ ok: 2, changed: 1 });
  });

  it('with_items flattens one level of lists', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - name: flattened
      debug: {msg: "{{ item }}"}
      with_items: [[1, 2], 3, [[4]]]
      register: out
    - name: show
      debug: {msg: "{{ out.results | map(attribute='item') | list }}"}
`);
    const r = await run();
    expect(resultOf(r, 'show', 'h1').msg).toEqual([1, 2, 3, [4]]);
  });

  it('loop_control: loop_var names the item, index_var counts from 0, label names each item result', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - name: controlled
      debug: {msg: "{{ idx }}={{ user.name }}"}
      loop: [{name: ann, uid: 1}, {name: bob, uid: 2}]
      loop_control: {loop_var: user, index_var: idx, label: "{{ user.name }}"}
      register: out
    - name: show
      debug: {msg: "{{ out.results | map(attribute='msg') | list }} {{ out.results[1].user.uid }}"}
`);
    const r = await run();
    const labels = r.events.filter((e) => e.type === 'item_result' && e.task.name === 'controlled').map((e) => (e.type === 'item_result' ? e.label : ''));
    expect(labels).toEqual(['ann', 'bob']);
    expect(resultOf(r, 'show', 'h1').msg).toBe("['0=ann', '1=bob'] 2");
  });

  it('a failing item fails the host after every item ran, and the registered results say which', async () => {
    const { dir, run } = setup(`
- hosts: h1,h2
  gather_facts: false
  tasks:
    - name: items
      shell: touch WORK/{{ inventory_hostname }}-{{ item }} && test {{ item }} != 2
      loop: [1, 2, 3]
      register: out
      ignore_errors: "{{ inventory_hostname == 'h2' }}"
    - name: show
      debug: {msg: "{{ out.results | map(attribute='failed') | list }} {{ out.failed }}"}
`);
    const r = await run();
    const items = r.events.filter((e) => e.type === 'item_result' && e.host === 'h1').map((e) => (e.type === 'item_result' ? `${e.label}:${e.status}` : ''));
    expect(items).toEqual(['1:changed', '2:failed', '3:changed']);
    expect(['1', '2', '3'].map((i) => existsSync(join(dir, `h1-${i}`)))).toEqual([true, true, true]);
    expect(r.statuses.get('items|h1')).toBe('failed');
    expect(hostsOf(r, 'show')).toEqual(['h2']);
    expect(resultOf(r, 'show', 'h2').msg).toBe('[False, True, False] True');
    expect(recap(r.stats.h1)).toEqual({ failed: 1 });
    expect(recap(r.stats.h2)).toEqual({ ok: 2, changed: 1, ignored: 1 });
  });
});

describe('variables', () => {
  it('inventory host vars < play vars < set_fact < extra vars, and a registered result is visible to later tasks', async () => {
    const { run } = setup(
      `
- hosts: h1,h2
  gather_facts: false
  vars: {b: play, c: play, d: play}
  tasks:
    - name: facts
      set_fact: {c: fact, d: fact}
    - name: register
      command: echo registered
      register: reg
      changed_when: false
    - name: show
      debug: {msg: "{{ a }} {{ b }} {{ c }} {{ d }} {{ reg.stdout }}"}
`,
      `[web]\nh1 a=host b=host c=host d=host\nh2 a=other\n${LOCAL_VARS}`,
    );
    const r = await run({ extraVars: { d: 'extra' } });
    expect(resultOf(r, 'show', 'h1').msg).toBe('host play fact extra registered');
    expect(resultOf(r, 'show', 'h2').msg).toBe('other play fact extra registered');
  });

  it('set_fact on one host is not seen by another except through hostvars', async () => {
    const { run } = setup(`
- hosts: h1,h2
  gather_facts: false
  tasks:
    - name: fact on h1
      set_fact: {mine: "from {{ inventory_hostname }}"}
      when: inventory_hostname == 'h1'
    - name: show
      debug: {msg: "{{ mine | default('unset') }} / {{ hostvars['h1'].mine }}"}
`);
    const r = await run();
    expect(resultOf(r, 'show', 'h1').msg).toBe('from h1 / from h1');
    expect(resultOf(r, 'show', 'h2').msg).toBe('unset / from h1');
  });
});

describe('handlers', () => {
  const HANDLERS = `
  handlers:
    - name: restart
      shell: echo {{ inventory_hostname }} >> WORK/restarts
`;

  it('a handler notified twice runs once per host, after every task of the play', async () => {
    const { dir, run } = setup(`
- hosts: h1,h2
  gather_facts: false
  tasks:
    - name: first change
      command: "true"
      notify: restart
    - name: second change
      command: "true"
      notify: restart
    - name: last task
      debug: {msg: last}
${HANDLERS}`);
    const r = await run();
    expect(tasksStarted(r)).toEqual(['first change', 'second change', 'last task', 'restart']);
    expect(hostsOf(r, 'restart').sort()).toEqual(['h1', 'h2']);
    expect(readFileSync(join(dir, 'restarts'), 'utf8').split('\n').filter(Boolean).sort()).toEqual(['h1', 'h2']);
    expect(recap(r.stats.h1)).toEqual({ ok: 4, changed: 3 });
  });

  it('a task that reports ok notifies nothing', async () => {
    const { dir, run } = setup(`
- hosts: h1,h2
  gather_facts: false
  tasks:
    - name: change on h2 only
      command: "true"
      changed_when: inventory_hostname == 'h2'
      notify: restart
${HANDLERS}`);
    const r = await run();
    expect(hostsOf(r, 'restart')).toEqual(['h2']);
    expect(readFileSync(join(dir, 'restarts'), 'utf8')).toBe('h2\n');
  });

  it('meta: flush_handlers runs the notified handlers there, and they do not run again at the end', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - name: change
      command: "true"
      notify: restart
    - name: flush
      meta: flush_handlers
    - name: after flush
      debug: {msg: after}
${HANDLERS}`);
    const r = await run();
    const order = r.events.filter((e) => e.type === 'host_result').map((e) => (e.type === 'host_result' ? e.task.name : ''));
    expect(order).toEqual(['change', 'restart', 'after flush']);
    expect(recap(r.stats.h1)).toEqual({ ok: 3, changed: 2 });
  });

  it('a host that fails after notifying does not run the handler, unless force_handlers', async () => {
    const playbook = (force: boolean) => `
- hosts: h1,h2
  gather_facts: false
  force_handlers: ${force}
  tasks:
    - name: change
      command: "true"
      notify: restart
    - name: h2 fails
      command: "false"
      when: inventory_hostname == 'h2'
${HANDLERS}`;
    const plain = await setup(playbook(false)).run();
    expect(hostsOf(plain, 'restart')).toEqual(['h1']);
    expect(recap(plain.stats.h2)).toEqual({ ok: 1, changed: 1, failed: 1 });
    const forced = await setup(playbook(true)).run();
    expect(hostsOf(forced, 'restart').sort()).toEqual(['h1', 'h2']);
    expect(recap(forced.stats.h2)).toEqual({ ok: 2, changed: 2, failed: 1 });
    expect(exitCodeFor(forced.summary)).toBe(2);
  });
});

describe('max_fail_percentage, any_errors_fatal and serial', () => {
  const NEXT_PLAY = `
- hosts: web
  gather_facts: false
  tasks:
    - name: next play
      debug: {msg: next}
`;

  it('max_fail_percentage 25 with 2 of 4 hosts failed stops the play and the playbook; exit 2', async () => {
    const { run } = setup(`
- hosts: web
  gather_facts: false
  max_fail_percentage: 25
  tasks:
    - name: two fail
      command: "false"
      when: inventory_hostname in ['h1', 'h2']
    - name: after
      debug: {msg: after}
${NEXT_PLAY}`);
    const r = await run();
    expect(hostsOf(r, 'after')).toEqual([]);
    expect(hostsOf(r, 'next play')).toEqual([]);
    expect(tasksStarted(r)).toEqual(['two fail']);
    expect(recap(r.stats.h1)).toEqual({ failed: 1 });
    expect(recap(r.stats.h3)).toEqual({ skipped: 1 });
    expect(exitCodeFor(r.summary)).toBe(2);
  });

  it('max_fail_percentage 50 with exactly 2 of 4 hosts failed does not stop: only more than the limit does', async () => {
    const { run } = setup(`
- hosts: web
  gather_facts: false
  max_fail_percentage: 50
  tasks:
    - name: two fail
      command: "false"
      when: inventory_hostname in ['h1', 'h2']
    - name: after
      debug: {msg: after}
${NEXT_PLAY}`);
    const r = await run();
    expect(hostsOf(r, 'after').sort()).toEqual(['h3', 'h4']);
    expect(hostsOf(r, 'next play').sort()).toEqual(['h3', 'h4']);
    expect(recap(r.stats.h3)).toEqual({ ok: 2, skipped: 1 });
    expect(exitCodeFor(r.summary)).toBe(2);
  });

  it('any_errors_fatal: one failure stops every host and the rest of the playbook', async () => {
    const { run } = setup(`
- hosts: web
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - name: h2 fails
      command: "false"
      when: inventory_hostname == 'h2'
    - name: after
      debug: {msg: after}
${NEXT_PLAY}`);
    const r = await run();
    expect(tasksStarted(r)).toEqual(['h2 fails']);
    expect(recap(r.stats.h1)).toEqual({ skipped: 1 });
    expect(recap(r.stats.h2)).toEqual({ failed: 1 });
    expect(exitCodeFor(r.summary)).toBe(2);
  });

  it('a play whose every host failed ends the playbook, even for a next play on other hosts', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - name: fails
      command: "false"
- hosts: h2
  gather_facts: false
  tasks:
    - name: other host
      debug: {msg: never}
`);
    const r = await run();
    expect(tasksStarted(r)).toEqual(['fails']);
    expect(recap(r.stats.h2)).toEqual({});
    expect(exitCodeFor(r.summary)).toBe(2);
  });

  it('serial: 2 runs every task on h1 and h2 before h3 and h4 start', async () => {
    const { run } = setup(`
- hosts: web
  gather_facts: false
  serial: 2
  tasks:
    - name: one
      command: "true"
    - name: two
      debug: {msg: "{{ ansible_play_batch }}"}
`);
    const r = await run();
    const results = r.events.filter((e) => e.type === 'host_result').map((e) => (e.type === 'host_result' ? `${e.task.name}:${e.host}` : ''));
    const batch = (from: number) => results.slice(from, from + 4);
    expect([...batch(0).slice(0, 2)].sort()).toEqual(['one:h1', 'one:h2']);
    expect([...batch(0).slice(2)].sort()).toEqual(['two:h1', 'two:h2']);
    expect([...batch(4).slice(0, 2)].sort()).toEqual(['one:h3', 'one:h4']);
    expect([...batch(4).slice(2)].sort()).toEqual(['two:h3', 'two:h4']);
    expect(results).toHaveLength(8);
    const plays = r.events.filter((e) => e.type === 'play_start').map((e) => (e.type === 'play_start' ? e.hosts : []));
    expect(plays).toEqual([['h1', 'h2'], ['h3', 'h4']]);
    expect(resultOf(r, 'two', 'h3').msg).toEqual(['h3', 'h4']);
  });

  it('serial: a batch with one failed host lets the next batch run; a batch that all failed stops the play', async () => {
    const playbook = (failing: string) => `
- hosts: web
  gather_facts: false
  serial: 2
  tasks:
    - name: may fail
      command: "false"
      when: inventory_hostname in ${failing}
    - name: after
      debug: {msg: after}
`;
    const one = await setup(playbook("['h1']")).run();
    expect(hostsOf(one, 'after')).toEqual(['h2', 'h3', 'h4']);
    expect(recap(one.stats.h1)).toEqual({ failed: 1 });
    expect(recap(one.stats.h4)).toEqual({ ok: 1, skipped: 1 });
    const both = await setup(playbook("['h1', 'h2']")).run();
    expect(hostsOf(both, 'may fail').sort()).toEqual(['h1', 'h2']);
    expect(hostsOf(both, 'after')).toEqual([]);
    expect(recap(both.stats.h3)).toEqual({});
    expect(exitCodeFor(both.summary)).toBe(2);
  });
});

describe('run_once and delegate_to', () => {
  it('run_once runs on the first host only and registers its result for every host', async () => {
    const { run } = setup(`
- hosts: web
  gather_facts: false
  tasks:
    - name: once
      command: echo {{ inventory_hostname }}
      run_once: true
      register: once
    - name: show
      debug: {msg: "{{ once.stdout }}"}
`);
    const r = await run();
    expect(hostsOf(r, 'once')).toEqual(['h1']);
    expect(['h1', 'h2', 'h3', 'h4'].map((h) => resultOf(r, 'show', h).msg)).toEqual(['h1', 'h1', 'h1', 'h1']);
    expect(recap(r.stats.h1)).toEqual({ ok: 2, changed: 1 });
    expect(recap(r.stats.h2)).toEqual({ ok: 1 });
  });

  it('delegate_to: localhost runs the task there for each host, with that host\'s variables', async () => {
    const { dir, run } = setup(`
- hosts: h1,h2
  gather_facts: false
  tasks:
    - name: delegated
      shell: echo {{ inventory_hostname }} > WORK/delegated-{{ inventory_hostname }}
      delegate_to: localhost
`);
    const r = await run();
    const delegated = r.events.filter((e) => e.type === 'host_result' && e.task.name === 'delegated').map((e) => (e.type === 'host_result' ? `${e.host}>${e.delegatedTo}:${e.status}` : ''));
    expect(delegated.sort()).toEqual(['h1>localhost:changed', 'h2>localhost:changed']);
    expect(readFileSync(join(dir, 'delegated-h2'), 'utf8')).toBe('h2\n');
    expect(recap(r.stats.h1)).toEqual({ ok: 1, changed: 1 });
    expect(recap(r.stats.localhost)).toEqual({});
  });
});

describe('check mode', () => {
  it('skips a command, reports a copy changed without writing it, and runs a check_mode: false task for real', async () => {
    const { dir, run } = setup(`
- hosts: h1,h2
  gather_facts: false
  tasks:
    - name: command
      command: touch WORK/cmd-{{ inventory_hostname }}
    - name: copy
      copy: {content: "hello\\n", dest: "WORK/copy-{{ inventory_hostname }}"}
    - name: forced
      shell: echo real > WORK/forced-{{ inventory_hostname }}
      check_mode: false
`);
    const r = await run({ checkMode: true });
    expect(r.statuses.get('command|h1')).toBe('skipped');
    expect(r.statuses.get('copy|h1')).toBe('changed');
    expect(r.statuses.get('forced|h2')).toBe('changed');
    expect(existsSync(join(dir, 'cmd-h1'))).toBe(false);
    expect(existsSync(join(dir, 'copy-h1'))).toBe(false);
    expect(readFileSync(join(dir, 'forced-h2'), 'utf8')).toBe('real\n');
    expect(recap(r.stats.h1)).toEqual({ ok: 2, changed: 2, skipped: 1 });
  });
});

describe('unreachable hosts', () => {
  const WITH_GHOST = `[web]\nh1\nh2\nghost ansible_host=127.0.0.1 ansible_port=1 ansible_connection=ssh\n[web:vars]\nansible_python_interpreter=/usr/bin/python3\n[local]\nh1\nh2\n[local:vars]\nansible_connection=local\n`;

  it('counts the host unreachable, lets the others go on, and exits 4', async () => {
    const { run } = setup(
      `
- hosts: web
  gather_facts: false
  tasks:
    - name: everyone
      command: "true"
    - name: after
      debug: {msg: after}
`,
      WITH_GHOST,
    );
    const r = await run();
    expect(r.statuses.get('everyone|ghost')).toBe('unreachable');
    expect(hostsOf(r, 'after').sort()).toEqual(['h1', 'h2']);
    expect(recap(r.stats.ghost)).toEqual({ unreachable: 1 });
    expect(recap(r.stats.h1)).toEqual({ ok: 2, changed: 1 });
    expect(r.summary.failedHosts).toEqual(['ghost']);
    expect(exitCodeFor(r.summary)).toBe(4);
  });

  it('ignore_unreachable counts it ok and ignored, keeps the host in the play, and exits 0', async () => {
    const { run } = setup(
      `
- hosts: web
  gather_facts: false
  tasks:
    - name: everyone
      command: "true"
      ignore_unreachable: true
    - name: after
      debug: {msg: after}
`,
      WITH_GHOST,
    );
    const r = await run();
    expect(r.statuses.get('everyone|ghost')).toBe('unreachable');
    expect(r.statuses.get('after|ghost')).toBe('ok');
    expect(recap(r.stats.ghost)).toEqual({ ok: 2, ignored: 1 });
    expect(exitCodeFor(r.summary)).toBe(0);
  });
});

describe('events', () => {
  it('a run emits playbook_start, play_start, then task_start and each host\'s result per task, play_end and run_end', async () => {
    const { run } = setup(`
- name: the play
  hosts: h1,h2
  gather_facts: false
  tasks:
    - name: one
      debug: {msg: one}
    - name: two
      command: "true"
`);
    const r = await run();
    const types = r.events.filter((e) => e.type !== 'warning').map((e) => (e.type === 'task_start' ? `task_start:${e.task.name}` : e.type === 'play_start' ? `play_start:${e.hosts.join(',')}` : e.type));
    expect(types).toEqual(['playbook_start', 'play_start:h1,h2', 'task_start:one', 'host_result', 'host_result', 'task_start:two', 'host_result', 'host_result', 'play_end', 'run_end']);
    const end = r.events.at(-1);
    expect(end?.type === 'run_end' && end.stats).toEqual(r.summary.stats);
    expect(end?.type === 'run_end' && end.interrupted).toBe(false);
  });
});
