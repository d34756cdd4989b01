/**
 * The core playbook modules without hosts: parameter schemas, pure plans from fixture states, and
 * whole runs (runModule, check mode too) with a connection that must never be touched.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ping } from '../src/modules/ping.js';
import { runModule } from '../src/executor/run-module.js';
import { getModule, parseArgString, validateParams, ModuleArgsError } from '../src/modules/index.js';
import type { ModuleResult } from '../src/modules/index.js';
import type { Connection } from '../src/transport/index.js';
import { planDebug, NOT_DEFINED } from '../src/modules/debug.js';
import { planSetFact, isValidVarName } from '../src/modules/set_fact.js';
import { planAssert } from '../src/modules/assert.js';
import { metaAction, META_ACTIONS } from '../src/modules/meta.js';
import { planPause, pauseDuration } from '../src/modules/pause.js';
import { planGroupBy } from '../src/modules/group_by.js';
import { planAddHost, splitHostPort } from '../src/modules/add_host.js';
import { planIncludeVars, dirFiles, mergeDeep } from '../src/modules/include_vars.js';
import { planStat, statFacts, parseStatOutput, statScript } from '../src/modules/stat.js';
import { planWaitFor, parseWaitForOutput, matchGroups, validateWaitFor, waitForScript, type WaitForParams } from '../src/modules/wait_for.js';
import { planScript, splitScriptCommand, scriptCommand } from '../src/modules/script.js';
import { candidateDirs, findLocal } from '../src/modules/util/local-files.js';
import { ansibleTruthy } from '../src/modules/util/truthy.js';
import { lookupPath } from '../src/modules/util/evaluate.js';
import { remotePathWord } from '../src/modules/util/remote-path.js';
import { fnmatch } from '../src/util/fnmatch.js';

/** A connection that fails the test if a module touches the host. */
const noHost: Connection = {
  host: 'h1',
  connect: async () => undefined,
  run: async () => {
    throw new Error('this module must not touch the host');
  },
  put: async () => {
    throw new Error('this module must not touch the host');
  },
  get: async () => {
    throw new Error('this module must not touch the host');
  },
  close: async () => undefined,
};

const params = (name: string, args: Record<string, unknown>) => {
  const m = getModule(name);
  return validateParams(m.name, m.params, args, m) as never;
};

async function run(name: string, args: Record<string, unknown>, extra: { checkMode?: boolean; vars?: Record<string, unknown>; evaluate?: (e: string) => unknown; searchPaths?: string[] } = {}): Promise<ModuleResult> {
  const module = getModule(name);
  return runModule({
    module,
    params: validateParams(module.name, module.params, args, module),
    connection: noHost,
    host: 'h1',
    become: false,
    checkMode: extra.checkMode ?? false,
    ...(extra.vars ? { vars: extra.vars } : {}),
    ...(extra.evaluate ? { evaluate: extra.evaluate } : {}),
    ...(extra.searchPaths ? { searchPaths: extra.searchPaths } : {}),
  });
}

/** A tiny evaluator for tests: variables by name, `a == b`, `x is defined`, literals. */
function evaluator(vars: Record<string, unknown>): (e: string) => unknown {
  return (expr: string) => {
    const eq = /^(.+?)\s*(==|!=|>)\s*(.+)$/.exec(expr);
    const val = (t: string): unknown => {
      t = t.trim();
      if (/^-?\d+$/.test(t)) return Number(t);
      if (/^'.*'$/.test(t)) return t.slice(1, -1);
      if (t === 'true' || t === 'True') return true;
      if (t === 'false' || t === 'False') return false;
      if (t.includes('(')) throw new Error(`template error while templating '${t}': unexpected '('`);
      const found = lookupPath(vars, t);
      if (!found.found) {
        const err = new Error(`'${t}' is undefined`);
        (err as { variable?: string }).variable = t;
        throw err;
      }
      return found.value;
    };
    if (eq) {
      const [a, b] = [val(eq[1]!), val(eq[3]!)];
      return eq[2] === '==' ? a === b : eq[2] === '!=' ? a !== b : (a as number) > (b as number);
    }
    const def = /^(\w+) is (not )?defined$/.exec(expr.trim());
    if (def) return lookupPath(vars, def[1]!).found !== !!def[2];
    return val(expr);
  };
}

