/**
 * with_<lookup> loops as Ansible 2.14 runs them: the value's terms go to the lookup of that name
 * (query('X', *terms)), and a failing lookup fails with the lookup's own message. Expected values
 * were checked against ansible-playbook 2.14.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loopItems } from '../src/executor/play/loop-items.js';
import { failures, play, playbookWriter, recap, resultOf } from './helpers/play.js';
import { createTemplar, loopTerms } from '../src/template/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fleet-loop-forms-'));
const templar = createTemplar({ baseDir: dir });

function items(loopWith: string | undefined, loop: unknown, vars: Record<string, unknown> = {}, module?: string): unknown[] {
  return loopItems({ loop, ...(loopWith ? { loopWith } : {}), ...(module ? { module } : {}) }, templar, vars);
}

function failure(loopWith: string, loop: unknown, vars: Record<string, unknown> = {}): string {
  try {
    items(loopWith, loop, vars);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`with_${loopWith} did not fail`);
}

beforeAll(() => {
  mkdirSync(join(dir, 'files'), { recursive: true });
  mkdirSync(join(dir, 'vars'), { recursive: true });
  mkdirSync(join(dir, 'roles', 'web', 'files'), { recursive: true });
  writeFileSync(join(dir, 'files', 'foo1'), 'foo');
  writeFileSync(join(dir, 'vars', 'Debian.yml'), 'a: 1\n');
  writeFileSync(join(dir, 'roles', 'web', 'files', 'only-in-role'), 'r');
});

describe('with_<lookup> terms', () => {
  it('a list is the terms, a string or scalar one term, a mapping its keys (or itself for with_dict)', () => {
    expect(loopTerms('items', ['a', ['b']])).toEqual(['a', ['b']]);
    expect(loopTerms('lines', '  echo x  ')).toEqual(['echo x']);
    expect(loopTerms('items', 3)).toEqual([3]);
    expect(loopTerms('items', { a: 1, b: 2 })).toEqual(['a', 'b']);
    expect(loopTerms('dict', { a: 1 })).toEqual([{ a: 1 }]);
    expect(() => loopTerms('list', { a: 1 })).toThrow('with_list expects a list');
    expect(() => loopTerms('indexed_items', { a: 1 })).toThrow('with_indexed_items expects a list');
  });
});

describe('the with_* forms', () => {
  it('with_items flattens one level; with_list keeps the list; with_dict gives key/value pairs', () => {
    expect(items('items', ['a', ['b', ['c']]])).toEqual(['a', 'b', ['c']]);
    expect(items('list', ['a', ['b']])).toEqual(['a', ['b']]);
    expect(items('dict', '{{ d }}', { d: { x: 1, y: 2 } })).toEqual([
      { key: 'x', value: 1 },
      { key: 'y', value: 2 },
    ]);
    expect(failure('dict', '{{ l }}', { l: [1] })).toBe('with_dict expects a dict');
    expect(failure('list', '{{ d }}', { d: { a: 1 } })).toBe('with_list expects a list');
  });

  it('with_nested and with_cartesian give every combination, flattened as Ansible does', () => {
    expect(items('nested', [['a', 'b'], ['c', 'd']])).toEqual([
      ['a', 'c'],
      ['a', 'd'],
      ['b', 'c'],
      ['b', 'd'],
    ]);
    expect(items('nested', ['{{ users }}', [1]], { users: ['u'] })).toEqual([['u', 1]]);
    expect(items('nested', [[[1, 2], [3]], ['x']])).toEqual([
      [1, 2, 'x'],
      [3, 'x'],
    ]);
    expect(items('cartesian', [['a', 'b'], [1]])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    expect(failure('nested', [])).toBe('with_nested requires at least one element in the nested list');
    expect(failure('cartesian', [])).toBe('with_cartesian requires at least one element in each list');
  });

  it('with_together zips, padding with None', () => {
    expect(items('together', [['a', 'b', 'c'], [1, 2]])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', null],
    ]);
    expect(failure('together', [])).toBe('with_together requires at least one element in each list');
  });

  it('with_indexed_items pairs each item with its index', () => {
    expect(items('indexed_items', '{{ l }}', { l: ['x', 'y'] })).toEqual([
      [0, 'x'],
      [1, 'y'],
    ]);
    expect(failure('indexed_items', { a: 1 })).toBe('with_indexed_items expects a list');
  });

  it('with_subelements walks a sub-list, nested keys, dicts of records and skip_missing', () => {
    const users = [
      { id: 'x', keys: ['k1', 'k2'], the: { sub: ['s'] } },
      { id: 'y', keys: ['k3'] },
    ];
    expect(items('subelements', ['{{ users }}', 'keys'], { users })).toEqual([
      [{ id: 'x', the: { sub: ['s'] } }, 'k1'],
      [{ id: 'x', the: { sub: ['s'] } }, 'k2'],
      [{ id: 'y' }, 'k3'],
    ]);
    expect(items('subelements', ['{{ users }}', 'the.sub', { skip_missing: true }], { users })).toEqual([[{ id: 'x', keys: ['k1', 'k2'], the: {} }, 's']]);
    expect(items('subelements', ['{{ byname }}', 'keys'], { byname: { a: { keys: [1] } } })).toEqual([[{}, 1]]);
    expect(failure('subelements', ['{{ users }}', 'the.sub'], { users })).toBe(`could not find 'the' key in iterated item '{'id': 'y', 'keys': ['k3']}'`);
    expect(failure('subelements', ['{{ users }}', 'keys', 'wolves'], { users })).toContain('the optional third item must be a dict');
    expect(failure('subelements', ['{{ users }}', true], { users })).toContain('first a dict or a list, second a string pointing to the subkey');
    expect(failure('subelements', ['{{ users }}', 'keys', {}, 'x', 'y'], { users })).toContain('expects a list of two or three items');
    expect(failure('subelements', [[1], 'keys'])).toBe("subelements lookup expects a dictionary, got '1'");
    expect(failure('subelements', ['{{ users }}', 'id'], { users })).toBe("the key id should point to a list, got 'x'");
  });

  it('with_sequence takes k=v and the shortcut form, with Ansible\'s messages', () => {
    expect(items('sequence', 'start=0 end=3')).toEqual(['0', '1', '2', '3']);
    expect(items('sequence', 'start=3 end=0 stride=-1')).toEqual(['3', '2', '1', '0']);
    expect(items('sequence', 'count=0')).toEqual([]);
    expect(items('sequence', '2-6/2')).toEqual(['2', '4', '6']);
    expect(items('sequence', '7-8:host%02d')).toEqual(['host07', 'host08']);
    expect(items('sequence', 'start=0x0f00 count=4 format=%04x')).toEqual(['0f00', '0f01', '0f02', '0f03']);
    expect(failure('sequence', 'start=0 junk=3')).toBe("unrecognized arguments to with_sequence: ['junk']");
    expect(failure('sequence', 'start=A end=3')).toBe("can't parse start=A as integer");
    expect(failure('sequence', 'A-4/2')).toBe("can't parse start=A as integer");
    expect(failure('sequence', '1-B/2')).toBe("can't parse end=B as integer");
    expect(failure('sequence', '1-4/C')).toBe("can't parse stride=C as integer");
    expect(failure('sequence', '010')).toBe("can't parse end=010 as integer");
    expect(failure('sequence', 'start=1')).toBe('must specify count or end in with_sequence');
    expect(failure('sequence', 'start=1 end=4 count=2')).toBe("can't specify both count and end in with_sequence");
    expect(failure('sequence', 'start=4 end=1 stride=2')).toBe('to count backwards make stride negative');
    expect(failure('sequence', 'start=1 end=4 stride=-2')).toBe("to count forward don't make stride negative");
    expect(failure('sequence', 'start=1 end=4 format=d')).toBe('bad formatting string: d');
    expect(failure('sequence', 'x')).toBe("unrecognized arguments to with_sequence: ['_raw_params']");
  });

  it('with_lines runs the command on the controller, one item a line', () => {
    expect(items('lines', 'for i in 1 2 3; do echo "l$i"; done')).toEqual(['l1', 'l2', 'l3']);
    expect(failure('lines', 'exit 3')).toBe('lookup_plugin.lines(exit 3) returned 3');
  });

  it('with_first_found passes over undefined candidates and searches vars/ for include_vars', () => {
    expect(items('first_found', ['does_not_exist', '{{ nope }}', 'foo1'])).toEqual([join(dir, 'files', 'foo1')]);
    expect(items('first_found', [{ files: ['{{ ansible_distribution }}.yml', 'Debian.yml'] }], {}, 'include_vars')).toEqual([join(dir, 'vars', 'Debian.yml')]);
    expect(items('first_found', ['only-in-role'], { role_path: join(dir, 'roles', 'web') })).toEqual([join(dir, 'roles', 'web', 'files', 'only-in-role')]);
    expect(items('first_found', [{ files: ['nothing'], skip: true }])).toEqual([]);
    expect(failure('first_found', ['nothing'])).toBe('No file was found when using first_found.');
  });

  it('with_inventory_hostnames matches a pattern in the inventory the groups variable describes', () => {
    const groups = { all: ['a1', 'b1', 'b2'], ungrouped: ['a1'], web: ['b1', 'b2'] };
    expect(items('inventory_hostnames', 'web:!b2', { groups })).toEqual(['b1']);
    expect(items('inventory_hostnames', ['all'], { groups })).toEqual(['a1', 'b1', 'b2']);
    expect(items('inventory_hostnames', 'nothing_here', { groups })).toEqual([]);
  });

  it('loop: still needs a list', () => {
    expect(items(undefined, '{{ l }}', { l: [1, 2] })).toEqual([1, 2]);
    expect(() => items(undefined, '{{ d }}', { d: { a: 1 } })).toThrow('loop expects a list');
  });
});

/**
 * The with_* forms end to end: a playbook run by the executor on localhost (local connection). The
 * same playbook, less the whole-argument set_fact (a deliberate difference, docs/playbooks.md), ends
 * with the same recap under ansible-playbook 2.14.
 */
