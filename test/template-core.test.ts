import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../src/errors.js';
import { OMIT, TemplateError, createTemplar, isTemplate } from '../src/template/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fleet-template-core-'));
const t = createTemplar({ baseDir: dir });
const r = (src: string, vars: Record<string, unknown> = {}): unknown => t.template(src, vars);
const f = (src: string, vars: Record<string, unknown> = {}): string => t.renderText(src, vars);

function error(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateError);
    return err as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('native types', () => {
  it('a string that is one {{ expr }} gives the native value; a number is rendered to text, as Ansible 2.14 does', () => {
    expect(r('{{ ports }}', { ports: [80, 443] })).toEqual([80, 443]);
    // Non-native templating: only a bare `{{ name }}` keeps a number; `{{ 5 }}` is the string "5".
    expect(r('{{ 1 + 1 }}')).toBe('2');
    expect(r('{{ n }}', { n: 7 })).toBe(7);
    expect(r('{{ n | int }}', { n: 7 })).toBe('7');
    expect(r('{{ d.a }}', { d: { a: 1 } })).toBe('1');
    expect(r('{{ x }}', { x: 'yes' })).toBe('yes');
    expect(r('{{ d }}', { d: { a: [1, { b: null }] } })).toEqual({ a: [1, { b: null }] });
    expect(r('{{ true }}')).toBe(true);
    expect(r('{{ none }}')).toBeNull();
    expect(r('{{ x }}', { x: null })).toBeNull();
    expect(r("{{ '42' }}")).toBe('42');
    expect(r('{{ 7 / 2 }}')).toBe('3.5');
    expect(r('{{- x -}}', { x: 5 })).toBe('5');
  });

  it('other strings render to strings, Python style', () => {
    expect(r('port {{ p }}', { p: 80 })).toBe('port 80');
    expect(r('{{ a }}{{ b }}', { a: 1, b: 2 })).toBe('12');
    expect(r(' {{ x }}', { x: 1 })).toBe(' 1');
    expect(r('v={{ x }}', { x: null })).toBe('v=');
    expect(r('v={{ x }}', { x: true })).toBe('v=True');
    expect(r('v={{ x }}', { x: ['a', 1, null, false] })).toBe("v=['a', 1, None, False]");
    expect(r('v={{ x }}', { x: { k: "it's" } })).toBe(`v={'k': "it's"}`);
    expect(r('{{ 1.5 }} {{ x }}', { x: 1e-7 })).toBe('1.5 1e-07');
  });

  it('omit is a unique placeholder', () => {
    expect(r('{{ omit }}')).toBe(OMIT);
    expect(OMIT).toMatch(/^__omit_place_holder__[0-9a-f]{40}$/);
    expect(r('{{ x | default(omit) }}')).toBe(OMIT);
    expect(r('{{ x | default(omit) }}', { x: 3 })).toBe('3');
  });

  it('leaves non-template values alone and templates containers recursively, keys too', () => {
    const plain = { a: 'no template', b: [1, 2] };
    expect(t.template(plain, {})).toBe(plain);
    expect(t.template('plain {text}', {})).toBe('plain {text}');
    expect(t.template(5, {})).toBe(5);
    expect(t.template({ '{{ k }}': ['{{ v }}', { n: '{{ n + 1 }}' }] }, { k: 'key', v: 'val', n: 1 })).toEqual({ key: ['val', { n: '2' }] });
  });

  it('isTemplate spots template syntax', () => {
    expect(isTemplate('a {{ b }}')).toBe(true);
    expect(isTemplate('{% if x %}{% endif %}')).toBe(true);
    expect(isTemplate('{# c #}')).toBe(true);
    expect(isTemplate('{ not: a template }')).toBe(false);
  });
});

