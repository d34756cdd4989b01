/**
 * Module arguments whose keys, or whole text, are templates (set_fact's
 * `"{{ item.key }}={{ item.value }}"`): accepted when the playbook loads, resolved per host when
 * the task runs.
 */
import { describe, expect, it } from 'vitest';
import { spreadVariableParams } from '../src/executor/play/variable-params.js';
import { findModule } from '../src/modules/index.js';
import { VARIABLE_PARAMS, argsFromString, checkParams } from '../src/playbook/action.js';
import { createTemplar, lazyVars, markUnsafe } from '../src/template/index.js';
import { parseKv } from '../src/util/kv.js';

const setFact = findModule('set_fact')!;
const addHost = findModule('add_host')!;
const copy = findModule('copy')!;

describe('arguments that are templates', () => {
  it('parse_kv takes a template as a key, as Ansible does; other odd keys stay free-form text', () => {
    expect(parseKv('{{ item.0 }}={{ item.1 }}')).toEqual({ params: { '{{ item.0 }}': '{{ item.1 }}' }, raw: undefined });
    expect(parseKv("{{ '_' + item.0.id + item.1 }}={{ item.1 }} x=1")).toEqual({ params: { "{{ '_' + item.0.id + item.1 }}": '{{ item.1 }}', x: '1' }, raw: undefined });
    expect(parseKv('user_{{ item.0.name }}={{ item.1 }}')).toEqual({ params: { 'user_{{ item.0.name }}': '{{ item.1 }}' }, raw: undefined });
    expect(parseKv('a-b=1').raw).toBe('a-b=1');
  });

  it('set_fact and add_host load with templated keys; a whole-argument template is kept for run time', () => {
    const kv = argsFromString(setFact, '{{ item.key }}={{ item.value }}');
    expect(kv).toEqual({ args: { '{{ item.key }}': '{{ item.value }}' } });
    expect(checkParams(setFact, kv.args)).toEqual({});
    const whole = argsFromString(addHost, '{{ host_args }}');
    expect(whole).toEqual({ args: { [VARIABLE_PARAMS]: '{{ host_args }}' } });
    // name is required, but the mapping that gives it is only known at run time.
    expect(checkParams(addHost, whole.args)).toEqual({});
    expect(argsFromString(copy, 'not a pair').error).toContain('takes key=value arguments');
  });

  it('at run time the mapping goes under the task\'s other arguments; anything else fails the task', () => {
    expect(spreadVariableParams({ [VARIABLE_PARAMS]: { name: 'h1', groups: 'g' }, groups: 'web' })).toEqual({ name: 'h1', groups: 'web' });
    expect(spreadVariableParams({ a: 1 })).toEqual({ a: 1 });
    expect(() => spreadVariableParams({ [VARIABLE_PARAMS]: 'text' })).toThrow("invalid or malformed argument: 'text'");
  });
});

describe('registered results are data', () => {
  it('a result marked unsafe is never rendered again, nested values included; other variables still are', () => {
    const templar = createTemplar({ baseDir: '.' });
    const failed = markUnsafe({ msg: "No variable found (in '{{ lookup(\"vars\", \"x\") }}')", nested: { out: '{{ nope }}' } });
    const vars = lazyVars({ r: failed, a: 'A', b: '{{ a }}-b' }, templar);
    expect(templar.evaluate("'No variable found' in r.msg", vars)).toBe(true);
    expect(templar.evaluate('r.nested.out', vars)).toBe('{{ nope }}');
    expect(templar.evaluate('b', vars)).toBe('A-b');
  });
});
