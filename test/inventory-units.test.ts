import { describe, expect, it } from 'vitest';
import { InventoryError } from '../src/errors.js';
import { connectionVars, expandHostPattern, expandHostRange, parseAddress, toBoolean } from '../src/inventory/index.js';
import { literalEval, pyRepr, pyStr } from '../src/inventory/pyliteral.js';
import { HostPatternError } from '../src/inventory/ranges.js';
import { shlexSplit as split } from '../src/util/shlex.js';

const shlexSplit = (line: string): string[] => split(line, { comments: true });

describe('host ranges', () => {
  it('expands numbers, keeping the width of leading zeros', () => {
    expect(expandHostRange('web[01:03]')).toEqual(['web01', 'web02', 'web03']);
    expect(expandHostRange('web[8:11]')).toEqual(['web8', 'web9', 'web10', 'web11']);
    expect(expandHostRange('web[008:011]')).toEqual(['web008', 'web009', 'web010', 'web011']);
    expect(expandHostRange('web[:2]')).toEqual(['web0', 'web1', 'web2']);
  });

  it('expands strides and letters, end included', () => {
    expect(expandHostRange('node[1:10:3]')).toEqual(['node1', 'node4', 'node7', 'node10']);
    expect(expandHostRange('node[01:10:4]')).toEqual(['node01', 'node05', 'node09']);
    expect(expandHostRange('db-[a:f]')).toEqual(['db-a', 'db-b', 'db-c', 'db-d', 'db-e', 'db-f']);
    expect(expandHostRange('db-[a:e:2]')).toEqual(['db-a', 'db-c', 'db-e']);
    expect(expandHostRange('x[y:B]')).toEqual(['xy', 'xz', 'xA', 'xB']);
  });

  it('expands several ranges, left to right', () => {
    expect(expandHostRange('r[1:2]-n[a:b].lan')).toEqual(['r1-na.lan', 'r1-nb.lan', 'r2-na.lan', 'r2-nb.lan']);
  });

  it('refuses bad ranges with a message and no hosts', () => {
    const bad = ['web[1:3', 'web[1]', 'web[1:2:3:4]', 'web[1:]', 'web[01:100]', 'web[5:1]', 'web[c:a]', 'web[a:3]', 'web[1:3:0]', 'web[x1:x3]'];
    for (const p of bad) expect(() => expandHostRange(p), p).toThrow(HostPatternError);
    expect(() => expandHostRange('web[5:1]')).toThrow(/the begin 5 is greater than the end 1/);
    expect(() => expandHostRange('n[1:99999999]')).toThrow(/more than 1000000 hosts/);
  });

  it('splits host:port and bracketed IPv6, as Ansible parse_address', () => {
    expect(parseAddress('web1:2222')).toEqual({ host: 'web1', port: 2222 });
    expect(parseAddress('[::1]:22')).toEqual({ host: '::1', port: 22 });
    expect(parseAddress('fe80::1')).toEqual({ host: 'fe80::1' });
    expect(parseAddress('192.0.2.1:80')).toEqual({ host: '192.0.2.1', port: 80 });
    expect(parseAddress('web[1:3]:22')).toBeUndefined();
    expect(parseAddress('web[1:3]:22', true)).toEqual({ host: 'web[1:3]', port: 22 });
    expect(parseAddress('bad_:22')).toBeUndefined();
    expect(parseAddress('wéb1.exämple.com')).toEqual({ host: 'wéb1.exämple.com' });
    expect(expandHostPattern('web[1:2].lan:2200')).toEqual({ hosts: ['web1.lan', 'web2.lan'], port: 2200 });
    // not a valid address: kept whole, as Ansible does
    expect(expandHostPattern('odd_:22')).toEqual({ hosts: ['odd_:22'] });
  });
});

describe('Python literals (INI values)', () => {
  it('evaluates what ast.literal_eval accepts', () => {
    const cases: Array<[string, unknown]> = [
      ['42', 42],
      ['-7', -7],
      ['+5', 5],
      ['1_000', 1000],
      ['00', 0],
      ['0x1F', 31],
      ['0o17', 15],
      ['0B11', 3],
      ['1.5', 1.5],
      ['1.', 1],
      ['.5', 0.5],
      ['1e3', 1000],
      ['-1.5e-3', -0.0015],
      ['True', true],
      ['False', false],
      ['None', null],
      ["'a' 'b'", 'ab'],
      ["'\\x41\\n'", 'A\n'],
      ["r'\\n'", '\\n'],
      ["'''tri'''", 'tri'],
      ['"\\u00e9"', 'é'],
      ['"a\\qb"', 'a\\qb'],
      ['[1, [2, (3,)]]', [1, [2, [3]]]],
      ['(1,2,)', [1, 2]],
      ['1,2', [1, 2]],
      ['(1)', 1],
      ['()', []],
      ['{}', {}],
      ["{'a':1,}", { a: 1 }],
      ['{1,2}', [1, 2]],
      ['{True: 1, None: 2, 3: 4}', { true: 1, null: 2, '3': 4 }],
      ['5 # comment', 5],
      ['  7', 7],
    ];
    for (const [text, value] of cases) expect(literalEval(text), text).toEqual(value);
  });

  it('leaves anything else as the original text', () => {
    for (const text of ['0777', '1__0', '0_7', '--5', '-True', 'true', 'yes', 'FALSE', 'a b', '10.0.0.1', '1.2.3', '1j', 'f"x"', '[1, 2', "'open", '1+2', 'inf', '/etc/hosts', '', 'x=1', '05']) {
      expect(literalEval(text), text).toBe(text);
    }
  });

  it('prints values as Python str() does', () => {
    expect(pyStr('plain')).toBe('plain');
    expect(pyStr(true)).toBe('True');
    expect(pyStr(null)).toBe('None');
    expect(pyStr(1.5)).toBe('1.5');
    expect(pyStr([1, 'a', null, false])).toBe("[1, 'a', None, False]");
    expect(pyStr({ k: "it's", n: { x: [] } })).toBe(`{'k': "it's", 'n': {'x': []}}`);
    expect(pyRepr('a\nb\\')).toBe("'a\\nb\\\\'");
    expect(pyRepr('both \' and "')).toBe(`'both \\' and "'`);
  });
});

