/**
 * The pure parts of the honoured keywords: connection and become method names, su's command line
 * and prompts, module_defaults merging and loading, vars_prompt answers, the task timeout.
 */
import { describe, expect, it } from 'vitest';
import { becomeMethodOf, connectionKind, connectionSpecFor } from '../src/executor/connection-spec.js';
import { moduleDefaultsFor } from '../src/executor/play/module-defaults.js';
import { timedOut, withTimeout } from '../src/executor/play/task-timeout.js';
import { promptedVars } from '../src/executor/play/vars-prompt.js';
import { loadPlaybook, PlaybookError } from '../src/playbook/index.js';
import type { Play } from '../src/playbook/model.js';
import type { Scope } from '../src/executor/play/scope.js';
import { becomeCommand, classifySudoFailure, promptsSeen } from '../src/transport/become.js';
import { playbookWriter } from './helpers/play.js';

const write = playbookWriter('fleet-keyword-units-');

describe('connection keywords', () => {
  it('maps connection names to fleet\'s transports and refuses the others', () => {
    expect(['ssh', 'smart', 'paramiko', 'ansible.builtin.ssh'].map((n) => connectionKind(n, 'h', 'connection'))).toEqual(['ssh', 'ssh', 'ssh', 'ssh']);
    expect(connectionKind('local', 'h', 'connection')).toBe('local');
    expect(() => connectionKind('docker', 'web1', 'connection')).toThrow('host web1: connection "docker" is not supported');
    expect(becomeMethodOf('ansible.builtin.su', 'h')).toBe('su');
    expect(() => becomeMethodOf('doas', 'web1')).toThrow('become method "doas" is not supported');
  });

  it('ranks the keywords above the command line and below inventory variables', () => {
    const kw = { remote_user: 'deploy', port: 2222, connection: 'local' };
    const fromKeywords = connectionSpecFor('web1', {}, { user: 'cli' }, kw);
    expect([fromKeywords.user, fromKeywords.port, fromKeywords.kind]).toEqual(['deploy', 2222, 'local']);
    const inventory = connectionSpecFor('web1', { ansible_user: 'root', ansible_port: 22, ansible_connection: 'ssh' }, { user: 'cli' }, kw);
    expect([inventory.user, inventory.port, inventory.kind]).toEqual(['root', 22, 'ssh']);
    expect(connectionSpecFor('web1', {}, { user: 'cli' }).user).toBe('cli');
    expect(connectionSpecFor('web1', { ansible_become: true, ansible_become_method: 'su' }, {}).become?.method).toBe('su');
    expect(() => connectionSpecFor('web1', { ansible_become: true, ansible_become_method: 'pbrun' }, {})).toThrow('become method "pbrun" is not supported');
  });
});

describe('su', () => {
  it('starts the shell with su USER -c, every word quoted, no password on the line', () => {
    const plan = becomeCommand({ method: 'su', password: 's3cret' }, "o'brien", 'ab');
    expect(plan.method).toBe('su');
    expect(plan.commandLine.startsWith(`exec su 'o'\\''brien' -c '/bin/sh -c `)).toBe(true);
    expect(plan.commandLine).not.toContain('s3cret');
    expect(becomeCommand({ method: 'su', exe: '/bin/su', flags: '-l' }, 'deploy', 'ab').commandLine).toMatch(/^exec \/bin\/su -l deploy -c /);
    expect(becomeCommand({}, 'deploy', 'ab').method).toBe('sudo');
  });

  it('sees su\'s prompt and says what went wrong', () => {
    const plan = becomeCommand({ method: 'su' }, 'fleet', 'ab');
    expect(promptsSeen('', plan)).toBe(0);
    expect(promptsSeen('Password: ', plan)).toBe(1);
    expect(promptsSeen('Password: su: Authentication failure\n', plan)).toBe(0);
    const ctx = { host: 'h', loginUser: 'deploy', passwordGiven: true };
    expect(classifySudoFailure('Password: su: Authentication failure', plan, ctx).message).toBe('incorrect su password for fleet');
    expect(classifySudoFailure('su: Authentication failure', plan, { ...ctx, passwordGiven: false }).message).toBe('su to fleet requires a password but no become password was given');
    expect(classifySudoFailure('su: user fleet does not exist or the user entry does not contain all the required fields', plan, ctx).message).toBe('become user fleet does not exist on this host');
    expect(classifySudoFailure('su: must be run from a terminal', plan, ctx).message).toMatch(/needs a terminal/);
  });
});

