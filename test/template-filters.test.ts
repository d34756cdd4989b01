import { describe, expect, it } from 'vitest';
import { TemplateError, createTemplar } from '../src/template/index.js';

const t = createTemplar({ baseDir: process.cwd() });
/** Evaluate as a bare expression (Python string escapes, as in `when:` or a template file). */
const e = (expr: string, vars: Record<string, unknown> = {}): unknown => t.evaluate(expr, vars);

function fails(expr: string, vars: Record<string, unknown> = {}): string {
  try {
    e(expr, vars);
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateError);
    return (err as Error).message;
  }
  throw new Error(`expected ${expr} to fail`);
}

describe('defaults and conversions', () => {
  it('default / d with the boolean argument, mandatory', () => {
    expect(e("x | default('a')")).toBe('a');
    expect(e("x | d('a')", { x: 'b' })).toBe('b');
    expect(e("x | default('a', true)", { x: '' })).toBe('a');
    expect(e("x | default('a', boolean=true)", { x: 0 })).toBe('a');
    expect(e("x | default('a')", { x: false })).toBe(false);
    expect(e('x | mandatory', { x: 1 })).toBe(1);
    expect(fails('x | mandatory')).toContain("Mandatory variable 'x' not defined.");
    expect(fails("x | mandatory('set x please')")).toContain('set x please');
  });

  it('bool, int, float, string, list, dict, items', () => {
    expect(['yes', 'on', '1', 'true', 'True', 'YES', 1, true].map((x) => e('x | bool', { x }))).toEqual(Array(8).fill(true));
    expect(['no', 'off', '0', 'false', 'nope', '', 0, null, 2].map((x) => e('x | bool', { x }))).toEqual(Array(9).fill(false));
    expect(e("'42' | int")).toBe(42);
    expect(e("'4.7' | int")).toBe(4);
    expect(e("'abc' | int")).toBe(0);
    expect(e("'abc' | int(7)")).toBe(7);
    expect(e("'0x1F' | int(base=16)")).toBe(31);
    expect(e("'101' | int(base=2)")).toBe(5);
    expect(e('true | int')).toBe(1);
    expect(e("'1.5' | float")).toBe(1.5);
    expect(e("'x' | float")).toBe(0);
    expect(e('[1, none, true] | string')).toBe('[1, None, True]');
    expect(e('123 | string')).toBe('123');
    expect(e("'ab' | list")).toEqual(['a', 'b']);
    expect(e("{'a': 1} | list")).toEqual(['a']);
    expect(e("[['a', 1], ['b', 2]] | dict")).toEqual({ a: 1, b: 2 });
    expect(e("{'a': 1, 'b': 2} | items")).toEqual([['a', 1], ['b', 2]]);
    expect(e('x | items', {})).toEqual([]);
  });

  it('ternary and type_debug', () => {
    expect(e("(status == 'needs_restart') | ternary('restart', 'continue')", { status: 'needs_restart' })).toBe('restart');
    expect(e("x | ternary('yes', 'no')", { x: [] })).toBe('no');
    expect(e("x | ternary('yes', 'no', 'null')", { x: null })).toBe('null');
    expect(e("x | ternary('yes', 'no')", { x: null })).toBe('no');
    expect(['a', 1, 1.5, true, null, [1], { a: 1 }].map((x) => e('x | type_debug', { x }))).toEqual(['str', 'int', 'float', 'bool', 'NoneType', 'list', 'dict']);
  });
});