describe('shlex split (INI host lines)', () => {
  it('splits like Python shlex.split(comments=True)', () => {
    expect(shlexSplit('h1 a=1 b="x y" c=\'p q\'')).toEqual(['h1', 'a=1', 'b=x y', 'c=p q']);
    expect(shlexSplit('h1 a=x#y b=2')).toEqual(['h1', 'a=x']);
    expect(shlexSplit('h1 a="x#y" # c')).toEqual(['h1', 'a=x#y']);
    expect(shlexSplit('h1 a=b\\ c d="e\\"f" g="h\\i"')).toEqual(['h1', 'a=b c', 'd=e"f', 'g=h\\i']);
    expect(shlexSplit("h1 e='' f=\"\"")).toEqual(['h1', 'e=', 'f=']);
    expect(shlexSplit('h1 a="x"\'y\'z')).toEqual(['h1', 'a=xyz']);
    expect(() => shlexSplit('h1 a="x')).toThrow('No closing quotation');
    expect(() => shlexSplit('h1 a=\\')).toThrow('No escaped character');
  });
});

describe('connectionVars', () => {
  it('reads ansible_* names and converts numbers and booleans', () => {
    expect(
      connectionVars({
        ansible_host: '10.0.0.1',
        ansible_port: '2222',
        ansible_user: 'deploy',
        ansible_password: 'pw',
        ansible_ssh_private_key_file: '~/.ssh/id',
        ansible_ssh_common_args: '-o ProxyJump=bastion',
        ansible_ssh_extra_args: '-v',
        ansible_connection: 'ssh',
        ansible_become: 'yes',
        ansible_become_user: 'postgres',
        ansible_become_method: 'sudo',
        ansible_become_password: 'sudo-pw',
        ansible_become_exe: '/usr/bin/sudo',
        ansible_become_flags: '-H -S',
        ansible_host_key_checking: 'False',
        ansible_ssh_timeout: '30',
        ansible_python_interpreter: '/usr/bin/python3',
        unrelated: 1,
      }),
    ).toEqual({
      host: '10.0.0.1',
      port: 2222,
      user: 'deploy',
      password: 'pw',
      privateKeyFile: '~/.ssh/id',
      sshCommonArgs: '-o ProxyJump=bastion',
      sshExtraArgs: '-v',
      connection: 'ssh',
      become: true,
      becomeUser: 'postgres',
      becomeMethod: 'sudo',
      becomePassword: 'sudo-pw',
      becomeExe: '/usr/bin/sudo',
      becomeFlags: '-H -S',
      hostKeyChecking: 'off',
      timeout: 30,
      pythonInterpreter: '/usr/bin/python3',
    });
  });

  it('honours the old ansible_ssh_* names (they win, as in Ansible) and fleet_* (they win over all)', () => {
    expect(connectionVars({ ansible_host: 'a', ansible_ssh_host: 'b' }).host).toBe('b');
    expect(connectionVars({ ansible_ssh_port: 2200 }).port).toBe(2200);
    expect(connectionVars({ ansible_ssh_user: 'u' }).user).toBe('u');
    expect(connectionVars({ ansible_ssh_pass: 'p' }).password).toBe('p');
    expect(connectionVars({ ansible_sudo_pass: 's' }).becomePassword).toBe('s');
    expect(connectionVars({ ansible_host: 'a', ansible_ssh_host: 'b', fleet_host: 'c' }).host).toBe('c');
    expect(connectionVars({ ansible_port: 22, fleet_port: '2022' }).port).toBe(2022);
    expect(connectionVars({ fleet_user: 'me', fleet_become: 'on', fleet_host_key_checking: 'accept-new' })).toEqual({
      user: 'me',
      become: true,
      hostKeyChecking: 'accept-new',
    });
    // null means unset
    expect(connectionVars({ ansible_user: 'a', ansible_ssh_user: null })).toEqual({ user: 'a' });
  });

  it("uses Ansible's boolean words in any case", () => {
    for (const t of [true, 1, 'yes', 'YES', 'y', 'on', 'True', 'true', 't', '1']) expect(toBoolean(t), String(t)).toBe(true);
    for (const f of [false, 0, 'no', 'No', 'n', 'off', 'FALSE', 'f', '0']) expect(toBoolean(f), String(f)).toBe(false);
    for (const x of ['maybe', 2, null, '']) expect(toBoolean(x), String(x)).toBeUndefined();
    expect(connectionVars({ ansible_host_key_checking: true }).hostKeyChecking).toBe('strict');
  });

  it('fails clearly on a wrong type, naming the variable and the host', () => {
    expect(() => connectionVars({ ansible_port: 'ssh' }, 'web1')).toThrow(InventoryError);
    expect(() => connectionVars({ ansible_port: 70000 })).toThrow(/ansible_port must be a port number \(1-65535\), got 70000/);
    expect(() => connectionVars({ ansible_become: 'maybe' })).toThrow(/ansible_become must be a boolean, got "maybe"/);
    try {
      connectionVars({ ansible_port: 'x' }, 'web1');
    } catch (e) {
      expect((e as InventoryError).describe()).toMatch(/^host web1: ansible_port must be a port number/);
    }
  });
});
