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

function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? `${homedir()}/${path.slice(2)}` : path;
}

/**
 * Resolve how to reach one host: defaults < command line < inventory variables < extra vars
 * (the caller merges extra vars into `vars`), then the ssh arguments in ansible_ssh_common_args.
 */
export function connectionSpecFor(host: string, vars: Vars, cli: ConnectionOverrides): ConnectionSpec {
  const v = connectionVars(vars);
  const kind = v.connection ?? cli.connection ?? (host === 'localhost' && v.host === undefined ? 'local' : 'ssh');
  if (kind !== 'ssh' && kind !== 'local') {
    throw new UsageError(`host ${host}: ansible_connection "${kind}" is not supported`, { host, hint: 'fleet connects with ssh or local' });
  }
  const sshArgs = parseSshArgs([cli.sshCommonArgs, v.sshCommonArgs, cli.sshExtraArgs, v.sshExtraArgs].filter(Boolean).join(' '));
  const keyFile = v.privateKeyFile ?? cli.privateKeyFile;
  const become = v.become ?? cli.become ?? false;
  const becomeMethod = v.becomeMethod ?? cli.becomeMethod ?? 'sudo';
  if (become && becomeMethod !== 'sudo') {
    throw new UsageError(`host ${host}: become method "${becomeMethod}" is not supported`, { host, hint: 'fleet becomes with sudo' });
  }
  const user = v.user ?? sshArgs.user ?? cli.user;
  const password = v.password ?? cli.password;
  const passphrase = cli.passphrase;
  const becomePassword = v.becomePassword ?? cli.becomePassword;
  const hostKeyChecking = v.hostKeyChecking ?? sshArgs.hostKeyChecking ?? cli.hostKeyChecking ?? hostKeyCheckingFromEnv();
  const port = v.port ?? sshArgs.port;
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
      method: 'sudo',
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
