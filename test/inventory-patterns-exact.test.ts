// Host pattern details checked exactly: shell globs against Python's own fnmatch (what Ansible
// uses), Python-style regexes, subscripts, --limit files and the message when nothing matches.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { InventoryBuilder } from '../src/inventory/builder.js';
import { limitPatterns, matchHosts, requireHosts, splitHostPattern } from '../src/inventory/index.js';
import type { Inventory } from '../src/inventory/model.js';
import { fnmatchRegExp } from '../src/util/fnmatch.js';

const GLOBS = ['[c-a]x', '[a-]x', '[-a]x', '[!-]x', '[a-c-e]x', '[b-a-c]x', '[z-a]', '[!z-a]', '[\\-a]x', 'a**b', '*', 'web*', 'w?b', '[ab]x', '[!ab]x', '[^a]x', '[]]x', '[!]]x', '[a-c]x', '[x', 'x]', 'a[', '[]', '[!]', '[\\]x', 'a.b', 'a+b', '(a)', '*[0-9]', 'w[[]x', '$x', '{a,b}'];
const NAMES = ['-x', 'dx', 'ex', 'z', 'ab', 'aXb', '-', 'web', 'webx', 'wab', 'w.b', 'ax', 'bx', 'cx', '^x', ']x', '!x', 'x', 'x]', 'a[', '[x', '[]', '[!]', '\\x', 'a.b', 'axb', 'a+b', 'aab', '(a)', 'a', 'n5', 'n', 'w[x', '$x', '{a,b}', 'a', 'line\nbreak'];

describe('shell globs match as Python fnmatchcase does', () => {
  const script = [
    'import fnmatch, json, sys',
    'globs, names = json.load(sys.stdin)',
    'print(json.dumps([[fnmatch.fnmatchcase(n, g) for n in names] for g in globs]))',
  ].join('\n');
  const python: boolean[][] = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify([GLOBS, NAMES]) }).toString());
  GLOBS.forEach((glob, i) => {
    it(JSON.stringify(glob), () => {
      const re = fnmatchRegExp(glob);
      expect(NAMES.map((n) => re.test(n))).toEqual(python[i]);
    });
  });
});

function inventory(groups: Record<string, string[]>, extraGroups: string[] = []): Inventory {
  const b = new InventoryBuilder();
  for (const [g, hosts] of Object.entries(groups)) {
    b.addGroup(g);
    for (const h of hosts) b.addHost(h, g, undefined);
  }
  for (const g of extraGroups) b.addGroup(g);
  b.reconcile();
  return b.build();
}

const INV = inventory({ web: ['web1', 'web2', 'web3'], db: ['db1', 'web2'], cache: ['c1'] });

describe('patterns', () => {
  it('an IPv6 address or host:port is one part; spaces around parts go', () => {
    expect(splitHostPattern('fe80::1')).toEqual(['fe80::1']);
    expect(splitHostPattern('web1:22')).toEqual(['web1:22']);
    expect(splitHostPattern(' web : db ')).toEqual(['web', 'db']);
    expect(splitHostPattern(' web , , db ')).toEqual(['web', 'db']);
    expect(splitHostPattern('web[0:1]:db')).toEqual(['web[0:1]', 'db']);
  });

  it('a Python regex with named groups and backreferences', () => {
    expect(matchHosts(INV, '~(?P<k>w)eb(?P=k)?[12]').hosts).toEqual(['web1', 'web2']);
    expect(matchHosts(INV, '~eb').hosts).toEqual([]);
  });

  it('a glob with a character class matches host names as well as group names', () => {
    expect(matchHosts(INV, 'web[!2]').hosts).toEqual(['web1', 'web3']);
    // as in Ansible, web[13] is a subscript (the 14th host of web), not a character class
    expect(matchHosts(INV, 'web[13]').hosts).toEqual([]);
    expect(matchHosts(INV, 'd?').hosts).toEqual(['db1', 'web2']);
    expect(matchHosts(INV, 'c1').hosts).toEqual(['c1']);
  });

  it('a host pattern that exactly names a host wins over globbing', () => {
    const odd = inventory({ g: ['a*', 'ab'] });
    expect(matchHosts(odd, 'a*').hosts).toEqual(['a*']);
    expect(matchHosts(odd, 'a?').hosts).toEqual(['a*', 'ab']);
    expect(matchHosts(odd, 'a[!*]').hosts).toEqual(['ab']);
  });

  it('intersections and exclusions apply after every union, whatever the order', () => {
    expect(matchHosts(INV, '&db:web').hosts).toEqual(['web2']);
    expect(matchHosts(INV, '!db:web:cache').hosts).toEqual(['web1', 'web3', 'c1']);
    expect(matchHosts(INV, '!web').hosts).toEqual(['db1', 'c1']);
    expect(matchHosts(INV, 'web,db').hosts).toEqual(['web1', 'web2', 'web3', 'db1']);
  });

  it.each([
    ['web[0]', ['web1']],
    ['web[-1]', ['web3']],
    ['web[2]', ['web3']],
    ['web[3]', []],
    ['web[-4]', []],
    ['web[1:]', ['web2', 'web3']],
    ['web[0:1]', ['web1', 'web2']],
    ['web[1:2]', ['web2', 'web3']],
    ['web[0-1]', ['web1', 'web2']],
  ])('subscript %s', (pattern, hosts) => {
    const r = matchHosts(INV, pattern);
    expect(r.hosts).toEqual(hosts);
    expect(r.unmatched).toEqual(hosts.length ? [] : [pattern]);
    expect(r.warnings).toEqual(/\[\d+-\d*\]/.test(pattern) ? [`use [x:y] inclusive subscripts instead of [x-y] in "${pattern}"`] : []);
  });

  it('an invalid regex is a usage error with what to check', () => {
    try {
      matchHosts(INV, '~web(');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).message).toMatch(/^invalid host pattern ~web\(: /);
      expect((e as UsageError).context.hint).toBe('a pattern starting with ~ is a regular expression; check its brackets and escapes');
    }
  });

  it('a group that exists but is empty is not "unmatched"', () => {
    const inv = inventory({ web: ['w1'] }, ['empty']);
    expect(matchHosts(inv, 'empty')).toEqual({ hosts: [], unmatched: [], warnings: [] });
    expect(matchHosts(inv, 'nothing')).toEqual({ hosts: [], unmatched: ['nothing'], warnings: [] });
  });
});

