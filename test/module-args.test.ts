import { describe, expect, it } from 'vitest';
import { getModule, parseArgString, validateParams, ModuleArgsError, UnknownModuleError } from '../src/modules/index.js';
import { command, shell, raw } from '../src/modules/command.js';

describe('free-form arguments', () => {
  it('keeps the command text exactly and takes only the recognised k=v keys', () => {
    const args = parseArgString(command, `chdir=/tmp echo "a  b" x=y creates='/etc/some file'`);
    expect(args).toEqual({ chdir: '/tmp', _raw_params: `echo "a  b" x=y`, creates: '/etc/some file' });
  });
  it('parses k=v modules and JSON', () => {
    const ping = getModule('ping');
    expect(parseArgString(ping, 'data=hello')).toEqual({ data: 'hello' });
    expect(parseArgString(ping, '{"data": "x"}')).toEqual({ data: 'x' });
    expect(() => parseArgString(ping, 'justaword')).toThrow(/takes key=value arguments/);
  });
});

describe('validateParams', () => {
  it('fills defaults, converts types and resolves aliases', () => {
    const p = validateParams('command', command.params, { _raw_params: 'ls', stdin_add_newline: 'no' });
    expect(p).toMatchObject({ _raw_params: 'ls', stdin_add_newline: false, strip_empty_ends: true });
  });
  it('a number or boolean given for a string parameter reads as Python prints it', () => {
    const p = validateParams('command', command.params, { _raw_params: true, chdir: 1.5 });
    expect(p).toMatchObject({ _raw_params: 'True', chdir: '1.5' });
  });
  it('names an unknown parameter with the closest valid one', () => {
    let error: unknown;
    try {
      validateParams('command', command.params, { chdri: '/tmp', bogus: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModuleArgsError);
    // Ansible's wording (playbooks assert on it), every unsupported name at once, the guess in the hint.
    expect((error as ModuleArgsError).message).toBe(
      'Unsupported parameters for (command) module: bogus, chdri. Supported parameters include: argv, chdir, cmd, creates, executable, removes, stdin, stdin_add_newline, strip_empty_ends.',
    );
    expect((error as ModuleArgsError).context.hint).toBe('did you mean "chdir" for "chdri"?');
  });
  it('rejects wrong types and missing required parameters', () => {
    expect(() => validateParams('command', command.params, { stdin_add_newline: 'maybe' })).toThrow(/must be a boolean/);
    expect(() => validateParams('raw', raw.params, {})).toThrow(/^missing required arguments: _raw_params$/);
  });
  it('suggests the closest module for an unknown one', () => {
    expect(() => getModule('shel')).toThrow(UnknownModuleError);
    expect(() => getModule('shel')).toThrow(/did you mean "shell"/);
    expect(getModule('ansible.builtin.shell')).toBe(shell);
  });
});

describe('command plans', () => {
  const params = (extra: Record<string, unknown>) => validateParams('command', command.params, { _raw_params: 'echo $HOME *', ...extra }) as never;
  it('quotes every word so no shell expansion happens, as the command module promises', () => {
    expect(command.plan(params({}), {}).actions).toEqual([{ kind: 'run', line: `echo '$HOME' '*'` }]);
  });
  it('does not run when creates exists or removes does not (ok, as Ansible 2.14, not skipped)', () => {
    expect(command.plan(params({ creates: '/x' }), { createsExists: true })).toMatchObject({ actions: [], result: { changed: false, msg: "Did not run command since '/x' exists" } });
    expect(command.plan(params({ creates: '/x' }), { createsExists: false }).actions).toHaveLength(1);
    expect(command.plan(params({ removes: '/x' }), { removesExists: false })).toMatchObject({ actions: [], result: { changed: false, msg: "Did not run command since '/x' does not exist" } });
  });
  it('runs shell text as it is, or through the executable given', () => {
    const p = validateParams('shell', shell.params, { _raw_params: 'echo $((6*7))', executable: '/bin/bash' }) as never;
    expect(shell.plan(p, {}).actions[0]).toEqual({ kind: 'run', line: `/bin/bash -c 'echo $((6*7))'` });
  });
});