describe('registry and parameters', () => {
  it('registers every core module under its short, ansible.builtin and ansible.legacy names', () => {
    for (const name of ['debug', 'set_fact', 'stat', 'assert', 'fail', 'meta', 'pause', 'wait_for', 'setup', 'script', 'include_vars', 'add_host', 'group_by']) {
      const m = getModule(name);
      expect(m.name).toBe(name);
      expect(getModule(`ansible.builtin.${name}`)).toBe(m);
      expect(getModule(`ansible.legacy.${name}`)).toBe(m);
    }
  });
  it('marks the modules that change nothing as readOnly (check mode runs them in full), script not', () => {
    for (const name of ['debug', 'set_fact', 'stat', 'assert', 'fail', 'meta', 'pause', 'wait_for', 'setup', 'include_vars', 'add_host', 'group_by']) {
      expect(getModule(name).readOnly, name).toBe(true);
    }
    expect(getModule('script').readOnly).toBeFalsy();
  });
  it('validateParams keeps names outside the schema only for modules with additionalParams', () => {
    const sf = getModule('set_fact');
    expect(validateParams('set_fact', sf.params, { a: 1, b: null, cacheable: 'yes' }, sf)).toEqual({ a: 1, b: null, cacheable: true });
    expect(() => validateParams('stat', getModule('stat').params, { path: '/x', bogus: 1 }, getModule('stat'))).toThrow(/^Unsupported parameters for \(stat\) module: bogus\./);
    // without the module (old callers), unknown names are still rejected
    expect(() => validateParams('set_fact', sf.params, { a: 1 })).toThrow(ModuleArgsError);
  });
  it('takes k=v strings for set_fact and add_host, free form for meta, include_vars and script', () => {
    expect(parseArgString(getModule('set_fact'), 'a=1 b="two words"')).toEqual({ a: '1', b: 'two words' });
    expect(parseArgString(getModule('add_host'), 'name=web1 groups=a,b foo=bar')).toEqual({ name: 'web1', groups: 'a,b', foo: 'bar' });
    expect(parseArgString(getModule('meta'), 'flush_handlers')).toEqual({ _raw_params: 'flush_handlers' });
    expect(parseArgString(getModule('include_vars'), 'vars/main.yml')).toEqual({ _raw_params: 'vars/main.yml' });
    expect(parseArgString(getModule('include_vars'), 'file=a.yml name=x')).toEqual({ file: 'a.yml', name: 'x' });
    expect(parseArgString(getModule('script'), 'files/x.sh --flag "a b" creates=/tmp/done')).toEqual({ _raw_params: 'files/x.sh --flag "a b"', creates: '/tmp/done' });
  });
  it('resolves Ansible aliases', () => {
    expect(params('stat', { dest: '/x', checksum: 'md5', mime: false, attr: false })).toMatchObject({ path: '/x', checksum_algorithm: 'md5', get_mime: false, get_attributes: false });
    expect(params('add_host', { hostname: 'h', groupname: 'g' })).toMatchObject({ name: 'h', groups: 'g' });
    expect(params('add_host', { host: 'h', group: ['g'] })).toMatchObject({ name: 'h', groups: ['g'] });
    expect(params('assert', { that: 'x', msg: 'bad' })).toMatchObject({ fail_msg: 'bad' });
  });
  it('rejects bad choices before any host is touched', () => {
    expect(() => params('stat', { path: '/x', checksum_algorithm: 'crc32' })).toThrow(/must be one of: md5, sha1/);
    expect(() => params('wait_for', { port: 1, state: 'emptied' })).toThrow(/^value of state must be one of: absent, drained, present, started, stopped, got: emptied$/);
    expect(() => params('meta', { _raw_params: 'flush_everything' })).toThrow(/must be one of/);
    expect(() => params('stat', {})).toThrow(/^missing required arguments: path$/);
  });
});

describe('debug', () => {
  it('prints msg, by default "Hello world!", never changed, always shown', async () => {
    expect(await run('debug', {})).toEqual({ changed: false, failed: false, msg: 'Hello world!', _ansible_verbose_always: true });
    expect(await run('debug', { msg: ['a', { b: 1 }] })).toMatchObject({ msg: ['a', { b: 1 }] });
  });
  it('evaluates var with the task variables; the key is the expression', async () => {
    const vars = { myvar: { a: [1, 2] }, n: 0 };
    const evaluate = evaluator(vars);
    expect(await run('debug', { var: 'myvar' }, { evaluate })).toMatchObject({ myvar: { a: [1, 2] }, changed: false });
    expect(await run('debug', { var: 'myvar.a' }, { evaluate })).toMatchObject({ 'myvar.a': [1, 2] });
    expect(await run('debug', { var: 'n' }, { evaluate })).toMatchObject({ n: 0 });
    expect(await run('debug', { var: '{{ n }}' }, { evaluate })).toMatchObject({ '{{ n }}': 0 });
  });
  it('says VARIABLE IS NOT DEFINED! for an undefined var, with or without an evaluator', async () => {
    expect(await run('debug', { var: 'nope' }, { evaluate: evaluator({}) })).toMatchObject({ nope: NOT_DEFINED, failed: false });
    // The template layer's StrictUndefined value (a class named Undefined) counts as undefined too.
    class Undefined {
      message() {
        return "'nope' is undefined";
      }
    }
    expect(await run('debug', { var: 'nope' }, { evaluate: () => new Undefined() })).toMatchObject({ nope: NOT_DEFINED });
    // ad-hoc: no evaluator, plain look-up in vars
    expect(await run('debug', { var: 'a.b' }, { vars: { a: { b: 'x' } } })).toMatchObject({ 'a.b': 'x' });
    expect(await run('debug', { var: 'a.c' }, { vars: { a: { b: 'x' } } })).toMatchObject({ 'a.c': NOT_DEFINED });
  });
  it('fails on a template error that is not about an undefined variable, and on msg with var', async () => {
    expect(await run('debug', { var: 'lookup(x)' }, { evaluate: evaluator({}) })).toMatchObject({ failed: true, msg: expect.stringMatching(/cannot evaluate/) });
    expect(planDebug({ msg: 'a', var: 'b', verbosity: 0 }, { kind: 'msg' }).result).toMatchObject({ failed: true, msg: "'msg' and 'var' are incompatible options" });
  });
  it('carries verbosity as _fleet_verbosity for the reporter', async () => {
    expect(await run('debug', { msg: 'hi', verbosity: 2 })).toMatchObject({ msg: 'hi', _fleet_verbosity: 2 });
    expect(await run('debug', { msg: 'hi' })).not.toHaveProperty('_fleet_verbosity');
  });
  it('gives the same result in check mode', async () => {
    expect(await run('debug', { msg: 'x' }, { checkMode: true })).toMatchObject({ msg: 'x', changed: false });
  });
});

