import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupHosts, hostVars, loadInventory, type Inventory } from '../src/inventory/index.js';

const FIX = join(import.meta.dirname, 'fixtures/inventory');

async function iniText(text: string, name = 'hosts.ini'): Promise<Inventory> {
  const dir = await mkdtemp(join(tmpdir(), 'fleet-ini-'));
  await writeFile(join(dir, name), text);
  return loadInventory([join(dir, name)]);
}

describe('INI inventories', () => {
  it('reads groups, ungrouped hosts and implicit groups in file order', async () => {
    const inv = await loadInventory([join(FIX, 'ini/hosts.ini')]);
    expect([...inv.groups.keys()]).toEqual([
      'all',
      'ungrouped',
      'webservers',
      'dbservers',
      'production',
      'typed',
      'empty',
    ]);
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['jumpbox', 'bastion']);
    expect(inv.groups.get('all')!.children).toEqual(['ungrouped', 'production', 'typed', 'empty']);
    expect(inv.groups.get('production')!.children).toEqual(['webservers', 'dbservers']);
    expect(inv.groups.get('empty')!.hosts).toEqual([]);
    expect(inv.groups.get('production')!.priority).toBe(5);
    // the priority is not a variable
    expect(inv.groups.get('production')!.vars).toEqual({ env: 'production' });
  });

  it('expands numeric ranges with leading zeros, strides and letter ranges', async () => {
    const inv = await loadInventory([join(FIX, 'ini/hosts.ini')]);
    expect(inv.groups.get('webservers')!.hosts).toEqual([
      'web01.example.com',
      'web02.example.com',
      'web03.example.com',
      'web-canary.example.com',
    ]);
    expect(inv.groups.get('dbservers')!.hosts).toEqual([
      'db-a.example.com',
      'db-b.example.com',
      'db-c.example.com',
      'db1.example.com',
      'db5.example.com',
      'db9.example.com',
    ]);
    // every host of a range gets the line's variables
    expect(inv.hosts.get('db5.example.com')!.vars).toEqual({ backup: 'yes' });
    expect(inv.hosts.get('web02.example.com')!.vars).toEqual({ http_port: 8080 });
  });

  it('takes host:port as ansible_port (an explicit ansible_port wins)', async () => {
    const inv = await loadInventory([join(FIX, 'ini/hosts.ini')]);
    expect(inv.hosts.get('bastion')!.vars).toEqual({ ansible_port: 2222, ansible_host: '203.0.113.11' });
    expect(inv.hosts.get('web-canary.example.com')!.vars['ansible_port']).toBe(8022);
    const inv2 = await iniText('[a]\nh1:2201\nh2\n[b]\nh1:2202\nh2:2203 ansible_port=2300\nh3:2204 ansible_port=2400\n');
    // as Ansible: the port of the first appearance of a host sticks
    expect(inv2.hosts.get('h1')!.vars['ansible_port']).toBe(2201);
    expect(inv2.hosts.get('h2')!.vars['ansible_port']).toBe(2300);
    expect(inv2.hosts.get('h3')!.vars['ansible_port']).toBe(2400);
  });

  it('types inline host vars as Python literals after shell-like unquoting', async () => {
    const inv = await loadInventory([join(FIX, 'ini/hosts.ini')]);
    expect(inv.hosts.get('typed1')!.vars).toEqual({
      int: 42,
      float: 1.5,
      neg: -7,
      hex: 31,
      bool: true,
      lower_true: 'true',
      yes_word: 'yes',
      none: null,
      list: [1, 'two'],
      dict: { k: 'v' },
    });
    expect(inv.hosts.get('typed2')!.vars).toEqual({
      quoted_num: '42',
      spaced: 'a b c',
      single: 'x y',
      empty: '',
      leading_zero: '007',
      ip: '10.0.0.1',
      path: '/etc/hosts',
    });
    expect(inv.hosts.get('typed3')!.vars).toEqual({ hash_in_quotes: 'a#b', cut: 'before' });
    expect(inv.hosts.get('typed4')!.vars).toEqual({ esc: 'a b', eq: 'k=v', sq: "it's", dq: 'say "hi"' });
  });

  it('reads [g:vars] values as ansible-core does: the whole text after "=", literal-evaluated', async () => {
    const inv = await loadInventory([join(FIX, 'ini/hosts.ini')]);
    expect(inv.groups.get('webservers')!.vars).toEqual({
      ntp_server: 'ntp.web.example.com',
      max_clients: 200,
      proxy_enabled: false,
      tags: ['web', 'frontend'],
      motd: 'Welcome to web # not a comment in a vars section',
    });
    const inv2 = await iniText('[g]\nh\n[g:vars]\nfalse_word=FALSE\nnum = 8080 # a Python comment\nquoted="x"\nport=022\n');
    expect(inv2.groups.get('g')!.vars).toEqual({ false_word: 'FALSE', num: 8080, quoted: 'x', port: '022' });
  });

  it('accepts children and vars sections before the groups they name', async () => {
    const inv = await iniText('[top:children]\nmid\n[top:vars]\nx=1\n[mid:children]\nleaf\n[leaf]\nh1\n[mid]\n');
    expect(inv.groups.get('top')!.children).toEqual(['mid']);
    expect(inv.groups.get('mid')!.children).toEqual(['leaf']);
    expect(groupHosts(inv, 'top')).toEqual(['h1']);
    expect(hostVars(inv, 'h1')).toEqual({ x: 1 });
  });

  it('handles [all], [ungrouped], repeated sections and hosts in several groups like Ansible', async () => {
    const inv = await iniText('h0\n[a]\nh1\n[all]\nallhost\n[ungrouped]\nexplicit\nh1\n[a]\nh2\n');
    // a host listed in [ungrouped] and in another group is not ungrouped
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['h0', 'explicit', 'allhost']);
    expect(inv.groups.get('a')!.hosts).toEqual(['h1', 'h2']);
    expect(inv.groups.get('all')!.hosts).toEqual(['allhost']);
    expect(groupHosts(inv, 'all')).toEqual(['allhost', 'h0', 'explicit', 'h1', 'h2']);
  });

  it('keeps group names as written (no character replacement, as ansible-core by default)', async () => {
    const inv = await iniText('[web-servers]\nw1\n[1st]\nf1\n');
    expect(inv.groups.has('web-servers')).toBe(true);
    expect(inv.groups.has('1st')).toBe(true);
  });

  it('reads IPv4, IPv6 and bracketed IPv6 with a port', async () => {
    const inv = await iniText('[net]\n192.0.2.1:2222\nfe80::1\n[2001:db8::7]:2200\n10.0.[1:2].5\n');
    expect(inv.groups.get('net')!.hosts).toEqual(['192.0.2.1', 'fe80::1', '2001:db8::7', '10.0.1.5', '10.0.2.5']);
    expect(inv.hosts.get('192.0.2.1')!.vars).toEqual({ ansible_port: 2222 });
    expect(inv.hosts.get('fe80::1')!.vars).toEqual({});
    expect(inv.hosts.get('2001:db8::7')!.vars).toEqual({ ansible_port: 2200 });
  });

  it('reads a file with CRLF line ends and no trailing newline', async () => {
    const inv = await iniText('[web]\r\nweb1 x=1\r\n[web:vars]\r\ny=2');
    expect(inv.hosts.get('web1')!.vars).toEqual({ x: 1 });
    expect(inv.groups.get('web')!.vars).toEqual({ y: 2 });
  });

  it('records the source file of each host (inventory_file)', async () => {
    const inv = await loadInventory([join(FIX, 'ini/hosts.ini')]);
    expect(inv.hosts.get('jumpbox')!.source).toBe(join(FIX, 'ini/hosts.ini'));
    expect(inv.sources).toEqual([join(FIX, 'ini/hosts.ini')]);
  });
});
