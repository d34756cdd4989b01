/**
 * From a ConnectionSpec and ssh config to everything an ssh connection needs. Explicit spec values
 * win over ssh config; ssh config wins over fleet's defaults. HostName rewrites the address as it
 * does for `ssh ADDRESS` (the address is the name given to ssh, matched against Host patterns).
 */
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { UnreachableError } from '../errors.js';
import type { ConnectionSpec, HostKeyChecking } from './connection.js';
import { expandTilde, expandTokens, readSshConfig } from './ssh-config.js';

export const DEFAULT_TIMEOUT_SEC = 10;
export const DEFAULT_KEEPALIVE_SEC = 15;
export const DEFAULT_KEEPALIVE_COUNT_MAX = 3;
const DEFAULT_IDENTITY_FILES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_dsa'];

export interface SshTarget {
  /** The name used in messages: the inventory name for the target, the jump spec for a jump host. */
  label: string;
  address: string;
  port: number;
  user: string;
  password?: string;
  passphrase?: ConnectionSpec['passphrase'];
  /** Private key files to try, in order. */
  keyFiles: string[];
  agent?: string;
  hostKeyChecking: HostKeyChecking;
  knownHostsFiles: string[];
  /** Where accept-new records keys (undefined: nowhere). */
  knownHostsWriteFile?: string;
  hashKnownHosts: boolean;
  timeoutSec: number;
  keepaliveSec: number;
  keepaliveCountMax: number;
  /** Jump hosts, first one first. */
  jumps: SshTarget[];
}

export function localUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}

export interface Hop {
  user?: string;
  host: string;
  port?: number;
}