describe('set_fact', () => {
  it('returns the facts under ansible_facts, unchanged, with cacheable', async () => {
    expect(await run('set_fact', { a: 1, b: { c: [1] }, d: null })).toEqual({ changed: false, ansible_facts: { a: 1, b: { c: [1] }, d: null }, _ansible_facts_cacheable: false });
    expect(await run('set_fact', { a: 1, cacheable: true })).toMatchObject({ _ansible_facts_cacheable: true, ansible_facts: { a: 1 } });
    expect(await run('set_fact', { a: 1 }, { checkMode: true })).toMatchObject({ ansible_facts: { a: 1 } });
  });
  it('turns k=v boolean words into booleans, as Ansible', () => {
    expect(planSetFact({ cacheable: false, a: 'yes', b: 'False', c: 'maybe', d: true }).result.ansible_facts).toEqual({ a: true, b: false, c: 'maybe', d: true });
  });
  it('rejects invalid variable names and empty argument lists', () => {
    expect(planSetFact({ cacheable: false, 'a-b': 1 }).result).toMatchObject({ failed: true, msg: expect.stringMatching(/The variable name 'a-b' is not valid/) });
    expect(planSetFact({ cacheable: false }).result).toMatchObject({ failed: true, msg: expect.stringMatching(/No key\/value pairs provided/) });
    expect(isValidVarName('class')).toBe(false);
    expect(isValidVarName('_ok1')).toBe(true);
    expect(isValidVarName('1bad')).toBe(false);
  });
});

describe('assert', () => {
  const evaluate = evaluator({ x: 1, s: 'false', list: [], name: 'web' });
  it('passes when every expression holds', async () => {
    expect(await run('assert', { that: ['x == 1', 'name == \'web\''] }, { evaluate })).toEqual({ changed: false, msg: 'All assertions passed', _ansible_verbose_always: true });
    expect(await run('assert', { that: 'x == 1', success_msg: 'fine' }, { evaluate })).toMatchObject({ msg: 'fine' });
    expect(await run('assert', { that: 'x == 1', quiet: true }, { evaluate })).toEqual({ changed: false, msg: 'All assertions passed' });
  });
  it('fails on the first false one with assertion, evaluated_to and msg', async () => {
    expect(await run('assert', { that: ['x == 1', 'x == 2', 'nope == 1'] }, { evaluate })).toMatchObject({ failed: true, changed: false, assertion: 'x == 2', evaluated_to: false, msg: 'Assertion failed' });
    expect(await run('assert', { that: ['x > 5'], fail_msg: 'too small' }, { evaluate })).toMatchObject({ failed: true, msg: 'too small' });
    expect(await run('assert', { that: ['x > 5'], msg: ['a', 'b'] }, { evaluate })).toMatchObject({ failed: true, msg: ['a', 'b'] });
    expect(await run('assert', { that: 'x == 2' }, { evaluate, checkMode: true })).toMatchObject({ failed: true, assertion: 'x == 2' });
  });
  it('uses Ansible truthiness: "false" strings, empty lists and undefined variables are false', async () => {
    expect(await run('assert', { that: 's' }, { evaluate })).toMatchObject({ failed: true, evaluated_to: false });
    expect(await run('assert', { that: 'list' }, { evaluate })).toMatchObject({ failed: true });
    expect(await run('assert', { that: 'missing' }, { evaluate })).toMatchObject({ failed: true, msg: expect.stringMatching(/'missing' is undefined/) });
    expect(await run('assert', { that: [true, 'x == 1'] }, { evaluate })).toMatchObject({ msg: 'All assertions passed' });
    expect(ansibleTruthy('False')).toBe(false);
    expect(ansibleTruthy('no')).toBe(false);
    expect(ansibleTruthy('yes')).toBe(true);
    expect(ansibleTruthy(0)).toBe(false);
    expect(ansibleTruthy({})).toBe(false);
    expect(ansibleTruthy({ a: 1 })).toBe(true);
  });
  it('never splits a string expression on commas, and rejects non-string messages', () => {
    expect(planAssert({ that: 'x in [1, 2]', quiet: false }, { results: [{ assertion: 'x in [1, 2]', evaluated: { ok: true, value: true } }] }).result.msg).toBe('All assertions passed');
    expect(() => planAssert({ that: 'x', quiet: false, fail_msg: 5 }, { results: [] })).toThrow(/fail_msg must be a string or a list/);
  });
});

