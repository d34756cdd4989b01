import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateError, createTemplar, isLazy, lazyVars } from '../src/template/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fleet-template-lazy-'));
const t = createTemplar({ baseDir: dir });

function error(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateError);
    return err as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('lazyVars', () => {
  it('renders variables when they are read', () => {
    const v = lazyVars({ a: '{{ b }}/x', b: '{{ c }}', c: 'z' }, t);
    expect(v.a).toBe('z/x');
    expect(t.template('{{ a }}', v)).toBe('z/x');
    expect(t.evaluate("a ~ '!'", v)).toBe('z/x!');
  });

  it('renders inside nested dicts and lists, keeping native types', () => {
    const v = lazyVars(
      {
        base: '/opt/app',
        ports: [80, 443],
        app: { dir: '{{ base }}/current', paths: ['{{ base }}/a', '{{ app.dir }}/b'], port_list: '{{ ports }}' },
      },
      t,
    );
    const app = v.app as Record<string, unknown>;
    expect(app.dir).toBe('/opt/app/current');
    expect((app.paths as string[])[1]).toBe('/opt/app/current/b');
    expect(app.port_list).toEqual([80, 443]);
    expect(t.template('{{ app.paths | join(",") }}', v)).toBe('/opt/app/a,/opt/app/current/b');
    const whole = t.template('{{ app }}', v);
    expect(whole).toEqual({ dir: '/opt/app/current', paths: ['/opt/app/a', '/opt/app/current/b'], port_list: [80, 443] });
    expect(isLazy(whole)).toBe(false);
    expect(structuredClone(whole)).toEqual(whole);
  });

  it('sees changes made to the vars after wrapping (set_fact, register)', () => {
    const raw: Record<string, unknown> = { msg: 'rc={{ result.rc }}' };
    const v = lazyVars(raw, t);
    raw.result = { rc: 0 };
    expect(v.msg).toBe('rc=0');
    raw.result = { rc: 2 };
    expect(v.msg).toBe('rc=2');
  });

  it('fails on self-reference with a clear error', () => {
    const v = lazyVars({ x: '{{ x }}', a: '{{ b }}', b: '{{ a }}', d: { self: '{{ d.self }}' } }, t);
    const e1 = error(() => v.x);
    expect(e1.message).toContain("recursive loop detected in template for 'x'");
    expect(e1.variable).toBe('x');
    expect(error(() => v.a).message).toContain('recursive loop detected in template for');
    expect(error(() => t.template('{{ d.self }}', v)).message).toContain("recursive loop detected in template for 'd.self'");
  });

  it('an undefined variable used by a lazy variable names the undefined one', () => {
    const v = lazyVars({ url: 'http://{{ host }}:{{ port }}', port: 80 }, t);
    const e = error(() => t.template('{{ url }}', v));
    expect(e.variable).toBe('host');
    expect(e.message).toContain("'host' is undefined");
    expect(t.template("{{ url2 | default('none') }}", v)).toBe('none');
  });

  it('keeps hostvars-style nested lazy objects rendering against their own vars', () => {
    const web1 = lazyVars({ inventory_hostname: 'web1', addr: '{{ inventory_hostname }}.example.com' }, t);
    const db1 = lazyVars({ inventory_hostname: 'db1', addr: '{{ inventory_hostname }}.example.com' }, t);
    const v = lazyVars({ inventory_hostname: 'web1', hostvars: { web1, db1 } }, t);
    expect(t.template("{{ hostvars['db1'].addr }}", v)).toBe('db1.example.com');
    expect(t.template("{{ hostvars['web1']['addr'] }}", v)).toBe('web1.example.com');
    expect((v.hostvars as Record<string, unknown>).db1).toBe(db1);
    expect(lazyVars(v, t)).toBe(v);
  });

  it('leaves non-template values untouched and works with filters that walk lists', () => {
    const v = lazyVars({ users: [{ name: '{{ prefix }}a', admin: true }, { name: 'b', admin: false }], prefix: 'x-' }, t);
    expect(t.template("{{ users | selectattr('admin') | map(attribute='name') | list }}", v)).toEqual(['x-a']);
    expect(t.template('{{ users | length }}', v)).toBe('2');
    expect(t.renderText('{% for u in users %}{{ u.name }};{% endfor %}', v)).toBe('x-a;b;');
  });
});

describe('handlebars (.hbs)', () => {
  const vars = { name: 'web', list: [1, 2], env: 'prod', obj: { k: 'v' }, port: 8080, html: '<b>&</b>' };
  const hbs = (text: string, v: Record<string, unknown> = vars): string => t.renderText(text, v, { fileName: 'app.conf.hbs' });

  it('renders variables without HTML escaping', () => {
    expect(hbs('server {{name}}:{{port}} {{html}}')).toBe('server web:8080 <b>&</b>');
    expect(hbs('{{#each list}}[{{this}}]{{/each}} {{obj.k}}')).toBe('[1][2] v');
    expect(hbs('{{#if missing}}yes{{else}}no{{/if}}')).toBe('no');
  });

  it('has helpers for the filters and comparisons', () => {
    expect(hbs('{{upper name}} {{default missing "x"}} {{join list ","}} {{to_json obj}} {{json obj}}')).toBe('WEB x 1,2 {"k": "v"} {"k": "v"}');
    expect(hbs('{{#if (eq env "prod")}}P{{/if}}{{#if (ne env "prod")}}N{{/if}} {{#if (and (gt port 80) (lt port 9000))}}ok{{/if}}')).toBe('P ok');
    expect(hbs('{{lower (upper name)}} {{replace name "w" "W"}} {{b64encode name}} {{to_nice_yaml obj}}')).toBe('web Web d2Vi k: v\n');
    expect(hbs('{{#unless (not env)}}has env{{/unless}}')).toBe('has env');
  });

  it('fails on an undefined variable, naming it', () => {
    const e = error(() => hbs('line1\n{{nope}}'));
    expect(e.variable).toBe('nope');
    expect(e.message).toContain("'nope' is undefined");
    expect(e.message).toContain('app.conf.hbs');
  });

  it('renders lazy vars', () => {
    const v = lazyVars({ base: '/srv', dir: '{{ base }}/www' }, t);
    expect(hbs('root {{dir}};', v)).toBe('root /srv/www;');
  });
});

describe('renderText errors', () => {
  it('name the file and line', () => {
    writeFileSync(join(dir, 'x.j2'), '');
    const e = error(() => t.renderText('line one\nline two {{ nope }}\n', {}, { fileName: 'nginx.conf.j2' }));
    expect(e.message).toBe("'nope' is undefined (in 'nginx.conf.j2' line 2)");
    expect(e.context.file).toBe('nginx.conf.j2');
    expect(e.context.line).toBe(2);
    const syntax = error(() => t.renderText('a\n{% if %}\n', {}, { fileName: 'bad.j2' }));
    expect(syntax.message).toMatch(/^template error in 'bad.j2' line 2: /);
  });
});