describe('strings', () => {
  it('case, trim, replace, capitalize, title', () => {
    expect(e("'Hello' | lower")).toBe('hello');
    expect(e("'Hello' | upper")).toBe('HELLO');
    expect(e("'  hi  ' | trim")).toBe('hi');
    expect(e("'xxhixx' | trim('x')")).toBe('hi');
    expect(e("'aBC' | capitalize")).toBe('Abc');
    expect(e("'hello world-foo(bar' | title")).toBe('Hello World-Foo(Bar');
    expect(e("'aaa' | replace('a', 'b')")).toBe('bbb');
    expect(e("'aaa' | replace('a', 'b', 2)")).toBe('bba');
  });

  it('split and join', () => {
    expect(e("'jojo,pepe' | split(',')")).toEqual(['jojo', 'pepe']);
    expect(e("'a b  c' | split")).toEqual(['a', 'b', 'c']);
    expect(e("'a:b:c' | split(':', 1)")).toEqual(['a', 'b:c']);
    expect(e("['a', 1, none] | join(',')")).toBe('a,1,None');
    expect(e("[{'n': 'x'}, {'n': 'y'}] | join(' ', attribute='n')")).toBe('x y');
    expect(e("['a', 'b'] | join")).toBe('ab');
  });

  it('length / count, first / last, reverse, wordcount, center, indent, truncate, format', () => {
    expect(e("'abc' | length")).toBe(3);
    expect(e('[1, 2] | count')).toBe(2);
    expect(e("{'a': 1} | length")).toBe(1);
    expect(e('[4, 5] | first')).toBe(4);
    expect(e('[4, 5] | last')).toBe(5);
    expect(e("'abc' | first")).toBe('a');
    expect(fails('[] | first')).toContain('No first item, sequence was empty.');
    expect(e("'abc' | reverse")).toBe('cba');
    expect(e('[1, 2, 3] | reverse')).toEqual([3, 2, 1]);
    expect(e("'Hello World' | wordcount")).toBe(2);
    expect(e("'abc' | center(9)")).toBe('   abc   ');
    expect(e("'a\\nb\\n\\nc' | indent(2)")).toBe('a\n  b\n\n  c');
    expect(e("'a\\nb' | indent(2, true)")).toBe('  a\n  b');
    expect(e("'a\\n\\nb' | indent(2, blank=true)")).toBe('a\n  \n  b');
    expect(e("'foo bar baz qux' | truncate(9)")).toBe('foo...');
    expect(e("'foo bar baz qux' | truncate(9, true)")).toBe('foo ba...');
    expect(e("'%s - %s' | format('a', 1)")).toBe('a - 1');
  });

  it('quote, b64encode / b64decode, urlencode, to_uuid, comment, escape', () => {
    expect(e("\"it's\" | quote")).toBe(`'it'"'"'s'`);
    expect(e("'simple-word_1.0' | quote")).toBe('simple-word_1.0');
    expect(e("'' | quote")).toBe("''");
    expect(e("'ansible' | b64encode")).toBe('YW5zaWJsZQ==');
    expect(e("'YW5zaWJsZQ==' | b64decode")).toBe('ansible');
    expect(e("'é' | b64encode | b64decode")).toBe('é');
    expect(e("'a b/c' | urlencode")).toBe('a%20b/c');
    expect(e("{'a': 'x y', 'b': '&'} | urlencode")).toBe('a=x+y&b=%26');
    expect(e("'some_value' | to_uuid")).toBe('5308bfee-d1b1-5d6b-959d-64ce74ca18f7');
    expect(e("'text' | comment")).toBe('#\n# text\n#');
    expect(e("'<a href=\"x\">' | e")).toBe('&lt;a href=&#34;x&#34;&gt;');
  });

  it('strftime', () => {
    expect(e("'%Y-%m-%d %H:%M:%S' | strftime(0, utc=true)")).toBe('1970-01-01 00:00:00');
    expect(e("'%Y' | strftime(1700000000, true)")).toBe('2023');
  });
});

