import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dnf, parseDnfProbe, planDnf, type DnfParams } from '../src/modules/dnf.js';
import { validateParams } from '../src/modules/params.js';
import { applyUnit, planUnit } from '../src/modules/systemd.js';
import type { ModuleContext } from '../src/modules/types.js';
import { applySteps, runSteps, stepsFailureMessage, type Step } from '../src/modules/util/run-steps.js';
import { LocalConnection } from '../src/transport/index.js';

// The one step runner every module's changes go through, run by a real shell (the local connection).
describe('runSteps: the steps of a plan in one command', () => {
  const c = new LocalConnection('localhost');
  afterAll(() => c.close());
  const ctx = { run: (command: string, options?: { stdin?: string | Buffer; env?: Record<string, string> }) => c.run(command, options) } as unknown as ModuleContext;
  const run = (what: string, argv: string[], extra: Partial<Step> = {}): Step => ({ kind: 'run', what, argv, ...extra });

  it("runs the steps in order, a step's stdout going to stderr unless kept, then `after`", async () => {
    const out = await runSteps(ctx, [run('one', ['echo', 'hidden']), run('two', ['echo', 'kept'], { keepStdout: true })], 'echo state');
    expect(out).toEqual({ ok: true, stdout: 'kept\nstate\n', stderr: 'hidden\n' });
  });

  it("runs a step's `then` only once that step succeeded, its output kept", async () => {
    const ok = await runSteps(ctx, [run('update', ['true'], { then: 'echo stamped' }), run('install', ['echo', 'x'], { keepStdout: true })]);
    expect(ok).toEqual({ ok: true, stdout: 'stamped\nx\n', stderr: '' });
    const failed = await runSteps(ctx, [run('update', ['false'], { then: 'echo stamped' })]);
    expect(failed.stdout).toBe('');
  });

  it('stops at the first failing step and names it, with its exit code and stderr; nothing after it runs', async () => {
    const out = await runSteps(ctx, [
      run('first', ['echo', 'done'], { keepStdout: true }),
      { kind: 'run', what: 'second', script: 'echo "no such thing" >&2; exit 3' },
      run('third', ['echo', 'never'], { keepStdout: true }),
    ]);
    expect(out).toEqual({ ok: false, failed: { step: 1, what: 'second', rc: 3, stderr: 'no such thing' }, stdout: 'done\n', stderr: 'no such thing\n' });
    expect(stepsFailureMessage(out.failed!)).toBe('second failed (rc 3): no such thing');
  });

  it('feeds stdin to the one step that reads it, and /dev/null to the others', async () => {
    const out = await runSteps(ctx, [run('other', ['cat'], { keepStdout: true }), run('reader', ['cat'], { usesStdin: true, keepStdout: true })], '', 'secret\n');
    expect(out).toEqual({ ok: true, stdout: 'secret\n', stderr: '' });
  });

  it('quotes argv words: a value is one argument, never shell code', async () => {
    const out = await runSteps(ctx, [run('printf', ['printf', '%s|', '$(echo x)', 'a b', "it's"], { keepStdout: true })]);
    expect(out.stdout).toBe("$(echo x)|a b|it's|");
  });

  it("applySteps: no steps is the plan's known result unchanged; steps run are a change; a failure fails the task", async () => {
    expect(await applySteps(ctx, { actions: [], result: { name: 'x' } })).toEqual({ changed: false, name: 'x' });
    expect(await applySteps(ctx, { actions: [run('ok', ['true'])], result: { name: 'x' } })).toEqual({ changed: true, name: 'x' });
    expect(await applySteps(ctx, { actions: [run('bad', ['sh', '-c', 'echo oops >&2; exit 2'])] })).toEqual({ changed: false, failed: true, msg: 'bad failed (rc 2): oops' });
  });
});

