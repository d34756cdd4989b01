import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_INVENTORY_PARSED, emptyInventoryWarning, groupHosts, hostVars, loadInventory, matchHosts } from '../src/inventory/index.js';
import { isIgnoredInventoryEntry } from '../src/inventory/load.js';

const FIX = join(import.meta.dirname, 'fixtures/inventory');

describe('inventory sources', () => {
  it('reads every file of an inventory directory, sorted, skipping what Ansible skips', async () => {
    const inv = await loadInventory([join(FIX, 'dir')]);
    expect(inv.sources.map((s) => relative(join(FIX, 'dir'), s))).toEqual(['01-web.ini', '02-db.yml', '03-backend', 'nested/hosts']);
    expect([...inv.groups.keys()]).toEqual(['all', 'ungrouped', 'web', 'db', 'cache', 'backend', 'nested']);
    for (const ignored of ['ignored_bak', 'ignored_tilde', 'ignored_orig', 'ignored_hidden', 'ignored_cfg']) {
      expect(inv.groups.has(ignored)).toBe(false);
    }
    // a group declared in one file can be used by a later one
    expect(inv.groups.get('backend')!.children).toEqual(['db', 'cache']);
    // group_vars/ and host_vars/ inside the directory apply
    expect(hostVars(inv, 'cache1')).toEqual({ dir_all: true, cache_size: 64 });
    expect(hostVars(inv, 'db1')).toEqual({ dir_all: true, pinned: true });
    expect(hostVars(inv, 'web1')).toEqual({ dir_all: true, from_ini: 1 });
  });

  it("skips the names Ansible's inventory_ignore_extensions skip, but not .ini", () => {
    for (const name of ['a.pyc', 'a.pyo', 'a.swp', 'a.bak', 'a~', 'a.rpm', 'README.md', 'a.txt', 'a.rst', 'a.orig', 'ansible.cfg', 'site.retry', '.git', 'group_vars', 'host_vars', 'vars_plugins']) {
      expect(isIgnoredInventoryEntry(name), name).toBe(true);
    }
    for (const name of ['hosts', 'prod.ini', 'prod.yml', 'prod.yaml', 'inv.json', 'hosts.conf', 'group_vars.yml']) {
      expect(isIgnoredInventoryEntry(name), name).toBe(false);
    }
  });

  it('merges several sources in order, each with its own group_vars/', async () => {
    const a = join(FIX, 'multi/site-a/hosts.ini');
    const b = join(FIX, 'multi/site-b/hosts.yml');
    const inv = await loadInventory([a, b]);
    expect(inv.groups.get('web')!.hosts).toEqual(['web-a1', 'shared-host', 'web-b1']);
    // later sources win, for inventory vars and for group_vars/ alike
    expect(hostVars(inv, 'web-a1')).toEqual({ site: 'b', gv_site: 'b', only_a: 1, all_b: 1 });
    expect(hostVars(inv, 'shared-host')['from_b']).toBe(true);
    const reversed = await loadInventory([b, a]);
    expect(hostVars(reversed, 'web-a1')).toEqual({ site: 'a', gv_site: 'a', only_a: 1, all_b: 1 });
    expect(reversed.groups.get('web')!.hosts).toEqual(['web-b1', 'shared-host', 'web-a1']);
  });

  it('takes a comma-separated host list when no such file exists', async () => {
    const inv = await loadInventory(['web1,web2:2222,192.0.2.9,']);
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['web1', 'web2', '192.0.2.9']);
    expect(inv.hosts.get('web2')!.vars).toEqual({ ansible_port: 2222 });
    const single = await loadInventory(['only-host,']);
    expect([...single.hosts.keys()]).toEqual(['only-host']);
  });

  it('resolves relative paths against the cwd option', async () => {
    const inv = await loadInventory(['ini/hosts.ini'], { cwd: FIX });
    expect(inv.hosts.has('jumpbox')).toBe(true);
  });

  it('warns as Ansible about a source that does not exist, or a directory with nothing in it, and reads the others', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'fleet-inv-empty-'));
    const inv = await loadInventory(['no/such/inventory.ini', empty, 'ini/hosts.ini'], { cwd: FIX });
    expect(inv.hosts.has('jumpbox')).toBe(true);
    expect(inv.warnings).toEqual([`Unable to parse ${join(FIX, 'no/such/inventory.ini')} as an inventory source`, `Unable to parse ${empty} as an inventory source`]);
  });

  it('warns that only the implicit localhost is there when no source was parsed', async () => {
    const none = await loadInventory([], { cwd: FIX });
    expect(none.warnings).toEqual([NO_INVENTORY_PARSED]);
    expect(none.hosts.size).toBe(0);
    const missing = await loadInventory(['/no/such/inv'], { cwd: FIX });
    expect(missing.warnings).toEqual(['Unable to parse /no/such/inv as an inventory source', 'No inventory was parsed, only implicit localhost is available']);
    // The implicit localhost is still there by name.
    expect(matchHosts(missing, 'localhost').hosts).toEqual(['localhost']);
    // A host list is a parsed source, even of one host.
    expect((await loadInventory(['localhost,'], { cwd: FIX })).warnings).toEqual([]);
  });

  it("adds Ansible's empty-inventory warning for any pattern but a localhost name", async () => {
    const none = await loadInventory([], { cwd: FIX });
    expect(emptyInventoryWarning(none, 'all')).toBe("provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'");
    expect(emptyInventoryWarning(none, 'web')).not.toBeNull();
    expect(emptyInventoryWarning(none, 'localhost')).toBeNull();
    expect(emptyInventoryWarning(none, '127.0.0.1')).toBeNull();
    expect(emptyInventoryWarning(await loadInventory(['ini/hosts.ini'], { cwd: FIX }), 'all')).toBeNull();
  });

  it('with no sources has no hosts; only the implicit localhost can be named', async () => {
    const inv = await loadInventory([]);
    expect(inv.hosts.size).toBe(0);
    expect([...inv.groups.keys()]).toEqual(['all', 'ungrouped']);
    expect(matchHosts(inv, 'all').hosts).toEqual([]);
    expect(matchHosts(inv, 'localhost').hosts).toEqual(['localhost']);
    expect(hostVars(inv, 'localhost')['ansible_connection']).toBe('local');
  });

  it('refuses Vault-encrypted, TOML and script inventories with a hint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleet-src-'));
    await writeFile(join(dir, 'vaulted'), '$ANSIBLE_VAULT;1.1;AES256\n6162\n');
    await writeFile(join(dir, 'hosts.toml'), '[web.hosts]\n');
    await expect(loadInventory([join(dir, 'vaulted')])).rejects.toThrow(/encrypted with Ansible Vault/);
    await expect(loadInventory([join(dir, 'hosts.toml')])).rejects.toThrow(/TOML inventories are not supported/);
    await writeFile(join(dir, 'ec2.py'), '#!/usr/bin/env python3\nprint("{}")\n', { mode: 0o755 });
    await expect(loadInventory([join(dir, 'ec2.py')])).rejects.toThrow(/executable inventory script, which fleet does not run/);
  });

  it('keeps the order of "all" as Ansible: its own hosts, ungrouped, then groups breadth first', async () => {
    const inv = await loadInventory([join(FIX, 'patterns/hosts')]);
    expect(groupHosts(inv, 'all')).toEqual([
      'lone',
      '10.0.0.5',
      'web1.example.com',
      'web2.example.com',
      'web3.example.com',
      'db2',
      'app1',
      'db1',
      'db3',
    ]);
  });
});