// Each expected value is what ansible-playbook 2.14 registered for the same string (set_fact, then type_debug).
describe('results that read as Python literals, and trailing newlines, as Ansible templates them', () => {
  const vars = { x: true, s: '[1, 2]', d: { a: 1 } };

  it('True/False and text starting with [ or { become the value they spell', () => {
    expect(r('{{ x }}\n', vars)).toBe(true);
    expect(r(`{{ '{"a": true}' }}`, vars)).toEqual({ a: true });
    expect(r('[{{ 1 }}, {{ 2 }}]', vars)).toEqual([1, 2]);
    expect(r('{{ s }}', vars)).toEqual([1, 2]);
    expect(r('{{ x | string }}', vars)).toBe(true);
    expect(r('{{ d | to_json | trim }}', vars)).toEqual({ a: 1 });
    expect(r('{% if x %}{{ d }}{% endif %}', vars)).toEqual({ a: 1 });
    expect(r("{{ 'False' }}")).toBe(false);
  });

  it('text that only looks like a literal, or that a JSON/YAML filter made, stays text', () => {
    expect(r("{{ '[1,' }}", vars)).toBe('[1,');
    expect(r('{{ d | to_json }}', vars)).toBe('{"a": 1}');
    expect(r('{{ d | to_json }}\n', vars)).toBe('{"a": 1}\n');
    expect(r('[ -f {{ p }} ] && echo yes', { p: '/x' })).toBe('[ -f /x ] && echo yes');
    expect(r('{{ x }} \n', vars)).toBe('True \n');
  });

  it('a text result keeps the source’s trailing newlines, even after a block tag (trim_blocks)', () => {
    expect(r('{% for i in [1, 2] %}{{ i }} {% endfor %}\n')).toBe('1 2 \n');
    expect(r('a{{ x }}\n\n', vars)).toBe('aTrue\n\n');
    expect(r('{{ v }}\n', { v: 'a\n' })).toBe('a\n');
    expect(r('{{ "a\\n" }}\n')).toBe('a\\n\n');
  });
});

describe('undefined variables (StrictUndefined)', () => {
  it('fail naming the variable', () => {
    const e = error(() => r('{{ app_dir }}/bin'));
    expect(e.message).toContain("'app_dir' is undefined");
    expect(e.message).toContain('{{ app_dir }}/bin');
    expect(e.variable).toBe('app_dir');
    expect(e.code).toBe('TEMPLATE');
    expect(e).toBeInstanceOf(FleetError);
  });

  it('attribute access on an undefined variable names the variable', () => {
    const e = error(() => r('{{ foo.bar.baz }}'));
    expect(e.message).toContain("'foo' is undefined");
    expect(e.variable).toBe('foo');
  });

  it('a missing key of a defined dict is undefined', () => {
    const e = error(() => r('{{ d.missing }}', { d: { a: 1 } }));
    expect(e.message).toContain("'dict object' has no attribute 'missing'");
    expect(e.variable).toBe('d.missing');
    expect(r("{{ d['a'] }}", { d: { a: 1 } })).toBe('1');
    expect(r("{{ d.missing | default('dflt') }}", { d: {} })).toBe('dflt');
    expect(r('{{ d.missing is defined }}', { d: {} })).toBe(false);
  });

  it('defined / undefined / default / d / inline if work with undefined values', () => {
    expect(r('{{ foo is defined }}')).toBe(false);
    expect(r('{{ foo is undefined }}')).toBe(true);
    expect(r('{{ foo is not defined }}')).toBe(true);
    expect(r("{{ foo | default('x') }}")).toBe('x');
    expect(r("{{ foo | d('x') }}")).toBe('x');
    expect(r("{{ foo.bar | default('y') }}")).toBe('y');
    expect(r("{{ x if y is defined else z }}", { x: 1, z: 2 })).toBe('2');
    expect(r("{{ x if y is defined else z }}", { x: 1, y: 0, z: 2 })).toBe('1');
    expect(r("{{ '' | default('x') }}")).toBe('');
    expect(r("{{ '' | default('x', true) }}")).toBe('x');
    // Ansible renders an expression's None as '' (a bare {{ name }} keeps the variable's None).
    expect(r("{{ none | default('x') }}")).toBe('');
    expect(r("{{ [none | default('x')] }}")).toEqual([null]);
    expect(r('{{ n }}', { n: null })).toBeNull();
    expect(r("{{ foo | default(bar | default('deep')) }}")).toBe('deep');
  });

  it('fail when used in conditions, loops, comparisons, arithmetic, filters, calls', () => {
    expect(error(() => f('{% if nope %}x{% endif %}')).variable).toBe('nope');
    expect(error(() => f('{% for i in nope %}{% endfor %}')).variable).toBe('nope');
    expect(error(() => r('{{ nope == 1 }}')).variable).toBe('nope');
    expect(error(() => r('{{ nope + 1 }}')).variable).toBe('nope');
    expect(error(() => r('{{ nope | upper }}')).variable).toBe('nope');
    expect(error(() => r('{{ nope() }}')).variable).toBe('nope');
    expect(error(() => r('{{ [nope] }}')).variable).toBe('nope');
    expect(error(() => r("{{ 'x' ~ nope }}")).variable).toBe('nope');
  });
});

