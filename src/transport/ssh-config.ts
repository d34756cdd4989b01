/**
 * ~/.ssh/config support: parsing and Host/Match matching by the `ssh-config` package, plus
 * `Include` (expanded here, as the package leaves it alone) and OpenSSH's first-value-wins merge of
 * the user's file and /etc/ssh/ssh_config.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import SSHConfig from 'ssh-config';
import { UnreachableError } from '../errors.js';
import type { HostKeyChecking } from './connection.js';

export interface SshConfigValues {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles?: string[];
  identitiesOnly?: boolean;
  identityAgent?: string;
  proxyJump?: string;
  strictHostKeyChecking?: HostKeyChecking;
  userKnownHostsFiles?: string[];
  globalKnownHostsFiles?: string[];
  hashKnownHosts?: boolean;
  connectTimeout?: number;
  serverAliveInterval?: number;
  serverAliveCountMax?: number;
  /** The files that were read, in order. */
  files: string[];
}

export const SYSTEM_SSH_CONFIG = '/etc/ssh/ssh_config';

export function userSshConfigPath(): string {
  return join(homedir(), '.ssh', 'config');
}

export function expandTilde(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return join(homedir(), p.slice(2));
  return p;
}

function wildcardToRegExp(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Expand an Include argument (wildcards in the last path component only). */
function includeFiles(arg: string, baseDir: string): string[] {
  let p = expandTilde(arg);
  if (!isAbsolute(p)) p = join(baseDir, p);
  const dir = dirname(p);
  const name = basename(p);
  if (!/[*?]/.test(name)) return existsSync(p) ? [p] : [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const re = wildcardToRegExp(name);
  return names
    .filter((n) => re.test(n))
    .sort()
    .map((n) => join(dir, n))
    .filter((f) => {
      try {
        return statSync(f).isFile();
      } catch {
        return false;
      }
    });
}

/** The text of a config file with its Include lines replaced by the included files' text. */
function expandIncludes(file: string, baseDir: string, depth = 0, seen: string[] = []): string {
  if (depth > 16 || seen.includes(file)) return '';
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*include(?:\s*=\s*|\s+)(.+?)\s*$/i.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    for (const arg of m[1].match(/"[^"]*"|\S+/g) ?? []) {
      for (const inc of includeFiles(arg.replace(/^"|"$/g, ''), baseDir)) {
        out.push(expandIncludes(inc, baseDir, depth + 1, [...seen, file]));
      }
    }
  }
  return out.join('\n');
}

const parsed = new Map<string, { mtimeMs: number; config: SSHConfig }>();

function parseFile(file: string): SSHConfig {
  const st = statSync(file);
  const hit = parsed.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs) return hit.config;
  const baseDir = file === SYSTEM_SSH_CONFIG ? '/etc/ssh' : join(homedir(), '.ssh');
  const config = SSHConfig.parse(expandIncludes(file, baseDir));
  parsed.set(file, { mtimeMs: st.mtimeMs, config });
  return config;
}

function first(v: string | string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v[0] : v;
}

function list(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(/\s+/)).filter(Boolean);
}

function yesNo(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  return /^(yes|true)$/i.test(v);
}

function int(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : undefined;
}

/** StrictHostKeyChecking's values as fleet's modes (ask is strict: fleet never asks). */
export function hostKeyModeFrom(v: string | undefined): HostKeyChecking | undefined {
  if (v === undefined) return undefined;
  switch (v.toLowerCase()) {
    case 'yes':
    case 'ask':
    case 'true':
      return 'strict';
    case 'accept-new':
      return 'accept-new';
    case 'no':
    case 'off':
    case 'false':
      return 'off';
    default:
      return undefined;
  }
}

/**
 * What ssh config says for `host` (the name given to ssh: the inventory's address). `file`:
 * undefined reads ~/.ssh/config and /etc/ssh/ssh_config (as `ssh`), a path reads only that file
 * (as `ssh -F`), false reads nothing. `Match exec` is not evaluated.
 */
export function readSshConfig(host: string, file?: string | false, user?: string): SshConfigValues {
  const files: string[] = [];
  if (file === false) return { files };
  if (typeof file === 'string') {
    const f = expandTilde(file);
    if (!existsSync(f)) throw new UnreachableError(`ssh config file ${f} does not exist`);
    files.push(f);
  } else {
    for (const f of [userSshConfigPath(), SYSTEM_SSH_CONFIG]) if (existsSync(f)) files.push(f);
  }
  const merged: Record<string, string | string[]> = {};
  for (const f of files) {
    let values: Record<string, string | string[]>;
    try {
      values = parseFile(f).compute(user ? { Host: host, User: user } : { Host: host }, { ignoreCase: true, matchExec: false });
    } catch (e) {
      throw new UnreachableError(`cannot read ssh config ${f}: ${(e as Error).message}`);
    }
    for (const [k, v] of Object.entries(values)) {
      if (k === 'identityfile' || k === 'certificatefile') {
        const prev = merged[k];
        merged[k] = [...(Array.isArray(prev) ? prev : prev ? [prev] : []), ...(Array.isArray(v) ? v : [v])];
      } else if (merged[k] === undefined) merged[k] = v;
    }
  }
  const proxyJump = first(merged.proxyjump);
  return {
    hostName: first(merged.hostname),
    user: first(merged.user),
    port: int(first(merged.port)),
    identityFiles: list(merged.identityfile),
    identitiesOnly: yesNo(first(merged.identitiesonly)),
    identityAgent: first(merged.identityagent),
    proxyJump: proxyJump && proxyJump.toLowerCase() !== 'none' ? proxyJump : undefined,
    strictHostKeyChecking: hostKeyModeFrom(first(merged.stricthostkeychecking)),
    userKnownHostsFiles: list(merged.userknownhostsfile),
    globalKnownHostsFiles: list(merged.globalknownhostsfile),
    hashKnownHosts: yesNo(first(merged.hashknownhosts)),
    connectTimeout: int(first(merged.connecttimeout)),
    serverAliveInterval: int(first(merged.serveraliveinterval)),
    serverAliveCountMax: int(first(merged.serveralivecountmax)),
    files,
  };
}

export interface TokenValues {
  host: string;
  originalHost: string;
  port: number;
  remoteUser: string;
  localUser: string;
}

/** OpenSSH's ~ and %-tokens in IdentityFile, UserKnownHostsFile and IdentityAgent. */
export function expandTokens(value: string, t: TokenValues): string {
  const v = expandTilde(value);
  return v.replace(/%([%dhnpru])/g, (_, c: string) => {
    switch (c) {
      case '%':
        return '%';
      case 'd':
        return homedir();
      case 'h':
        return t.host;
      case 'n':
        return t.originalHost;
      case 'p':
        return String(t.port);
      case 'r':
        return t.remoteUser;
      case 'u':
        return t.localUser;
      default:
        return '';
    }
  });
}
