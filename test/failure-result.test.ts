import { describe, expect, it } from 'vitest';
import { FleetError } from '../src/errors.js';
import { resultOfError } from '../src/executor/failure-result.js';
import { ModuleArgsError } from '../src/modules/args.js';
import { ModuleFailure } from '../src/modules/util/file-attrs.js';

describe('a thrown error as a task result (plays and ad-hoc runs alike)', () => {
  it('bad arguments fail the task with the message alone, worded as Ansible words it', () => {
    expect(resultOfError(new ModuleArgsError('missing required arguments: path', 'module stat needs path'))).toEqual({
      changed: false,
      failed: true,
      msg: 'missing required arguments: path',
    });
  });

  it("a module failure keeps the fields the module returns with it, but never overrides failed or msg", () => {
    const error = new ModuleFailure('Source /x not found', { path: '/x', rc: 2, failed: false, msg: 'not this' });
    expect(resultOfError(error)).toEqual({ changed: false, path: '/x', rc: 2, failed: true, msg: 'Source /x not found' });
  });

  it('a lost connection or an unknown host key makes the host unreachable, with the hint saying what to do', () => {
    expect(resultOfError(new FleetError('UNREACHABLE', 'connect ECONNREFUSED', { hint: 'is sshd running?' }))).toEqual({
      changed: false,
      unreachable: true,
      msg: 'connect ECONNREFUSED (is sshd running?)',
    });
    expect(resultOfError(new FleetError('HOST_KEY', 'host key of node1 is not known'))).toEqual({
      changed: false,
      unreachable: true,
      msg: 'host key of node1 is not known',
    });
  });

  it('any other error of fleet fails the task with its hint; anything else fails it with its message', () => {
    expect(resultOfError(new FleetError('ENVIRONMENT', 'environment must be a mapping', { hint: 'use k: v' }))).toEqual({
      changed: false,
      failed: true,
      msg: 'environment must be a mapping (use k: v)',
    });
    expect(resultOfError(new TypeError('x is not a function'))).toEqual({ changed: false, failed: true, msg: 'x is not a function' });
    expect(resultOfError('plain string')).toEqual({ changed: false, failed: true, msg: 'plain string' });
  });
});
