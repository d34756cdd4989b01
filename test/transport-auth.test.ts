/**
 * SshConnection against real OpenSSH lab nodes: become (sudo with and without password, wrong
 * password, not in sudoers), authentication (password, encrypted key, ssh-agent), ~/.ssh/config,
 * ProxyJump, and host key checking modes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BecomeError, CommandError, HostKeyError, UnreachableError } from '../src/errors.js';
import { labExec, type LabInfo } from '../src/lab/index.js';
import { SshConnection, type ConnectionSpec } from '../src/transport/index.js';
import { useLab } from './helpers/lab.js';

function specFor(lab: LabInfo, index: number, over: Partial<ConnectionSpec> = {}): ConnectionSpec {
  const node = lab.nodes[index];
  return {
    host: node.name,
    kind: 'ssh',
    address: node.address,
    port: 22,
    user: 'root',
    privateKeyFiles: [lab.privateKeyPath],
    knownHostsFiles: [lab.knownHostsPath],
    hostKeyChecking: 'strict',
    timeoutSec: 5,
    agent: '',
    sshConfigFile: false,
    ...over,
  };
}

function keygen(dir: string, name: string, passphrase = ''): { key: string; pub: string } {
  const key = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', `fleet-test-${name}`, '-f', key]);
  return { key, pub: readFileSync(`${key}.pub`, 'utf8') };
}

/** The "type base64" parts of the lab's known_hosts lines for a node. */
function labHostKeys(lab: LabInfo, index: number): string[] {
  const { address } = lab.nodes[index];
  return readFileSync(lab.knownHostsPath, 'utf8')
    .split('\n')
    .filter((l) => l.split(' ')[0]?.split(',').includes(address))
    .map((l) => l.split(' ').slice(1, 3).join(' '));
}