describe('--limit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-limit-'));
  writeFileSync(join(dir, 'retry'), '  web1  \r\n\r\n db1\n');
  mkdirSync(join(dir, 'adir'));

  it('an @file is one pattern a line, trimmed, CRLF and blank lines ignored', () => {
    expect(limitPatterns('@retry:cache', dir)).toEqual(['web1', 'db1', 'cache']);
    expect(matchHosts(INV, 'all', { limit: '@retry', cwd: dir }).hosts).toEqual(['web1', 'db1']);
  });

  it('a missing @file and a directory are refused with what to write', () => {
    for (const [arg, message] of [
      ['@nope', `cannot read the --limit file ${join(dir, 'nope')}: no such file`],
      ['@adir', `a --limit starting with "@" must name a file, not a directory: ${join(dir, 'adir')}`],
    ] as const) {
      try {
        limitPatterns(arg, dir);
        expect.unreachable();
      } catch (e) {
        expect((e as UsageError).message).toBe(message);
        expect((e as UsageError).context).toEqual({ file: join(dir, arg.slice(1)), hint: 'write --limit @FILE with one host name a line (a .retry file works)' });
      }
    }
  });

  it('a limit of only blanks is no limit, as a string or a list', () => {
    expect(matchHosts(INV, 'web', { limit: '  ' }).hosts).toEqual(['web1', 'web2', 'web3']);
    expect(matchHosts(INV, 'web', { limit: [' ', ''] }).hosts).toEqual(['web1', 'web2', 'web3']);
    expect(matchHosts(INV, 'web', { limit: [' ', 'web1'] }).hosts).toEqual(['web1']);
  });
});

describe('no host matched: the message says why and what exists', () => {
  function message(inv: Inventory, pattern: string | string[], limit?: string | string[]): [string, string | undefined] {
    try {
      requireHosts(inv, pattern, limit);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return [(e as UsageError).message, (e as UsageError).context.hint];
    }
    throw new Error('hosts matched');
  }

  it('names the parts that matched nothing and the groups', () => {
    expect(message(INV, ['nope', 'none'])).toEqual([
      'no hosts matched the pattern "nope,none": nothing matches "nope", "none"',
      'groups in this inventory: web, db, cache; "fleet inventory --graph" shows them',
    ]);
  });

  it('says when the --limit is what left none, with the limit as given', () => {
    expect(message(INV, 'cache', ['web1', 'db1'])).toEqual([
      'no hosts matched the pattern "cache" with --limit "web1,db1": --limit "web1,db1" leaves none of the hosts "cache" selects',
      'groups in this inventory: web, db, cache; "fleet inventory --graph" shows them',
    ]);
  });

  it('an empty group selects no host', () => {
    const inv = inventory({ web: ['w1'] }, ['empty']);
    expect(message(inv, 'empty')[0]).toBe('no hosts matched the pattern "empty": "empty" selects no host');
  });

  it('lists ten groups at most', () => {
    const names = Array.from({ length: 11 }, (_, i) => `g${i}`);
    const inv = inventory(Object.fromEntries(names.map((g) => [g, [`h${g}`]])));
    expect(message(inv, 'x')[1]).toBe(`groups in this inventory: ${names.slice(0, 10).join(', ')}, ...; "fleet inventory --graph" shows them`);
    const ten = inventory(Object.fromEntries(names.slice(0, 10).map((g) => [g, [`h${g}`]])));
    expect(message(ten, 'x')[1]).toBe(`groups in this inventory: ${names.slice(0, 10).join(', ')}; "fleet inventory --graph" shows them`);
  });

  it('with no inventory, says only localhost is available', () => {
    expect(message(inventory({}), 'web')).toEqual([
      'no hosts matched the pattern "web": nothing matches "web"',
      'the inventory has no groups; "fleet inventory --graph" shows them (no inventory was given: only localhost is available)',
    ]);
  });
});
