/**
 * Safety decisions of the transport that a lab test alone would not pin down: host keys are checked
 * strictly unless something says otherwise, become runs sudo unless root becomes root, and an atomic
 * write's temporary file lives beside its destination (a rename across filesystems is not atomic).
 */
import { watch, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectionSpecFor, hostKeyCheckingFromEnv } from '../src/executor/connection-spec.js';
import { LocalConnection, resolveSshTarget } from '../src/transport/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fleet-defaults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sshConfig(text: string): string {
  const file = join(dir, `ssh_config.${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, text);
  return file;
}

describe('host key checking', () => {
  beforeEach(() => {
    vi.stubEnv('FLEET_HOST_KEY_CHECKING', '');
    vi.stubEnv('ANSIBLE_HOST_KEY_CHECKING', '');
  });
  afterEach(() => vi.unstubAllEnvs());

  const noConfig = () => sshConfig('');
  const modeFor = (vars: Record<string, unknown>, cli: Parameters<typeof connectionSpecFor>[2] = {}, configText = '') =>
    resolveSshTarget({ ...connectionSpecFor('web1', { ansible_host: '192.0.2.7', ...vars }, cli), sshConfigFile: sshConfig(configText) }).hostKeyChecking;

  it('is strict when nothing sets it: not the inventory, the command line, the environment or ssh config', () => {
    const spec = connectionSpecFor('web1', { ansible_host: '192.0.2.7' }, {});
    expect(spec.hostKeyChecking).toBeUndefined();
    expect(hostKeyCheckingFromEnv()).toBeUndefined();
    const target = resolveSshTarget({ ...spec, sshConfigFile: noConfig() });
    expect(target.hostKeyChecking).toBe('strict');
  });

  it('ssh config StrictHostKeyChecking sets it when fleet is given nothing', () => {
    expect(modeFor({}, {}, 'Host *\n  StrictHostKeyChecking accept-new\n')).toBe('accept-new');
    expect(modeFor({}, {}, 'Host web1 192.0.2.7\n  StrictHostKeyChecking no\n')).toBe('off');
    expect(modeFor({}, {}, 'Host other\n  StrictHostKeyChecking no\n')).toBe('strict');
  });

  it('FLEET_HOST_KEY_CHECKING, else ANSIBLE_HOST_KEY_CHECKING, turn it off or to accept-new', () => {
    vi.stubEnv('ANSIBLE_HOST_KEY_CHECKING', 'False');
    expect(modeFor({})).toBe('off');
    vi.stubEnv('FLEET_HOST_KEY_CHECKING', 'accept-new');
    expect(modeFor({})).toBe('accept-new');
    vi.stubEnv('FLEET_HOST_KEY_CHECKING', 'maybe');
    expect(() => modeFor({})).toThrow('FLEET_HOST_KEY_CHECKING: host key checking must be strict, accept-new or off, got "maybe"');
  });

  it('the command line wins over the environment and ssh config; the inventory variable over all', () => {
    vi.stubEnv('FLEET_HOST_KEY_CHECKING', 'off');
    expect(modeFor({}, { hostKeyChecking: 'strict' }, 'Host *\n  StrictHostKeyChecking no\n')).toBe('strict');
    expect(modeFor({ ansible_host_key_checking: false }, { hostKeyChecking: 'strict' })).toBe('off');
    expect(modeFor({ ansible_host_key_checking: true }, { hostKeyChecking: 'off' })).toBe('strict');
  });
});

/** A local connection that believes it logged in as someone else, as an ssh login as a plain user does. */
class LoggedInAs extends LocalConnection {
  constructor(private readonly login: string) {
    super('localhost');
  }
  protected override loginUser(): string {
    return this.login;
  }
}

describe.skipIf(process.getuid?.() !== 0)('become (needs root to run sudo without a password here)', () => {
  it('a plain login user becoming root goes through sudo, in a shell of its own', async () => {
    const c = new LoggedInAs('alice');
    try {
      const r = await c.run('id -un; echo "$SUDO_USER"', { become: true });
      expect(r.stdout.toString()).toBe('root\nroot\n');
      expect(c.sessionStats().map((s) => s.key)).toEqual(['root']);
    } finally {
      await c.close();
    }
  });

  it('root becoming root needs no sudo: the login shell runs it', async () => {
    const c = new LoggedInAs('root');
    try {
      const r = await c.run('echo "${SUDO_USER:-none}"', { become: true });
      expect(r.stdout.toString()).toBe('none\n');
      expect(c.sessionStats().map((s) => s.key)).toEqual(['']);
    } finally {
      await c.close();
    }
  });
});

describe('atomic writes', () => {
  it('create the temporary file in the destination directory, then rename it over the destination', async () => {
    const dest = mkdtempSync(join(dir, 'dest-'));
    writeFileSync(join(dest, 'app.conf'), 'old\n');
    const seen = new Set<string>();
    const watcher = watch(dest, (_event, name) => name && seen.add(name.toString()));
    const c = new LocalConnection('localhost');
    try {
      await c.put(join(dest, 'app.conf'), 'new\n', { mode: 0o600 });
      // inotify events arrive after the command returns: give them a moment.
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      watcher.close();
      await c.close();
    }
    const temps = [...seen].filter((n) => n !== 'app.conf');
    expect(temps.length).toBeGreaterThan(0);
    for (const t of temps) expect(t).toMatch(/^\.app\.conf\.fleet-tmp\.\w{8}$/);
    expect(readFileSync(join(dest, 'app.conf'), 'utf8')).toBe('new\n');
    expect(readdirSync(dest)).toEqual(['app.conf']);
  });

});