describe('regular expressions', () => {
  it('regex_replace (Ansible examples)', () => {
    expect(e("'ansible' | regex_replace('^a.*i(.*)$', 'a\\\\1')")).toBe('able');
    expect(e("'foobar' | regex_replace('^f.*o(.*)$', '\\\\1')")).toBe('bar');
    expect(e("'localhost:80' | regex_replace('^(?P<host>.+):(?P<port>\\\\d+)$', '\\\\g<host>, \\\\g<port>')")).toBe('localhost, 80');
    expect(e("'localhost:80' | regex_replace(':80')")).toBe('localhost');
    expect(e("s | regex_replace('^(.ar)$', '#\\\\1', multiline=True, ignorecase=True)", { s: 'CAR\ntar\nfoo\nbar\n' })).toBe('#CAR\n#tar\nfoo\n#bar\n');
    expect(e("'aaa' | regex_replace('a', 'b', count=2)")).toBe('bba');
    expect(fails("'aaa' | regex_replace('a', 'b', mandatory_count=2)")).toContain("'a' should match 2 times, but matches 3 times");
    expect(e("'a.b' | regex_replace('\\\\.', '$1')")).toBe('a$1b');
  });

  it('regex_search with groups, regex_findall, regex_escape', () => {
    expect(e("'server1/database42' | regex_search('database[0-9]+')")).toBe('database42');
    expect(e("'ansible' | regex_search('foobar')")).toBeNull();
    expect(e("'server1/database42' | regex_search('server([0-9]+)/database([0-9]+)', '\\\\1', '\\\\2')")).toEqual(['1', '42']);
    expect(e("'unit_a_b' | regex_search('unit_(?P<first>.)_(?P<second>.)', '\\\\g<second>', '\\\\g<first>')")).toEqual(['b', 'a']);
    expect(e("'ABC' | regex_search('b', ignorecase=true)")).toBe('B');
    expect(e("'Some DNS servers are 8.8.8.8 and 8.8.4.4' | regex_findall('\\\\b(?:[0-9]{1,3}\\\\.){3}[0-9]{1,3}\\\\b')")).toEqual(['8.8.8.8', '8.8.4.4']);
    expect(e("s | regex_findall('^.ar$', multiline=True, ignorecase=True)", { s: 'CAR\ntar\nfoo\nbar\n' })).toEqual(['CAR', 'tar', 'bar']);
    expect(e("'k1=v1 k2=v2' | regex_findall('(\\\\w+)=(\\\\w+)')")).toEqual([['k1', 'v1'], ['k2', 'v2']]);
    expect(e("'^f.*o(.*)$' | regex_escape")).toBe('\\^f\\.\\*o\\(\\.\\*\\)\\$');
    expect(e("'a b-c' | regex_escape")).toBe('a\\ b\\-c');
  });
});