/** Parse ProxyJump / -J: `[user@]host[:port]` or `ssh://[user@]host[:port]`, comma-separated. */
export function parseProxyJump(value: string): Hop[] {
  const hops: Hop[] = [];
  for (let part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (part.toLowerCase() === 'none') continue;
    part = part.replace(/^ssh:\/\//i, '');
    let user: string | undefined;
    const at = part.lastIndexOf('@');
    if (at >= 0) {
      user = part.slice(0, at);
      part = part.slice(at + 1);
    }
    let host = part;
    let port: number | undefined;
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(part);
    if (v6) {
      host = v6[1];
      port = v6[2] ? Number(v6[2]) : undefined;
    } else {
      const m = /^([^:]+):(\d+)$/.exec(part);
      if (m) {
        host = m[1];
        port = Number(m[2]);
      }
    }
    if (!host) throw new UnreachableError(`invalid ProxyJump entry ${JSON.stringify(value)}`);
    hops.push({ user, host, port });
  }
  return hops;
}

interface Base {
  name: string;
  label: string;
  user?: string;
  port?: number;
  password?: string;
  passphrase?: ConnectionSpec['passphrase'];
  privateKeyFiles?: string[];
  agent?: string;
  hostKeyChecking?: HostKeyChecking;
  knownHostsFiles?: string[];
  timeoutSec?: number;
  keepaliveSec?: number;
  proxyJump?: string;
  sshConfigFile?: string | false;
}

function resolveOne(b: Base, depth: number): SshTarget {
  const cfg = readSshConfig(b.name, b.sshConfigFile, b.user);
  const address = cfg.hostName ? cfg.hostName.replace(/%h/g, b.name) : b.name;
  const port = b.port ?? cfg.port ?? 22;
  const user = b.user ?? cfg.user ?? localUserName();
  const tokens = { host: address, originalHost: b.name, port, remoteUser: user, localUser: localUserName() };

  let keyFiles = [...(b.privateKeyFiles ?? []).map(expandTilde), ...(cfg.identityFiles ?? []).map((f) => expandTokens(f, tokens))];
  if (!keyFiles.length) {
    keyFiles = DEFAULT_IDENTITY_FILES.map((n) => join(homedir(), '.ssh', n)).filter((f) => existsSync(f));
  }
  keyFiles = [...new Set(keyFiles)];

  let agent = b.agent;
  if (agent === undefined && cfg.identityAgent !== undefined) {
    const ia = cfg.identityAgent;
    if (ia.toLowerCase() === 'none') agent = '';
    else if (ia === 'SSH_AUTH_SOCK') agent = process.env.SSH_AUTH_SOCK;
    else if (ia.startsWith('$')) agent = process.env[ia.replace(/^\$\{?|\}$/g, '')];
    else agent = expandTokens(ia, tokens);
  }
  if (agent === undefined) agent = process.env.SSH_AUTH_SOCK;
  if (agent === '') agent = undefined;

  let knownHostsFiles: string[];
  let writeFile: string | undefined;
  if (b.knownHostsFiles && b.knownHostsFiles.length) {
    knownHostsFiles = b.knownHostsFiles.map(expandTilde);
    writeFile = knownHostsFiles[0];
  } else {
    const userFiles = (cfg.userKnownHostsFiles ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']).map((f) => expandTokens(f, tokens));
    const globalFiles = (cfg.globalKnownHostsFiles ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']).map((f) =>
      expandTokens(f, tokens),
    );
    knownHostsFiles = [...userFiles, ...globalFiles];
    writeFile = userFiles[0];
  }
  knownHostsFiles = knownHostsFiles.filter((f) => f !== '/dev/null' && f.toLowerCase() !== 'none');
  if (writeFile === '/dev/null' || writeFile?.toLowerCase() === 'none') writeFile = undefined;

  const timeoutSec = b.timeoutSec ?? cfg.connectTimeout ?? DEFAULT_TIMEOUT_SEC;
  const target: SshTarget = {
    label: b.label,
    address,
    port,
    user,
    password: b.password,
    passphrase: b.passphrase,
    keyFiles,
    agent,
    hostKeyChecking: b.hostKeyChecking ?? cfg.strictHostKeyChecking ?? 'strict',
    knownHostsFiles,
    knownHostsWriteFile: writeFile,
    hashKnownHosts: cfg.hashKnownHosts ?? false,
    timeoutSec,
    keepaliveSec: b.keepaliveSec ?? cfg.serverAliveInterval ?? DEFAULT_KEEPALIVE_SEC,
    keepaliveCountMax: cfg.serverAliveCountMax ?? DEFAULT_KEEPALIVE_COUNT_MAX,
    jumps: [],
  };

  const jump = b.proxyJump ?? cfg.proxyJump;
  if (jump) {
    if (depth > 8) throw new UnreachableError(`ProxyJump chain too long (loop?) at ${b.label}`);
    for (const hop of parseProxyJump(jump)) {
      const t = resolveOne(
        {
          name: hop.host,
          label: `jump host ${hop.user ? `${hop.user}@` : ''}${hop.host}${hop.port ? `:${hop.port}` : ''}`,
          user: hop.user,
          port: hop.port,
          passphrase: b.passphrase,
          // The target's explicit keys serve the jump hosts too (as `ssh -i` does).
          privateKeyFiles: b.privateKeyFiles,
          agent: b.agent,
          hostKeyChecking: b.hostKeyChecking,
          knownHostsFiles: b.knownHostsFiles,
          timeoutSec: b.timeoutSec,
          keepaliveSec: b.keepaliveSec,
          sshConfigFile: b.sshConfigFile,
        },
        depth + 1,
      );
      // A jump host's own ProxyJump (from ssh config) comes before it.
      target.jumps.push(...t.jumps, { ...t, jumps: [] });
    }
  }
  return target;
}

/** Resolve an ssh ConnectionSpec with ssh config into a target (and its jump hosts). */
export function resolveSshTarget(spec: ConnectionSpec): SshTarget {
  return resolveOne(
    {
      name: spec.address || spec.host,
      label: spec.host,
      user: spec.user,
      port: spec.port,
      password: spec.password,
      passphrase: spec.passphrase,
      privateKeyFiles: spec.privateKeyFiles,
      agent: spec.agent,
      hostKeyChecking: spec.hostKeyChecking,
      knownHostsFiles: spec.knownHostsFiles,
      timeoutSec: spec.timeoutSec,
      keepaliveSec: spec.keepaliveSec,
      proxyJump: spec.proxyJump,
      sshConfigFile: spec.sshConfigFile,
    },
    0,
  );
}
