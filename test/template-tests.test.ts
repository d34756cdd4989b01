import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateError, createTemplar } from '../src/template/index.js';

const t = createTemplar({ baseDir: process.cwd() });
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

describe('tests on task results', () => {
  const ok = { changed: false, rc: 0 };
  const changed = { changed: true };
  const failed = { failed: true, msg: 'boom' };
  const skipped = { skipped: true, changed: false };
  const loop = { results: [{ changed: false }, { changed: true }] };

  it('succeeded / success, failed / failure, changed / change, skipped / skip', () => {
    expect(e('r is succeeded', { r: ok })).toBe(true);
    expect(e('r is success', { r: failed })).toBe(false);
    expect(e('r is successful', { r: ok })).toBe(true);
    expect(e('r is failed', { r: failed })).toBe(true);
    expect(e('r is failure', { r: ok })).toBe(false);
    expect(e('r is changed', { r: changed })).toBe(true);
    expect(e('r is change', { r: ok })).toBe(false);
    expect(e('r is changed', { r: loop })).toBe(true);
    expect(e('r is skipped', { r: skipped })).toBe(true);
    expect(e('r is skip', { r: ok })).toBe(false);
    expect(e('r is not failed', { r: ok })).toBe(true);
    expect(e('r is reachable', { r: ok })).toBe(true);
    expect(e('r is unreachable', { r: { unreachable: true } })).toBe(true);
    expect(fails("'x' is failed")).toContain("The 'failed' test expects a dictionary");
  });
});