describe('Python-isms', () => {
  it('string methods', () => {
    expect(r("{{ 'a,b,c'.split(',') }}")).toEqual(['a', 'b', 'c']);
    expect(r("{{ ' a  b '.split() }}")).toEqual(['a', 'b']);
    expect(r("{{ 'a.b.c'.split('.', 1) }}")).toEqual(['a', 'b.c']);
    expect(r("{{ 'a.b.c'.rsplit('.', 1) }}")).toEqual(['a.b', 'c']);
    expect(r("{{ '  x  '.strip() }}|{{ 'xxhixx'.strip('x') }}|{{ '  x'.lstrip() }}|{{ 'x  '.rstrip() }}")).toBe('x|hi|x|x');
    expect(r("{{ '/etc'.startswith('/') }} {{ 'a.conf'.endswith(('.yml', '.conf')) }}")).toBe('True True');
    expect(r("{{ 'aaa'.replace('a', 'b', 2) }} {{ 'Ab'.lower() }} {{ 'Ab'.upper() }}")).toBe('bba ab AB');
    expect(r("{{ '-'.join(['a', 'b']) }}")).toBe('a-b');
    expect(r("{{ '{}:{:>4}'.format('a', 7) }}|{{ '{name}!'.format(name='x') }}|{{ '{0:.2f}'.format(3.14159) }}")).toBe('a:   7|x!|3.14');
    expect(r("{{ 'hello world'.title() }} {{ 'abc'.find('c') }} {{ 'abcabc'.count('b') }}")).toBe('Hello World 2 2');
    expect(r("{{ '5'.zfill(3) }} {{ 'a=b'.partition('=') }}")).toBe("005 ['a', '=', 'b']");
    expect(error(() => r("{{ 'x'.bogus() }}")).message).toContain("'str object' has no attribute 'bogus'");
  });

  it('dict and list methods', () => {
    const d = { a: 1, b: 2 };
    expect(r('{{ d.items() | list }}', { d })).toEqual([['a', 1], ['b', 2]]);
    expect(r('{{ d.keys() | list }} {{ d.values() | list }}', { d })).toBe("['a', 'b'] [1, 2]");
    expect(r("{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 9) }}", { d })).toBe('1  9');
    expect(r("{{ d.get('z') }}", { d })).toBe('');
    expect(r('{{ l.index(3) }} {{ l.count(2) }}', { l: [1, 2, 3, 2] })).toBe('2 2');
  });

  it('literals, operators and tests', () => {
    expect(r('{{ True }} {{ False }} {{ None }}')).toBe('True False ');
    expect(r("{{ 'a' ~ 1 ~ none }}")).toBe('a1None');
    expect(r("{{ 'b' in ['a', 'b'] }} {{ 'z' not in 'xyz' }} {{ 'k' in {'k': 1} }}")).toBe('True False True');
    expect(r('{{ x is not none }}', { x: 1 })).toBe(true);
    expect(r('{{ [1, 2] + [3] }}')).toEqual([1, 2, 3]);
    expect(r("{{ '-' * 3 }}{{ 'ab' + 'c' }}")).toBe('---abc');
    expect(r('{{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 7 % 3 }}')).toBe('3 -4 2 1024 1');
    expect(r("{{ '%s-%03d' % ('web', 7) }} {{ '%(a)s' % {'a': 'x'} }} {{ '%.1f%%' % 99.44 }}")).toBe('web-007 x 99.4%');
    expect(r('{{ 1 < x < 5 }} {{ 1 < x > 5 }}', { x: 3 })).toBe('True False');
    expect(r('{{ [1, 2] == [1, 2] }} {{ {"a": 1} == {"a": 1} }} {{ 1 == 1.0 }} {{ "1" == 1 }}')).toBe('True True True False');
    expect(r('{{ (1, 2) }}')).toEqual([1, 2]);
    expect(r('{{ (1 + 2) * 3 }}')).toBe('9');
    expect(r("{{ x or 'fallback' }} {{ y and 'both' }}", { x: '', y: 1 })).toBe('fallback both');
    expect(r('{{ not x }}', { x: [] })).toBe(true);
    expect(error(() => r("{{ 'a' + 1 }}")).message).toContain('can only concatenate str');
    expect(error(() => r("{{ 'a' < 1 }}")).message).toContain("'<' not supported");
  });

  it('indexing and slicing', () => {
    const l = [1, 2, 3, 4];
    expect(r('{{ l[0] }} {{ l[-1] }} {{ l.1 }}', { l })).toBe('1 4 2');
    expect(r('{{ l[1:3] }}', { l })).toEqual([2, 3]);
    expect(r('{{ l[::-1] }}', { l })).toEqual([4, 3, 2, 1]);
    expect(r('{{ l[:2] }}', { l })).toEqual([1, 2]);
    expect(r("{{ 'hello'[1:-1] }} {{ 'hello'[0] }}")).toBe('ell h');
    expect(r('{{ x.0.name }}', { x: [{ name: 'a' }] })).toBe('a');
    expect(r("{{ hostvars['web1']['port'] }}", { hostvars: { web1: { port: 22 } } })).toBe('22');
    expect(error(() => r('{{ l[9] }}', { l })).message).toContain('list object has no element 9');
  });

  it('dict literals: nested braces, expression keys, trailing commas', () => {
    expect(r("{{ {'a': {'b': 1}} }}")).toEqual({ a: { b: 1 } });
    expect(r("{{ d | combine({'x': {'y': 1}}) }}", { d: { z: 0 } })).toEqual({ z: 0, x: { y: 1 } });
    expect(r('{{ {item.key: item.value} }}', { item: { key: 'k', value: 'v' } })).toEqual({ k: 'v' });
    expect(r('{{ [1, 2,] }}')).toEqual([1, 2]);
  });
});

