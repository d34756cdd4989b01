import { InvalidArgumentError, Option, type Command } from 'commander';
import type { OutputFormat } from './apply-config.js';

/*
 * The flags Ansible users type, shared by play, run and inventory. This file needs commander alone,
 * so that registering the commands loads nothing of what running them needs.
 */

export interface CommonFlags {
  inventory: string[];
  limit: string[];
  extraVars: string[];
  /** Unset until the config fills it in (applyConfigToFlags). */
  forks?: number;
  user?: string;
  privateKey?: string;
  askPass?: boolean;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  askBecomePass?: boolean;
  timeout?: number;
  verbose: number;
  output?: OutputFormat;
  hostKeyChecking?: string;
  sshCommonArgs?: string;
  sshExtraArgs?: string;
  connection?: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const increment = (_: string, previous = 0): number => previous + 1;

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1`);
    return n;
  };
}

/** The flags Ansible users type, shared by play, run and inventory. */
export function addInventoryOptions(cmd: Command, outputs: OutputFormat[] = ['text', 'json']): Command {
  return cmd
    .option('-i, --inventory <path>', 'inventory file or directory (repeatable)', collect, [])
    .option('-l, --limit <pattern>', 'further limit selected hosts to a pattern, or @file of host names (repeatable)', collect, [])
    .option('-e, --extra-vars <vars>', 'variables as k=v, JSON/YAML, or @file (repeatable)', collect, [])
    .option('-v, --verbose', 'more output (repeat for more: -vvv)', increment, 0)
    .addOption(new Option('--output <format>', 'output format (default text)').choices(outputs));
}

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('-f, --forks <n>', 'hosts to work on at once (default 50)', positiveInt('--forks'))
    .option('-u, --user <name>', 'connect as this user (inventory ansible_user wins, as in Ansible)')
    .option('--private-key <file>', 'private key file for authentication (alias --key-file)')
    .addOption(new Option('--key-file <file>').hideHelp())
    .option('-k, --ask-pass', 'ask for the SSH password')
    .option('-b, --become', 'run operations with become (sudo)')
    .option('--become-user <user>', 'become this user', undefined)
    .addOption(new Option('--become-method <method>', 'privilege escalation method').choices(['sudo', 'su']))
    .option('-K, --ask-become-pass', 'ask for the privilege escalation password')
    .option('-T, --timeout <seconds>', 'connection timeout in seconds (default 10, or ConnectTimeout from ~/.ssh/config)', positiveInt('--timeout'))
    .option('-c, --connection <type>', 'connection type: ssh or local')
    .option('--ssh-common-args <args>', 'extra ssh options, e.g. "-o ProxyJump=bastion"')
    .option('--ssh-extra-args <args>', 'more ssh options (same forms as --ssh-common-args)')
    .option('--host-key-checking <mode>', 'strict | accept-new | off (default strict; env FLEET_HOST_KEY_CHECKING or ANSIBLE_HOST_KEY_CHECKING)');
}