describe('fail, meta', () => {
  it('fail fails with its msg or the default', async () => {
    expect(await run('fail', {})).toEqual({ changed: false, failed: true, msg: 'Failed as requested from task' });
    expect(await run('fail', { msg: 'stop here' }, { checkMode: true })).toEqual({ changed: false, failed: true, msg: 'stop here' });
  });
  it('meta returns _fleet_meta for the executor and validates the action', async () => {
    for (const a of ['flush_handlers', 'noop', 'end_play', 'end_host', 'end_batch', 'clear_facts', 'clear_host_errors', 'refresh_inventory', 'reset_connection']) {
      expect(await run('meta', { _raw_params: a })).toEqual({ changed: false, _fleet_meta: a });
      expect(META_ACTIONS).toContain(a);
    }
    expect(() => metaAction({ _raw_params: 'nonsense' })).toThrow(/invalid meta action requested: nonsense/);
  });
});

describe('pause', () => {
  it('waits seconds, returns start/stop/delta/stdout, never changed', async () => {
    const r = await run('pause', { seconds: 1 });
    expect(r).toMatchObject({ changed: false, delta: 1, echo: true, user_input: '', stdout: expect.stringMatching(/^Paused for 1(\.\d+)? seconds$/) });
    expect(r.start).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(await run('pause', { seconds: 0, prompt: 'Look' }, { checkMode: true })).toMatchObject({ changed: false, prompt: 'Look', delta: 0 });
  });
  it('reports minutes in minutes and rejects non-integers', () => {
    expect(pauseDuration({ minutes: '2' })).toEqual({ seconds: 120, unit: 'minutes' });
    expect(planPause({ minutes: '1', echo: true }, { start: 0, stop: 60_000 }).result).toMatchObject({ stdout: 'Paused for 1.0 minutes', delta: 60 });
    expect(() => pauseDuration({ seconds: '1.5' })).toThrow(/non-integer value for seconds/);
  });
  it('fails instead of waiting for a key press', async () => {
    expect(await run('pause', { prompt: 'Press enter' })).toMatchObject({ failed: true, msg: expect.stringMatching(/interactive terminal/) });
  });
});

describe('group_by, add_host', () => {
  it('group_by returns add_group and parent_groups (default all), dashes for spaces', async () => {
    expect(await run('group_by', { key: 'os_Debian 12' })).toEqual({ changed: false, add_group: 'os_Debian-12', parent_groups: ['all'] });
    expect(planGroupBy({ key: 'k', parents: 'web servers' }).result.parent_groups).toEqual(['web-servers']);
    expect(planGroupBy({ key: 'k', parents: ['a', 'b'] }).result.parent_groups).toEqual(['a', 'b']);
  });
  it('add_host returns host_name, groups and the other arguments as host vars', async () => {
    expect(await run('add_host', { name: 'web1', groups: 'a, b,a', foo: 42, ansible_user: 'deploy' })).toEqual({
      changed: false,
      add_host: { host_name: 'web1', groups: ['a', 'b'], host_vars: { foo: 42, ansible_user: 'deploy' } },
    });
    expect(planAddHost({ name: '10.0.0.5:2222', groups: ['g'] }).result.add_host).toEqual({ host_name: '10.0.0.5', groups: ['g'], host_vars: { ansible_ssh_port: 2222 } });
    expect(planAddHost({ name: 'h' }).result.add_host).toEqual({ host_name: 'h', groups: [], host_vars: {} });
    expect(planAddHost({ name: 'h', groups: 5 }).result).toMatchObject({ failed: true, msg: 'Groups must be specified as a list.' });
  });
  it('parses host:port like Ansible, leaving bare IPv6 alone', () => {
    expect(splitHostPort('[fe80::1]:22')).toEqual({ host: 'fe80::1', port: 22 });
    expect(splitHostPort('fe80::1')).toEqual({ host: 'fe80::1' });
    expect(splitHostPort('db.example.com')).toEqual({ host: 'db.example.com' });
  });
});

