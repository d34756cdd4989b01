import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  groupDepth,
  hostContext,
  hostGroups,
  hostMagicVars,
  hostVars,
  loadInventory,
  sortGroups,
  type Inventory,
} from '../src/inventory/index.js';

const FIX = join(import.meta.dirname, 'fixtures/inventory');

async function tmpInventory(files: Record<string, string>, main: string): Promise<Inventory> {
  const dir = await mkdtemp(join(tmpdir(), 'fleet-vars-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return loadInventory([join(dir, main)]);
}

describe('variable precedence', () => {
  it('orders groups by depth, then ansible_group_priority, then name', async () => {
    const inv = await loadInventory([join(FIX, 'precedence/hosts')]);
    expect(groupDepth(inv, 'all')).toBe(0);
    expect(groupDepth(inv, 'grandparent')).toBe(1);
    expect(groupDepth(inv, 'child')).toBe(3);
    const groups = hostGroups(inv, 'h1').filter((g) => g !== 'all');
    expect(sortGroups(inv, groups)).toEqual(['alpha', 'grandparent', 'lowprio', 'zeta', 'highprio', 'parent', 'child']);
  });

  it('resolves child over parent over all, host over group, priority and name at the same depth', async () => {
    const inv = await loadInventory([join(FIX, 'precedence/hosts')]);
    const h1 = hostVars(inv, 'h1');
    const h2 = hostVars(inv, 'h2');
    expect(h2['level']).toBe('host'); // host var over every group
    expect(h1['level']).toBe('host_vars'); // host_vars/ over everything
    expect(h1['same_depth']).toBe('child'); // deeper group wins whatever the name
    expect(h1['sorted']).toBe('zeta'); // same depth: later name wins
    expect(h1['prio']).toBe('highprio'); // same depth: higher ansible_group_priority wins over the name
    expect(h1['gp_only']).toBe(1);
    expect(h1['all_only']).toBe(1);
    expect(h1).not.toHaveProperty('ansible_group_priority');
  });

  it('lets group_vars/ beside the inventory override every group var of the inventory file', async () => {
    const inv = await loadInventory([join(FIX, 'precedence/hosts')]);
    const h1 = hostVars(inv, 'h1');
    expect(h1['overridden_by_group_vars_all']).toBe('group_vars/all');
    expect(h1['overridden_by_group_vars_child']).toBe('group_vars/child');
    // Ansible's documented order: inventory group vars < group_vars/all < group_vars/*
    expect(h1['all_file_vs_child_inline']).toBe('group_vars/all');
    expect(h1['level_from_dir']).toBe('child');
  });

  it('matches the whole resolved set ansible-inventory prints', async () => {
    const inv = await loadInventory([join(FIX, 'precedence/hosts')]);
    expect(hostVars(inv, 'h1')).toEqual({
      all_file_vs_child_inline: 'group_vars/all',
      all_only: 1,
      gp_only: 1,
      level: 'host_vars',
      level_from_dir: 'child',
      overridden_by_group_vars_all: 'group_vars/all',
      overridden_by_group_vars_child: 'group_vars/child',
      prio: 'highprio',
      same_depth: 'child',
      sorted: 'zeta',
    });
  });

  it('replaces dict values whole (hash_behaviour=replace)', async () => {
    const inv = await tmpInventory(
      {
        'h.yml': 'all:\n  vars:\n    cfg: {a: 1, b: 2}\n  children:\n    g:\n      hosts:\n        h:\n          cfg: {b: 3}\n',
      },
      'h.yml',
    );
    expect(hostVars(inv, 'h')['cfg']).toEqual({ b: 3 });
  });

  it('gives the implicit localhost ansible_connection=local, the all vars and its host_vars', async () => {
    const inv = await loadInventory([join(FIX, 'localhost/hosts')]);
    expect(inv.hosts.has('localhost')).toBe(false);
    expect(hostVars(inv, 'localhost')).toEqual({
      ansible_connection: 'local',
      ansible_python_interpreter: '/usr/bin/python3',
      gva: 1,
      local_only: 1,
      shared: 'from-group_vars-all',
    });
    expect(hostVars(inv, '127.0.0.1')['local_only']).toBeUndefined();
    expect(() => hostVars(inv, 'nosuchhost')).toThrow(/host nosuchhost is not in the inventory/);
  });

  it('treats an explicitly defined localhost as a normal host', async () => {
    const inv = await loadInventory([join(FIX, 'localhost/explicit.ini')]);
    expect(hostVars(inv, 'localhost')).toEqual({
      ansible_connection: 'local',
      custom: 1,
      gva: 1,
      local_only: 1,
      shared: 'from-group_vars-all',
    });
    expect(hostGroups(inv, 'localhost')).toEqual(['all', 'local']);
  });

  it('provides the magic variables for the executor', async () => {
    const inv = await loadInventory([join(FIX, 'yaml/hosts.yml')]);
    const magic = hostMagicVars(inv, 'web1.example.com');
    expect(magic['inventory_hostname']).toBe('web1.example.com');
    expect(magic['inventory_hostname_short']).toBe('web1');
    expect(magic['group_names']).toEqual(['canary', 'dbservers', 'frontends', 'webservers']);
    expect(magic['inventory_file']).toBe(join(FIX, 'yaml/hosts.yml'));
    expect(magic['inventory_dir']).toBe(join(FIX, 'yaml'));
    expect((magic['groups'] as Record<string, string[]>)['dbservers']).toEqual([
      'dba.example.com',
      'dbb.example.com',
      'web1.example.com',
    ]);
    expect(hostMagicVars(inv, 'mail.example.com')['group_names']).toEqual(['ungrouped']);
    const ctx = hostContext(inv, 'web1.example.com');
    expect(ctx['role']).toBe('primary');
    expect(ctx['inventory_hostname']).toBe('web1.example.com');
    const inv2 = await tmpInventory({ h: '192.0.2.7\n' }, 'h');
    expect(hostMagicVars(inv2, '192.0.2.7')['inventory_hostname_short']).toBe('192.0.2.7');
  });
});