describe('statements', () => {
  it('if / elif / else and for with loop variables', () => {
    expect(f('{% if x > 2 %}big{% elif x > 1 %}mid{% else %}small{% endif %}', { x: 2 })).toBe('mid');
    expect(f('{% for i in xs %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}', { xs: ['a', 'b'] })).toBe(
      '102TrueFalse2;211FalseTrue2;',
    );
    expect(f('{% for i in [] %}x{% else %}empty{% endfor %}')).toBe('empty');
    expect(f("{% for i in [1,2,3] %}{{ loop.cycle('odd', 'even') }} {% endfor %}")).toBe('odd even odd ');
    expect(f('{% for k in d %}{{ k }}{% endfor %}', { d: { a: 1, b: 2 } })).toBe('ab');
    expect(f('{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}', { d: { a: 1, b: 2 } })).toBe('a=1;b=2;');
    expect(f('{% for c in "ab" %}[{{ c }}]{% endfor %}')).toBe('[a][b]');
  });

  it('for with a filter condition, break and continue', () => {
    expect(f('{% for h in hosts if h != me %}{{ loop.index }}{{ h }} {% endfor %}', { hosts: ['a', 'b', 'c'], me: 'b' })).toBe('1a 2c ');
    expect(f('{% for i in [1,2,3,4] %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}')).toBe('13');
  });

  it('set, namespace, do, macros, filter blocks, raw', () => {
    expect(f('{% set x = 1 %}{% set a, b = [2, 3] %}{{ x + a + b }}')).toBe('6');
    expect(f('{% set block %}in {{ 1 }}{% endset %}[{{ block }}]')).toBe('[in 1]');
    expect(f('{% set ns = namespace(found=false) %}{% for i in [1, 2] %}{% if i == 2 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.found }}')).toBe('True');
    expect(f('{% set l = [] %}{% do l.append(1) %}{% do l.extend([2]) %}{{ l }}')).toBe('[1, 2]');
    expect(f('{% macro m(a, b=2) %}{{ a }}-{{ b }}{% endmacro %}{{ m(1) }} {{ m(1, b=3) }}')).toBe('1-2 1-3');
    expect(f('{% filter upper %}shout {{ x }}{% endfilter %}', { x: 'it' })).toBe('SHOUT IT');
    expect(f('{% raw %}{{ not rendered }}{% endraw %}')).toBe('{{ not rendered }}');
  });

  it('whitespace: trim_blocks, {%- -%}, trailing newlines kept, #jinja2 header, lstrip option', () => {
    expect(f('{% if true %}\nyes\n{% endif %}\nend\n')).toBe('yes\nend\n');
    expect(f('{% for i in [1,2] %}\n{{ i }}\n{% endfor %}\n')).toBe('1\n2\n');
    expect(f('{# comment #}\nx\n')).toBe('x\n');
    expect(f('  {%- if true %} x {% endif -%}  \ny')).toBe(' x y');
    expect(f("{{ 'x' }}\n\n")).toBe('x\n\n');
    expect(f('#jinja2: trim_blocks: False\n{% if true %}\nyes\n{% endif %}\n')).toBe('\nyes\n\n');
    expect(t.renderText('a\n  {% if true %}\n  b\n  {% endif %}\nc\n', {}, { lstripBlocks: true })).toBe('a\n  b\nc\n');
    expect(f('a\n  {% if true %}\n  b\n  {% endif %}\nc\n')).toBe('a\n    b\n  c\n');
  });

  it('call blocks and globals: range, dict, cycler, namespace, now, undef', () => {
    expect(f('{% macro wrap() %}[{{ caller() }}]{% endmacro %}{% call wrap() %}inner{% endcall %}')).toBe('[inner]');
    expect(r('{{ range(3) }}')).toEqual([0, 1, 2]);
    expect(r('{{ range(1, 10, 3) | list }}')).toEqual([1, 4, 7]);
    expect(r("{{ dict(a=1) }} {{ dict([['b', 2]]) }}")).toBe("{'a': 1} {'b': 2}");
    expect(f("{% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}")).toBe('aba');
    expect(r("{{ now().year > 2000 and now(fmt='%Y') | int > 2000 }}")).toBe(true);
    expect(r("{{ undef() | default('u') }}")).toBe('u');
    expect(r("{{ '{:,}'.format(1234567) }} {{ '{:08.3f}'.format(3.14159) }} {{ '%-5s|' % 'ab' }}")).toBe('1,234,567 0003.142 ab   |');
  });

  it('a set inside a loop does not leak out of it (Jinja scoping)', () => {
    expect(f('{% set x = 0 %}{% for i in [1, 2] %}{% set x = x + i %}{{ x }},{% endfor %}{{ x }}')).toBe('1,2,0');
  });

  it('extends, import and from-import load templates through the same compiler', () => {
    writeFileSync(join(dir, 'base.j2'), 'head {% block body %}default{% endblock %} tail {{ who }}');
    writeFileSync(join(dir, 'macros.j2'), '{% macro hi(n) %}hi {{ n | upper }}{% endmacro %}');
    expect(t.renderText("{% extends 'base.j2' %}{% block body %}child {{ who }}{% endblock %}", { who: 'me' }, { fileName: 'c.j2' })).toBe('head child me tail me');
    expect(f("{% import 'macros.j2' as m %}{{ m.hi('bob') }}")).toBe('hi BOB');
    expect(f("{% from 'macros.j2' import hi %}{{ hi('al') }}")).toBe('hi AL');
  });

  it('include finds templates beside the file and in templates/', () => {
    writeFileSync(join(dir, 'part.j2'), 'part {{ x }}{% for i in [1] %}{{ i }}{% endfor %}');
    const out = t.renderText("{% include 'part.j2' %}|{% include 'missing.j2' ignore missing %}", { x: 'X' }, { fileName: join(dir, 'main.j2') });
    expect(out).toBe('part X1|');
    expect(error(() => f("{% include 'missing.j2' %}")).message).toContain('template not found: missing.j2');
  });
});

