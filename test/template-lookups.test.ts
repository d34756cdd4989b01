import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TemplateError, createTemplar } from '../src/template/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fleet-template-lookups-'));
const roleFiles = join(dir, 'roles', 'web', 'files');
const roleTemplates = join(dir, 'roles', 'web', 'templates');
const t = createTemplar({ baseDir: dir });
const role = t.withSearchPaths([roleFiles, roleTemplates]);
const e = (expr: string, vars: Record<string, unknown> = {}, templar = t): unknown => templar.evaluate(expr, vars);

function fails(expr: string, vars: Record<string, unknown> = {}): string {
  try {
    e(expr, vars);
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateError);
    return (err as Error).message;
  }
  throw new Error(`expected ${expr} to fail`);
}

beforeAll(() => {
  mkdirSync(join(dir, 'files'), { recursive: true });
  mkdirSync(join(dir, 'templates'), { recursive: true });
  mkdirSync(roleFiles, { recursive: true });
  mkdirSync(roleTemplates, { recursive: true });
  writeFileSync(join(dir, 'files', 'motd.txt'), 'hello from files/\n\n');
  writeFileSync(join(dir, 'top.txt'), '  top level  \n');
  writeFileSync(join(roleFiles, 'motd.txt'), 'hello from the role\n');
  writeFileSync(join(dir, 'files', 'a.conf'), 'a');
  writeFileSync(join(dir, 'files', 'b.conf'), 'b');
  writeFileSync(join(dir, 'files', 'c.txt'), 'c');
  writeFileSync(join(dir, 'templates', 'greet.j2'), 'Hello {{ name }}!{% if extra is defined %} {{ extra }}{% endif %}\n');
  writeFileSync(join(roleTemplates, 'greet.j2'), 'Role says hi to {{ name }}\n');
});

describe('file', () => {
  it('reads relative to search paths, then files/, then the playbook dir; trailing whitespace stripped', () => {
    expect(e("lookup('file', 'motd.txt')")).toBe('hello from files/');
    expect(e("lookup('file', 'motd.txt')", {}, role)).toBe('hello from the role');
    expect(e("lookup('file', 'top.txt')")).toBe('  top level');
    expect(e("lookup('file', 'top.txt', lstrip=true)")).toBe('top level');
    expect(e("lookup('file', 'top.txt', rstrip=false)")).toBe('  top level  \n');
    expect(e(`lookup('file', '${join(dir, 'files', 'a.conf')}')`)).toBe('a');
    expect(e("lookup('file', 'files/a.conf', 'files/b.conf')")).toBe('a,b');
    expect(e("query('file', 'files/a.conf', 'files/b.conf')")).toEqual(['a', 'b']);
    expect(e("lookup('file', 'files/a.conf', wantlist=True)")).toEqual(['a']);
    expect(fails("lookup('file', 'nope.txt')")).toContain('could not locate file in lookup: nope.txt');
    expect(e("lookup('file', 'nope.txt', errors='ignore')")).toBeNull();
    expect(e("lookup('ansible.builtin.file', 'motd.txt')")).toBe('hello from files/');
  });
});

describe('env, pipe, lines', () => {
  it('env reads controller environment variables, with a default', () => {
    process.env.FLEET_TEST_ENV = 'value1';
    expect(e("lookup('env', 'FLEET_TEST_ENV')")).toBe('value1');
    expect(e("lookup('env', 'FLEET_TEST_UNSET_VAR')")).toBe('');
    expect(e("lookup('env', 'FLEET_TEST_UNSET_VAR', default='dflt')")).toBe('dflt');
    expect(e("lookup('env', 'FLEET_TEST_ENV', 'HOME')")).toBe(`value1,${process.env.HOME}`);
  });

  it('pipe runs a shell command on the controller in the playbook dir, output right-stripped', () => {
    expect(e("lookup('pipe', 'echo hello; echo world')")).toBe('hello\nworld');
    expect(e("lookup('pipe', 'pwd')")).toBe(dir);
    expect(e("lookup('pipe', 'cat files/a.conf')")).toBe('a');
    expect(fails("lookup('pipe', 'exit 3')")).toContain('lookup_plugin.pipe(exit 3) returned 3');
  });

  it('lines returns each output line', () => {
    expect(e("query('lines', 'printf \"a\\\\nb\\\\n\"')")).toEqual(['a', 'b']);
    expect(e("lookup('lines', 'printf \"a\\\\nb\\\\n\"')")).toBe('a,b');
  });
});