describe('lists', () => {
  const list1 = [1, 2, 5, 1, 3, 4, 10];
  const list2 = [1, 2, 3, 4, 5, 11, 99];

  it('unique, union, intersect, difference, symmetric_difference (Ansible examples)', () => {
    expect(e('list1 | unique', { list1 })).toEqual([1, 2, 5, 3, 4, 10]);
    expect(e('list1 | union(list2)', { list1, list2 })).toEqual([1, 2, 5, 3, 4, 10, 11, 99]);
    expect(e('list1 | intersect(list2)', { list1, list2 })).toEqual([1, 2, 5, 3, 4]);
    expect(e('list1 | difference(list2)', { list1, list2 })).toEqual([10]);
    expect(e('list1 | symmetric_difference(list2)', { list1, list2 })).toEqual([10, 11, 99]);
    expect(e("['a', 'A', 'b'] | unique")).toEqual(['a', 'b']);
    expect(e("['a', 'A', 'b'] | unique(case_sensitive=true)")).toEqual(['a', 'A', 'b']);
    expect(e("[{'n': 1}, {'n': 1}, {'n': 2}] | unique(attribute='n')")).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('sort, min, max, sum', () => {
    expect(e('[3, 1, 2] | sort')).toEqual([1, 2, 3]);
    expect(e('[3, 1, 2] | sort(reverse=true)')).toEqual([3, 2, 1]);
    expect(e("['b', 'A', 'a'] | sort")).toEqual(['A', 'a', 'b']);
    expect(e("['b', 'A', 'a'] | sort(case_sensitive=true)")).toEqual(['A', 'a', 'b']);
    const users = [{ name: 'b', age: 30 }, { name: 'a', age: 20 }, { name: 'c', age: 20 }];
    expect(e("users | sort(attribute='age') | map(attribute='name') | list", { users })).toEqual(['a', 'c', 'b']);
    expect(e("users | sort(attribute='age,name', reverse=true) | map(attribute='name') | list", { users })).toEqual(['b', 'c', 'a']);
    expect(e('[3, 4, 2] | max')).toBe(4);
    expect(e('[3, 4, 2] | min')).toBe(2);
    expect(e("[{'val': 1}, {'val': 2}] | min(attribute='val')")).toEqual({ val: 1 });
    expect(e("['b', 'A'] | max")).toBe('b');
    expect(e('[1, 2, 3] | sum')).toBe(6);
    expect(e("[{'n': 2}, {'n': 3}] | sum(attribute='n', start=10)")).toBe(15);
    expect(e('[[1], [2]] | sum(start=[])')).toEqual([1, 2]);
  });

  it('map, select, reject, selectattr, rejectattr', () => {
    const users = [
      { name: 'alice', admin: true, shell: '/bin/bash' },
      { name: 'bob', admin: false },
      { name: 'carol', admin: true, shell: '/bin/zsh' },
    ];
    expect(e("users | map(attribute='name') | list", { users })).toEqual(['alice', 'bob', 'carol']);
    expect(e("users | map(attribute='shell', default='/bin/sh') | list", { users })).toEqual(['/bin/bash', '/bin/sh', '/bin/zsh']);
    expect(e("['a', 'b'] | map('upper') | list")).toEqual(['A', 'B']);
    expect(e("['a1', 'b2'] | map('regex_replace', '\\\\d', '') | list")).toEqual(['a', 'b']);
    expect(e("users | selectattr('admin') | map(attribute='name') | list", { users })).toEqual(['alice', 'carol']);
    expect(e("users | rejectattr('admin') | map(attribute='name') | list", { users })).toEqual(['bob']);
    expect(e("users | selectattr('shell', 'defined') | map(attribute='name') | list", { users })).toEqual(['alice', 'carol']);
    expect(e("users | selectattr('name', 'equalto', 'bob') | list", { users })).toEqual([users[1]]);
    expect(e("users | selectattr('name', 'match', '^[ab]') | map(attribute='name') | list", { users })).toEqual(['alice', 'bob']);
    expect(e("users | rejectattr('shell', 'undefined') | map(attribute='name') | list", { users })).toEqual(['alice', 'carol']);
    expect(e("[1, 2, 3, 4] | select('odd') | list")).toEqual([1, 3]);
    expect(e("[1, 2, 3, 4] | reject('equalto', 2) | list")).toEqual([1, 3, 4]);
    expect(e("[0, 1, '', 'a', none] | select | list")).toEqual([1, 'a']);
    expect(e("[1, 5, 10] | select('gt', 4) | list")).toEqual([5, 10]);
    expect(e("['a.conf', 'b.txt'] | select('search', '\\\\.conf$') | list")).toEqual(['a.conf']);
    expect(fails("users | selectattr('admin', 'nosuchtest') | list", { users })).toContain("no test named 'nosuchtest'");
  });

  it('flatten with levels and nulls (Ansible examples)', () => {
    expect(e('[3, [4, 2]] | flatten')).toEqual([3, 4, 2]);
    expect(e('[3, [4, [2]]] | flatten(levels=1)')).toEqual([3, 4, [2]]);
    expect(e('[3, none, [4, [2]]] | flatten(levels=1, skip_nulls=False)')).toEqual([3, null, 4, [2]]);
    expect(e('[1, none, [2, none]] | flatten')).toEqual([1, 2]);
  });

  it('zip, zip_longest, product, permutations, combinations', () => {
    expect(e("[1, 2, 3, 4, 5, 6] | zip(['a', 'b', 'c', 'd', 'e', 'f']) | list")).toEqual([[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd'], [5, 'e'], [6, 'f']]);
    expect(e("[1, 2, 3] | zip(['a', 'b', 'c', 'd', 'e', 'f'], [21, 22, 23]) | list")).toEqual([[1, 'a', 21], [2, 'b', 22], [3, 'c', 23]]);
    expect(e("[1, 2, 3] | zip_longest(['a', 'b', 'c', 'd', 'e', 'f'], [21, 22, 23], fillvalue='X') | list")).toEqual([
      [1, 'a', 21], [2, 'b', 22], [3, 'c', 23], ['X', 'd', 'X'], ['X', 'e', 'X'], ['X', 'f', 'X'],
    ]);
    expect(e("['foo', 'bar'] | product(['com']) | map('join', '.') | join(',')")).toBe('foo.com,bar.com');
    expect(e('[1, 2, 3] | permutations | list | length')).toBe(6);
    expect(e('[1, 2, 3] | permutations(2) | list')).toEqual([[1, 2], [1, 3], [2, 1], [2, 3], [3, 1], [3, 2]]);
    expect(e('[1, 2, 3, 4, 5] | combinations(2) | list | length')).toBe(10);
    expect(e('[1, 2, 3] | combinations(2) | list')).toEqual([[1, 2], [1, 3], [2, 3]]);
  });

  it('batch, groupby, dictsort, subelements, extract, random, shuffle', () => {
    expect(e("[1, 2, 3, 4, 5] | batch(2, 'x') | list")).toEqual([[1, 2], [3, 4], [5, 'x']]);
    const people = [{ city: 'b', n: 1 }, { city: 'a', n: 2 }, { city: 'b', n: 3 }];
    expect(e("people | groupby('city') | map('first') | list", { people })).toEqual(['a', 'b']);
    expect(t.renderText("{% for g in people | groupby('city') %}{{ g.grouper }}:{{ g.list | map(attribute='n') | join(',') }};{% endfor %}", { people })).toBe('a:2;b:1,3;');
    expect(e("{'b': 1, 'a': 2} | dictsort")).toEqual([['a', 2], ['b', 1]]);
    expect(e("{'b': 1, 'a': 2} | dictsort(by='value')")).toEqual([['b', 1], ['a', 2]]);
    const users = [{ name: 'alice', groups: ['wheel', 'docker'] }, { name: 'bob', groups: [] }, { name: 'carol' }];
    expect(e("users | subelements('groups', skip_missing=True) | map('last') | list", { users })).toEqual(['wheel', 'docker']);
    expect(fails("users | subelements('groups')", { users })).toContain("could not find 'groups' key");
    expect(e("[0, 2] | map('extract', ['x', 'y', 'z']) | list")).toEqual(['x', 'z']);
    expect(e("['x', 'y'] | map('extract', {'x': 42, 'y': 31}) | list")).toEqual([42, 31]);
    const hostvars = { web1: { ansible_host: '10.0.0.1' }, web2: { ansible_host: '10.0.0.2' } };
    expect(e("groups['web'] | map('extract', hostvars, 'ansible_host') | list", { hostvars, groups: { web: ['web1', 'web2'] } })).toEqual(['10.0.0.1', '10.0.0.2']);
    expect([1, 2, 3]).toContain(e('[1, 2, 3] | random'));
    const n = e('10 | random') as number;
    expect(Number.isInteger(n) && n >= 0 && n < 10).toBe(true);
    expect((e('[1, 2, 3] | shuffle') as number[]).sort()).toEqual([1, 2, 3]);
  });
});

describe('dicts', () => {
  it('dict2items and items2dict with key_name / value_name', () => {
    expect(e("{'a': 1, 'b': 2} | dict2items")).toEqual([{ key: 'a', value: 1 }, { key: 'b', value: 2 }]);
    const files = { users: '/etc/passwd', groups: '/etc/group' };
    expect(e("files | dict2items(key_name='file', value_name='path')", { files })).toEqual([
      { file: 'users', path: '/etc/passwd' },
      { file: 'groups', path: '/etc/group' },
    ]);
    const tags = [{ key: 'Application', value: 'payment' }, { key: 'Environment', value: 'dev' }];
    expect(e('tags | items2dict', { tags })).toEqual({ Application: 'payment', Environment: 'dev' });
    expect(e("[{'fruit': 'apple', 'color': 'red'}] | items2dict(key_name='fruit', value_name='color')")).toEqual({ apple: 'red' });
    expect(fails("'x' | dict2items")).toContain('dict2items requires a dictionary');
  });

  it('combine: shallow, recursive, list_merge (Ansible examples)', () => {
    expect(e("{'a': 1, 'b': 2} | combine({'b': 3})")).toEqual({ a: 1, b: 3 });
    const dflt = { a: { x: 'default', y: 'default' }, b: 'default', c: 'default' };
    const patch = { a: { y: 'patch', z: 'patch' }, b: 'patch' };
    expect(e('d | combine(p)', { d: dflt, p: patch })).toEqual({ a: { y: 'patch', z: 'patch' }, b: 'patch', c: 'default' });
    expect(e('d | combine(p, recursive=True)', { d: dflt, p: patch })).toEqual({ a: { x: 'default', y: 'patch', z: 'patch' }, b: 'patch', c: 'default' });
    const d = { a: [1, 1, 2, 3] };
    const p = { a: [3, 4, 5, 5] };
    const merge = (how: string): unknown => (e(`d | combine(p, list_merge='${how}')`, { d, p }) as { a: unknown }).a;
    expect(merge('replace')).toEqual([3, 4, 5, 5]);
    expect(merge('keep')).toEqual([1, 1, 2, 3]);
    expect(merge('append')).toEqual([1, 1, 2, 3, 3, 4, 5, 5]);
    expect(merge('prepend')).toEqual([3, 4, 5, 5, 1, 1, 2, 3]);
    expect(merge('append_rp')).toEqual([1, 1, 2, 3, 4, 5, 5]);
    expect(merge('prepend_rp')).toEqual([3, 4, 5, 5, 1, 1, 2]);
    expect(e("[{'a': 1}, {'b': 2}] | combine")).toEqual({ a: 1, b: 2 });
    expect(e("{'a': 1} | combine({'b': 2}, {'a': 3})")).toEqual({ a: 3, b: 2 });
    expect(d).toEqual({ a: [1, 1, 2, 3] });
  });
});

describe('data formats', () => {
  const data = { b: [1, 'é'], a: null, c: true };

  it('to_json / to_nice_json as Python writes them', () => {
    expect(e('d | to_json', { d: data })).toBe('{"b": [1, "\\u00e9"], "a": null, "c": true}');
    expect(e('d | to_json(sort_keys=true)', { d: data })).toBe('{"a": null, "b": [1, "\\u00e9"], "c": true}');
    expect(e('d | to_nice_json', { d: data })).toBe('{\n    "a": null,\n    "b": [\n        1,\n        "\\u00e9"\n    ],\n    "c": true\n}');
    expect(e('d | to_nice_json(indent=2)', { d: { x: {} } })).toBe('{\n  "x": {}\n}');
    expect(e("'x\"y' | to_json")).toBe('"x\\"y"');
  });

  it('from_json / from_yaml / from_yaml_all', () => {
    expect(e('s | from_json', { s: '{"a": [1, 2]}' })).toEqual({ a: [1, 2] });
    expect(e('s | from_yaml', { s: 'a: yes\nb: [1, 2]\nc: 0777\n' })).toEqual({ a: true, b: [1, 2], c: 511 });
    expect(e('s | from_yaml_all | list', { s: 'a: 1\n---\nb: 2\n' })).toEqual([{ a: 1 }, { b: 2 }]);
    expect(fails("'{' | from_json")).toContain('from_json');
  });

  it('to_yaml (flow style for scalar collections) and to_nice_yaml as PyYAML writes them', () => {
    const d = { users: [{ name: 'foo', uid: 1, groups: ['a', 'b'] }], b: 'yes', c: 'x: y', e: '', n: null, m: 'multi\nline\n' };
    expect(e('d | to_yaml', { d })).toBe(
      "b: 'yes'\nc: 'x: y'\ne: ''\nm: 'multi\n\n  line\n\n  '\nn: null\nusers:\n- groups: [a, b]\n  name: foo\n  uid: 1\n",
    );
    expect(e('d | to_nice_yaml', { d })).toBe(
      "b: 'yes'\nc: 'x: y'\ne: ''\nm: 'multi\n\n    line\n\n    '\nn: null\nusers:\n-   groups:\n    - a\n    - b\n    name: foo\n    uid: 1\n",
    );
    expect(e("'foo' | to_yaml")).toBe('foo\n...\n');
    expect(e("[[1, 2], [3, [4]]] | to_nice_yaml")).toBe('-   - 1\n    - 2\n-   - 3\n    -   - 4\n');
    expect(e("[[1, 2], [3, [4]]] | to_yaml")).toBe('- [1, 2]\n- - 3\n  - [4]\n');
    expect(e("{'a': {'b': {'c': 1}}} | to_yaml")).toBe('a:\n  b: {c: 1}\n');
    expect(e("['0777', '12:30', 'on', '1e3', '~', '- a', 'a #b', 'a# b', 'a\\tb'] | to_nice_yaml")).toBe(
      "- '0777'\n- '12:30'\n- 'on'\n- 1e3\n- '~'\n- '- a'\n- 'a #b'\n- a# b\n- \"a\\tb\"\n",
    );
    const long = `${'x'.repeat(50)} ${'y'.repeat(50)} ${'z'.repeat(10)}`;
    expect(e('{"a": s} | to_yaml(default_flow_style=False)', { s: long })).toBe(`a: ${'x'.repeat(50)} ${'y'.repeat(50)}\n  ${'z'.repeat(10)}\n`);
  });
});

describe('paths', () => {
  it('basename, dirname, splitext, path_join, expanduser, realpath, relpath', () => {
    expect(e("'/etc/asdf/foo.txt' | basename")).toBe('foo.txt');
    expect(e("'/etc/asdf/' | basename")).toBe('');
    expect(e("'/etc/asdf/foo.txt' | dirname")).toBe('/etc/asdf');
    expect(e("'/foo' | dirname")).toBe('/');
    expect(e("'foo' | dirname")).toBe('');
    expect(e("'nginx.conf' | splitext")).toEqual(['nginx', '.conf']);
    expect(e("'/a/.bashrc' | splitext")).toEqual(['/a/.bashrc', '']);
    expect(e("('/etc', 'subdir', 'test') | path_join")).toBe('/etc/subdir/test');
    expect(e("['/etc', '/var', 'test'] | path_join")).toBe('/var/test');
    expect(e("'~/x' | expanduser")).toBe(`${process.env.HOME}/x`);
    expect(e("'/tmp/../tmp' | realpath")).toMatch(/\/tmp$/);
    expect(e("'/etc/ssh/sshd_config' | relpath('/etc')")).toBe('ssh/sshd_config');
  });
});

describe('hashing', () => {
  it('hash, checksum, md5, sha1', () => {
    expect(e("'test1' | hash('sha1')")).toBe('b444ac06613fc8d63795be9ad0beaf55011936ac');
    expect(e("'test1' | hash")).toBe('b444ac06613fc8d63795be9ad0beaf55011936ac');
    expect(e("'test1' | hash('md5')")).toBe('5a105e8b9d40e1329780d62ea2265d8a');
    expect(e("'test1' | hash('sha256')")).toBe('1b4f0e9851971998e732078544c96b36c3d01cedf7caa332359d6f1d83567014');
    expect(e("'test2' | checksum")).toBe('109f4b3c50d7b0df729d299bc6f8e9ef9066971f');
    expect(e("'test1' | md5")).toBe('5a105e8b9d40e1329780d62ea2265d8a');
    expect(fails("'x' | hash('nope')")).toContain("unsupported hash type 'nope'");
  });

  it('password_hash: sha512-crypt (spec vectors), sha256, md5, random salt', () => {
    expect(e("'Hello world!' | password_hash('sha512', 'saltstring')")).toBe(
      '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
    );
    expect(e("'Hello world!' | password_hash('sha512', 'saltstringsaltstring', rounds=10000)")).toBe(
      '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
    );
    expect(e("'secretpassword' | password_hash('sha512', 'mysecretsalt')")).toBe(
      '$6$mysecretsalt$nQRJs5iDdLkE1YuYaWUle1uQ2ROJ7j8ernLYmyY57MnZquqWdJ.uj6dgD4n9GKKk5qZMEx9bsIMylVAlQacGK1',
    );
    expect(e("'' | password_hash('sha512', 'abc')")).toBe('$6$abc$mJP3a6FyA8uCnzRtlnNypPwjnvpi5TP9qOrInzrfDmwxUQG38PkpCPdqfTb8JQfAngapMxeim4AZ..hSdRRzD.');
    expect(e("'Hello world!' | password_hash('sha256', 'saltstring')")).toBe('$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5');
    expect(e("'foo' | password_hash('md5', 'abcdefgh')")).toBe('$1$abcdefgh$XxzGe9Muun7wTYbZO4sdr0');
    const random = e("'pw' | password_hash") as string;
    expect(random).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(e("'pw' | password_hash")).not.toBe(random);
    expect(fails("'pw' | password_hash('sha512', 'bad salt!')")).toContain('invalid characters in salt');
  });
});

describe('math', () => {
  it('abs, round, log, pow, root, human_readable, human_to_bytes', () => {
    expect(e('-3 | abs')).toBe(3);
    expect(e('2.5 | round')).toBe(2);
    expect(e('3.5 | round')).toBe(4);
    expect(e('42.55 | round(1)')).toBe(42.5);
    expect(e("42.55 | round(1, 'floor')")).toBe(42.5);
    expect(e("42.51 | round(0, 'ceil')")).toBe(43);
    expect(e('100 | log(10)')).toBeCloseTo(2);
    expect(e('2 | pow(10)')).toBe(1024);
    expect(e('81 | root')).toBe(9);
    expect(e('27 | root(3)')).toBeCloseTo(3);
    expect(e('1 | human_readable')).toBe('1.00 Bytes');
    expect(e('2048 | human_readable')).toBe('2.00 KB');
    expect(e("1048576 | human_readable(unit='K')")).toBe('1024.00 KB');
    expect(e("'10M' | human_to_bytes")).toBe(10485760);
    expect(e("'1.5 KB' | human_to_bytes")).toBe(1536);
    expect(e("'2' | human_to_bytes(default_unit='K')")).toBe(2048);
  });
});

describe('fully qualified names', () => {
  it('ansible.builtin.* names work for filters', () => {
    expect(e("'x' | ansible.builtin.upper")).toBe('X');
    expect(e("{'a': 1} | ansible.builtin.dict2items")).toEqual([{ key: 'a', value: 1 }]);
  });
});
