import { Command, InvalidArgumentError, Option } from 'commander';
import { emptyInventoryWarning, loadInventory } from '../inventory/index.js';
import type { Inventory, Vars } from '../inventory/model.js';
import { askPassphraseUpFront, parseHostKeyChecking, type ConnectionOverrides } from '../executor/connection-spec.js';
import { mergeExtraVars } from './extra-vars.js';
import { askSecret, passphrasePrompter } from './prompt.js';
import { loadConfig, type FleetConfig } from '../config/index.js';
import { applyConfigToFlags, type OutputFormat } from './apply-config.js';

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

/**
 * Read ansible.cfg and the ANSIBLE_* variables and fill in the flags the command line left out.
 * Config warnings go to stderr.
 */
export function loadConfigInto(flags: CommonFlags & { keyFile?: string }): FleetConfig {
  const config = loadConfig();
  for (const w of config.warnings) process.stderr.write(`[WARNING]: ${w}\n`);
  applyConfigToFlags(flags, config);
  return config;
}

/** What ansible-playbook and ansible print first with -v. */
export function configBanner(config: FleetConfig): string {
  return config.file ? `Using ${config.file} as config file\n` : 'No config file found; using defaults\n';
}

/**
 * The inventory and extra vars of the flags; the inventory's warnings go to stderr, and, given the
 * host pattern the command targets (a play's is `all`), Ansible's warning for an inventory without hosts.
 */
export async function loadFromFlags(flags: CommonFlags, pattern?: string): Promise<{ inventory: Inventory; extraVars: Vars }> {
  const extraVars = mergeExtraVars(flags.extraVars);
  const inventory = await loadInventory(flags.inventory, { cwd: process.cwd() });
  const empty = pattern === undefined ? null : emptyInventoryWarning(inventory, pattern);
  for (const w of [...(inventory.warnings ?? []), ...(empty ? [empty] : [])]) process.stderr.write(`[WARNING]: ${w}\n`);
  return { inventory, extraVars };
}

/** Turn connection flags into overrides, asking for passwords first when -k/-K ask for them. */
export async function connectionOverrides(flags: CommonFlags & { keyFile?: string }): Promise<ConnectionOverrides> {
  const password = flags.askPass ? await askSecret('SSH password: ') : undefined;
  const becomePassword = flags.askBecomePass ? await askSecret('BECOME password[defaults to SSH password]: ') : undefined;
  const keyFile = flags.privateKey ?? flags.keyFile;
  const o: ConnectionOverrides = { passphrase: passphrasePrompter() };
  if (flags.timeout !== undefined) o.timeoutSec = flags.timeout;
  if (flags.user) o.user = flags.user;
  if (keyFile) o.privateKeyFile = keyFile;
  if (password !== undefined) o.password = password;
  if (flags.become) o.become = true;
  if (flags.becomeUser) o.becomeUser = flags.becomeUser;
  if (flags.becomeMethod) o.becomeMethod = flags.becomeMethod;
  if (becomePassword !== undefined) o.becomePassword = becomePassword === '' && password !== undefined ? password : becomePassword;
  if (flags.hostKeyChecking) o.hostKeyChecking = parseHostKeyChecking(flags.hostKeyChecking, '--host-key-checking');
  if (flags.sshCommonArgs) o.sshCommonArgs = flags.sshCommonArgs;
  if (flags.sshExtraArgs) o.sshExtraArgs = flags.sshExtraArgs;
  if (flags.connection) {
    if (flags.connection !== 'ssh' && flags.connection !== 'local') throw new InvalidArgumentError(`--connection must be ssh or local, got ${flags.connection}`);
    o.connection = flags.connection;
  }
  await askPassphraseUpFront(o);
  return o;
}