describe('include_vars', () => {
  const root = mkdtempSync(join(tmpdir(), 'fleet-incvars-'));
  const play = join(root, 'play');
  const role = join(play, 'roles', 'web');
  mkdirSync(join(play, 'vars', 'conf.d', 'sub'), { recursive: true });
  mkdirSync(join(role, 'vars'), { recursive: true });
  mkdirSync(join(role, 'files'), { recursive: true });
  writeFileSync(join(play, 'vars', 'common.yml'), 'a: 1\nflag: yes\nmode: 0644\nnested: {x: 1, y: {z: 1}}\n');
  writeFileSync(join(play, 'vars', 'data.json'), '{"j": [1, 2]}');
  writeFileSync(join(play, 'vars', 'list.yml'), '- 1\n- 2\n');
  writeFileSync(join(play, 'vars', 'broken.yml'), 'a: [1, 2\n');
  writeFileSync(join(play, 'vars', 'empty.yml'), '');
  writeFileSync(join(role, 'vars', 'common.yml'), 'a: role\n');
  writeFileSync(join(play, 'vars', 'conf.d', '10-a.yml'), 'a: 10\nnested: {y: {w: 2}}\n');
  writeFileSync(join(play, 'vars', 'conf.d', '20-b.yaml'), 'b: 20\n');
  writeFileSync(join(play, 'vars', 'conf.d', 'README.txt'), 'not vars\n');
  writeFileSync(join(play, 'vars', 'conf.d', 'sub', '30-c.yml'), 'c: 30\na: 30\n');
  const playPaths = [join(play, 'files'), join(play, 'templates'), join(play, 'vars'), play];
  const rolePaths = [join(role, 'files'), join(role, 'templates'), join(role, 'vars'), role, ...playPaths];

  it('loads a YAML file found in vars/ with PyYAML scalars, as ansible_facts plus the file list', async () => {
    expect(await run('include_vars', { _raw_params: 'common.yml' }, { searchPaths: playPaths })).toEqual({
      changed: false,
      ansible_facts: { a: 1, flag: true, mode: 420, nested: { x: 1, y: { z: 1 } } },
      ansible_included_var_files: [join(play, 'vars', 'common.yml')],
    });
    expect(await run('include_vars', { file: 'vars/data.json' }, { searchPaths: playPaths })).toMatchObject({ ansible_facts: { j: [1, 2] } });
    expect(await run('include_vars', { file: 'empty.yml' }, { searchPaths: playPaths })).toMatchObject({ ansible_facts: {} });
    expect(await run('include_vars', { file: join(play, 'vars', 'data.json') }, { checkMode: true })).toMatchObject({ ansible_facts: { j: [1, 2] } });
  });
  it("searches the role's vars/ before the playbook's", async () => {
    expect(await run('include_vars', { file: 'common.yml' }, { searchPaths: rolePaths })).toMatchObject({ ansible_facts: { a: 'role' } });
    expect(candidateDirs(rolePaths, 'vars')).toEqual([join(role, 'vars'), role, join(play, 'vars'), play]);
    expect(candidateDirs(rolePaths, 'files')).toEqual([join(role, 'files'), role, join(play, 'files'), play]);
    expect(candidateDirs([join(play, 'files'), play], 'vars')).toEqual([join(play, 'vars'), play]);
  });
  it('puts everything under one key with name', async () => {
    expect(await run('include_vars', { file: 'common.yml', name: 'cfg' }, { searchPaths: playPaths })).toMatchObject({ ansible_facts: { cfg: { a: 1 } } });
  });
  it('loads a directory sorted, recursively or to a depth, filtered', async () => {
    const all = await run('include_vars', { dir: 'conf.d', ignore_unknown_extensions: true }, { searchPaths: playPaths });
    expect(all.ansible_facts).toEqual({ a: 30, b: 20, c: 30, nested: { y: { w: 2 } } });
    expect(all.ansible_included_var_files).toEqual([join(play, 'vars/conf.d/10-a.yml'), join(play, 'vars/conf.d/20-b.yaml'), join(play, 'vars/conf.d/sub/30-c.yml')]);
    const top = await run('include_vars', { dir: 'conf.d', depth: 1, files_matching: '^\\d+-', name: 'conf' }, { searchPaths: playPaths });
    expect(top.ansible_facts).toEqual({ conf: { a: 10, b: 20, nested: { y: { w: 2 } } } });
    const ignored = await run('include_vars', { dir: 'conf.d', ignore_files: ['README.txt', '20-b.yaml'] }, { searchPaths: playPaths });
    expect(ignored.ansible_facts).toEqual({ a: 30, c: 30, nested: { y: { w: 2 } } });
    const onlyYaml = await run('include_vars', { dir: 'conf.d', extensions: ['yaml'], ignore_unknown_extensions: true }, { searchPaths: playPaths });
    expect(onlyYaml.ansible_facts).toEqual({ b: 20 });
  });
  it('fails on an unknown extension unless told to ignore it', async () => {
    expect(await run('include_vars', { dir: 'conf.d' }, { searchPaths: playPaths })).toMatchObject({ failed: true, message: expect.stringMatching(/README\.txt does not have a valid extension: json, yaml, yml/) });
  });
  it('merges nested dicts with hash_behaviour=merge', async () => {
    const r = await run('include_vars', { dir: join(play, 'vars', 'conf.d'), hash_behaviour: 'merge', ignore_unknown_extensions: true, files_matching: '10-a' }, { searchPaths: playPaths });
    expect(r.ansible_facts).toEqual({ a: 10, nested: { y: { w: 2 } } });
    // As Ansible (its include_vars target): merged with the value the variable already has.
    const merged = await run('include_vars', { dir: join(play, 'vars', 'conf.d'), hash_behaviour: 'merge', ignore_unknown_extensions: true, files_matching: '10-a' }, { searchPaths: playPaths, vars: { nested: { x: 1, y: { z: 1 } }, a: 1 } });
    expect(merged.ansible_facts).toEqual({ a: 10, nested: { x: 1, y: { z: 1, w: 2 } } });
    const replaced = await run('include_vars', { dir: join(play, 'vars', 'conf.d'), ignore_unknown_extensions: true, files_matching: '10-a' }, { searchPaths: playPaths, vars: { nested: { x: 1 } } });
    expect(replaced.ansible_facts).toEqual({ a: 10, nested: { y: { w: 2 } } });
    expect(mergeDeep({ n: { x: 1, y: { z: 1 } } }, { n: { y: { w: 2 } } })).toEqual({ n: { x: 1, y: { z: 1, w: 2 } } });
  });
  it('fails on missing files, non-dict files, YAML errors and mixed options', async () => {
    expect(await run('include_vars', { file: 'missing.yml' }, { searchPaths: playPaths })).toMatchObject({ failed: true, message: expect.stringMatching(/Could not find or access 'missing\.yml'/) });
    expect(await run('include_vars', { file: 'list.yml' }, { searchPaths: playPaths })).toMatchObject({ failed: true, message: expect.stringMatching(/must be stored as a dictionary\/hash/) });
    expect(await run('include_vars', { file: 'broken.yml' }, { searchPaths: playPaths })).toMatchObject({ failed: true, message: expect.stringMatching(/Syntax Error while loading YAML/) });
    expect(await run('include_vars', { file: 'a.yml', dir: 'x' }, { searchPaths: playPaths })).toMatchObject({ failed: true, message: 'You are mixing file only and dir only arguments, these are incompatible' });
    expect(await run('include_vars', { dir: 'nodir' }, { searchPaths: playPaths })).toMatchObject({ failed: true, message: 'nodir directory does not exist' });
    expect(planIncludeVars(params('include_vars', { file: 'x' }), { files: [{ path: '/x.yml', data: 'scalar' }] }).result).toMatchObject({ failed: true });
    expect(dirFiles(join(play, 'vars', 'conf.d'), params('include_vars', { dir: 'x', ignore_unknown_extensions: true })).files).toHaveLength(3);
  });
});