describe('backslashes', () => {
  it('in playbook strings, string literals inside {{ }} keep their backslashes (Ansible escape_backslashes)', () => {
    expect(r("{{ 'ansible' | regex_replace('^a.*i(.*)$', 'a\\1') }}")).toBe('able');
    expect(r("{{ 'a1b22' | regex_findall('\\d+') }}")).toEqual(['1', '22']);
    expect(r("{{ 'x\\ny' }}")).toBe('x\\ny');
  });

  it('in template files and bare expressions, Python escapes apply (unknown ones kept)', () => {
    expect(f("{{ 'x\\ty' }}")).toBe('x\ty');
    expect(f("{{ 'a1b22' | regex_findall('\\d+') }}")).toBe("['1', '22']");
    expect(f("{{ 'foobar' | regex_replace('^f.*o(.*)$', '\\\\1') }}")).toBe('bar');
    expect(t.evaluate("'it\\'s'", {})).toBe("it's");
  });
});

describe('evaluate', () => {
  it('evaluates bare expressions to native values', () => {
    expect(t.evaluate('ports', { ports: [1, 2] })).toEqual([1, 2]);
    expect(t.evaluate('x | int + 1', { x: '41' })).toBe(42);
    expect(t.evaluate("result.rc == 0 and 'ok' in result.stdout", { result: { rc: 0, stdout: 'all ok' } })).toBe(true);
    expect(t.evaluate('  a\n  and b\n', { a: true, b: 1 })).toBe(1);
    expect(t.evaluate('{{ x }}', { x: [1] })).toEqual([1]);
    expect(t.evaluate("lookup('env', 'FLEET_NO_SUCH_VAR') | default('d', true)", {})).toBe('d');
  });

  it('reports syntax errors and unknown filters/tests with the source', () => {
    expect(error(() => t.evaluate('x | bogus', { x: 1 })).message).toBe("template error in 'x | bogus': no filter named 'bogus'");
    expect(error(() => r('{{ x | bogus }}', { x: 1 })).message).toBe("template error in '{{ x | bogus }}': no filter named 'bogus'");
    expect(error(() => t.evaluate('x is bogus', { x: 1 })).message).toContain("no test named 'bogus'");
    expect(error(() => t.evaluate('x ==', { x: 1 })).message).toContain("template error in 'x =='");
    expect(error(() => f('{% if %}')).message).toContain('template error');
    expect(error(() => t.evaluate('', {})).message).toContain('empty expression');
  });
});

