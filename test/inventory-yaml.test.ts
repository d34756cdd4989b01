import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupHosts, hostVars, loadInventory, type Inventory } from '../src/inventory/index.js';

const FIX = join(import.meta.dirname, 'fixtures/inventory');

async function tmpInventory(files: Record<string, string>, main: string): Promise<Inventory> {
  const dir = await mkdtemp(join(tmpdir(), 'fleet-yaml-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return loadInventory([join(dir, main)]);
}

describe('YAML inventories', () => {
  it('reads nested groups, hosts in several groups, ranges and ports', async () => {
    const inv = await loadInventory([join(FIX, 'yaml/hosts.yml')]);
    expect([...inv.groups.keys()]).toEqual([
      'all',
      'ungrouped',
      'webservers',
      'canary',
      'dbservers',
      'empty_group',
      'frontends',
      'lonely',
    ]);
    expect(inv.groups.get('all')!.children).toEqual(['ungrouped', 'webservers', 'dbservers', 'empty_group', 'frontends', 'lonely']);
    expect(inv.groups.get('frontends')!.children).toEqual(['webservers']);
    expect(inv.groups.get('webservers')!.hosts).toEqual([
      'web1.example.com',
      'web2.example.com',
      'web3.example.com',
      'web-admin.example.com',
    ]);
    expect(inv.groups.get('dbservers')!.hosts).toEqual(['dba.example.com', 'dbb.example.com', 'web1.example.com']);
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['mail.example.com']);
    expect(inv.hosts.get('web-admin.example.com')!.vars).toEqual({ ansible_port: 2222, admin: true });
    // a host's vars from every place it appears are merged
    expect(inv.hosts.get('web1.example.com')!.vars).toEqual({ http_port: 80, canary: true });
  });

  it('reads scalars as Ansible (PyYAML, YAML 1.1) does', async () => {
    const inv = await loadInventory([join(FIX, 'yaml/hosts.yml')]);
    expect(inv.hosts.get('island.example.com')!.vars).toEqual({
      octal: 493,
      text: '0755',
      nothing: null,
      when: '2024-01-15',
    });
    expect(inv.groups.get('webservers')!.vars).toEqual({ region: 'from-webservers-inventory', proxy: true });
    const inv2 = await tmpInventory(
      { 'h.yml': 'all:\n  vars:\n    a: y\n    b: NO\n    c: 1e3\n    d: 1.0e+3\n    e: 1_000\n    f: 0x1F\n    g: 1:30\n    h: .inf\n' },
      'h.yml',
    );
    expect(inv2.groups.get('all')!.vars).toEqual({ a: 'y', b: false, c: '1e3', d: 1000, e: 1000, f: 31, g: 90, h: Infinity });
  });

  it('accepts the shorthand forms Ansible accepts (string sections, empty groups, anchors, merge keys)', async () => {
    const inv = await tmpInventory(
      {
        'h.yaml': [
          'x-common: &common',
          '  ansible_user: deploy',
          'all:',
          '  children:',
          '    web:',
          '      hosts: web1',
          '      children: edge',
          '    db:',
          '      hosts:',
          '        db1:',
          '          <<: *common',
          '          port: 5432',
          '    empty:',
          '',
        ].join('\n'),
      },
      'h.yaml',
    );
    expect(inv.groups.get('web')!.hosts).toEqual(['web1']);
    expect(inv.groups.get('web')!.children).toEqual(['edge']);
    expect(inv.hosts.get('db1')!.vars).toEqual({ ansible_user: 'deploy', port: 5432 });
    expect(inv.groups.get('empty')!.hosts).toEqual([]);
    // a top-level key whose value is not a mapping is skipped with a warning, as Ansible
    expect(inv.groups.has('x-common')).toBe(true);
    expect(inv.warnings!.join('\n')).toMatch(/h.yaml:2: skipping key "ansible_user" in group x-common: it is not a mapping/);
  });

  it('reads JSON inventories (JSON is YAML)', async () => {
    const inv = await loadInventory([join(FIX, 'json/inventory.json')]);
    expect(inv.groups.get('app')!.hosts).toEqual(['app01', 'app02', 'app-edge']);
    expect(inv.hosts.get('app-edge')!.vars).toEqual({ ansible_port: 8443 });
    expect(hostVars(inv, 'app01')).toEqual({ from: 'app', flag: 'yes', tier: 1 });
  });

  it('reads a JSON inventory indented with tabs', async () => {
    const inv = await tmpInventory({ 'i.json': '{\n\t"web": {\n\t\t"hosts": {"w1": {"a": 1}}\n\t}\n}\n' }, 'i.json');
    expect(inv.groups.get('web')!.hosts).toEqual(['w1']);
    expect(inv.hosts.get('w1')!.vars).toEqual({ a: 1 });
  });

  it('skips an empty YAML inventory with a warning, refuses several documents', async () => {
    const empty = await tmpInventory({ 'e.yml': '# nothing yet\n' }, 'e.yml');
    expect(empty.hosts.size).toBe(0);
    expect(empty.warnings!.join('\n')).toMatch(/e\.yml: the YAML inventory is empty/);
    await expect(tmpInventory({ 'm.yml': 'all:\n  hosts:\n    a:\n---\nother:\n' }, 'm.yml')).rejects.toThrow(
      /several YAML documents/,
    );
  });

  it('takes a file without extension as YAML when it is a mapping of groups, INI otherwise', async () => {
    const y = await tmpInventory({ inv: 'all:\n  hosts:\n    h1:\n' }, 'inv');
    expect(y.groups.get('ungrouped')!.hosts).toEqual(['h1']);
    const i = await tmpInventory({ inv: 'h1 a=1\n[g]\nh2\n' }, 'inv');
    expect(i.groups.get('g')!.hosts).toEqual(['h2']);
    expect(i.hosts.get('h1')!.vars).toEqual({ a: 1 });
    const plain = await tmpInventory({ inv: 'h1\nh2\n' }, 'inv');
    expect(plain.groups.get('ungrouped')!.hosts).toEqual(['h1', 'h2']);
    // an INI host line that also parses as a YAML mapping stays INI
    const tricky = await tmpInventory({ inv: 'h1 msg="a: b"\n' }, 'inv');
    expect(tricky.hosts.get('h1')!.vars).toEqual({ msg: 'a: b' });
  });
});

describe('group_vars/ and host_vars/', () => {
  it('reads the file forms (.yml, .yaml, .json, no extension) and the directory form', async () => {
    const inv = await loadInventory([join(FIX, 'yaml/hosts.yml')]);
    const vd = inv.varsDirs![0]!;
    expect(vd.groups.get('all')).toEqual({ ntp_server: 'ntp.group_vars.example.com', from_all_file: true });
    // directory form: every .yml/.yaml/extensionless file, in sorted order; .txt and backups skipped
    expect(vd.groups.get('webservers')).toEqual({ region: 'from-webservers-dir-b', listen: '0.0.0.0', workers: 4 });
    expect(vd.groups.get('dbservers')).toEqual({ db_engine: 'postgres', backup: false });
    expect(vd.groups.get('canary')).toEqual({ canary_from_noext: 1 });
    // only groups of the inventory are looked up
    expect(vd.groups.has('nosuchgroup')).toBe(false);
    // NAME.yml is found before NAME.yaml, and only the first form found is read
    expect(vd.hosts.get('web1.example.com')).toEqual({ role: 'primary', http_port: 8081 });
    // an empty file gives nothing
    expect(vd.hosts.has('web2.example.com')).toBe(false);
    expect(vd.files.map((f) => f.slice(join(FIX, 'yaml').length + 1))).toEqual([
      'group_vars/all.yml',
      'group_vars/webservers/10-main.yml',
      'group_vars/webservers/20-override.yaml',
      'group_vars/canary',
      'group_vars/dbservers.json',
      'host_vars/web1.example.com.yml',
      'host_vars/web2.example.com.yml',
    ]);
  });

  it('merges them into host vars with the right precedence', async () => {
    const inv = await loadInventory([join(FIX, 'yaml/hosts.yml')]);
    expect(hostVars(inv, 'web1.example.com')).toEqual({
      backup: false,
      canary: true,
      canary_from_noext: 1,
      db_engine: 'postgres',
      from_all_file: true,
      http_port: 8081,
      listen: '0.0.0.0',
      ntp_server: 'ntp.group_vars.example.com',
      port_list: [5432, 5433],
      proxy: true,
      region: 'from-webservers-dir-b',
      role: 'primary',
      settings: { max_connections: 100, shared_buffers: '1GB' },
      weight: 0.1,
      workers: 4,
    });
    expect(groupHosts(inv, 'frontends')).toEqual(['web1.example.com', 'web2.example.com', 'web3.example.com', 'web-admin.example.com']);
  });

  it('recurses into subdirectories of a group_vars/NAME/ directory', async () => {
    const inv = await tmpInventory(
      {
        'hosts.ini': '[web]\nw1\n',
        'group_vars/web/a.yml': 'a: 1\nz: a\n',
        'group_vars/web/b/c.yml': 'c: 1\nz: b/c\n',
        'group_vars/web/d.json': '{"d": 1}',
        'group_vars/web/.hidden.yml': 'hidden: 1\n',
        'group_vars/web/e.yml.bak': 'bak: 1\n',
      },
      'hosts.ini',
    );
    expect(hostVars(inv, 'w1')).toEqual({ a: 1, c: 1, d: 1, z: 'b/c' });
  });
});