describe('stat (pure parts)', () => {
  const out = (pairs: Record<string, string>) => Object.entries(pairs).map(([k, v]) => `${k}\0${v}\0`).join('');
  const p = { checksum_algorithm: 'sha1' as const, get_mime: true };
  it('turns the raw fields into Ansible\'s stat dict', () => {
    const fields = parseStatOutput(
      out({
        exists: '1',
        path: '/etc/hosts',
        stat: '81a4|174|0|0|root|root|1234|2049|1|8|4096|0|0|1700000000.123456789|1700000001.5|1700000002',
        readable: '1',
        writeable: '0',
        executable: '0',
        checksum: 'abc',
        mime: 'text/plain; charset=us-ascii',
        attr: '0 --------------e------- /etc/hosts',
      }),
    );
    expect(statFacts(fields, p)).toEqual({
      exists: true,
      path: '/etc/hosts',
      mode: '0644',
      isdir: false,
      ischr: false,
      isblk: false,
      isreg: true,
      isfifo: false,
      islnk: false,
      issock: false,
      uid: 0,
      gid: 0,
      size: 174,
      inode: 1234,
      dev: 2049,
      nlink: 1,
      atime: 1700000000.1234567,
      mtime: 1700000001.5,
      ctime: 1700000002,
      wusr: true,
      rusr: true,
      xusr: false,
      wgrp: false,
      rgrp: true,
      xgrp: false,
      woth: false,
      roth: true,
      xoth: false,
      isuid: false,
      isgid: false,
      blocks: 8,
      block_size: 4096,
      device_type: 0,
      readable: true,
      writeable: false,
      executable: false,
      pw_name: 'root',
      gr_name: 'root',
      checksum: 'abc',
      mimetype: 'text/plain',
      charset: 'us-ascii',
      version: '0',
      attr_flags: 'e',
      attributes: ['extents'],
    });
  });
  it('reads directories, symlinks, setuid bits, devices and unknown owners', () => {
    const dir = statFacts(parseStatOutput(out({ exists: '1', path: '/tmp', stat: '43ff|4096|0|0|root|root|2|5|3|8|4096|0|0|1|2|3' })), { ...p, get_mime: false });
    expect(dir).toMatchObject({ isdir: true, mode: '1777', isreg: false });
    expect(dir).not.toHaveProperty('mimetype');
    const link = statFacts(parseStatOutput(out({ exists: '1', path: '/bin/sh', stat: 'a1ff|4|0|0|UNKNOWN|UNKNOWN|2|5|1|0|4096|0|0|1|2|3', lnk_target: 'dash', lnk_source: '/usr/bin/dash' })), p) as Record<string, unknown>;
    expect(link).toMatchObject({ islnk: true, mode: '0777', lnk_target: 'dash', lnk_source: '/usr/bin/dash' });
    expect(link).not.toHaveProperty('pw_name');
    expect(statFacts(parseStatOutput(out({ exists: '1', path: '/usr/bin/passwd', stat: '89ed|1|0|0|root|root|2|5|1|0|4096|0|0|1|2|3' })), p)).toMatchObject({ isuid: true, mode: '4755' });
    expect(statFacts(parseStatOutput(out({ exists: '1', path: '/dev/sda', stat: '61b0|0|0|6|root|disk|2|5|1|0|4096|8|1|1|2|3' })), p)).toMatchObject({ isblk: true, device_type: 2049 });
  });
  it('says exists: false for a missing path and fails when the checksum program is missing', () => {
    expect(planStat(params('stat', { path: '/nope' }), { fields: parseStatOutput(out({ exists: '0' })) }).result).toEqual({ changed: false, stat: { exists: false } });
    expect(planStat(params('stat', { path: '/x', checksum_algorithm: 'sha384' }), { fields: parseStatOutput(out({ exists: '1', path: '/x', stat: '81a4|1|0|0|r|r|1|1|1|1|1|0|0|1|1|1', checksum_error: 'sha384sum' })) }).result).toMatchObject({
      failed: true,
      msg: expect.stringMatching(/Could not hash file '\/x' with algorithm 'sha384'/),
    });
    expect(planStat(params('stat', { path: '/x' }), { fields: {}, error: 'cannot stat /x: boom' }).result).toMatchObject({ failed: true, msg: 'cannot stat /x: boom' });
  });
  it('builds one snippet honouring follow, checksum, mime and attributes', () => {
    const s = statScript(params('stat', { path: '~/x y', follow: true, checksum_algorithm: 'sha256', get_mime: false, get_attributes: false }));
    expect(s).toContain(`p="$HOME"'/x y'`);
    expect(s).toContain('stat -L -c');
    expect(s).toContain('sha256sum');
    expect(s).not.toContain('file ');
    expect(s).not.toContain('lsattr');
    expect(statScript(params('stat', { path: '/x', get_checksum: false }))).not.toContain('sha1sum');
  });
  it('a small file read by the shell is hashed here with the algorithm asked', () => {
    const bytes = Buffer.from([0x68, 0xe9, 0x0a, 0xff]);
    const raw = Buffer.concat([Buffer.from('exists\x001\x00path\x00/x\x00checksum_bytes\x00'), bytes, Buffer.from('\x00mime\x00text/plain; charset=utf-8\x00')]);
    expect(parseStatOutput(raw, 'sha256')).toEqual({ exists: '1', path: '/x', checksum: createHash('sha256').update(bytes).digest('hex'), mime: 'text/plain; charset=utf-8' });
    expect(parseStatOutput(raw).checksum).toBe(createHash('sha1').update(bytes).digest('hex'));
  });
});

