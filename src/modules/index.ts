import { closest } from '../util/closest.js';
import { FleetError } from '../errors.js';
import { command, raw, shell } from './command.js';
import { ping } from './ping.js';
import { async_status } from './async_status.js';
import { add_host } from './add_host.js';
import { assert } from './assert.js';
import { debug } from './debug.js';
import { fail } from './fail.js';
import { group_by } from './group_by.js';
import { include_vars } from './include_vars.js';
import { meta } from './meta.js';
import { pause } from './pause.js';
import { script } from './script.js';
import { set_fact } from './set_fact.js';
import { setup } from './setup.js';
import { stat } from './stat.js';
import { tempfile } from './tempfile.js';
import { wait_for } from './wait_for.js';
// files: file, copy, template
import { file } from './file.js';
import { copy } from './copy.js';
import { template } from './template.js';
// accounts and SSH keys
import { authorized_key } from './authorized_key.js';
import { group } from './group.js';
import { known_hosts } from './known_hosts.js';
import { openssh_keypair } from './openssh_keypair.js';
import { user } from './user.js';
// text files and transfers
import { blockinfile } from './blockinfile.js';
import { fetch } from './fetch.js';
import { get_url } from './get_url.js';
import { lineinfile } from './lineinfile.js';
import { replace } from './replace.js';
import { unarchive } from './unarchive.js';
// source control and python packages
import { git } from './git.js';
import { pip } from './pip.js';
// system: filesystems, mounts, firewall, cron, sysctl, hostname
import { filesystem } from './filesystem.js';
import { mount } from './mount.js';
import { firewalld } from './firewalld.js';
import { sysctl } from './sysctl.js';
import { cron } from './cron.js';
import { hostname } from './hostname.js';
import { ufw } from './ufw.js';
import { timezone } from './timezone.js';
import { reboot } from './reboot.js';
// packages and services
import { apt } from './apt.js';
import { dnf, yum } from './dnf.js';
import { packageModule } from './package.js';
import { service } from './service.js';
import { systemd } from './systemd.js';
import type { ModuleDefinition } from './types.js';

export type { ModuleDefinition, ModuleContext, ModuleResult, Plan, ParamSchema, ParamSpec } from './types.js';
export { validateParams } from './params.js';
export { parseArgString, ModuleArgsError } from './args.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModule = ModuleDefinition<any, any, any>;

const registry: readonly AnyModule[] = [
  command,
  shell,
  raw,
  ping,
  // core modules of the playbook engine
  debug,
  set_fact,
  stat,
  tempfile,
  assert,
  fail,
  meta,
  pause,
  wait_for,
  setup,
  script,
  include_vars,
  add_host,
  async_status,
  group_by,
  // files
  file,
  copy,
  template,
  // accounts and SSH keys
  user,
  group,
  authorized_key,
  openssh_keypair,
  known_hosts,
  // text files and transfers
  lineinfile,
  blockinfile,
  replace,
  fetch,
  get_url,
  unarchive,
  // source control and python packages
  git,
  pip,
  // system: filesystems, mounts, firewall, cron, sysctl, hostname
  filesystem,
  mount,
  firewalld,
  sysctl,
  cron,
  hostname,
  ufw,
  timezone,
  reboot,
  // packages and services
  apt,
  packageModule,
  dnf,
  yum,
  service,
  systemd,
];

const byName = new Map<string, AnyModule>();
for (const m of registry) for (const name of [m.name, ...m.aliases]) byName.set(name, m);

export class UnknownModuleError extends FleetError {
  constructor(name: string) {
    const guess = closest(name.replace(/^.*\./, ''), registry.map((m) => m.name));
    super('UNKNOWN_MODULE', `unknown module "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}`, {
      hint: `modules fleet has: ${registry.map((m) => m.name).sort().join(', ')}`,
    });
  }
}

export function findModule(name: string): AnyModule | undefined {
  return byName.get(name);
}

export function getModule(name: string): AnyModule {
  const found = byName.get(name);
  if (!found) throw new UnknownModuleError(name);
  return found;
}

export function moduleNames(): string[] {
  return registry.map((m) => m.name);
}