describe('module_defaults', () => {
  it('merges frames module by module', () => {
    const scope: Scope = {
      frames: [{ module_defaults: { file: { mode: '0600', owner: 'root' }, copy: { mode: '0640' } } }, { module_defaults: { file: { mode: '0700' } } }],
      rescuable: false,
    };
    expect(moduleDefaultsFor(scope, {}, 'file')).toEqual({ mode: '0700' });
    expect(moduleDefaultsFor(scope, {}, 'copy')).toEqual({ mode: '0640' });
    expect(moduleDefaultsFor(scope, {}, 'stat')).toEqual({});
    expect(moduleDefaultsFor({ frames: [], rescuable: false }, { module_defaults: { file: { state: 'touch' } } }, 'file')).toEqual({ state: 'touch' });
  });

  it('loads short and FQCN names under the canonical name, and says what is wrong with a bad value', async () => {
    const good = write('md.yml', '- hosts: all\n  module_defaults:\n    ansible.builtin.file: {mode: "0600"}\n    group/aws: {region: x}\n  tasks:\n    - file: {path: /x, state: touch}\n');
    const pb = await loadPlaybook(good);
    expect(pb.plays[0]!.module_defaults).toEqual({ file: { mode: '0600' }, 'group/aws': { region: 'x' } });
    const bad = write('md-bad.yml', '- hosts: all\n  module_defaults: [file]\n  tasks:\n    - ping:\n');
    const error = (await loadPlaybook(bad).catch((e: unknown) => e)) as PlaybookError;
    expect(error).toBeInstanceOf(PlaybookError);
    expect(error.problems.map((p) => `${p.line}: ${p.message}`)).toEqual(['2: module_defaults must be a mapping of module names to their default parameters, got string "file"']);
  });
});

describe('vars_prompt', () => {
  const playWith = (prompts: Play['vars_prompt']): Play => ({ vars_prompt: prompts }) as Play;

  it('uses the default (or "None") without a terminal, with Ansible\'s warning once; -e skips the question', async () => {
    const warnings: string[] = [];
    const vars = await promptedVars(
      playWith([
        { name: 'a', prompt: 'A', private: true, confirm: false, default: 'dflt' },
        { name: 'b', prompt: 'B', private: true, confirm: false },
        { name: 'c', prompt: 'C', private: true, confirm: false },
      ]),
      { c: 'given' },
      undefined,
      (m) => warnings.push(m),
    );
    // ansible-playbook 2.14 with stdin not a terminal: the default, else the text "None"
    expect(vars).toEqual({ a: 'dflt', b: 'None' });
    expect(warnings).toEqual(['Not prompting as we are not in interactive mode']);
  });

  it('hashes an encrypted answer as password_hash does', async () => {
    const vars = await promptedVars(playWith([{ name: 'p', prompt: 'P', private: true, confirm: false, encrypt: 'sha512_crypt', salt: 'saltsalt' }]), {}, async () => 'secret', () => {});
    expect(vars.p).toBe('$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1');
  });
});

describe('task timeout', () => {
  it('fails with Ansible\'s message once the time is up, and passes a result that comes in time', async () => {
    const slow = new Promise<never>(() => {});
    const r = await withTimeout(slow as Promise<never>, 0.05, 'ansible.builtin.command');
    expect(r).toMatchObject({ failed: true, msg: 'The ansible.builtin.command action failed to execute in the expected time frame (0.05) and was terminated' });
    expect(timedOut(r)).toBe(true);
    const fast = await withTimeout(Promise.resolve({ changed: true }), 5, 'command');
    expect(fast).toEqual({ changed: true });
    expect(timedOut(fast)).toBe(false);
  });
});

describe('fleet play without a terminal', () => {
  it('does not prompt: Ansible\'s warning, the defaults, -e values; a local play runs with them', async () => {
    const { execFile } = await import('node:child_process');
    const { join } = await import('node:path');
    const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
    const inventory = write('local.ini', 'localhost ansible_connection=local\n');
    const file = write(
      'prompt-cli.yml',
      '- hosts: localhost\n  gather_facts: false\n  vars_prompt:\n    - {name: who, prompt: Who, default: nobody}\n    - {name: given, prompt: Given}\n    - {name: missing, prompt: Missing}\n  tasks:\n    - debug: {msg: "{{ who }} {{ given }} {{ missing | type_debug }} [{{ missing }}]"}\n',
    );
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolveRun) => {
      const child = execFile(process.execPath, [cli, 'play', file, '-i', inventory, '-e', 'given=from-e'], { env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
        resolveRun({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end();
    });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain('Not prompting as we are not in interactive mode');
    expect(out.stdout).toContain('"msg": "nobody from-e str [None]"');
  });
});