describe('wait_for (pure parts)', () => {
  const wp = (args: Record<string, unknown>) => params('wait_for', args) as WaitForParams;
  it('validates the combinations Ansible rejects', () => {
    expect(validateWaitFor(wp({ port: 1, path: '/x' }))).toBe('port and path parameter can not both be passed to wait_for');
    expect(validateWaitFor(wp({ path: '/x', state: 'stopped' }))).toMatch(/state=stopped should only be used for checking a port/);
    expect(planWaitFor(wp({ port: 1, path: '/x' }), { status: 'invalid', elapsedMs: 0 }).result).toMatchObject({ failed: true });
  });
  it('fails on timeout with Ansible\'s messages, or msg', () => {
    const timeout = { status: 'timeout' as const, elapsedMs: 2500 };
    expect(planWaitFor(wp({ port: 8080 }), timeout).result).toEqual({ changed: false, failed: true, msg: 'Timeout when waiting for 127.0.0.1:8080', elapsed: 2 });
    expect(planWaitFor(wp({ port: 8080, host: 'db', state: 'stopped' }), timeout).result.msg).toBe('Timeout when waiting for db:8080 to stop.');
    expect(planWaitFor(wp({ port: 22, search_regex: 'OpenSSH' }), timeout).result.msg).toBe('Timeout when waiting for search string OpenSSH in 127.0.0.1:22');
    expect(planWaitFor(wp({ path: '/f' }), timeout).result.msg).toBe('Timeout when waiting for file /f');
    expect(planWaitFor(wp({ path: '/f', state: 'absent' }), timeout).result.msg).toBe('Timeout when waiting for /f to be absent.');
    expect(planWaitFor(wp({ path: '/f', search_regex: 'ready' }), timeout).result.msg).toBe('Timeout when waiting for search string ready in /f');
    expect(planWaitFor(wp({ path: '/f', msg: 'custom' }), timeout).result.msg).toBe('custom');
  });
  it('returns state, elapsed and the regex groups on success', () => {
    const state = parseWaitForOutput('ok\x001\x00port=8080 mode=fast\x00', 3200);
    expect(state).toEqual({ status: 'ok', pcre: true, match: 'port=8080 mode=fast', elapsedMs: 3200 });
    expect(planWaitFor(wp({ path: '/f', search_regex: 'port=(?P<port>\\d+) mode=(\\w+)' }), state).result).toEqual({
      changed: false,
      state: 'started',
      port: null,
      path: '/f',
      search_regex: 'port=(?P<port>\\d+) mode=(\\w+)',
      match_groups: ['8080', 'fast'],
      match_groupdict: { port: '8080' },
      elapsed: 3,
    });
    expect(parseWaitForOutput('ok\x000\x00line one\nline two\n', 0).match).toBe('line one');
    expect(parseWaitForOutput('error\x00no way to test ports\x00', 5)).toEqual({ status: 'error', error: 'no way to test ports', elapsedMs: 5 });
    expect(matchGroups('(a)?b', 'b')).toEqual({ match_groups: [null], match_groupdict: {} });
  });
  it('builds a script with the parameters quoted', () => {
    const s = waitForScript(wp({ path: "/tmp/it's", search_regex: 'a$b', timeout: 7, delay: 2, sleep: 3, connect_timeout: 4 }));
    expect(s).toContain(`path='/tmp/it'\\''s'`);
    expect(s).toContain(`re='a$b'`);
    expect(s).toContain('timeout_s=7; delay=2; sleep_s=3; ct=4');
  });
});

