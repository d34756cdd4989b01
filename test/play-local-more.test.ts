/**
 * Includes, inventory changes, variable layers, no_log, async, ad-hoc runs: more executor decisions on
 * local-connection hosts (see play-local.test.ts). Each expectation is what Ansible 2.14 does.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FleetEvent } from '../src/executor/events.js';
import { exitCodeFor, runAdhoc } from '../src/executor/adhoc.js';
import { loadInventory } from '../src/inventory/index.js';
import { recap, resultOf } from './helpers/play.js';
import { FOUR, hostsOf, setup, tasksStarted } from './helpers/play-local.js';

describe('include_tasks', () => {
  it('a looped include runs its tasks per item with the loop variable; a false condition counts the include skipped', async () => {
    const s = setup(`
- hosts: h1,h2
  gather_facts: false
  tasks:
    - name: include
      include_tasks: WORK/inc.yml
      loop: [a, b]
      loop_control: {loop_var: part}
      when: inventory_hostname == 'h1'
`);
    writeFileSync(join(s.dir, 'inc.yml'), '- name: included\n  debug: {msg: "part {{ part }}"}\n');
    const r = await s.run();
    const included = r.events.filter((e) => e.type === 'host_result' && e.task.name === 'included').map((e) => (e.type === 'host_result' ? `${e.host}:${e.result.msg}` : ''));
    expect(included).toEqual(['h1:part a', 'h1:part b']);
    expect(hostsOf(r, 'include').sort()).toEqual(['h1', 'h1', 'h2']);
    expect(r.statuses.get('include|h2')).toBe('skipped');
    expect(recap(r.stats.h1)).toEqual({ ok: 4 });
    expect(recap(r.stats.h2)).toEqual({ skipped: 1 });
  });
});

describe('inventory changes', () => {
  it('group_by puts hosts into groups the next play can target; add_host adds a host with its variables', async () => {
    const { run } = setup(`
- hosts: web
  gather_facts: false
  tasks:
    - name: group
      group_by: {key: "kind_{{ 'even' if inventory_hostname in ['h2', 'h4'] else 'odd' }}"}
    - name: add
      add_host: {name: h9, groups: extra, ansible_connection: local, colour: blue}
      run_once: true
- hosts: kind_even
  gather_facts: false
  tasks:
    - name: even only
      debug: {msg: even}
- hosts: extra
  gather_facts: false
  tasks:
    - name: added host
      debug: {msg: "{{ colour }}"}
`);
    const r = await run();
    expect(hostsOf(r, 'even only').sort()).toEqual(['h2', 'h4']);
    expect(resultOf(r, 'added host', 'h9').msg).toBe('blue');
    expect(r.statuses.get('group|h1')).toBe('changed');
    expect(r.statuses.get('add|h1')).toBe('changed');
    expect(recap(r.stats.h1)).toEqual({ ok: 2, changed: 2 });
    expect(recap(r.stats.h2)).toEqual({ ok: 2, changed: 1 });
  });
});

describe('variable layers', () => {
  it('group all < a group < the host; a child group beats its parent', async () => {
    const { run } = setup(
      `
- hosts: h1,h2,h3
  gather_facts: false
  tasks:
    - name: show
      debug: {msg: "{{ v }}"}
`,
      `[parent:children]\nchild\n[parent]\nh2\n[child]\nh1\nh3\n[parent:vars]\nv=parent\n[child:vars]\nv=child\n[all:vars]\nv=all\nansible_connection=local\n[ungrouped]\nh9\n[child]\nh3 v=host\n`,
    );
    const r = await run();
    expect(['h1', 'h2', 'h3'].map((h) => resultOf(r, 'show', h).msg)).toEqual(['child', 'parent', 'host']);
  });

  it('block vars beat play vars, task vars beat block vars, and set_fact beats them all', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  vars: {v: play}
  tasks:
    - block:
        - name: in block
          debug: {msg: "{{ v }}"}
        - name: task vars
          debug: {msg: "{{ v }}"}
          vars: {v: task}
        - name: fact
          set_fact: {v: fact}
        - name: after fact
          debug: {msg: "{{ v }}"}
          vars: {v: task}
      vars: {v: block}
`);
    const r = await run();
    expect(['in block', 'task vars', 'after fact'].map((t) => resultOf(r, t, 'h1').msg)).toEqual(['block', 'task', 'fact']);
  });

  it('ansible_check_mode tells a task whether the run is in check mode', async () => {
    const playbook = `
- hosts: h1
  gather_facts: false
  tasks:
    - name: show
      debug: {msg: "{{ ansible_check_mode }}"}
`;
    expect(resultOf(await setup(playbook).run({ checkMode: true }), 'show', 'h1').msg).toBe(true);
    expect(resultOf(await setup(playbook).run(), 'show', 'h1').msg).toBe(false);
  });
});

describe('registered results', () => {
  it('a skipped task registers skipped; a failure seen in rescue is ansible_failed_result', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - name: skipped
      command: "true"
      when: false
      register: sk
    - block:
        - name: fails
          shell: echo boom >&2; exit 3
      rescue:
        - name: rescue
          debug: {msg: "{{ sk is skipped }} {{ ansible_failed_result.rc }} {{ ansible_failed_result.stderr }}"}
`);
    const r = await run();
    expect(resultOf(r, 'rescue', 'h1').msg).toBe('True 3 boom');
    expect(recap(r.stats.h1)).toEqual({ ok: 1, skipped: 1, rescued: 1 });
  });
});

describe('no_log', () => {
  it('hides a task\'s result from every event, and still counts it', async () => {
    const { run } = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - name: secret
      command: echo s3cr3t-value
      no_log: true
`);
    const r = await run();
    expect(JSON.stringify(r.events)).not.toContain('s3cr3t-value');
    expect(r.statuses.get('secret|h1')).toBe('changed');
    expect(recap(r.stats.h1)).toEqual({ ok: 1, changed: 1 });
  });
});

describe('play order', () => {
  it('order: reverse_inventory runs the hosts last to first', async () => {
    const { run } = setup(`
- hosts: web
  gather_facts: false
  order: reverse_inventory
  tasks:
    - name: one
      debug: {msg: one}
`);
    const r = await run();
    const play = r.events.find((e) => e.type === 'play_start');
    expect(play?.type === 'play_start' && play.hosts).toEqual(['h4', 'h3', 'h2', 'h1']);
  });
});

describe('ad-hoc runs', () => {
  async function adhoc(inventoryText: string, pattern: string, module: string, args: string): Promise<{ events: FleetEvent[]; code: number; stats: Record<string, Record<string, number>> }> {
    const s = setup('', inventoryText);
    const events: FleetEvent[] = [];
    const summary = await runAdhoc({ inventory: await loadInventory([join(s.dir, 'inventory.ini')]), pattern, module, args, forks: 5, connection: {}, onEvent: (e) => events.push(e), cwd: s.dir });
    return { events, code: exitCodeFor(summary), stats: Object.fromEntries(Object.entries(summary.stats).map(([h, st]) => [h, recap(st)])) };
  }

  it('runs the module on every matched host and exits 2 when one fails', async () => {
    const r = await adhoc(FOUR, 'web:!h4', 'shell', 'test {{ inventory_hostname }} != h2');
    expect(r.stats).toEqual({ h1: { ok: 1, changed: 1 }, h2: { failed: 1 }, h3: { ok: 1, changed: 1 } });
    expect(r.code).toBe(2);
  });

  it('exits 4 when a host is unreachable, even if another failed', async () => {
    const r = await adhoc(`[web]\nh1\nghost ansible_host=127.0.0.1 ansible_port=1 ansible_connection=ssh\n[local]\nh1\n[local:vars]\nansible_connection=local\n`, 'all', 'command', 'false');
    expect(r.stats).toEqual({ h1: { failed: 1 }, ghost: { unreachable: 1 } });
    expect(r.code).toBe(4);
  });
});


describe('task names as announced', () => {
  it("are templated with the first host's variables, as Ansible's banner; what cannot be rendered stays as written", async () => {
    const s = setup(
      `
- hosts: web
  gather_facts: false
  vars:
    pkg: redis
  tasks:
    - name: "install {{ pkg }} on {{ inventory_hostname }} for {{ role_of_host }}"
      debug: {msg: hi}
    - name: "each {{ item }}"
      debug: {msg: "{{ item }}"}
      loop: [a]
    - name: "{{ nothing_defined }} here"
      debug: {msg: x}
    - name: plain
      debug: {msg: y}
`,
      `[web]\nh2 role_of_host=db\nh1 role_of_host=cache\n${'[all:vars]\nansible_connection=local\n'}`,
    );
    const r = await s.run();
    const first = 'install redis on h2 for db';
    expect(tasksStarted(r)).toEqual([first, 'each {{ item }}', '{{ nothing_defined }} here', 'plain']);
    // Each host's result is reported under the name the task was announced with.
    expect(hostsOf(r, first)).toEqual(['h2', 'h1']);
  });
});

describe('check mode: what would run', () => {
  it('is in the reported result (would_run) but never in the registered one, which holds Ansible keys only', async () => {
    const s = setup(`
- hosts: h1
  gather_facts: false
  tasks:
    - name: write
      copy: {content: "x\\n", dest: WORK/out, mode: '0600'}
      register: w
    - name: each
      command: "echo {{ item }}"
      loop: [a]
      register: l
    - name: keys
      debug: {msg: "{{ w.keys() | sort | join(',') }} / {{ l.results[0].keys() | sort | join(',') }}"}
`);
    const r = await s.run({ checkMode: true });
    const write = r.events.find((e) => e.type === 'host_result' && e.task.name === 'write');
    expect(write?.type === 'host_result' && write.result.would_run).toEqual([`write dest=${s.dir}/out (2 bytes, mode 0600)`]);
    const [copyKeys, itemKeys] = String(resultOf(r, 'keys', 'h1').msg).split(' / ').map((k) => k.split(','));
    expect(copyKeys).toEqual(expect.arrayContaining(['changed', 'failed']));
    expect(itemKeys).toEqual(expect.arrayContaining(['changed', 'cmd', 'item', 'skipped', 'msg']));
    expect([...copyKeys!, ...itemKeys!]).not.toContain('would_run');
    const each = r.events.find((e) => e.type === 'item_result' && e.task.name === 'each');
    expect(each?.type === 'item_result' && each.result.would_run).toEqual(['echo a']);
  });
});