describe('value tests', () => {
  it('defined, undefined, none', () => {
    expect(e('x is defined', { x: null })).toBe(true);
    expect(e('x is undefined')).toBe(true);
    expect(e('x is none', { x: null })).toBe(true);
    expect(e('x is none', { x: 0 })).toBe(false);
    expect(e('x is not none', { x: '' })).toBe(true);
  });

  it('type tests', () => {
    expect(e("'a' is string")).toBe(true);
    expect(e('1 is string')).toBe(false);
    expect(e('1 is number')).toBe(true);
    expect(e('1.5 is number')).toBe(true);
    expect(e('1 is integer')).toBe(true);
    expect(e('1.5 is float')).toBe(true);
    expect(e('true is boolean')).toBe(true);
    expect(e("'true' is boolean")).toBe(false);
    expect(e("{'a': 1} is mapping")).toBe(true);
    expect(e('[1] is mapping')).toBe(false);
    expect(e('[1] is sequence')).toBe(true);
    expect(e("'abc' is sequence")).toBe(true);
    expect(e('5 is sequence')).toBe(false);
    expect(e('[1] is iterable')).toBe(true);
    expect(e("{'a': 1} is iterable")).toBe(true);
    expect(e('5 is iterable')).toBe(false);
    expect(e("'abc' is lower")).toBe(true);
    expect(e("'ABC' is upper")).toBe(true);
  });

  it('truthy / falsy with convert_bool', () => {
    expect(e("'any string' is truthy")).toBe(true);
    expect(e("'' is truthy")).toBe(false);
    expect(e("'no' is truthy")).toBe(true);
    expect(e("'no' is truthy(convert_bool=True)")).toBe(false);
    expect(e("'off' is falsy(convert_bool=True)")).toBe(true);
    expect(e('[] is falsy')).toBe(true);
  });

  it('numbers: even, odd, divisibleby, comparisons', () => {
    expect(e('4 is even')).toBe(true);
    expect(e('3 is odd')).toBe(true);
    expect(e('-3 is odd')).toBe(true);
    expect(e('9 is divisibleby 3')).toBe(true);
    expect(e('10 is divisibleby(3)')).toBe(false);
    expect(e('3 is equalto 3')).toBe(true);
    expect(e('3 is eq(3)')).toBe(true);
    expect(e('3 is ne(4)')).toBe(true);
    expect(e('3 is lt(4)')).toBe(true);
    expect(e('3 is le(3)')).toBe(true);
    expect(e('3 is gt(4)')).toBe(false);
    expect(e('3 is ge(3)')).toBe(true);
    expect(e('x is sameas true', { x: true })).toBe(true);
  });

  it('in, contains, subset, superset, any, all', () => {
    expect(e("'a' is in ['a', 'b']")).toBe(true);
    expect(e("'z' is in(['a', 'b'])")).toBe(false);
    expect(e("['a', 'b'] is contains('b')")).toBe(true);
    expect(e('[1, 2] is subset([1, 2, 3])')).toBe(true);
    expect(e('[1, 2, 3] is superset([1, 2])')).toBe(true);
    expect(e('[1, 4] is subset([1, 2, 3])')).toBe(false);
    expect(e('[0, 1] is any')).toBe(true);
    expect(e('[0, 1] is all')).toBe(false);
  });

  it('match, search, regex (Ansible examples)', () => {
    const url = 'https://example.com/users/foo/resources/bar';
    expect(e("url is match('https://example.com/users/.*/resources')", { url })).toBe(true);
    expect(e("url is search('users/.*/resources/.*')", { url })).toBe(true);
    expect(e("url is search('USERS', ignorecase=true)", { url })).toBe(true);
    expect(e("url is regex('example\\\\.com/\\\\w+/foo')", { url })).toBe(true);
    expect(e("url is match('example')", { url })).toBe(false);
    expect(e("'abc' is search('c')")).toBe(true);
    expect(e("'l1\\nl2' is match('^l2', multiline=true)")).toBe(false);
    expect(e("'l1\\nl2' is search('^l2', multiline=true)")).toBe(true);
    expect(e("'foo' is fullmatch('fo+')")).toBe(true);
    expect(e("'foo\\n' is search('foo$')")).toBe(true);
  });

  it('version / version_compare with operators, strict and semver', () => {
    expect(e("ansible_version is version('2.9', '>=')", { ansible_version: '2.10.1' })).toBe(true);
    expect(e("'2.10' is version('2.9', 'gt')")).toBe(true);
    expect(e("'1.2.3' is version('1.2.3', '==')")).toBe(true);
    expect(e("'1.2.3' is version('1.2.3', 'eq')")).toBe(true);
    expect(e("'1.2.3' is version('1.2.4', '<')")).toBe(true);
    expect(e("'1.2.3' is version('1.2.4', 'lt')")).toBe(true);
    expect(e("'1.2.3' is version('1.2.3', '<=')")).toBe(true);
    expect(e("'1.2.3' is version('1.2.3', 'ne')")).toBe(false);
    expect(e("'1.2.3' is version('1.2', '!=')")).toBe(true);
    expect(e("'1.0' is version_compare('1.0', '==')")).toBe(true);
    expect(e("'1.0' is version('1.0.0', '==')")).toBe(false);
    expect(e("'1.0' is version('1.0.0', '==', strict=true)")).toBe(true);
    expect(e("'1.0a1' is version('1.0', '<', strict=true)")).toBe(true);
    expect(e("'1.0.0-beta' is version('1.0.0', '<', version_type='semver')")).toBe(true);
    expect(e("'1.0.0-alpha.1' is version('1.0.0-alpha.beta', '<', version_type='semver')")).toBe(true);
    expect(e("'5.4.0-91-generic' is version('5.4.0-80-generic', '>')")).toBe(true);
    expect(fails("'1' is version('2', 'bogus')")).toContain('Invalid operator type (bogus)');
    expect(fails("'1.0' is version('1.0', '==', strict=true, version_type='strict') and '1.x' is version('1', '<', strict=true)")).toContain('Version comparison failed');
  });
});

describe('path tests (controller paths)', () => {
  it('file, directory, exists, link, abs, same_file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-template-tests-'));
    const file = join(dir, 'f.txt');
    writeFileSync(file, 'x');
    mkdirSync(join(dir, 'd'));
    symlinkSync(file, join(dir, 'l'));
    const vars = { file, dir, link: join(dir, 'l'), missing: join(dir, 'nope') };
    expect(e('file is file', vars)).toBe(true);
    expect(e('dir is file', vars)).toBe(false);
    expect(e('dir is directory', vars)).toBe(true);
    expect(e('file is exists', vars)).toBe(true);
    expect(e('missing is exists', vars)).toBe(false);
    expect(e('link is link', vars)).toBe(true);
    expect(e('file is link', vars)).toBe(false);
    expect(e("'/etc' is abs")).toBe(true);
    expect(e("'etc' is abs")).toBe(false);
    expect(e('link is same_file(file)', vars)).toBe(true);
    expect(e("'/' is mount")).toBe(true);
  });
});

describe('fully qualified test names', () => {
  it('ansible.builtin.* works', () => {
    expect(e("'abc' is ansible.builtin.match('a')")).toBe(true);
    expect(e('x is ansible.builtin.defined', { x: 1 })).toBe(true);
  });
});