describe('script (pure parts)', () => {
  it('splits the script path from its raw arguments', () => {
    expect(splitScriptCommand('files/run.sh --a "b c" $HOME')).toEqual({ script: 'files/run.sh', args: '--a "b c" $HOME' });
    expect(splitScriptCommand("'my script.sh' x")).toEqual({ script: 'my script.sh', args: 'x' });
    expect(() => splitScriptCommand('  ')).toThrow(/no script given/);
  });
  it('plans a run, or a skip for creates/removes, or reports a missing script', () => {
    const p = params('script', { _raw_params: 'run.sh x', creates: '/done', removes: '/todo' });
    expect(planScript(p, { source: '/c/run.sh', createsExists: true, removesExists: true })).toEqual({ actions: [], skipped: true, msg: '/done exists, matching creates option' });
    expect(planScript(p, { source: '/c/run.sh', createsExists: false, removesExists: false })).toEqual({ actions: [], skipped: true, msg: '/todo does not exist, matching removes option' });
    expect(planScript(p, { source: '/c/run.sh', createsExists: false, removesExists: true }).actions).toEqual([{ kind: 'run', source: '/c/run.sh', script: 'run.sh', args: 'x' }]);
    expect(() => planScript(params('script', { cmd: 'gone.sh' }), { tried: ['/a/gone.sh'] })).toThrow(/Could not find or access 'gone.sh'\nSearched in:\n\t\/a\/gone.sh/);
  });
  it('runs the script from a private temporary directory with chdir and executable', () => {
    const c = scriptCommand({ chdir: '/srv/app', executable: 'python3' }, { kind: 'run', source: '/c/x.py', script: 'x.py', args: '--v' });
    expect(c).toContain('mktemp -d');
    expect(c).toContain('cd /srv/app || exit 1');
    expect(c).toContain('(python3 "$d"/x.py --v) </dev/null');
    expect(c).toContain(`trap 'rm -rf "$d"' EXIT`);
  });
  it('finds local scripts in files/ first', () => {
    const root = mkdtempSync(join(tmpdir(), 'fleet-script-'));
    mkdirSync(join(root, 'files'));
    writeFileSync(join(root, 'files', 'a.sh'), 'echo files\n');
    writeFileSync(join(root, 'a.sh'), 'echo root\n');
    writeFileSync(join(root, 'b.sh'), 'echo root\n');
    expect(findLocal([join(root, 'files'), root], 'files', 'a.sh').path).toBe(join(root, 'files', 'a.sh'));
    expect(findLocal([join(root, 'files'), root], 'files', 'b.sh').path).toBe(join(root, 'b.sh'));
    expect(findLocal([root], 'files', 'c.sh')).toEqual({ tried: [join(root, 'files', 'c.sh'), join(root, 'c.sh')] });
  });
});

describe('helpers', () => {
  it('expands ~ in remote paths only at the start', () => {
    expect(remotePathWord('~')).toBe('"$HOME"');
    expect(remotePathWord('~/a b')).toBe(`"$HOME"'/a b'`);
    expect(remotePathWord('~deploy/x')).toBe(`~deploy/x`);
    expect(remotePathWord('/a/~b')).toBe("'/a/~b'");
  });
  it("expands environment variables in remote paths as Ansible's path parameters (expandvars): values are data, unset ones stay", () => {
    const word = (path: string) => spawnSync('sh', ['-c', `printf %s ${remotePathWord(path)}`], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/home/u', EVIL: '$(touch /tmp/fleet-expandvars-canary)' } }).stdout;
    expect(word('$HOME/.ssh/authorized_keys')).toBe('/home/u/.ssh/authorized_keys');
    expect(word('/x/${HOME}/y')).toBe('/x//home/u/y');
    expect(word('/a/$FLEET_SURELY_UNSET/b')).toBe('/a/$FLEET_SURELY_UNSET/b');
    expect(word('/a/${FLEET_SURELY_UNSET}')).toBe('/a/${FLEET_SURELY_UNSET}');
    expect(word("/it's $HOME/$(touch /tmp/fleet-expandvars-canary)")).toBe("/it's /home/u/$(touch /tmp/fleet-expandvars-canary)");
    expect(word('/v/$EVIL')).toBe('/v/$(touch /tmp/fleet-expandvars-canary)');
    expect(existsSync('/tmp/fleet-expandvars-canary')).toBe(false);
  });
  it('matches fnmatch patterns', () => {
    expect(fnmatch('ansible_eth0', 'ansible_eth*')).toBe(true);
    expect(fnmatch('ansible_eth0', 'ansible_et?0')).toBe(true);
    expect(fnmatch('ansible_eth0', 'ansible_[!e]*')).toBe(false);
    expect(fnmatch('ansible_a.b', 'ansible_a.b')).toBe(true);
    expect(fnmatch('ansible_axb', 'ansible_a.b')).toBe(false);
  });
});

describe('ping', () => {
  it("data=crash fails as Ansible's module does when it raises (its documented test hook)", async () => {
    const r = await ping.apply({} as never, { data: 'crash' }, { actions: [] });
    expect(r).toMatchObject({ failed: true, changed: false, rc: 1 });
    expect(`${r.module_stdout}${r.module_stderr}`).toContain('Exception: boom');
    expect(await ping.apply({} as never, { data: 'x' }, { actions: [] })).toEqual({ changed: false, ping: 'x' });
  });
});
