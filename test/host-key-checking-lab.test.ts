/**
 * Host key checking from the command line, with no setting given: strict by default (README,
 * docs/transport.md). A `fleet run` / `fleet play` against a node whose key is in no known_hosts
 * file fails with a clear message; FLEET_HOST_KEY_CHECKING=False, ANSIBLE_HOST_KEY_CHECKING=False
 * and `--host-key-checking off` turn the check off, and `accept-new` records the key.
 *
 * The lab's own inventory pins UserKnownHostsFile and StrictHostKeyChecking=yes, so these runs use an
 * inventory without them, a fresh HOME (fleet's ~/.ssh/known_hosts), and a working directory
 * without ansible.cfg.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useLab } from './helpers/lab.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('host key checking from the command line', () => {
  const lab = useLab(1, 't-hostkey');

  /** A fresh HOME with an empty ~/.ssh, a working directory and an inventory naming node1 by address only. */
  function setup(): { home: string; cwd: string; inventory: string; knownHosts: string; playbook: string } {
    const root = mkdtempSync(join(tmpdir(), 'fleet-hostkey-'));
    const home = join(root, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    const cwd = join(root, 'cwd');
    mkdirSync(cwd);
    const node = lab().nodes[0]!;
    const inventory = join(cwd, 'inventory.ini');
    writeFileSync(inventory, `node1 ansible_host=${node.address} ansible_user=root ansible_ssh_private_key_file=${lab().privateKeyPath}\n`);
    const playbook = join(cwd, 'site.yml');
    writeFileSync(playbook, '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: who\n      command: hostname\n');
    return { home, cwd, inventory, knownHosts: join(home, '.ssh', 'known_hosts'), playbook };
  }

  function fleet(args: string[], s: { home: string; cwd: string }, env: Record<string, string> = {}): Promise<Run> {
    const base = { ...process.env };
    for (const k of Object.keys(base)) if (/HOST_KEY_CHECKING$|^ANSIBLE_CONFIG$|^SSH_AUTH_SOCK$/.test(k)) delete base[k];
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [CLI, ...args], { cwd: s.cwd, env: { ...base, HOME: s.home, NO_COLOR: '1', ...env } }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end();
    });
  }

  const refused = (r: Run, knownHosts: string) => {
    const address = lab().nodes[0]!.address;
    const out = r.stdout + r.stderr;
    expect(out).toContain(`host key for node1 (${address}, ssh-ed25519 SHA256:`);
    expect(out).toContain(`is not known in ${knownHosts}`);
    expect(out).toContain('and host key checking is strict');
    expect(out).toContain(`ssh-keyscan -H ${address} >> ${knownHosts}`);
  };

  it('fleet run: strict by default, an unknown host is refused with how to add it, exit 4, nothing recorded', async () => {
    const s = setup();
    const r = await fleet(['run', 'all', '-i', s.inventory, '-a', 'hostname'], s);
    expect(r.code, r.stdout + r.stderr).toBe(4);
    expect(r.stdout).toMatch(/^node1 \| UNREACHABLE! =>/m);
    refused(r, s.knownHosts);
    expect(existsSync(s.knownHosts)).toBe(false);
  });

  it('fleet play: strict by default too, exit 4', async () => {
    const s = setup();
    const r = await fleet(['play', s.playbook, '-i', s.inventory], s);
    expect(r.code, r.stdout + r.stderr).toBe(4);
    expect(r.stdout).toMatch(/^fatal: \[node1\]: UNREACHABLE! =>/m);
    refused(r, s.knownHosts);
    expect(r.stdout).toMatch(/^node1\s+: ok=0\s+changed=0\s+unreachable=1\s+failed=0/m);
    expect(existsSync(s.knownHosts)).toBe(false);
  });

  for (const [what, args, env] of [
    ['FLEET_HOST_KEY_CHECKING=False', [], { FLEET_HOST_KEY_CHECKING: 'False' }],
    ['ANSIBLE_HOST_KEY_CHECKING=False', [], { ANSIBLE_HOST_KEY_CHECKING: 'False' }],
    ['--host-key-checking off', ['--host-key-checking', 'off'], {}],
  ] as const) {
    it(`${what} turns it off: the unknown host is reached, nothing recorded`, async () => {
      const s = setup();
      const r = await fleet(['run', 'all', '-i', s.inventory, '-a', 'hostname', ...args], s, env);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^node1 \| CHANGED \| rc=0 >>\nnode1$/m);
      expect(existsSync(s.knownHosts)).toBe(false);
      const p = await fleet(['play', s.playbook, '-i', s.inventory, ...args], s, env);
      expect(p.code, p.stdout + p.stderr).toBe(0);
      expect(p.stdout).toMatch(/^node1\s+: ok=1\s+changed=1\s+unreachable=0\s+failed=0/m);
    });
  }

  it('--host-key-checking accept-new records the key in ~/.ssh/known_hosts; the default then accepts the host', async () => {
    const s = setup();
    const r = await fleet(['run', 'all', '-i', s.inventory, '-a', 'hostname', '--host-key-checking', 'accept-new'], s);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const recorded = readFileSync(s.knownHosts, 'utf8').trim().split('\n');
    expect(recorded).toHaveLength(1);
    const known = readFileSync(lab().knownHostsPath, 'utf8');
    expect(known).toContain(recorded[0]!.split(' ').slice(1).join(' '));
    const again = await fleet(['run', 'all', '-i', s.inventory, '-a', 'hostname'], s);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^node1 \| CHANGED \| rc=0 >>\nnode1$/m);
  });
});
