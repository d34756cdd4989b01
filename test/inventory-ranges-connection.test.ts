// Host ranges (Ansible's _expand_hostpattern and expand_hostname_range) and the connection
// variables of a host, each form and each refusal checked exactly.
import { describe, expect, it } from 'vitest';
import { InventoryError } from '../src/errors.js';
import { connectionVars, toBoolean } from '../src/inventory/connection.js';
import { HostPatternError, MAX_RANGE_HOSTS, expandHostPattern, expandHostRange, parseAddress } from '../src/inventory/ranges.js';

function refusal(pattern: string): HostPatternError {
  try {
    expandHostRange(pattern);
  } catch (e) {
    expect(e).toBeInstanceOf(HostPatternError);
    return e as HostPatternError;
  }
  throw new Error(`${pattern} was accepted`);
}

function thrown(f: () => unknown): InventoryError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InventoryError);
    return e as InventoryError;
  }
  throw new Error('nothing was thrown');
}

describe('host ranges', () => {
  it.each([
    ['web', ['web']],
    ['[1:3]', ['1', '2', '3']],
    ['w[1:3]x', ['w1x', 'w2x', 'w3x']],
    ['w[08:10]', ['w08', 'w09', 'w10']],
    ['w[0:2]', ['w0', 'w1', 'w2']],
    ['w[9:10]', ['w9', 'w10']],
    ['w[:2]', ['w0', 'w1', 'w2']],
    ['w[1:7:3]', ['w1', 'w4', 'w7']],
    ['w[1:8:3]', ['w1', 'w4', 'w7']],
    ['w[3:3]', ['w3']],
    ['w[a:c]', ['wa', 'wb', 'wc']],
    ['w[a:a]', ['wa']],
    ['w[A:C]', ['wA', 'wB', 'wC']],
    ['w[x:B]', ['wx', 'wy', 'wz', 'wA', 'wB']],
    ['w[a:e:2]', ['wa', 'wc', 'we']],
    ['w[1:2]-[a:b]', ['w1-a', 'w1-b', 'w2-a', 'w2-b']],
    ['w[1:2]-[1:2].x', ['w1-1.x', 'w1-2.x', 'w2-1.x', 'w2-2.x']],
  ])('%s', (pattern, hosts) => {
    expect(expandHostRange(pattern)).toEqual(hosts);
  });

  it.each([
    ['w[1:3', "unterminated range in host pattern 'w[1:3': '[' without a closing ']'", 'write a range as name[01:20], name[1:20:2] or name[a:f]'],
    ['[1:3', "unterminated range in host pattern '[1:3': '[' without a closing ']'", 'write a range as name[01:20], name[1:20:2] or name[a:f]'],
    ['w]x[1:2]', "']' before '[' in host pattern 'w]x[1:2]'", 'write a range as name[01:20]'],
    ['w[1]', "bad host range '[1]' in 'w[1]': a range must be begin:end or begin:end:step", 'for example web[01:20] or web[1:20:2]'],
    ['w[1:2:3:4]', "bad host range '[1:2:3:4]' in 'w[1:2:3:4]': a range must be begin:end or begin:end:step", 'for example web[01:20] or web[1:20:2]'],
    ['w[1:]', "bad host range '[1:]' in 'w[1:]': the range has no end value", 'for example web[01:20]'],
    ['w[1:5:0]', "bad host range '[1:5:0]' in 'w[1:5:0]': the step '0' must be a whole number above 0", undefined],
    ['w[1:5:x2]', "bad host range '[1:5:x2]' in 'w[1:5:x2]': the step 'x2' must be a whole number above 0", undefined],
    ['w[1:5:2x]', "bad host range '[1:5:2x]' in 'w[1:5:2x]': the step '2x' must be a whole number above 0", undefined],
    ['w[1:5:22]', undefined, undefined],
    ['w[c:a]', "bad host range '[c:a]' in 'w[c:a]': the begin 'c' comes after the end 'a'", undefined],
    ['w[1:a]', "bad host range '[1:a]' in 'w[1:a]': begin and end must both be numbers or both single letters", 'for example web[01:20] or db-[a:f]'],
    ['w[a1:3]', "bad host range '[a1:3]' in 'w[a1:3]': begin and end must both be numbers or both single letters", 'for example web[01:20] or db-[a:f]'],
    ['w[1a:3]', "bad host range '[1a:3]' in 'w[1a:3]': begin and end must both be numbers or both single letters", 'for example web[01:20] or db-[a:f]'],
    ['w[1:3a]', "bad host range '[1:3a]' in 'w[1:3a]': begin and end must both be numbers or both single letters", 'for example web[01:20] or db-[a:f]'],
    ['w[1:a3]', "bad host range '[1:a3]' in 'w[1:a3]': begin and end must both be numbers or both single letters", 'for example web[01:20] or db-[a:f]'],
    ['w[01:5]', "bad host range '[01:5]' in 'w[01:5]': with leading zeros, begin and end must have the same number of digits", 'write [01:05]'],
    ['w[5:3]', "bad host range '[5:3]' in 'w[5:3]': the begin 5 is greater than the end 3", undefined],
  ])('%s is refused as Ansible refuses it', (pattern, message, hint) => {
    if (message === undefined) {
      expect(expandHostRange(pattern)).toEqual(['w1']);
      return;
    }
    const e = refusal(pattern);
    expect(e.message).toBe(message);
    expect(e.hint).toBe(hint);
    expect(e.name).toBe('HostPatternError');
  });

  it('a single zero or a single digit is not a leading zero', () => {
    expect(expandHostRange('w[0:10:5]')).toEqual(['w0', 'w5', 'w10']);
    expect(expandHostRange('w[000:002]')).toEqual(['w000', 'w001', 'w002']);
  });

  it(`refuses a range of more than ${MAX_RANGE_HOSTS} hosts before making any`, () => {
    expect(refusal(`w[1:${MAX_RANGE_HOSTS + 1}]`).message).toBe(`host range '[1:${MAX_RANGE_HOSTS + 1}]' in 'w[1:${MAX_RANGE_HOSTS + 1}]' would make more than ${MAX_RANGE_HOSTS} hosts`);
    expect(expandHostRange(`w[2:${MAX_RANGE_HOSTS + 1}:2]`)).toHaveLength(MAX_RANGE_HOSTS / 2);
  });

  it('counts the hosts of nested ranges together', () => {
    expect(refusal('w[1:1001]-[1:1000]').message).toBe(`host pattern 'w[1:1001]-[1:1000]' would make more than ${MAX_RANGE_HOSTS} hosts`);
    expect(expandHostRange('w[1:1000]-[1:1000]')).toHaveLength(MAX_RANGE_HOSTS);
  });
});

