import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../errors.js';

/** Every program the lab runs, and the Debian package that ships it. */
const TOOLS = {
  ip: 'iproute2',
  iptables: 'iptables',
  sshd: 'openssh-server',
  'ssh-keygen': 'openssh-client',
  sudo: 'sudo',
  nsenter: 'util-linux',
  unshare: 'util-linux',
  pivot_root: 'util-linux',
  mount: 'mount',
  umount: 'mount',
  perl: 'perl-base',
  mknod: 'coreutils',
  sh: 'dash',
} as const;

export type Tool = keyof typeof TOOLS;

/** The Debian packages the lab needs on the host (and so inside every node, which is a view of it). */
export const DEBIAN_PACKAGES = ['iproute2', 'iptables', 'openssh-server', 'openssh-client', 'sudo', 'util-linux', 'mount', 'perl-base', 'coreutils', 'procps'];

const SEARCH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const found = new Map<Tool, string>();

function locate(tool: Tool): string | undefined {
  const cached = found.get(tool);
  if (cached) return cached;
  const dirs = [...SEARCH, ...(process.env.PATH ?? '').split(':').filter((d) => d.startsWith('/'))];
  for (const dir of dirs) {
    const path = join(dir, tool);
    try {
      accessSync(path, constants.X_OK);
      found.set(tool, path);
      return path;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The absolute path of a tool; a LabError that names the package to install when it is missing. */
export function tool(name: Tool): string {
  const path = locate(name);
  if (!path) throw missingTools([name]);
  return path;
}

/** The error for missing tools, naming the apt command that installs them. */
export function missingTools(tools: Tool[]): LabError {
  const pkgs = [...new Set(tools.map((t) => TOOLS[t]))];
  const what = tools.includes('sshd') ? `${tools.join(', ')} (sshd is the OpenSSH server)` : tools.join(', ');
  return new LabError(`the lab needs ${what}, not found on this machine: apt-get install -y ${pkgs.join(' ')}`, {
    hint: `apt-get install -y ${pkgs.join(' ')}`,
  });
}

/** The lab builds namespaces, mounts and firewall rules: Linux and root only. */
export function assertHost(): void {
  if (process.platform !== 'linux') {
    throw new LabError(`the lab needs Linux (network, mount, uts and pid namespaces); this is ${process.platform}`, {
      hint: 'run the lab tests on a Linux machine or VM as root',
    });
  }
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new LabError('the lab needs root: it creates network namespaces, mounts, veths and iptables rules', {
      hint: 'run it as root (e.g. sudo -E npx fleet lab up 3)',
    });
  }
}

/** Host checks plus every tool the lab uses, reported all at once. */
export function preflight(): void {
  assertHost();
  const absent = (Object.keys(TOOLS) as Tool[]).filter((t) => !locate(t));
  if (absent.length) throw missingTools(absent);
}