describe('conditional', () => {
  it('all conditions must hold, with Ansible truthiness', () => {
    expect(t.conditional(['x is defined', 'x > 1', true], { x: 2 })).toBe(true);
    expect(t.conditional(['x is defined', 'x > 5'], { x: 2 })).toBe(false);
    expect(t.conditional(undefined, {})).toBe(true);
    expect(t.conditional([], {})).toBe(true);
    expect(t.conditional(false, {})).toBe(false);
    expect(t.conditional('', {})).toBe(true);
    expect(t.conditional('items', { items: [] })).toBe(false);
    expect(t.conditional('result is changed', { result: { changed: true } })).toBe(true);
    expect(t.conditional("ansible_os_family == 'Debian'", { ansible_os_family: 'RedHat' })).toBe(false);
    expect(t.conditional('flag | bool', { flag: 'yes' })).toBe(true);
  });

  it('accepts a condition wrapped in {{ }}', () => {
    expect(t.conditional('{{ x }}', { x: false })).toBe(false);
    expect(t.conditional('{{ x }}', { x: 'False' })).toBe(false);
    expect(t.conditional('{{ x == 1 }}', { x: 1 })).toBe(true);
    expect(t.conditional('{{ a }} == {{ b }}', { a: 1, b: 1 })).toBe(true);
  });

  it('an undefined variable fails the condition, naming it', () => {
    const e = error(() => t.conditional('app_enabled', {}));
    expect(e.variable).toBe('app_enabled');
    expect(e.message).toContain("'app_enabled' is undefined");
  });
});

describe('repeated rendering', () => {
  it('gives the same results from the compiled-template cache and returns plain strings as they are', () => {
    const vars = { name: 'web', port: 80, items: [1, 2, 3] };
    for (let i = 0; i < 2_000; i++) {
      expect(t.template('{{ name }}:{{ port }}', vars)).toBe('web:80');
      expect(t.template('{{ items | length }}', vars)).toBe('3');
      expect(t.template('no template here', vars)).toBe('no template here');
      expect(t.conditional('port == 80', vars)).toBe(true);
    }
  });
});
