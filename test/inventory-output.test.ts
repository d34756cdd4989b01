/**
 * fleet's --list/--graph/--host against what `ansible-inventory` (ansible-core 2.14.18, with the
 * ansible-core 2.19 inventory_ignore_extensions default) printed for the same fixtures: the files
 * under fixtures/inventory/expected/ are its output, byte for byte.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatInventoryHost,
  formatInventoryList,
  formatJson,
  inventoryGraph,
  inventoryHost,
  inventoryList,
  loadInventory,
} from '../src/inventory/index.js';

const FIX = join(import.meta.dirname, 'fixtures/inventory');
const expected = (name: string) => readFileSync(join(FIX, 'expected', name), 'utf8').replace(/\n$/, '');

const cases: Array<{ name: string; sources: string[] }> = [
  { name: 'ini', sources: ['ini/hosts.ini'] },
  { name: 'yaml', sources: ['yaml/hosts.yml'] },
  { name: 'json', sources: ['json/inventory.json'] },
  { name: 'precedence', sources: ['precedence/hosts'] },
  { name: 'dir', sources: ['dir'] },
  { name: 'multi', sources: ['multi/site-a/hosts.ini', 'multi/site-b/hosts.yml', 'extra1,extra2:2200'] },
  { name: 'localhost', sources: ['localhost/hosts'] },
  { name: 'localhost-explicit', sources: ['localhost/explicit.ini'] },
  { name: 'patterns', sources: ['patterns/hosts'] },
];

const load = (sources: string[]) => loadInventory(sources, { cwd: FIX });

describe('--list', () => {
  for (const c of cases) {
    it(`prints what ansible-inventory --list prints for ${c.name}`, async () => {
      expect(formatInventoryList(await load(c.sources))).toBe(expected(`${c.name}.list.json`));
    });
  }

  it('has the documented shape', async () => {
    const list = inventoryList(await load(['ini/hosts.ini'])) as Record<string, Record<string, unknown>>;
    expect(list['all']).toEqual({ children: ['ungrouped', 'production', 'typed', 'empty'] });
    expect(list['empty']).toBeUndefined(); // an empty group only shows in its parent's children
    expect(list['production']).toEqual({ children: ['webservers', 'dbservers'] });
    expect(Object.keys(list)).toEqual(['_meta', 'all', 'dbservers', 'production', 'typed', 'ungrouped', 'webservers']);
    // JSON.stringify of the value gives the same text (keys are already sorted)
    expect(JSON.stringify(list, null, 4)).toBe(expected('ini.list.json'));
  });

  it('with export puts group vars under the groups and only own vars in hostvars', async () => {
    const list = inventoryList(await load(['precedence/hosts']), { export: true }) as Record<string, Record<string, unknown>>;
    expect(list['highprio']).toEqual({ hosts: ['h1'], vars: { ansible_group_priority: 10, prio: 'highprio' } });
    expect(list['child']!['vars']).toEqual({
      all_file_vs_child_inline: 'child-inline',
      level: 'child',
      level_from_dir: 'child',
      overridden_by_group_vars_child: 'group_vars/child',
      same_depth: 'child',
    });
    expect((list['_meta']!['hostvars'] as Record<string, unknown>)['h1']).toEqual({ level: 'host_vars' });
  });
});

describe('--graph', () => {
  it('prints the tree for ini, yaml, dir and localhost fixtures', async () => {
    expect(inventoryGraph(await load(['ini/hosts.ini']))).toBe(expected('ini.graph.txt'));
    expect(inventoryGraph(await load(['yaml/hosts.yml']))).toBe(expected('yaml.graph.txt'));
    expect(inventoryGraph(await load(['dir']))).toBe(expected('dir.graph.txt'));
    expect(inventoryGraph(await load(['localhost/explicit.ini']))).toBe(expected('localhost-explicit.graph.txt'));
  });

  it('starts at the group given', async () => {
    expect(inventoryGraph(await load(['ini/hosts.ini']), 'production')).toBe(expected('ini.graph-production.txt'));
  });

  it('adds host and group variables with --vars, printed as Python prints them', async () => {
    expect(inventoryGraph(await load(['ini/hosts.ini']), 'all', { vars: true })).toBe(expected('ini.graph-vars.txt'));
    expect(inventoryGraph(await load(['yaml/hosts.yml']), 'all', { vars: true })).toBe(expected('yaml.graph-vars.txt'));
    expect(inventoryGraph(await load(['precedence/hosts']), 'all', { vars: true })).toBe(
      expected('precedence.graph-vars.txt'),
    );
  });

  it('refuses a name that is not a group', async () => {
    await expect(load(['ini/hosts.ini']).then((inv) => inventoryGraph(inv, 'web01.example.com'))).rejects.toThrow(
      /"web01.example.com" is not a group/,
    );
  });
});

describe('--host', () => {
  it('prints one host resolved vars as ansible-inventory --host does', async () => {
    expect(formatInventoryHost(await load(['ini/hosts.ini']), 'typed1')).toBe(expected('ini.host-typed1.json'));
    expect(formatInventoryHost(await load(['yaml/hosts.yml']), 'web1.example.com')).toBe(expected('yaml.host-web1.json'));
    expect(formatInventoryHost(await load(['localhost/hosts']), 'localhost')).toBe(expected('localhost.host-localhost.json'));
  });

  it('takes a pattern that matches exactly one host, else fails', async () => {
    const inv = await load(['ini/hosts.ini']);
    expect(inventoryHost(inv, 'web0[1]*')).toEqual(inventoryHost(inv, 'web01.example.com'));
    expect(() => inventoryHost(inv, 'webservers')).toThrow(/matching exactly one host; "webservers" matches 4/);
    expect(() => inventoryHost(inv, 'nosuch')).toThrow(/matches 0/);
  });
});

describe('formatJson', () => {
  it('prints as Python json.dumps(sort_keys=True, indent=4, ensure_ascii=False)', () => {
    expect(formatJson({ b: [], a: {}, c: [1, 'é', null, true, 1.5, 1e-7, 1e16, { z: 1, y: '"\n' }] })).toBe(
      [
        '{',
        '    "a": {},',
        '    "b": [],',
        '    "c": [',
        '        1,',
        '        "é",',
        '        null,',
        '        true,',
        '        1.5,',
        '        1e-07,',
        '        1e+16,',
        '        {',
        '            "y": "\\"\\n",',
        '            "z": 1',
        '        }',
        '    ]',
        '}',
      ].join('\n'),
    );
  });
});
