import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import {
  limitPatterns,
  loadInventory,
  matchHosts,
  requireHosts,
  selectHosts,
  splitHostPattern,
  type Inventory,
} from '../src/inventory/index.js';

const FIX = join(import.meta.dirname, 'fixtures/inventory');
const PAT = join(FIX, 'patterns');

/** What `ansible -i patterns/hosts PATTERN --list-hosts` printed (ansible-core 2.14), for each pattern. */
const expected = JSON.parse(readFileSync(join(FIX, 'expected/patterns.hosts.json'), 'utf8')) as {
  patterns: Record<string, string[]>;
  limits: Record<string, string[]>;
};

let inv: Inventory;
beforeAll(async () => {
  inv = await loadInventory([join(PAT, 'hosts')]);
});

describe('host patterns', () => {
  it('split on commas, else on colons outside brackets, IPv6 and host:port kept whole', () => {
    expect(splitHostPattern('web:db')).toEqual(['web', 'db']);
    expect(splitHostPattern(' web , db ')).toEqual(['web', 'db']);
    expect(splitHostPattern('web:!db:&staging')).toEqual(['web', '!db', '&staging']);
    expect(splitHostPattern('web[1:3]:db')).toEqual(['web[1:3]', 'db']);
    expect(splitHostPattern('web[1:3]')).toEqual(['web[1:3]']);
    expect(splitHostPattern('fe80::1')).toEqual(['fe80::1']);
    expect(splitHostPattern('host:2222')).toEqual(['host:2222']);
    expect(splitHostPattern('a:b,c')).toEqual(['a:b', 'c']);
    expect(splitHostPattern(['web', 'db:x'])).toEqual(['web', 'db', 'x']);
  });

  for (const [pattern, hosts] of Object.entries(expected.patterns)) {
    it(`"${pattern}" selects what Ansible selects`, () => {
      expect(matchHosts(inv, pattern).hosts).toEqual(hosts);
    });
  }

  it('covers every operator with explicit results', () => {
    expect(matchHosts(inv, 'web:&staging').hosts).toEqual(['web3.example.com']);
    expect(matchHosts(inv, 'web:!staging').hosts).toEqual(['web1.example.com', 'web2.example.com']);
    // unions first, then intersections, then exclusions, whatever the written order
    expect(matchHosts(inv, '!staging:web').hosts).toEqual(['web1.example.com', 'web2.example.com']);
    expect(matchHosts(inv, 'web[0]').hosts).toEqual(['web1.example.com']);
    expect(matchHosts(inv, 'web[-1]').hosts).toEqual(['web3.example.com']);
    // subscript ranges include both ends
    expect(matchHosts(inv, 'web[0:1]').hosts).toEqual(['web1.example.com', 'web2.example.com']);
    expect(matchHosts(inv, '~^db[0-9]$').hosts).toEqual(['db1', 'db2', 'db3']);
    expect(matchHosts(inv, '*.example.com').hosts).toEqual(['web1.example.com', 'web2.example.com', 'web3.example.com']);
    expect(matchHosts(inv, '10.0.0.*').hosts).toEqual(['10.0.0.5']);
  });

  it('warns about the old [x-y] subscript', () => {
    const r = matchHosts(inv, 'web[0-1]');
    expect(r.hosts).toEqual(['web1.example.com', 'web2.example.com']);
    expect(r.warnings[0]).toMatch(/\[x:y\]/);
  });

  it('reports the parts that matched nothing', () => {
    expect(matchHosts(inv, 'web,nosuch,!alsonot').unmatched).toEqual(['nosuch', '!alsonot']);
    expect(matchHosts(inv, 'db[5]').unmatched).toEqual(['db[5]']);
    // an empty group matches (nothing), it is not "unmatched"
    expect(matchHosts(inv, 'web:&staging:&dbreplica').unmatched).toEqual([]);
    expect(matchHosts(inv, 'all').unmatched).toEqual([]);
  });

  it('gives the implicit localhost only when named and not defined, and only once', () => {
    expect(matchHosts(inv, 'all').hosts).not.toContain('localhost');
    expect(matchHosts(inv, 'localhost:127.0.0.1').hosts).toEqual(['localhost']);
    expect(matchHosts(inv, '127.0.0.1').hosts).toEqual(['127.0.0.1']);
    expect(matchHosts(inv, 'local*').hosts).toEqual([]);
  });

  it('refuses an invalid regex with a UsageError', () => {
    expect(() => matchHosts(inv, '~web(')).toThrow(UsageError);
  });
});

describe('--limit', () => {
  for (const [key, hosts] of Object.entries(expected.limits)) {
    const [pattern, limit] = key.split(' --limit ') as [string, string];
    it(`${pattern} --limit ${limit} selects what Ansible selects`, () => {
      const l = limit.startsWith('@') ? `@${join(PAT, limit.slice(1))}` : limit;
      expect(selectHosts(inv, pattern, l).hosts).toEqual(hosts);
    });
  }

  it('reads @file relative to cwd, one pattern a line, blank lines ignored', () => {
    expect(limitPatterns('@retry.txt,web[0]', PAT)).toEqual(['web1.example.com', 'db3', 'web[0]']);
    expect(selectHosts(inv, 'all', ['@retry.txt'], { cwd: PAT }).hosts).toEqual(['web1.example.com', 'db3']);
    expect(matchHosts(inv, 'all', { limit: '@retry.txt', cwd: PAT }).hosts).toEqual(['web1.example.com', 'db3']);
  });

  it('treats an empty limit as none', () => {
    expect(selectHosts(inv, 'web', []).hosts).toHaveLength(3);
    expect(selectHosts(inv, 'web', '').hosts).toHaveLength(3);
  });

  it('fails clearly on a missing @file', () => {
    expect(() => limitPatterns('@nope.txt', PAT)).toThrow(/cannot read the --limit file .*nope.txt: no such file/);
    expect(() => limitPatterns(`@${PAT}`, PAT)).toThrow(/must name a file, not a directory/);
  });
});

describe('requireHosts', () => {
  it('returns the hosts when there are some', () => {
    expect(requireHosts(inv, 'db')).toEqual(['db1', 'db2', 'web1.example.com']);
  });

  it('throws a UsageError naming what matched nothing', () => {
    let err: unknown;
    try {
      requireHosts(inv, 'nosuch:alsonot');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    const e = err as UsageError;
    expect(e.message).toBe('no hosts matched the pattern "nosuch:alsonot": nothing matches "nosuch", "alsonot"');
    expect(e.describe()).toMatch(/hint: groups in this inventory: web, db, dbreplica, staging, backend/);
  });

  it('says when the limit is what left no host', () => {
    expect(() => requireHosts(inv, 'web', 'db2')).toThrow(
      'no hosts matched the pattern "web" with --limit "db2": --limit "db2" leaves none of the hosts "web" selects',
    );
    expect(() => requireHosts(inv, 'web:&dbreplica')).toThrow(/"web:&dbreplica" selects no host/);
  });
});

describe('hand-built inventories', () => {
  it('still treat "all" as every host when the implicit groups are missing', () => {
    const bare: Inventory = {
      hosts: new Map([
        ['a', { name: 'a', vars: {} }],
        ['b', { name: 'b', vars: { x: 1 } }],
      ]),
      groups: new Map([['g', { name: 'g', hosts: ['b'], children: [], vars: {} }]]),
      sources: [],
    };
    expect(matchHosts(bare, 'all').hosts).toEqual(['a', 'b']);
    expect(matchHosts(bare, 'all:!g').hosts).toEqual(['a']);
    expect(matchHosts(bare, 'g').hosts).toEqual(['b']);
  });
});