const PLAYBOOK = `- hosts: localhost
  gather_facts: false
  vars:
    users:
      - name: alice
        keys: [ka1, ka2]
      - name: bob
        keys: [kb1]
    settings: {colour: blue, size: 3}
    added_group: added
  tasks:
    - name: together
      set_fact: "{{ item.0 }}={{ item.1 }}"
      with_together:
        - [t_a, t_b]
        - [1, 2]
    - name: nested
      set_fact: "n_{{ item.0 }}{{ item.1 }}=x"
      with_nested:
        - [a, b]
        - [c, d]
    - name: cartesian
      set_fact:
        cart: "{{ cart | default([]) + [item | join('-')] }}"
      with_cartesian:
        - [x, y]
        - [1, 2]
    - name: subelements
      set_fact: "key_{{ item.1 }}={{ item.0.name }}"
      with_subelements:
        - "{{ users }}"
        - keys
    - name: indexed
      set_fact: "idx_{{ item.1 }}={{ item.0 }}"
      with_indexed_items: [p, q]
    - name: first found vars file
      include_vars: "{{ item }}"
      with_first_found:
        - "{{ undefined_distribution }}.yml"
        - Missing.yml
        - Debian.yml
    - name: lines
      set_fact: "{{ item }}=line"
      with_lines: printf 'l1\\nl2\\n'
    - name: inventory hostnames
      set_fact:
        webs: "{{ webs | default([]) + [item] }}"
      with_inventory_hostnames: web
    - name: sequence
      set_fact: "seq_{{ item }}=1"
      with_sequence: 2-6/2:s%02d
    - name: whole argument from a template
      set_fact: "{{ settings }}"
    - name: keys from templates, cacheable
      set_fact:
        "{{ 'dyn_' + item.key }}": "{{ item.value }}"
        cacheable: true
      loop: "{{ settings | dict2items }}"
    - name: add a host from a free-form template
      add_host: "name={{ 'extra' + '1' }} groups={{ added_group }} role_name={{ item }}"
      loop: [worker]
    - block:
        - name: empty together
          debug:
            msg: "{{ item }}"
          with_together: []
      rescue:
        - name: the failure carries the lookup's message
          set_fact:
            together_error: "{{ ansible_failed_result.msg }}"
    - name: include in a loop with index_var
      include_tasks: indexed.yml
      with_items: [i0, i1]
      loop_control:
        index_var: my_idx
    - name: an undefined loop under a false condition is skipped
      debug: msg=never
      when: false
      with_list: "{{ fake_var }}"
    - name: check
      assert:
        that:
          - t_a | int == 1 and t_b | int == 2
          - n_ac == 'x' and n_ad == 'x' and n_bc == 'x' and n_bd == 'x'
          - cart == ['x-1', 'x-2', 'y-1', 'y-2']
          - key_ka1 == 'alice' and key_ka2 == 'alice' and key_kb1 == 'bob'
          - idx_p | int == 0 and idx_q | int == 1
          - os_var == 'debian'
          - l1 == 'line' and l2 == 'line'
          - webs == ['web1', 'web2']
          - seq_s02 == '1' and seq_s04 == '1' and seq_s06 == '1'
          - colour == 'blue' and size == 3
          - dyn_colour == 'blue' and dyn_size | int == 3
          - ansible_facts.dyn_colour == 'blue'
          - hostvars['extra1'].role_name == 'worker'
          - "'extra1' in groups['added']"
          - together_error == 'with_together requires at least one element in each list'
          - seen_i0 == 0 and seen_i1 == 1
`;

