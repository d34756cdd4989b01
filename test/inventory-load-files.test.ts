// How loadInventory reads each kind of source, in-process: which parser a file goes to, what is
// skipped, and the exact error (message, file, line, hint) or warning for each malformed input.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InventoryError } from '../src/errors.js';
import { hostVars, loadInventory, type Inventory } from '../src/inventory/index.js';

const made: string[] = [];
afterAll(async () => {
  for (const d of made) await rm(d, { recursive: true, force: true });
});

/** A fresh directory holding `files` (path → text). */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fleet-inv-'));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

async function load(files: Record<string, string>, sources: string[]): Promise<{ dir: string; inv: Inventory }> {
  const dir = await tree(files);
  return { dir, inv: await loadInventory(sources, { cwd: dir }) };
}

async function failure(files: Record<string, string>, source: string): Promise<{ dir: string; e: InventoryError }> {
  const dir = await tree(files);
  const e = await loadInventory([source], { cwd: dir }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(InventoryError);
  return { dir, e: e as InventoryError };
}

const hostsOf = (inv: Inventory, group: string) => inv.groups.get(group)?.hosts;

describe('which parser reads a file', () => {
  it('a file with no telling extension is YAML when it is a mapping of groups', async () => {
    const { inv } = await load({ hosts: 'web:\n  hosts:\n    w1:\n      port_var: 1\n' }, ['hosts']);
    expect(hostsOf(inv, 'web')).toEqual(['w1']);
    expect(hostVars(inv, 'w1')).toEqual({ port_var: 1 });
  });

  it('and INI otherwise, even when the first line looks like a mapping key', async () => {
    const { inv } = await load({ hosts: 'alpha\n[web]\nw1 a=1\n' }, ['hosts']);
    expect(hostsOf(inv, 'ungrouped')).toEqual(['alpha']);
    expect(hostVars(inv, 'w1')).toEqual({ a: 1 });
  });

  it('a YAML mapping INI cannot read either is taken as YAML, its odd group skipped with a warning', async () => {
    const { dir, inv } = await load({ hosts: 'web: w1\ndb:\n  hosts:\n    d1:\n' }, ['hosts']);
    expect(hostsOf(inv, 'db')).toEqual(['d1']);
    expect(inv.groups.has('web')).toBe(false);
    expect(inv.warnings).toEqual([`${join(dir, 'hosts')}:1: skipping "web": a group must be a mapping (with hosts, children or vars), got a string`]);
  });

  it('malformed YAML without an extension reports the YAML error when the text looks like YAML', async () => {
    const { dir, e } = await failure({ hosts: '# comment\n; another\nall:\n  hosts:\n    a: [1\n' }, 'hosts');
    expect(e.message).toMatch(/^malformed YAML: /);
    expect(e.context.file).toBe(join(dir, 'hosts'));
    expect(e.context.hint).toMatch(/indentation and quoting/);
  });

  it.each([
    ['a document start', '---\nall: {hosts: [1\n'],
    ['a flow mapping', '{all: {hosts: [1\n'],
    ['a key with a comment', 'all:   # the lot\n  hosts: [1\n'],
  ])('%s is YAML-looking text: its YAML error is reported', async (_what, text) => {
    const { e } = await failure({ hosts: text }, 'hosts');
    expect(e.message).toMatch(/^malformed YAML: /);
  });

  it('malformed text that does not look like YAML reports the INI error', async () => {
    const { e } = await failure({ hosts: '[web\nw1\nkey: [x\n' }, 'hosts');
    expect(e.message).toBe('unterminated group header [web: expected a closing "]"');
    expect(e.context.line).toBe(1);
  });

  it('a .ini file is INI even when it reads as YAML', async () => {
    const { e } = await failure({ 'hosts.ini': 'web:\n  hosts:\n' }, 'hosts.ini');
    expect(e.message).toMatch(/"web:"/);
  });

  it('a .yml file is YAML even when it would read as INI', async () => {
    const { e } = await failure({ 'hosts.yml': '- web\n- w1\n' }, 'hosts.yml');
    expect(e.message).toBe('a YAML inventory must be a mapping of group names, got a list');
    expect(e.context.line).toBe(1);
    expect(e.context.hint).toBe('start the file with "all:" and put hosts under all: hosts: (see docs/inventory.md)');
  });

  it('a .json file with a tab (valid JSON, refused by YAML 1.1) is read as JSON', async () => {
    const { inv } = await load({ 'inv.json': '{\n\t"web": {"hosts": {"w1": {"x": 1}}}\n}\n' }, ['inv.json']);
    expect(hostVars(inv, 'w1')).toEqual({ x: 1 });
  });

  it('malformed JSON names the file and says to check the syntax', async () => {
    const { dir, e } = await failure({ 'inv.json': '{\n\t"web": }}\n' }, 'inv.json');
    expect(e.message).toMatch(/^malformed JSON: /);
    expect(e.context).toMatchObject({ file: join(dir, 'inv.json'), hint: 'check the JSON syntax' });
  });

  it('a .yml file that is malformed gets the YAML error, not a JSON one', async () => {
    const { e } = await failure({ 'inv.yml': 'all:\n\thosts:\n' }, 'inv.yml');
    expect(e.message).toMatch(/^malformed YAML: /);
  });

  it('a byte order mark before the first line is dropped', async () => {
    const { inv } = await load({ hosts: '\ufeff[web]\nw1\n' }, ['hosts']);
    expect(hostsOf(inv, 'web')).toEqual(['w1']);
  });

  it('an executable file starting with #! is refused as an inventory script, with what to do', async () => {
    const dir = await tree({ 'inv.sh': '#!/bin/sh\necho {}\n' });
    await chmod(join(dir, 'inv.sh'), 0o755);
    const e = (await loadInventory(['inv.sh'], { cwd: dir }).then(
      () => undefined,
      (err: unknown) => err,
    )) as InventoryError;
    expect(e).toBeInstanceOf(InventoryError);
    expect(e.message).toBe('this is an executable inventory script, which fleet does not run');
    expect(e.context).toMatchObject({
      file: join(dir, 'inv.sh'),
      hint: 'save what Ansible makes of it and give fleet that file: ansible-inventory -i SCRIPT --list --yaml > hosts.yml',
    });
  });

  it('a file starting with #! that is not executable is read as INI (the line is a comment)', async () => {
    const { inv } = await load({ hosts: '#!/bin/sh\n[web]\nw1\n' }, ['hosts']);
    expect(hostsOf(inv, 'web')).toEqual(['w1']);
  });

  it('a TOML inventory is refused with a conversion command', async () => {
    const { e } = await failure({ 'hosts.toml': '[web.hosts]\nw1 = {}\n' }, 'hosts.toml');
    expect(e.message).toBe('TOML inventories are not supported by fleet');
    expect(e.context.hint).toBe('convert it with "ansible-inventory -i FILE --list --yaml > hosts.yml"');
  });
});

describe('sources', () => {
  it('blank sources are passed over without a warning', async () => {
    const { dir, inv } = await load({ hosts: '[web]\nw1\n' }, ['  ', ' hosts ']);
    expect(inv.sources).toEqual([join(dir, 'hosts')]);
    expect(inv.warnings).toEqual([]);
  });

  it('~ and ~/path are the home directory', async () => {
    const home = await tree({ 'inv/hosts': '[web]\nw1\n', 'group_vars/all.yml': 'from_home_dir: 1\n' });
    const saved = process.env['HOME'];
    process.env['HOME'] = home;
    try {
      const sub = await loadInventory(['~/inv/hosts']);
      expect(sub.sources).toEqual([join(home, 'inv/hosts')]);
      const whole = await loadInventory(['~']);
      expect(whole.sources).toEqual([join(home, 'inv/hosts')]);
      expect(hostVars(whole, 'w1')).toEqual({ from_home_dir: 1 });
    } finally {
      process.env['HOME'] = saved;
    }
  });

  it('a host list is trimmed and reads host:port', async () => {
    const inv = await loadInventory([' a , b:2200 ,']);
    expect(hostsOf(inv, 'ungrouped')).toEqual(['a', 'b']);
    expect(inv.hosts.get('b')!.vars).toEqual({ ansible_port: 2200 });
    expect(inv.sources).toEqual(['a , b:2200 ,']);
  });

  it('a host list takes no ranges: the brackets are part of the name', async () => {
    const inv = await loadInventory(['web[1:3],']);
    expect([...inv.hosts.keys()]).toEqual(['web[1:3]']);
  });

  it('a directory is read in sorted order whatever order its files were made in', async () => {
    const names = ['m', 'c', 'x', 'a', 'q', 'f', 'z', 'b'];
    const dir = await tree(Object.fromEntries(names.map((n) => [`inv/${n}`, `[g_${n}]\nh_${n}\n`])));
    const inv = await loadInventory([join(dir, 'inv')]);
    expect(inv.sources).toEqual([...names].sort().map((n) => join(dir, 'inv', n)));
  });

  it('a directory entry that is neither a file nor a directory (a FIFO) is skipped', async () => {
    const dir = await tree({ 'inv/hosts': '[web]\nw1\n' });
    execFileSync('mkfifo', [join(dir, 'inv/pipe')]);
    const inv = await loadInventory([join(dir, 'inv')]);
    expect(inv.sources).toEqual([join(dir, 'inv/hosts')]);
  });

  it('two sources in one directory read its group_vars once (one warning, not two)', async () => {
    const { dir, inv } = await load({ a: '[web]\nw1\n', b: '[db]\nd1\n', group_vars: 'not a directory\n' }, ['a', 'b']);
    expect(inv.warnings).toEqual([`${join(dir, 'group_vars')}: found group_vars that is not a directory, skipping it`]);
    expect(inv.varsDirs).toHaveLength(2);
  });

  it('host_vars of the implicit localhost are read', async () => {
    const { inv } = await load({ hosts: '[web]\nw1\n', 'host_vars/localhost.yml': 'local_only: yes\n' }, ['hosts']);
    expect(inv.varsDirs![0]!.hosts.get('localhost')).toEqual({ local_only: true });
  });
});

describe('group_vars and host_vars files', () => {
  it('a directory of vars files merges them in sorted order, skipping hidden files, backups and other extensions', async () => {
    const { inv } = await load(
      {
        hosts: '[web]\nw1\n',
        'group_vars/web/b.yml': 'order: b\nfrom_b: 1\n',
        'group_vars/web/a.yml': 'order: a\nfrom_a: 1\n',
        'group_vars/web/c': 'order: c\n',
        'group_vars/web/.hidden.yml': 'hidden: 1\n',
        'group_vars/web/d.yml~': 'backup: 1\n',
        'group_vars/web/e.txt': 'text: 1\n',
        'group_vars/web/sub/f.yml': 'nested: 1\n',
        'group_vars/web/sub.d/g.yml': 'dotted_dir: 1\n',
      },
      ['hosts'],
    );
    expect(hostVars(inv, 'w1')).toEqual({ order: 'c', from_a: 1, from_b: 1, nested: 1 });
  });

  it('a .json vars file is JSON, including what YAML 1.1 refuses (a tab)', async () => {
    const { inv } = await load({ hosts: '[web]\nw1\n', 'group_vars/web.json': '{\n\t"j": "yes"\n}\n' }, ['hosts']);
    expect(hostVars(inv, 'w1')).toEqual({ j: 'yes' });
  });

  it('a vars file whose name has no extension is YAML, so yes is true', async () => {
    const { inv } = await load({ hosts: '[web]\nw1\n', 'group_vars/web': 'j: yes\n' }, ['hosts']);
    expect(hostVars(inv, 'w1')).toEqual({ j: true });
  });

  it('empty vars files, and files of only a null or empty string, add nothing', async () => {
    for (const text of ['', '---\n', '~\n', '""\n', '# only a comment\n']) {
      const { inv } = await load({ hosts: '[web]\nw1\n', 'group_vars/web.yml': text, 'group_vars/all.yml': 'base: 1\n' }, ['hosts']);
      expect(hostVars(inv, 'w1'), JSON.stringify(text)).toEqual({ base: 1 });
      expect(inv.varsDirs![0]!.groups.has('web'), JSON.stringify(text)).toBe(false);
    }
  });

  it.each([
    ['a number', '5\n', 'an integer'],
    ['a float', '1.5\n', 'a float'],
    ['a boolean', 'true\n', 'a boolean'],
    ['a string', 'just text\n', 'a string'],
    ['a list', '- a\n', 'a list'],
  ])('a vars file holding %s is refused with its type', async (_what, text, type) => {
    const { dir, e } = await failure({ hosts: '[web]\nw1\n', 'group_vars/web.yml': text }, 'hosts');
    expect(e.message).toBe(`a variables file must hold a mapping of variable names to values, found ${type}`);
    expect(e.context).toMatchObject({ file: join(dir, 'group_vars/web.yml'), line: 1 });
  });

  it('a host named by an absolute path looks for no vars file', async () => {
    const { inv } = await load({ hosts: '[jails]\n/srv/jail1\n', 'host_vars/x': 'a: 1\n' }, ['hosts']);
    expect(inv.varsDirs![0]!.hosts.size).toBe(0);
  });

  it('names not in the inventory are not read, even when their file is broken', async () => {
    const { inv } = await load({ hosts: '[web]\nw1\n', 'group_vars/db.yml': 'a: [\n', 'host_vars/other.yml': ': :\n' }, ['hosts']);
    expect(inv.varsDirs![0]!.files).toEqual([]);
  });

  it('of NAME, NAME.yml, NAME.yaml and NAME.json the first that exists is used', async () => {
    const { dir, inv } = await load(
      { hosts: '[web]\nw1\n', 'group_vars/web.yaml': 'which: yaml\n', 'group_vars/web.json': '{"which": "json"}' },
      ['hosts'],
    );
    expect(hostVars(inv, 'w1')).toEqual({ which: 'yaml' });
    expect(inv.varsDirs![0]!.files).toEqual([join(dir, 'group_vars/web.yaml')]);
  });

  it('an empty group_vars directory adds nothing', async () => {
    const dir = await tree({ hosts: '[web]\nw1\n' });
    await mkdir(join(dir, 'group_vars'));
    const inv = await loadInventory(['hosts'], { cwd: dir });
    expect(inv.varsDirs![0]!.groups.size).toBe(0);
    expect(inv.warnings).toEqual([]);
  });
});

describe('YAML inventories: each malformed form named with file, line and what to do', () => {
  const cases: Array<[string, string, string | RegExp, number | undefined, string | RegExp | undefined, undefined]> = [
    ['a scalar document', '42\n', 'a YAML inventory must be a mapping of group names, got an integer', 1, /all:/, undefined],
    ['a numeric group name', '5:\n  hosts:\n    a:\n', 'a group name must be a non-empty string, got 5', 1, 'quote the group name if YAML reads it as a number or boolean', undefined],
    ['an empty group name', '? ""\n: {hosts: {a: }}\n', 'a group name must be a non-empty string, got ""', 1, 'quote the group name if YAML reads it as a number or boolean', undefined],
    ['a null group name', '? \n: {hosts: {a: }}\n', 'a group name must be a non-empty string, got nothing', 1, 'quote the group name if YAML reads it as a number or boolean', undefined],
    ['children as a list', 'all:\n  children:\n    - web\n', 'the "children" entry of group all must be a mapping, found a list', 3, 'write children as a mapping: "children:" then one "  group:" a line (not a "- group" list)', undefined],
    ['vars as a list', 'all:\n  vars:\n    - a\n', 'the "vars" entry of group all must be a mapping, found a list', 3, 'write vars as a mapping of name: value', undefined],
    ['a numeric host', 'all:\n  hosts:\n    10:\n', 'host pattern 10 in group all must be a string', 3, 'enclose numbers (and IP-like keys YAML reads as numbers) in quotes', undefined],
    ['an empty host', 'all:\n  hosts:\n    ? \n', 'host pattern (empty) in group all must be a string', 3, 'enclose numbers (and IP-like keys YAML reads as numbers) in quotes', undefined],
    ['a bad host range', 'all:\n  hosts:\n    web[3:1]:\n', /^bad host range '\[3:1\]'/, 3, undefined, undefined],
    ['a non-numeric group priority', 'web:\n  vars:\n    ansible_group_priority: high\n', 'ansible_group_priority of group web must be a whole number, got "high"', 3, 'for example ansible_group_priority=10 (higher wins among groups at the same depth)', undefined],
    ['a fractional group priority', 'web:\n  vars:\n    ansible_group_priority: 1.5\n', 'ansible_group_priority of group web must be a whole number, got 1.5', 3, /ansible_group_priority=10/, undefined],
    ['a group that is its own child', 'web:\n  children:\n    web:\n', 'group web cannot be a child of itself', 3, 'remove web from the children of web', undefined],
  ];
  for (const [what, text, message, line, hint] of cases) {
    it(what, async () => {
      const { dir, e } = await failure({ 'inv.yml': text }, 'inv.yml');
      if (typeof message === 'string') expect(e.message).toBe(message);
      else expect(e.message).toMatch(message);
      expect(e.context.file).toBe(join(dir, 'inv.yml'));
      expect(e.context.line).toBe(line);
      if (typeof hint === 'string') expect(e.context.hint).toBe(hint);
      else if (hint) expect(e.context.hint).toMatch(hint);
      else expect(e.context.hint).toBeUndefined();
    });
  }

  it('a group priority given as text of digits is a number', async () => {
    const { inv } = await load({ 'inv.yml': 'web:\n  vars:\n    ansible_group_priority: " +7 "\n  hosts:\n    w1:\n' }, ['inv.yml']);
    expect(inv.groups.get('web')!.priority).toBe(7);
    expect(inv.groups.get('web')!.vars).toEqual({});
  });

  it('an unknown key holding a mapping is skipped with a warning; one holding nothing silently', async () => {
    const { dir, inv } = await load({ 'inv.yml': 'web:\n  host:\n    w1:\n  extra:\n  odd: 3\n  hosts:\n    w2:\n' }, ['inv.yml']);
    expect(hostsOf(inv, 'web')).toEqual(['w2']);
    expect(inv.warnings).toEqual([
      `${join(dir, 'inv.yml')}:2: skipping unexpected key "host" in group web: only "vars", "children" and "hosts" are valid`,
      `${join(dir, 'inv.yml')}:5: skipping key "odd" in group web: it is not a mapping`,
    ]);
  });

  it('sections given as one string: "vars: name" is a null variable, children and hosts one name', async () => {
    const { inv } = await load({ 'inv.yml': 'web:\n  vars: flag\n  children: db\n  hosts: w1\n' }, ['inv.yml']);
    expect(inv.groups.get('web')!.vars).toEqual({ flag: null });
    expect(inv.groups.get('web')!.children).toEqual(['db']);
    expect(hostsOf(inv, 'web')).toEqual(['w1']);
  });

  it('empty sections add nothing', async () => {
    const { inv } = await load({ 'inv.yml': 'web:\n  vars:\n  children:\n  hosts:\n' }, ['inv.yml']);
    expect(inv.groups.get('web')).toMatchObject({ hosts: [], children: [], vars: {} });
    expect(inv.warnings).toEqual([]);
  });

  it('a child that is not a mapping is refused, naming the parent', async () => {
    const { dir, e } = await failure({ 'inv.yml': 'all:\n  children:\n    web: w1\n' }, 'inv.yml');
    expect(e.message).toBe('group web, a child of all, is not a valid group');
    expect(e.context).toMatchObject({ file: join(dir, 'inv.yml'), line: 3, hint: 'a child group is a mapping with hosts, children or vars, or empty' });
  });

  it('a host mentioned twice keeps its first line as its source and merges its variables', async () => {
    const { dir, inv } = await load({ 'inv.yml': 'web:\n  hosts:\n    w1: {a: 1}\ndb:\n  hosts:\n    w1: {b: 2}\n' }, ['inv.yml']);
    expect(inv.hosts.get('w1')!.source).toBe(join(dir, 'inv.yml'));
    expect(hostVars(inv, 'w1')).toEqual({ a: 1, b: 2 });
  });

  it('a host from a host list has no source file', async () => {
    const inv = await loadInventory(['h1,']);
    expect(inv.hosts.get('h1')!.source).toBeUndefined();
  });

  it('merge keys: a list of maps merges with the earlier map winning and the own keys over all', async () => {
    const text = [
      'base1: &b1 {a: 1, shared: first}',
      'base2: &b2 {b: 2, shared: second}',
      'web:',
      '  vars:',
      '    <<: [*b1, *b2]',
      '    own: 3',
      '  hosts:',
      '    w1:',
      '      <<: *b2',
      '      shared: mine',
      '',
    ].join('\n');
    const { inv } = await load({ 'inv.yml': text }, ['inv.yml']);
    expect(inv.groups.get('web')!.vars).toEqual({ a: 1, shared: 'first', b: 2, own: 3 });
    expect(hostVars(inv, 'w1')).toEqual({ a: 1, b: 2, shared: 'mine', own: 3 });
  });

  it('a repeated key keeps its first position and its last value', async () => {
    const { inv } = await load({ 'inv.yml': 'web:\n  vars:\n    x: 1\n    y: 2\n    x: 3\n' }, ['inv.yml']);
    expect(Object.entries(inv.groups.get('web')!.vars)).toEqual([
      ['x', 3],
      ['y', 2],
    ]);
  });

  it('several documents in one file are refused as such', async () => {
    const { e } = await failure({ 'inv.yml': 'web:\n  hosts:\n    a:\n---\ndb:\n' }, 'inv.yml');
    expect(e.message).toBe('malformed YAML: the file holds several YAML documents (separated by "---"); an inventory or vars file is one document');
  });

  it('a YAML error names the line of the offending text, not the blank lines before it', async () => {
    const { e } = await failure({ 'inv.yml': 'web:\n  hosts:\n    a:\n\n\n  - b\n' }, 'inv.yml');
    expect(e.message).toMatch(/^malformed YAML: /);
    expect(e.message).not.toMatch(/at line/);
    expect(e.context.line).toBe(6);
  });
});

describe('INI inventories: the remaining malformed forms and section orders', () => {
  const cases: Array<[string, string, string, number, string]> = [
    ['a section header with a space', '[web servers]\nh1\n', 'invalid section header [web servers]', 1, 'a section is [name], [name:children] or [name:vars], with no spaces and no other ":" in the name'],
    ['two words in a children section', '[web]\nh1\n[all2:children]\nweb\nx y\n', 'expected a group name in section [all2:children], got: x y', 5, 'list one group name a line (hosts go in a [group] section, variables in [group:vars])'],
    ['a YAML document marker as a host', '[web]\n---\n', '"---" is not a host name; it is normally a sign this is a YAML file', 2, 'give a YAML inventory a .yml or .yaml extension'],
    ['a vars line without =', '[web:children]\n[web:vars]\n\nflag\n', 'expected key=value in section [web:vars] (line 2), got: flag', 4, 'each line of a [web:vars] section sets one variable, as name=value'],
  ];
  for (const [what, text, message, line, hint] of cases) {
    it(what, async () => {
      const { dir, e } = await failure({ 'hosts.ini': text }, 'hosts.ini');
      expect(e.message).toBe(message);
      expect(e.context).toEqual({ file: join(dir, 'hosts.ini'), line, hint });
    });
  }

  it('comment lines (# or ;, indented or not) and trailing comments are ignored', async () => {
    const { inv } = await load({ 'hosts.ini': '; semi\n  # hash\n[web]\nh1 # trailing\n  ; x\n' }, ['hosts.ini']);
    expect(hostsOf(inv, 'web')).toEqual(['h1']);
    expect(inv.hosts.get('h1')!.vars).toEqual({});
  });

  it('children declared before the groups they name are linked once those appear, through several levels', async () => {
    const { inv } = await load({ 'hosts.ini': '[top:children]\nmid\n[mid:children]\nleaf\n[leaf]\nh1\n' }, ['hosts.ini']);
    expect(inv.groups.get('top')!.children).toEqual(['mid']);
    expect(inv.groups.get('mid')!.children).toEqual(['leaf']);
    expect(inv.groups.get('all')!.children).toEqual(['ungrouped', 'top']);
  });

  it('a [group:vars] before the group, declared later, keeps its variables', async () => {
    const { inv } = await load({ 'hosts.ini': '[web:vars]\na=1\n[web]\nh1\n' }, ['hosts.ini']);
    expect(inv.groups.get('web')!.vars).toEqual({ a: 1 });
    expect(hostsOf(inv, 'web')).toEqual(['h1']);
  });
});

describe('inventory listing details', () => {
  it('numbers print as Python json.dumps prints them, NaN and the infinities included', async () => {
    const { formatJson } = await import('../src/inventory/index.js');
    expect(formatJson({ a: NaN, b: Infinity, c: -Infinity, d: new Set([1, 2]), e: null, f: undefined })).toBe(
      '{\n    "a": NaN,\n    "b": Infinity,\n    "c": -Infinity,\n    "d": [\n        1,\n        2\n    ],\n    "e": null,\n    "f": null\n}',
    );
  });

  it('--host needs exactly one host, and --graph a group, each saying what to give', async () => {
    const { inventoryHost, inventoryGraph } = await import('../src/inventory/index.js');
    const { inv } = await load({ 'hosts.ini': '[web]\nw1\nw2\n' }, ['hosts.ini']);
    expect(() => inventoryHost(inv, 'web')).toThrow('--host needs a pattern matching exactly one host; "web" matches 2');
    try {
      inventoryHost(inv, 'nothing');
      expect.unreachable();
    } catch (e) {
      expect((e as InventoryError).context).toEqual({ hint: 'give the inventory name of one host (see --list or --graph)' });
    }
    try {
      inventoryGraph(inv, 'w1');
      expect.unreachable();
    } catch (e) {
      expect((e as InventoryError).message).toBe('--graph needs a group name; "w1" is not a group of this inventory');
      expect((e as InventoryError).context).toEqual({ hint: 'groups: all, ungrouped, web' });
    }
  });

  it('--list leaves out empty sections and groups, and hosts without variables from hostvars', async () => {
    const { inventoryList } = await import('../src/inventory/index.js');
    const { inv } = await load({ 'hosts.ini': '[web]\nw1 a=1\nw2\n[empty]\n' }, ['hosts.ini']);
    expect(inventoryList(inv)).toEqual({
      _meta: { hostvars: { w1: { a: 1 } } },
      all: { children: ['ungrouped', 'web', 'empty'] },
      web: { hosts: ['w1', 'w2'] },
    });
    expect(inventoryList(inv, { export: true })).toEqual({
      _meta: { hostvars: { w1: { a: 1 } } },
      all: { children: ['ungrouped', 'web', 'empty'] },
      web: { hosts: ['w1', 'w2'] },
    });
  });
});
