/**
 * What the commands that reach hosts share once their flags are parsed: the config filled into the
 * flags, the inventory and extra vars, and the connection overrides. Loaded only when such a command
 * runs (the flags themselves are in options.ts).
 */
import { InvalidArgumentError } from 'commander';
import { emptyInventoryWarning, loadInventory } from '../inventory/index.js';
import type { Inventory, Vars } from '../inventory/model.js';
import { askPassphraseUpFront, parseHostKeyChecking, type ConnectionOverrides } from '../executor/connection-spec.js';
import { mergeExtraVars } from './extra-vars.js';
import { askSecret, passphrasePrompter } from './prompt.js';
import { loadConfig, type FleetConfig } from '../config/index.js';
import { applyConfigToFlags } from './apply-config.js';
import type { CommonFlags } from './options.js';

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