describe('template, fileglob, first_found', () => {
  it('template renders a file from templates/ with the current variables', () => {
    // trim_blocks: the newline after {% endif %} goes, as in Ansible.
    expect(e("lookup('template', 'greet.j2')", { name: 'Ann' })).toBe('Hello Ann!');
    expect(e("lookup('template', 'greet.j2', template_vars={'extra': 'more'})", { name: 'Ann' })).toBe('Hello Ann! more');
    expect(e("lookup('template', 'greet.j2')", { name: 'Bo' }, role)).toBe('Role says hi to Bo\n');
    expect(fails("lookup('template', 'greet.j2')")).toContain("'name' is undefined");
  });

  it('fileglob matches files (not directories) in files/', () => {
    expect(e("query('fileglob', '*.conf')")).toEqual([join(dir, 'files', 'a.conf'), join(dir, 'files', 'b.conf')]);
    expect(e("lookup('fileglob', 'files/*.txt')")).toBe(join(dir, 'files', 'c.txt') + ',' + join(dir, 'files', 'motd.txt'));
    expect(e(`query('fileglob', '${dir}/files/[ab].conf')`)).toEqual([join(dir, 'files', 'a.conf'), join(dir, 'files', 'b.conf')]);
    expect(e("query('fileglob', '*.nomatch')")).toEqual([]);
  });

  it('first_found returns the first existing file', () => {
    expect(e("lookup('first_found', ['nope.yml', 'a.conf', 'b.conf'])")).toBe(join(dir, 'files', 'a.conf'));
    expect(e("lookup('first_found', {'files': ['x.conf', 'b.conf'], 'paths': ['files']})")).toBe(join(dir, 'files', 'b.conf'));
    expect(e("lookup('first_found', 'x', files=['nope', 'c.txt'])")).toBe(join(dir, 'files', 'c.txt'));
    // As Ansible's: options without a term search nothing.
    expect(fails("lookup('first_found', files=['nope', 'c.txt'])")).toContain('No file was found');
    expect(e("query('first_found', ['nope'], skip=True)")).toEqual([]);
    expect(fails("lookup('first_found', ['nope'])")).toContain('No file was found when using first_found.');
  });
});

