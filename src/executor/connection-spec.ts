import { homedir } from 'node:os';
import { connectionVars } from '../inventory/index.js';
import type { Vars } from '../inventory/model.js';
import { keyIsEncrypted, parseSshArgs } from '../transport/index.js';
import type { ConnectionSpec, HostKeyChecking } from '../transport/connection.js';
import { UsageError } from '../errors.js';

/** Connection settings from the command line; inventory variables override them, as in Ansible. */
export interface ConnectionOverrides {
  user?: string;
  privateKeyFile?: string;
  password?: string;
  passphrase?: ConnectionSpec['passphrase'];
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  becomePassword?: string;
  timeoutSec?: number;
  hostKeyChecking?: HostKeyChecking;
  connection?: 'ssh' | 'local';
  sshCommonArgs?: string;
  sshExtraArgs?: string;
}

/** The three modes, from fleet's names, OpenSSH's StrictHostKeyChecking words, or Ansible's boolean. */
export function parseHostKeyChecking(value: string, source: string): HostKeyChecking {
  const v = value.trim().toLowerCase();
  if (['strict', 'yes', 'true', '1', 'on'].includes(v)) return 'strict';
  if (['accept-new', 'accept_new'].includes(v)) return 'accept-new';
  if (['off', 'no', 'false', '0'].includes(v)) return 'off';
  throw new UsageError(`${source}: host key checking must be strict, accept-new or off, got "${value}"`);
}

/** Host key checking from the environment: FLEET_HOST_KEY_CHECKING, else ANSIBLE_HOST_KEY_CHECKING. */
export function hostKeyCheckingFromEnv(env: NodeJS.ProcessEnv = process.env): HostKeyChecking | undefined {
  if (env.FLEET_HOST_KEY_CHECKING) return parseHostKeyChecking(env.FLEET_HOST_KEY_CHECKING, 'FLEET_HOST_KEY_CHECKING');
  if (env.ANSIBLE_HOST_KEY_CHECKING) return parseHostKeyChecking(env.ANSIBLE_HOST_KEY_CHECKING, 'ANSIBLE_HOST_KEY_CHECKING');
  return undefined;
}

/**
 * The play, block and task keywords that choose how a host is reached. Ansible ranks them above the
 * command line and below the host's inventory variables (ansible_user, ansible_port,
 * ansible_connection win over them).
 */
export interface ConnectionKeywords {
  remote_user?: string;
  port?: number;
  connection?: string;
}

/** Connection plugins fleet's transport stands in for: every ssh flavour, and local. */
const CONNECTION_KINDS: Record<string, 'ssh' | 'local'> = { ssh: 'ssh', smart: 'ssh', paramiko: 'ssh', paramiko_ssh: 'ssh', local: 'local' };

/** The transport for a connection name (ansible_connection or the `connection` keyword), or a clear error. */
export function connectionKind(name: string, host: string, source: string): 'ssh' | 'local' {
  const kind = CONNECTION_KINDS[name.replace(/^ansible\.(builtin|legacy)\./, '')];
  if (!kind) {
    throw new UsageError(`host ${host}: ${source} "${name}" is not supported`, { host, hint: 'fleet connects with ssh (also named smart or paramiko) or local' });
  }
  return kind;
}

export const BECOME_METHODS = ['sudo', 'su'] as const;
export type BecomeMethod = (typeof BECOME_METHODS)[number];

/** A become method fleet has, or a clear error naming the ones it has. */
export function becomeMethodOf(name: string, host: string): BecomeMethod {
  const method = name.replace(/^ansible\.(builtin|legacy)\./, '');
  if (!(BECOME_METHODS as readonly string[]).includes(method)) {
    throw new UsageError(`host ${host}: become method "${name}" is not supported`, { host, hint: 'fleet becomes with sudo or su' });
  }
  return method as BecomeMethod;
}

function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? `${homedir()}/${path.slice(2)}` : path;
}

/**
 * Resolve how to reach one host: defaults < command line < play/block/task keywords < inventory
 * variables < extra vars (the caller merges extra vars into `vars`), then the ssh arguments in
 * ansible_ssh_common_args.
 */
export function connectionSpecFor(host: string, vars: Vars, cli: ConnectionOverrides, keywords: ConnectionKeywords = {}): ConnectionSpec {
  const v = connectionVars(vars);
  const kind =
    v.connection !== undefined
      ? connectionKind(v.connection, host, 'ansible_connection')
      : keywords.connection !== undefined
        ? connectionKind(keywords.connection, host, 'connection')
        : (cli.connection ?? (host === 'localhost' && v.host === undefined ? 'local' : 'ssh'));
  const sshArgs = parseSshArgs([cli.sshCommonArgs, v.sshCommonArgs, cli.sshExtraArgs, v.sshExtraArgs].filter(Boolean).join(' '));
  const keyFile = v.privateKeyFile ?? cli.privateKeyFile;
  const become = v.become ?? cli.become ?? false;
  const becomeMethod = v.becomeMethod ?? cli.becomeMethod ?? 'sudo';
  const method: BecomeMethod = become ? becomeMethodOf(becomeMethod, host) : ((BECOME_METHODS as readonly string[]).includes(becomeMethod) ? (becomeMethod as BecomeMethod) : 'sudo');
  const user = v.user ?? keywords.remote_user ?? sshArgs.user ?? cli.user;
  const password = v.password ?? cli.password;
  const passphrase = cli.passphrase;
  const becomePassword = v.becomePassword ?? cli.becomePassword;
  const hostKeyChecking = v.hostKeyChecking ?? sshArgs.hostKeyChecking ?? cli.hostKeyChecking ?? hostKeyCheckingFromEnv();
  const port = v.port ?? keywords.port ?? sshArgs.port;
  const timeoutSec = sshArgs.timeoutSec ?? cli.timeoutSec;
  const privateKeyFiles = [keyFile, ...(sshArgs.privateKeyFiles ?? [])].filter((k): k is string => !!k).map(expandHome);
  return {
    ...sshArgs,
    host,
    kind,
    address: v.host ?? host,
    ...(port !== undefined ? { port } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
    ...(privateKeyFiles.length ? { privateKeyFiles } : {}),
    ...(hostKeyChecking !== undefined ? { hostKeyChecking } : {}),
    ...(timeoutSec !== undefined ? { timeoutSec } : {}),
    become: {
      method,
      user: v.becomeUser ?? cli.becomeUser ?? 'root',
      ...(becomePassword !== undefined ? { password: becomePassword } : {}),
      ...(v.becomeExe ? { exe: v.becomeExe } : {}),
      ...(v.becomeFlags ? { flags: v.becomeFlags } : {}),
    },
  };
}

/** Whether tasks on this host run with privilege escalation unless the task says otherwise. */
export function becomeByDefault(vars: Vars, cli: ConnectionOverrides): boolean {
  return connectionVars(vars).become ?? cli.become ?? false;
}

/**
 * Ask for the passphrase of an encrypted --private-key before any host is contacted, so a person
 * typing it is not racing every host's connect timeout. The prompter remembers the answer.
 */
export async function askPassphraseUpFront(cli: ConnectionOverrides): Promise<void> {
  if (cli.privateKeyFile && typeof cli.passphrase === 'function' && (await keyIsEncrypted(expandHome(cli.privateKeyFile)))) {
    try {
      await cli.passphrase(expandHome(cli.privateKeyFile));
    } catch {
      // No one to ask: ssh-agent may still hold the key; otherwise authentication names the key.
    }
  }
}