describe('ssh transport: become, auth, ssh config, ProxyJump, host keys', () => {
  const lab = useLab(3, 't-transport-auth');
  const open: SshConnection[] = [];
  const conn = (index: number, over: Partial<ConnectionSpec> = {}): SshConnection => {
    const c = new SshConnection(specFor(lab(), index, over));
    open.push(c);
    return c;
  };
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-transport-auth-'));
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('become (sudo)', () => {
    it('becomes root without a password (deploy, NOPASSWD) on a second persistent shell', async () => {
      const c = conn(0, { user: 'deploy' });
      expect((await c.run('id -un')).stdout.toString()).toBe('deploy\n');
      const r = await c.run('id -un; echo $PPID', { become: true });
      const [who, ppid] = r.stdout.toString().trim().split('\n');
      expect(who).toBe('root');
      for (let i = 0; i < 20; i++) expect((await c.run('echo $PPID', { become: true })).stdout.toString().trim()).toBe(ppid);
      const stats = Object.fromEntries(c.sessionStats().map((s) => [s.key, s]));
      expect(stats.root.channelsOpened).toBe(1);
      expect(stats[''].channelsOpened).toBe(1);
      expect(String(stats.root.pid)).toBe(ppid);
      expect((await c.run('id -un', { become: true, becomeUser: 'fleet' })).stdout.toString()).toBe('fleet\n');
      // Binary-safe through sudo too.
      const data = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
      expect((await c.run('cat', { become: true, stdin: data })).stdout.equals(data)).toBe(true);
    });

    it('becomes root with a password (fleet) and puts/gets root-owned files', async () => {
      const c = conn(1, { user: 'fleet', become: { method: 'sudo', user: 'root', password: 'fleet' } });
      expect((await c.run('id -un', { become: true })).stdout.toString()).toBe('root\n');
      expect((await c.run('id -un')).stdout.toString()).toBe('fleet\n');
      await c.put('/root/fleet-become.txt', 'secret\0data', { become: true, mode: 0o600 });
      expect((await c.run('stat -c "%U %a" /root/fleet-become.txt', { become: true })).stdout.toString()).toBe('root 600\n');
      expect((await c.get('/root/fleet-become.txt', { become: true })).toString('latin1')).toBe('secret\0data');
      await expect(c.get('/root/fleet-become.txt')).rejects.toBeInstanceOf(CommandError);
    });

    it('a wrong sudo password is a BecomeError for each host; plain commands still work', async () => {
      const password = 'definitely-wrong-pw';
      const cs = [0, 1, 2].map((i) => conn(i, { user: 'fleet', become: { method: 'sudo', user: 'root', password } }));
      const results = await Promise.allSettled(cs.map((c) => c.run('id -un', { become: true })));
      results.forEach((r, i) => {
        expect(r.status).toBe('rejected');
        const e = (r as PromiseRejectedResult).reason;
        expect(e).toBeInstanceOf(BecomeError);
        expect(e.message).toBe('incorrect sudo password');
        expect(e.context.host).toBe(`node${i + 1}`);
        expect(JSON.stringify(e) + e.describe() + e.stack).not.toContain(password);
      });
      for (const c of cs) expect((await c.run('id -un')).stdout.toString()).toBe('fleet\n');
      // Not tried again (no lock-outs): the same error at once.
      const again = await cs[0].run('true', { become: true }).catch((e: unknown) => e);
      expect(again).toBe((results[0] as PromiseRejectedResult).reason);
    });

    it('says so when sudo needs a password and none was given, or the user is not in sudoers', async () => {
      const none = await conn(2, { user: 'fleet' }).run('true', { become: true }).catch((e) => e);
      expect(none).toBeInstanceOf(BecomeError);
      expect(none.message).toMatch(/sudo requires a password for user fleet but no become password was given/);

      const setup = await labExec(lab().nodes[2], [
        'sh',
        '-c',
        'id nosudo >/dev/null 2>&1 || useradd -m -s /bin/sh nosudo; echo nosudo:nosudo-pw | chpasswd && ' +
          'mkdir -p /home/nosudo/.ssh && cp /root/.ssh/authorized_keys /home/nosudo/.ssh/ && chown -R nosudo: /home/nosudo/.ssh',
      ]);
      expect(setup.rc, setup.stderr).toBe(0);
      const c = conn(2, { user: 'nosudo', become: { method: 'sudo', user: 'root', password: 'nosudo-pw' } });
      const e = await c.run('true', { become: true }).catch((x) => x);
      expect(e).toBeInstanceOf(BecomeError);
      expect(e.message).toBe('user nosudo is not allowed to use sudo on this host (not in the sudoers file)');
      expect(e.describe()).not.toContain('nosudo-pw');
    });
  });

  describe('authentication', () => {
    it('logs in with a password', async () => {
      const c = conn(0, { user: 'fleet', password: 'fleet', privateKeyFiles: [] });
      expect((await c.run('id -un')).stdout.toString()).toBe('fleet\n');
      // sshd delays a failed password by seconds (PAM): give it time.
      const bad = conn(0, { user: 'fleet', password: 'not-the-password', privateKeyFiles: [], timeoutSec: 20 });
      const e = await bad.connect().catch((x) => x);
      expect(e).toBeInstanceOf(UnreachableError);
      expect(e.message).toMatch(/authentication failed as fleet@[\d.]+: tried password.*the server accepts publickey,password/);
      expect(e.describe()).not.toContain('not-the-password');
    });

    it('uses an encrypted key with its passphrase (string or callback), and says when it is wrong', async () => {
      const { key, pub } = keygen(dir, 'pp_key', 'correct horse');
      expect((await labExec(lab().nodes[0], ['sh', '-c', 'cat >> /root/.ssh/authorized_keys'], { input: pub })).rc).toBe(0);
      const ok = conn(0, { privateKeyFiles: [key], passphrase: 'correct horse' });
      expect((await ok.run('echo in')).stdout.toString()).toBe('in\n');
      const asked: string[] = [];
      const viaCallback = conn(0, {
        privateKeyFiles: [key],
        passphrase: async (file) => {
          asked.push(file);
          return 'correct horse';
        },
      });
      expect((await viaCallback.run('echo in')).stdout.toString()).toBe('in\n');
      expect(asked).toEqual([key]);
      const wrong = await conn(0, { privateKeyFiles: [key], passphrase: 'battery staple' }).connect().catch((x) => x);
      expect(wrong).toBeInstanceOf(UnreachableError);
      expect(wrong.message).toContain(`wrong passphrase for key ${key}`);
      expect(wrong.describe()).not.toContain('battery staple');
      const missing = await conn(0, { privateKeyFiles: [key] }).connect().catch((x) => x);
      expect(missing.message).toContain(`key ${key}: encrypted, and no passphrase was given`);
    });

    describe('ssh-agent', () => {
      let agentPid: number | undefined;
      let sock = '';
      beforeAll(async () => {
        const out = execFileSync('ssh-agent', ['-s', '-a', join(dir, 'agent.sock')]).toString();
        sock = /SSH_AUTH_SOCK=([^;]+);/.exec(out)?.[1] ?? '';
        agentPid = Number(/SSH_AGENT_PID=(\d+);/.exec(out)?.[1]);
        const { key, pub } = keygen(dir, 'agent_key');
        execFileSync('ssh-add', ['-q', key], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
        rmSync(key); // only the agent holds it now
        expect((await labExec(lab().nodes[1], ['sh', '-c', 'cat >> /root/.ssh/authorized_keys'], { input: pub })).rc).toBe(0);
      });
      afterAll(() => {
        if (agentPid) process.kill(agentPid);
      });

      it('authenticates with a key only the agent holds (spec.agent and SSH_AUTH_SOCK)', async () => {
        const c = conn(1, { agent: sock, privateKeyFiles: [] });
        expect((await c.run('echo agent')).stdout.toString()).toBe('agent\n');
        const saved = process.env.SSH_AUTH_SOCK;
        process.env.SSH_AUTH_SOCK = sock;
        try {
          const env = conn(1, { agent: undefined, privateKeyFiles: [] });
          expect((await env.run('echo env')).stdout.toString()).toBe('env\n');
        } finally {
          if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
          else process.env.SSH_AUTH_SOCK = saved;
        }
      });

      it('tries agent, then key files, then password, and lists them when all fail', async () => {
        const { key: stranger } = keygen(dir, 'stranger_key');
        const e = await conn(2, { agent: sock, privateKeyFiles: [stranger], password: 'nope', timeoutSec: 20 })
          .connect()
          .catch((x) => x);
        expect(e).toBeInstanceOf(UnreachableError);
        expect(e.message).toContain(`tried agent, publickey ${stranger}, password`);
      });
    });
  });

  describe('ssh config and ProxyJump', () => {
    it('honours Host alias -> HostName, User, IdentityFile, UserKnownHostsFile, StrictHostKeyChecking; explicit values win', async () => {
      const cfg = join(dir, 'ssh_config');
      writeFileSync(
        cfg,
        `Host fleet-alias\n  HostName ${lab().nodes[1].address}\n  User deploy\n  IdentityFile ${lab().privateKeyPath}\n` +
          `  UserKnownHostsFile ${lab().knownHostsPath}\n  StrictHostKeyChecking yes\n  ConnectTimeout 3\n\n` +
          `Host *\n  User nobody\n`,
      );
      const base: ConnectionSpec = { host: 'aliased', kind: 'ssh', address: 'fleet-alias', sshConfigFile: cfg, agent: '' };
      const c = new SshConnection(base);
      open.push(c);
      expect((await c.run('id -un; hostname')).stdout.toString()).toBe('deploy\nnode2\n');
      expect(c.resolved).toMatchObject({ address: lab().nodes[1].address, user: 'deploy', port: 22, timeoutSec: 3, hostKeyChecking: 'strict' });
      const explicit = new SshConnection({ ...base, user: 'root' });
      open.push(explicit);
      expect((await explicit.run('id -un')).stdout.toString()).toBe('root\n');
    });

    it('jumps through node1 to node2 (spec.proxyJump and ssh config ProxyJump)', async () => {
      const [n1, , n3] = lab().nodes;
      const c = conn(1, { proxyJump: `root@${n1.address}:22` });
      const r = await c.run('hostname; echo $SSH_CLIENT');
      const [name, client] = r.stdout.toString().trim().split('\n');
      expect(name).toBe('node2');
      expect(client.split(' ')[0]).toBe(n1.address);

      const cfg = join(dir, 'ssh_config_jump');
      writeFileSync(
        cfg,
        `Host jumpbox\n  HostName ${n1.address}\n  User root\n\nHost behind\n  HostName ${n3.address}\n  User root\n  ProxyJump jumpbox\n\n` +
          `Host *\n  IdentityFile ${lab().privateKeyPath}\n`,
      );
      const j = new SshConnection({ host: 'behind', kind: 'ssh', address: 'behind', sshConfigFile: cfg, knownHostsFiles: [lab().knownHostsPath], agent: '' });
      open.push(j);
      const r2 = (await j.run('hostname; echo $SSH_CLIENT')).stdout.toString().trim().split('\n');
      expect(r2[0]).toBe('node3');
      expect(r2[1].split(' ')[0]).toBe(n1.address);

      // A jump host that refuses is named in the error.
      const prefix = lab().subnet.split('/')[0].split('.').slice(0, 3).join('.');
      const bad = await conn(1, { proxyJump: `root@${prefix}.251`, timeoutSec: 2 }).connect().catch((x) => x);
      expect(bad).toBeInstanceOf(UnreachableError);
      expect(bad.message).toMatch(new RegExp(`^jump host root@${prefix.replace(/\./g, '\\.')}\\.251: `));
    });
  });

  describe('host key checking', () => {
    it('strict refuses an unknown host and says how to add it', async () => {
      const kh = join(dir, 'kh_empty');
      writeFileSync(kh, '');
      const e = await conn(0, { knownHostsFiles: [kh] }).connect().catch((x) => x);
      expect(e).toBeInstanceOf(HostKeyError);
      expect(e.code).toBe('HOST_KEY');
      expect(e.context.host).toBe('node1');
      expect(e.message).toMatch(/host key for node1 .* is not known .* host key checking is strict/);
      expect(e.context.hint).toContain(`ssh-keyscan -H ${lab().nodes[0].address} >> ${kh}`);
      expect(readFileSync(kh, 'utf8')).toBe('');
    });

    it('accept-new records the key of an unknown host, then strict accepts it', async () => {
      const kh = join(dir, 'kh_accept');
      const c = conn(0, { knownHostsFiles: [kh], hostKeyChecking: 'accept-new' });
      expect((await c.run('hostname')).stdout.toString()).toBe('node1\n');
      const lines = readFileSync(kh, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(1);
      const [name, ...key] = lines[0].split(' ');
      expect(name).toBe(lab().nodes[0].address);
      expect(labHostKeys(lab(), 0)).toContain(key.join(' '));
      expect((await conn(0, { knownHostsFiles: [kh], hostKeyChecking: 'strict' }).run('true')).rc).toBe(0);
    });

    it('off connects without any known_hosts and records nothing', async () => {
      const kh = join(dir, 'kh_off');
      expect((await conn(2, { knownHostsFiles: [kh], hostKeyChecking: 'off' }).run('hostname')).stdout.toString()).toBe('node3\n');
      expect(existsSync(kh)).toBe(false);
    });

    it('accepts hashed entries and a host known only by another key type', async () => {
      const hashed = join(dir, 'kh_hashed');
      writeFileSync(hashed, readFileSync(lab().knownHostsPath));
      execFileSync('ssh-keygen', ['-H', '-f', hashed], { stdio: 'ignore' });
      expect(readFileSync(hashed, 'utf8')).not.toContain(lab().nodes[1].address);
      expect((await conn(1, { knownHostsFiles: [hashed] }).run('hostname')).stdout.toString()).toBe('node2\n');

      const ecdsaOnly = join(dir, 'kh_ecdsa');
      const ecdsa = labHostKeys(lab(), 1).find((k) => k.startsWith('ecdsa-'));
      expect(ecdsa).toBeDefined();
      writeFileSync(ecdsaOnly, `${lab().nodes[1].address} ${ecdsa}\n`);
      expect((await conn(1, { knownHostsFiles: [ecdsaOnly] }).run('hostname')).stdout.toString()).toBe('node2\n');
    });

    it('refuses a changed key in every checking mode but off, naming file:line and the fix', async () => {
      const kh = join(dir, 'kh_changed');
      const otherKey = labHostKeys(lab(), 1).find((k) => k.startsWith('ssh-ed25519'));
      const addr = lab().nodes[0].address;
      writeFileSync(kh, `# a comment line\n${addr} ${otherKey}\n`);
      for (const mode of ['strict', 'accept-new'] as const) {
        const e = await conn(0, { knownHostsFiles: [kh], hostKeyChecking: mode }).connect().catch((x) => x);
        expect(e).toBeInstanceOf(HostKeyError);
        expect(e.message).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
        expect(e.message).toContain(`Offending ssh-ed25519 key in ${kh}:2`);
        expect(e.context).toMatchObject({ file: kh, line: 2, host: 'node1' });
        expect(e.context.hint).toContain(`ssh-keygen -f "${kh}" -R "${addr}"`);
      }
      expect(readFileSync(kh, 'utf8')).toBe(`# a comment line\n${addr} ${otherKey}\n`);
      expect((await conn(0, { knownHostsFiles: [kh], hostKeyChecking: 'off' }).run('true')).rc).toBe(0);
    });

    it('refuses a key marked @revoked', async () => {
      const kh = join(dir, 'kh_revoked');
      const keys = labHostKeys(lab(), 2);
      writeFileSync(kh, `${keys.map((k) => `${lab().nodes[2].address} ${k}`).join('\n')}\n@revoked * ${keys[0]}\n`);
      const e = await conn(2, { knownHostsFiles: [kh] }).connect().catch((x) => x);
      expect(e).toBeInstanceOf(HostKeyError);
      expect(e.message).toMatch(/is marked @revoked/);
    });
  });
});