describe('password', () => {
  it('creates the file with a random password when missing, then returns its content', () => {
    const first = e("lookup('password', 'credentials/db length=15')") as string;
    expect(first).toMatch(/^[A-Za-z0-9.,:_-]{15}$/);
    const file = join(dir, 'credentials', 'db');
    expect(readFileSync(file, 'utf8')).toBe(`${first}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(e("lookup('password', 'credentials/db length=15')")).toBe(first);
    writeFileSync(join(dir, 'given'), 'sekrit\n');
    expect(e("lookup('password', 'given')")).toBe('sekrit');
  });

  it('honours chars and length; /dev/null gives a new password each time and writes nothing', () => {
    expect(e("lookup('password', '/dev/null length=8 chars=digits')")).toMatch(/^\d{8}$/);
    expect(e("lookup('password', '/dev/null chars=ascii_lowercase,digits length=30')")).toMatch(/^[a-z0-9]{30}$/);
    const a = e("lookup('password', '/dev/null')") as string;
    expect(a).toHaveLength(20);
    expect(e("lookup('password', '/dev/null')")).not.toBe(a);
    expect(e("lookup('password', '/dev/null', seed='host1')")).toBe(e("lookup('password', '/dev/null', seed='host1')"));
    expect(e("lookup('password', '/dev/null', length=5, chars=['digits'])")).toMatch(/^\d{5}$/);
    expect(fails("lookup('password', '/dev/null lenght=5')")).toContain('Unrecognized parameter');
  });

  it('encrypt stores the salt and returns a crypt hash', () => {
    const hash = e("lookup('password', 'credentials/enc encrypt=sha512_crypt')") as string;
    expect(hash).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$/);
    const content = readFileSync(join(dir, 'credentials', 'enc'), 'utf8');
    expect(content).toMatch(/^\S{20} salt=[./0-9A-Za-z]{16}\n$/);
    expect(e("lookup('password', 'credentials/enc encrypt=sha512_crypt')")).toBe(hash);
  });
});

describe('data lookups', () => {
  it('items, list, dict, indexed_items, nested, together, subelements', () => {
    expect(e("query('items', [1, 2], 3)")).toEqual([1, 2, 3]);
    expect(e("query('list', [1, 2], 3)")).toEqual([[1, 2], 3]);
    expect(e("lookup('items', ['a', 'b'])")).toBe('a,b');
    expect(e("query('dict', {'a': 1, 'b': 2})")).toEqual([{ key: 'a', value: 1 }, { key: 'b', value: 2 }]);
    expect(e("query('indexed_items', ['a', 'b'])")).toEqual([[0, 'a'], [1, 'b']]);
    expect(e("query('nested', ['a', 'b'], [1, 2])")).toEqual([['a', 1], ['a', 2], ['b', 1], ['b', 2]]);
    expect(e("query('together', ['a', 'b'], [1])")).toEqual([['a', 1], ['b', null]]);
    const users = [{ name: 'u', keys: ['k1', 'k2'] }];
    // As Ansible's plugin, which pops the sub-list out of the element it pairs.
    expect(e("query('subelements', users, 'keys')", { users })).toEqual([[{ name: 'u' }, 'k1'], [{ name: 'u' }, 'k2']]);
    expect(users[0]!.keys).toEqual(['k1', 'k2']);
    expect(t.query('items', [[1, 2], 3], {})).toEqual([1, 2, 3]);
    expect(t.query('dict', [{ x: 1 }], {})).toEqual([{ key: 'x', value: 1 }]);
  });

  it('sequence: start/end/count/stride/format and the shortcut form', () => {
    expect(e("query('sequence', 'start=1 end=5')")).toEqual(['1', '2', '3', '4', '5']);
    expect(e("query('sequence', 'start=0 end=32 format=testuser%02x stride=16')")).toEqual(['testuser00', 'testuser10', 'testuser20']);
    expect(e("query('sequence', 'start=4 end=16 stride=4')")).toEqual(['4', '8', '12', '16']);
    expect(e("query('sequence', 'count=3')")).toEqual(['1', '2', '3']);
    expect(e("query('sequence', 'start=10 end=0 stride=-5')")).toEqual(['10', '5', '0']);
    expect(e("query('sequence', '4-8/2:host%02d')")).toEqual(['host04', 'host06', 'host08']);
    expect(e("query('sequence', '3')")).toEqual(['1', '2', '3']);
    // As Ansible's: keyword options are not terms, so they give no sequence.
    expect(e("query('sequence', start=1, end=2, format='n%d')")).toEqual([]);
    expect(fails("query('sequence', 'start=5 end=1')")).toContain('to count backwards make stride negative');
    expect(fails("query('sequence', 'start=1')")).toContain('must specify count or end');
  });

  it('vars returns variables by name, with a default', () => {
    expect(e("lookup('vars', 'a')", { a: 1 })).toBe(1);
    expect(e("lookup('vars', 'pre_' + x)", { x: 'y', pre_y: 'found' })).toBe('found');
    expect(e("lookup('vars', 'missing', default='d')")).toBe('d');
    expect(fails("lookup('vars', 'missing')")).toContain('No variable found with this name: missing');
  });

  it('vars refuses a name that is not a string, and keeps errors for undefined variables even with errors=ignore', () => {
    expect(fails("lookup('vars', 42)")).toContain(`Invalid setting identifier, "42" is not a string, its a <class 'int'>`);
    expect(fails("lookup('vars', 'missing', errors='ignore')")).toContain('No variable found with this name: missing');
    expect(e("lookup('vars', 'h')", { h: '{{ a }}-x', a: 'A' })).toBe('A-x');
    expect(e("query('vars', 'a', 'b')", { a: 1, b: 2 })).toEqual([1, 2]);
  });

  it('unknown lookups fail', () => {
    expect(fails("lookup('nosuch', 'x')")).toContain('lookup plugin (nosuch) not found');
    expect(existsSync(join(dir, 'credentials'))).toBe(true);
  });
});

describe('as the lookup_* integration targets of Ansible 2.14 check them', () => {
  it('template: variable and comment delimiters, includes beside the file, convert_data', () => {
    writeFileSync(join(dir, 'templates', 'world.txt'), 'world\n');
    writeFileSync(join(dir, 'templates', 'hello.txt'), "Hello {% include 'world.txt' %}!\n");
    writeFileSync(join(dir, 'templates', 'hello_string.txt'), 'Hello [% my_var %]!\n');
    writeFileSync(join(dir, 'templates', 'hello_comment.txt'), '[# Comment #]\nHello world!\n');
    writeFileSync(join(dir, 'templates', 'dict.j2'), '{"foo": "{{ \'bar\' }}"}\n');
    // An included template drops its own trailing newline, as Jinja's loader does.
    expect(e("lookup('template', 'hello.txt')")).toBe('Hello world!\n');
    expect(e("lookup('template', 'hello_string.txt', variable_start_string='[%', variable_end_string='%]')", { my_var: 'world' })).toBe('Hello world!\n');
    expect(e("lookup('template', 'hello_comment.txt', comment_start_string='[#', comment_end_string='#]')")).toBe('Hello world!\n');
    expect(e("lookup('template', 'dict.j2')")).toEqual({ foo: 'bar' });
    expect(e("lookup('template', 'dict.j2', convert_data=False)")).toBe('{"foo": "bar"}\n');
    expect(fails("lookup('template', 'nope.j2')")).toContain('the template file nope.j2 could not be found for the lookup');
  });

  it('first_found: legacy ;/: separated files and paths, errors=ignore, search in the role of the task', () => {
    expect(e("query('first_found', {'files': 'not/a/file.yaml;hosts', 'paths': 'not/a/path:/etc'})")).toEqual(['/etc/hosts']);
    expect(e("lookup('first_found', {'files': 'not_a_file.yaml'}, errors='ignore')")).toBeNull();
    expect(t.template("{{ lookup('first_found', {'files': 'not_a_file.yaml'}, errors='ignore') }}", {})).toBe('');
    expect(e("query('first_found', {'files': 'not_a_file.yaml'}, errors='ignore')")).toEqual([]);
    expect(e("lookup('first_found', 'motd.txt')", { role_path: join(dir, 'roles', 'web') })).toBe(join(roleFiles, 'motd.txt'));
    expect(e("lookup('first_found', 'motd.txt')", { ansible_search_path: [dir] })).toBe(join(dir, 'files', 'motd.txt'));
    expect(e("lookup('first_found', ['nope', ['c.txt']])")).toBe(join(dir, 'files', 'c.txt'));
  });

  it('password: directory 0700, file 0600 with a newline, no temporary file left, salt kept beside the password', () => {
    const pw = e("lookup('password', 'out/lookup/password length=8')") as string;
    expect(pw).toHaveLength(8);
    expect(statSync(join(dir, 'out', 'lookup')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'out', 'lookup', 'password')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'out', 'lookup', 'password'), 'utf8')).toBe(`${pw}\n`);
    expect(readdirSync(join(dir, 'out', 'lookup'))).toEqual(['password']);
    e("lookup('password', 'out/lookup/salted encrypt=sha256_crypt')");
    const plain = e("lookup('password', 'out/lookup/salted')") as string;
    expect(readFileSync(join(dir, 'out', 'lookup', 'salted'), 'utf8').startsWith(`${plain} salt=`)).toBe(true);
    expect(e("lookup('password', 'out/lookup/salted encrypt=')")).toBe(plain);
    expect(e("lookup('password', '/dev/null seed=foo')")).toBe(e("lookup('password', '/dev/null', seed='foo')"));
  });

  it('pipe and lines take any term as text', () => {
    expect(fails("lookup('pipe', 42)")).toContain('lookup_plugin.pipe(42) returned 127');
    expect(e("query('lines', 'echo a; echo b', 'echo c')")).toEqual(['a', 'b', 'c']);
  });

  it('inventory_hostnames: groups, exclusions, intersections, host names, globs', () => {
    const groups = {
      all: ['nogroup01', 'test01', 'test05', 'test03', 'test02', 'test04', 'test200'],
      ungrouped: ['nogroup01'],
      group01: ['test01', 'test05', 'test03', 'test02', 'test04'],
      group02: ['test03', 'test04', 'test200'],
    };
    expect(e("lookup('inventory_hostnames', 'group01', wantlist=true)", { groups })).toEqual(groups.group01);
    expect(e("query('inventory_hostnames', 'group01:!test03')", { groups })).not.toContain('test03');
    expect(e("query('inventory_hostnames', 'group01:&group02')", { groups })).toEqual(['test03', 'test04']);
    expect(e("query('inventory_hostnames', 'nogroup01')", { groups })).toEqual(['nogroup01']);
    expect(e("query('inventory_hostnames', 'doesnotexist')", { groups })).toEqual([]);
    expect(e("query('inventory_hostnames', 't?s?03')", { groups })).toEqual(['test03']);
    expect(e("lookup('inventory_hostnames', 'group02')", { groups })).toBe('test03,test04,test200');
  });

  it('nested, together and indexed_items as query() gives them their terms', () => {
    expect(e("query('nested', [['a', 'b'], [1, 2]])")).toEqual([['a', 'b'], [1, 2]]);
    expect(e("query('nested', ['ab', 'cd'])")).toEqual([['a', 'b'], ['c', 'd']]);
    expect(e("query('together', [[1, 2]], ['a'])")).toEqual([[1, 2, 'a']]);
    expect(e("query('indexed_items', 'a', ['b', ['c']])")).toEqual([[0, 'a'], [1, 'b'], [2, ['c']]]);
    expect(e("query('items', ['a', ['b', ['c']]], 'd')")).toEqual(['a', ['b', ['c']], 'd']);
    expect(fails("query('together')")).toContain('with_together requires at least one element in each list');
  });
});

// The cases of Ansible 2.14's lookup_varnames target, with the values ansible-playbook gave.
describe('varnames', () => {
  const vars = { qz_1: 'hello', qz_2: 'world', qa_1: "I won't show", qz_: "I won't show either" };
  it('names the variables a Python regex finds (re.search), term after term', () => {
    expect(e("lookup('varnames', '^qz_.+', wantlist=True)", vars)).toEqual(['qz_1', 'qz_2']);
    expect(e("lookup('varnames', '^qz_.+', '^qa.*', wantlist=True)", vars)).toEqual(['qz_1', 'qz_2', 'qa_1']);
    expect(e("lookup('varnames', '^q.*_\\\\d')", vars)).toBe('qz_1,qz_2,qa_1');
    expect(e("lookup('varnames', '_2$', wantlist=True)", vars)).toEqual(['qz_2']);
    expect(e("lookup('varnames', '^doesnotexist.*', wantlist=True)", vars)).toEqual([]);
  });
  it('fails as Ansible on a term that is no string or no regex', () => {
    expect(fails("lookup('varnames', True, wantlist=True)", vars)).toContain('Invalid setting identifier');
    const bad = fails("lookup('varnames', '*', wantlist=True)", vars);
    expect(bad).toContain('Unable to use');
    expect(bad).toContain('nothing to repeat');
  });
});

describe('csvfile', () => {
  beforeAll(() => {
    writeFileSync(join(dir, 'files', 'people.csv'), 'Smith,Jane,"Main St, 1"\r\nGerman von Lastname,Demo,x\r\n"quoted ""key""",q,y\r\n');
    writeFileSync(join(dir, 'files', 'tabs.csv'), 'fruit\tbananas\nelectronics\ttvs\n');
  });
  it('finds the key in the first column and returns col (Python csv rules: quotes, CRLF, multi-word keys)', () => {
    expect(e("lookup('csvfile', 'Smith', file='people.csv', delimiter=',', col=1)")).toBe('Jane');
    expect(e("lookup('csvfile', 'Smith', file='people.csv', delimiter=',', col=2)")).toBe('Main St, 1');
    expect(e("lookup('csvfile', 'German von Lastname file=people.csv delimiter=, col=1')")).toBe('Demo');
    expect(e(`lookup('csvfile', 'quoted "key"', file='people.csv', delimiter=',')`)).toBe('q');
    expect(e("lookup('csvfile', 'electronics', 'fruit', file='tabs.csv', col=1)")).toBe('tvs,bananas');
    expect(e("lookup('csvfile', 'fruit', file='tabs.csv', delimiter='TAB', wantlist=True)")).toEqual(['bananas']);
  });
  it('gives default, or nothing, for a key it does not find', () => {
    expect(e("lookup('csvfile', 'notfound file=people.csv delimiter=, col=2', wantlist=True)")).toEqual([]);
    expect(e("lookup('csvfile', 'notfound', file='people.csv', delimiter=',', default='what?')")).toBe('what?');
  });
  it("fails with Ansible's messages", () => {
    expect(fails("lookup('csvfile', 'file=people.csv, delimiter=, col=1')")).toContain('Search key is required but was not found');
    expect(fails("lookup('csvfile', 'foo file=people.csv thisarg=x')")).toContain('thisarg is not a valid option');
    expect(fails("lookup('csvfile', 'foo', file='people.csv', thisarg='x')")).toContain('thisarg is not a valid option');
    expect(fails("lookup('csvfile', 'foo', file='doesnotexist')")).toContain('No such file or directory');
  });
});
