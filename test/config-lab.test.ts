/**
 * ansible.cfg end to end: `fleet play` with no -i, -u, --private-key or -f, on two lab nodes, takes
 * the inventory, remote user, key, forks and stdout callback from the ansible.cfg beside it; an
 * ANSIBLE_* variable beats the file and a flag beats both. HOME is a fresh directory and the ssh
 * agent is left out, so the key can only come from the config.
 */
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLab } from './helpers/lab.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

interface Window {
  host: string;
  user: string;
  start: bigint;
  end: bigint;
}

describe('ansible.cfg on lab nodes', () => {
  const lab = useLab(2, 't-config-lab');
  let project = '';
  let home = '';

  const fleet = (args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ANSIBLE_') && !k.startsWith('FLEET_') && k !== 'SSH_AUTH_SOCK'));
      const child = execFile(process.execPath, [CLI, ...args], { cwd: project, env: { ...base, HOME: home, NO_COLOR: '1', ...env }, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end();
    });

  /** The minimal callback's blocks: `node1 | CHANGED | rc=0 >>`, then `user start`, then `end`. */
  const windows = (stdout: string): Window[] =>
    [...stdout.matchAll(/^(node\d) \| CHANGED \| rc=0 >>\n(\S+) (\d+)\n(\d+)$/gm)].map((m) => ({ host: m[1]!, user: m[2]!, start: BigInt(m[3]!), end: BigInt(m[4]!) }));
  const overlap = (w: Window[]) => {
    const [a, b] = [...w].sort((x, y) => (x.start < y.start ? -1 : 1));
    return b!.start < a!.end;
  };

  beforeAll(() => {
    const info = lab();
    const root = mkdtempSync(join(tmpdir(), 'fleet-cfglab-'));
    project = join(root, 'project');
    home = join(root, 'home');
    mkdirSync(join(project, 'keys'), { recursive: true });
    mkdirSync(home);
    for (const d of [root, project, home]) chmodSync(d, 0o755);
    copyFileSync(info.privateKeyPath, join(project, 'keys', 'lab_key'));
    chmodSync(join(project, 'keys', 'lab_key'), 0o600);
    writeFileSync(
      join(project, 'hosts.ini'),
      [
        ...info.nodes.map((n) => `${n.name} ansible_host=${n.address}`),
        '',
        '[all:vars]',
        `ansible_ssh_common_args='-o UserKnownHostsFile=${info.knownHostsPath} -o StrictHostKeyChecking=yes'`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(project, 'ansible.cfg'),
      ['[defaults]', 'inventory = hosts.ini', 'remote_user = deploy', 'private_key_file = keys/lab_key', 'forks = 1', 'stdout_callback = minimal', 'gathering = explicit', ''].join('\n'),
    );
    writeFileSync(
      join(project, 'site.yml'),
      ['- hosts: all', '  tasks:', '    - name: who and when', '      shell: echo "$(id -un) $(date +%s%N)"; sleep 1; date +%s%N', ''].join('\n'),
    );
  });

  it('takes inventory, remote_user, private_key_file, forks and stdout_callback from the file', async () => {
    const r = await fleet(['play', 'site.yml']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/PLAY \[|PLAY RECAP/);
    const w = windows(r.stdout);
    expect(w.map((x) => x.host).sort()).toEqual(['node1', 'node2']);
    expect(w.map((x) => x.user)).toEqual(['deploy', 'deploy']);
    // forks = 1: one host after the other.
    expect(overlap(w)).toBe(false);
  });

  it('an ANSIBLE_* variable wins over the file, a flag over both', async () => {
    const env = await fleet(['play', 'site.yml', '-f', '2'], { ANSIBLE_REMOTE_USER: 'fleet', ANSIBLE_FORKS: '1' });
    expect(env.code, env.stdout + env.stderr).toBe(0);
    const w = windows(env.stdout);
    expect(w.map((x) => x.user)).toEqual(['fleet', 'fleet']);
    expect(overlap(w)).toBe(true);
    const flag = await fleet(['play', 'site.yml', '-u', 'root', '--output', 'text'], { ANSIBLE_REMOTE_USER: 'fleet' });
    expect(flag.code, flag.stdout + flag.stderr).toBe(0);
    expect(flag.stdout).toMatch(/^changed: \[node1\]$/m);
    expect(flag.stdout).toMatch(/^node2\s+: ok=1\s+changed=1\s/m);
  });

  it('fails to log in when private_key_file names a key the nodes do not know', async () => {
    writeFileSync(join(project, 'other.cfg'), '[defaults]\ninventory = hosts.ini\nremote_user = deploy\nprivate_key_file = keys/none\n');
    const r = await fleet(['play', 'site.yml', '-l', 'node1'], { ANSIBLE_CONFIG: join(project, 'other.cfg'), ANSIBLE_GATHERING: 'explicit' });
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/fatal: \[node1\]: UNREACHABLE!/);
  });
});