describe('host entries with a port', () => {
  it.each([
    ['db1', { hosts: ['db1'] }],
    ['db1:2222', { hosts: ['db1'], port: 2222 }],
    ['db[1:2]:2222', { hosts: ['db1', 'db2'], port: 2222 }],
    ['[::1]:22', { hosts: ['::1'], port: 22 }],
    ['192.0.2.1', { hosts: ['192.0.2.1'] }],
  ])('%s', (pattern, expected) => {
    const got = expandHostPattern(pattern);
    expect(got).toEqual(expected);
    expect('port' in got).toBe('port' in expected);
  });

  it('parseAddress keeps a port only where one was given', () => {
    expect(parseAddress('h1', false)).toEqual({ host: 'h1' });
    expect('port' in parseAddress('h1', false)!).toBe(false);
    expect(parseAddress('h1:80', false)).toEqual({ host: 'h1', port: 80 });
  });
});

describe('connection variables', () => {
  it('strings: numbers and booleans become text, anything else is refused naming the variable and host', () => {
    expect(connectionVars({ ansible_user: 'deploy' })).toEqual({ user: 'deploy' });
    expect(connectionVars({ ansible_user: 1000 })).toEqual({ user: '1000' });
    expect(connectionVars({ ansible_password: true })).toEqual({ password: 'true' });
    try {
      connectionVars({ ansible_user: ['a'] }, 'web1');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InventoryError);
      expect((e as InventoryError).message).toBe('ansible_user must be a string, got ["a"]');
      expect((e as InventoryError).context.host).toBe('web1');
    }
  });

  it('booleans take the words Ansible takes, in any case and with spaces around', () => {
    for (const [v, b] of [
      [' Yes ', true],
      ['ON', true],
      ['t', true],
      [1, true],
      ['No', false],
      [' off', false],
      [0, false],
      ['F', false],
    ] as const) {
      expect(toBoolean(v), JSON.stringify(v)).toBe(b);
      expect(connectionVars({ ansible_become: v }).become, JSON.stringify(v)).toBe(b);
    }
    for (const v of ['maybe', 2, '', null]) expect(toBoolean(v), JSON.stringify(v)).toBeUndefined();
  });

  it('a boolean that is not one is refused with the words to use', () => {
    try {
      connectionVars({ ansible_become: 'maybe' }, 'h');
      expect.unreachable();
    } catch (e) {
      expect((e as InventoryError).message).toBe('ansible_become must be a boolean, got "maybe"');
      expect((e as InventoryError).context).toEqual({ host: 'h', hint: 'use yes/no, true/false or 1/0' });
    }
  });

  it('host key checking: booleans map to strict/off, and fleet also takes strict, accept-new and off', () => {
    const mode = (v: unknown) => connectionVars({ ansible_host_key_checking: v }).hostKeyChecking;
    expect(mode(true)).toBe('strict');
    expect(mode('no')).toBe('off');
    expect(mode('strict')).toBe('strict');
    expect(mode('accept-new')).toBe('accept-new');
    expect(mode('off')).toBe('off');
    try {
      mode('sometimes');
      expect.unreachable();
    } catch (e) {
      expect((e as InventoryError).message).toBe('ansible_host_key_checking must be a boolean (or strict, accept-new, off), got "sometimes"');
      expect((e as InventoryError).context.hint).toBe('use yes/no, true/false or 1/0 as Ansible does; fleet also takes accept-new');
    }
  });

  it.each([
    [22, 22],
    ['2222', 2222],
    [' 80 ', 80],
    [1, 1],
    [65535, 65535],
  ])('port %j is %d', (v, n) => {
    expect(connectionVars({ ansible_port: v }).port).toBe(n);
  });

  it.each([0, 65536, 22.5, 'notaport', '', '  ', -1, true])('port %j is refused', (v) => {
    const e = thrown(() => connectionVars({ ansible_port: v }, 'h'));
    expect(e.message).toBe(`ansible_port must be a port number (1-65535), got ${JSON.stringify(v)}`);
    expect(e.context).toEqual({ host: 'h' });
  });

  it.each([
    [10, 10],
    ['2.5', 2.5],
    [0, 0],
  ])('timeout %j is %d seconds', (v, n) => {
    expect(connectionVars({ ansible_timeout: v }).timeout).toBe(n);
  });

  it.each([-1, 'soon', '', Infinity])('timeout %j is refused', (v) => {
    expect(thrown(() => connectionVars({ ansible_timeout: v })).message).toBe(`ansible_timeout must be a number, got ${JSON.stringify(v)}`);
  });

  it('the later name wins, fleet_ over ansible_, and null or unset names are left out', () => {
    expect(connectionVars({ fleet_port: 3, ansible_port: 1, ansible_ssh_port: 2 })).toEqual({ port: 3 });
    expect(connectionVars({ ansible_port: 1, ansible_ssh_port: null })).toEqual({ port: 1 });
    expect(connectionVars({})).toEqual({});
  });
});