// systemd's apply on the same runner: daemon-reload first, then the plan's systemctl steps, with
// Ansible's "Unable to VERB service NAME" when one fails. A systemctl script on PATH records its
// argv (the lab's nodes run no systemd; this checks what fleet sends and how it reads the failure).
describe("systemd's apply: the plan's steps through the runner", () => {
  const c = new LocalConnection('localhost');
  const bin = mkdtempSync(join(tmpdir(), 'fleet-systemctl-'));
  afterAll(async () => {
    await c.close();
    rmSync(bin, { recursive: true, force: true });
  });
  const log = join(bin, 'calls');
  writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\necho "$*" >> ${log}\nif [ "$FAIL_VERB" != "" ] && [ "$1" = "$FAIL_VERB" ]; then echo "Job for $3 failed." >&2; exit 1; fi\n`);
  chmodSync(join(bin, 'systemctl'), 0o755);
  const ctxWith = (env: Record<string, string>) =>
    ({ run: (command: string, options?: { env?: Record<string, string> }) => c.run(command, { ...options, env: { ...options?.env, ...env, PATH: `${bin}:${process.env.PATH}` } }) }) as unknown as ModuleContext;
  const stopped = { running: true, load: 'loaded', active: 'inactive', enabled: 'disabled' };

  it('reloads the daemon first, then enables and starts; changed', async () => {
    writeFileSync(log, '');
    const plan = planUnit({ name: 'web', state: 'started', enabled: true, daemon_reload: true }, stopped);
    expect(await applyUnit(ctxWith({}), plan, plan.result ?? {})).toEqual({ changed: true, name: 'web', state: 'started', enabled: true });
    expect(readFileSync(log, 'utf8')).toBe('daemon-reload\nenable -- web\nstart -- web\n');
  });

  it('a daemon-reload alone is not a change, as in Ansible', async () => {
    writeFileSync(log, '');
    const plan = planUnit({ name: 'web', state: 'stopped', daemon_reload: true }, stopped);
    expect(await applyUnit(ctxWith({}), plan, plan.result ?? {})).toEqual({ changed: false, name: 'web', state: 'stopped' });
    expect(readFileSync(log, 'utf8')).toBe('daemon-reload\n');
  });

  it("a failing step fails the task with its verb and systemctl's error, and nothing after it runs", async () => {
    writeFileSync(log, '');
    const plan = planUnit({ name: 'web', state: 'started', enabled: true, daemon_reload: false }, stopped);
    expect(await applyUnit(ctxWith({ FAIL_VERB: 'enable' }), plan, plan.result ?? {})).toEqual({
      changed: false,
      failed: true,
      rc: 1,
      name: 'web',
      state: 'started',
      enabled: true,
      msg: 'Unable to enable service web: Job for web failed.',
    });
    expect(readFileSync(log, 'utf8')).toBe('enable -- web\n');
  });
});

// dnf's apply on the runner, with a dnf script on PATH (the lab's nodes are Debian): the manager's
// output is the result's, and "No match for argument" becomes Ansible's message.
describe("dnf's apply: the plan's commands through the runner", () => {
  const c = new LocalConnection('localhost');
  const bin = mkdtempSync(join(tmpdir(), 'fleet-dnf-'));
  afterAll(async () => {
    await c.close();
    rmSync(bin, { recursive: true, force: true });
  });
  writeFileSync(join(bin, 'dnf'), '#!/bin/sh\necho "dnf $*" >> ' + join(bin, 'calls') + '\nfor a; do last=$a; done\nif [ "$last" = nope ]; then echo "No match for argument: nope" >&2; exit 1; fi\necho "Installed: $last"\n');
  chmodSync(join(bin, 'dnf'), 0o755);
  const ctx = { run: (command: string, options?: { env?: Record<string, string> }) => c.run(command, { ...options, env: { ...options?.env, PATH: `${bin}:${process.env.PATH}` } }) } as unknown as ModuleContext;
  const plan = (name: string) => {
    const p = validateParams('dnf', dnf.params, { name: [name] }) as unknown as DnfParams;
    return { p, plan: planDnf(p, parseDnfProbe(p, ['bin', 'dnf', `av:${name}`, '1'].map((f) => `${f}\0`).join(''), 'h1')) };
  };

  it("installs, returning dnf's output as the result's", async () => {
    const { p, plan: pl } = plan('httpd');
    expect(await dnf.apply(ctx, p, pl)).toEqual({ changed: true, rc: 0, stdout: 'Installed: httpd\n', stderr: '', results: ['Installed: httpd'] });
    expect(readFileSync(join(bin, 'calls'), 'utf8')).toBe('dnf -y install -- httpd\n');
  });

  it("a package no repository has fails with Ansible's message", async () => {
    const { p, plan: pl } = plan('nope');
    expect(await dnf.apply(ctx, p, pl)).toMatchObject({ changed: false, failed: true, rc: 1, msg: "No package matching 'nope' is available" });
  });
});