describe('a playbook with every with_* form, on localhost', () => {
  it('runs each form, fails an empty with_together with the lookup\'s message, and sets templated facts and host vars', async () => {
    const write = playbookWriter('fleet-loop-forms-play-');
    const file = write('play.yml', PLAYBOOK);
    write('inventory', 'localhost\n[web]\nweb1 ansible_host=192.0.2.1\nweb2 ansible_host=192.0.2.2\n');
    const vars = join(file, '..', 'vars');
    mkdirSync(vars);
    writeFileSync(join(vars, 'Debian.yml'), 'os_var: debian\n');
    write('indexed.yml', '- set_fact: "seen_{{ item }}={{ my_idx }}"\n');
    const run = await play(file, join(file, '..', 'inventory'));
    expect(failures(run).filter((f) => !f.startsWith('empty together'))).toEqual([]);
    expect(resultOf(run, 'empty together', 'localhost').msg).toBe('with_together requires at least one element in each list');
    expect(resultOf(run, 'check', 'localhost').status).toBe('ok');
    const together = resultOf(run, 'together', 'localhost').results as Record<string, unknown>[];
    expect(together.map((r) => r.item)).toEqual([
      ['t_a', 1],
      ['t_b', 2],
    ]);
    // ansible-playbook 2.14 gives ok=17 changed=1 skipped=1 rescued=1 for the playbook without the whole-argument set_fact.
    expect(recap(run.stats.localhost)).toEqual({ ok: 18, changed: 1, skipped: 1, rescued: 1 });
    expect(resultOf(run, 'an undefined loop under a false condition is skipped', 'localhost').status).toBe('skipped');
    expect(resultOf(run, 'add a host from a free-form template', 'localhost').status).toBe('changed');
  });
});
