import type { Inventory, Vars, VarsDir } from '../../inventory/index.js';
import { hostGroups, hostMagicVars, hostVars, sortGroups } from '../../inventory/index.js';
import type { RoleRef } from '../../playbook/model.js';
import { lazyVars, OMIT, type Templar } from '../../template/index.js';
import type { HostState, HostStates } from './host-state.js';

/**
 * The version magic variables every play (and ad-hoc run) sees: fleet behaves as Ansible 2.14
 * (docs/compat.md), so playbooks that test ansible_version take 2.14's branch.
 */
export const VERSION_VARS: Vars = {
  ansible_version: { full: '2.14.18', major: 2, minor: 14, revision: 18, string: '2.14.18' },
  fleet_version: '0.1.0',
};

/** Everything a play knows that variables are made from. */
export interface VarSources {
  inventory: Inventory;
  states: HostStates;
  templar: Templar;
  extraVars: Vars;
  playVars: Vars;
  /** vars_files contents, in order. */
  varsFiles: Vars;
  /** The defaults and vars of every role the play lists or imports (see play-roles.ts). */
  playRoles?: { defaults: Vars; vars: Vars };
  /** group_vars/ and host_vars/ beside the playbook. */
  playbookVarsDir?: VarsDir;
  playHosts: () => string[];
  magic: Vars;
}

/** The per-task layers that sit between play vars and extra vars. */
export interface TaskLayers {
  role?: RoleRef;
  /** block vars then task vars, outermost first. */
  scoped: Vars[];
  /** include params (include_tasks vars, include_role params): just below extra vars. */
  includeParams?: Vars;
  /** loop variables (item, ansible_loop, index_var): above everything but extra vars. */
  loop?: Vars;
}

function playbookDirVars(dir: VarsDir | undefined, inventory: Inventory, host: string): Vars {
  if (!dir) return {};
  const out: Vars = {};
  const known = inventory.hosts.has(host);
  const groups = ['all', ...(known ? sortGroups(inventory, hostGroups(inventory, host).filter((g) => g !== 'all')) : [])];
  for (const g of groups) Object.assign(out, dir.groups.get(g) ?? {});
  Object.assign(out, dir.hosts.get(host) ?? {});
  return out;
}

/** Facts as variables: `ansible_facts` and, as Ansible injects them, each fact as `ansible_<name>`. */
export function factVars(state: HostState): Vars {
  const out: Vars = { ansible_facts: state.facts };
  for (const [k, v] of Object.entries(state.facts)) out[k.startsWith('ansible_') ? k : `ansible_${k}`] = v;
  return out;
}

/** The variables of another host as `hostvars[name]` shows them: inventory, facts, set_fact/register. */
export function hostvarsOf(src: VarSources, host: string): Vars {
  const state = src.states.get(host);
  return lazyVars(
    {
      ...hostVars(src.inventory, host),
      ...playbookDirVars(src.playbookVarsDir, src.inventory, host),
      ...factVars(state),
      ...state.includedVars,
      ...state.setFacts,
      ...hostMagicVars(src.inventory, host),
      ...src.extraVars,
    },
    src.templar,
  );
}

function hostvarsProxy(src: VarSources): Vars {
  const cache = new Map<string, Vars>();
  const known = (name: string): boolean => src.inventory.hosts.has(name) || name === 'localhost';
  return new Proxy({} as Vars, {
    get(_t, key) {
      if (typeof key !== 'string' || !known(key)) return undefined;
      let v = cache.get(key);
      if (!v) cache.set(key, (v = hostvarsOf(src, key)));
      return v;
    },
    has: (_t, key) => typeof key === 'string' && known(key),
    ownKeys: () => [...src.inventory.hosts.keys()],
    getOwnPropertyDescriptor: (_t, key) => (typeof key === 'string' && known(key) ? { enumerable: true, configurable: true } : undefined),
  });
}

/**
 * A host's variables for one task, in Ansible's precedence (docs/playbooks.md):
 * role defaults < inventory < playbook group_vars/host_vars < facts < play vars < vars_files
 * < role vars < block vars < task vars < include_vars < set_fact/registered < role and include
 * params < loop vars < extra vars; magic variables on top. Values are templated when used.
 */
export function taskVars(src: VarSources, host: string, layers: TaskLayers): Vars {
  const state = src.states.get(host);
  const merged: Vars = {
    ...(src.playRoles?.defaults ?? {}),
    ...(layers.role?.defaults ?? {}),
    ...hostVars(src.inventory, host),
    ...playbookDirVars(src.playbookVarsDir, src.inventory, host),
    ...factVars(state),
    ...src.playVars,
    ...src.varsFiles,
    ...(src.playRoles?.vars ?? {}),
    ...(layers.role?.vars ?? {}),
    ...Object.assign({}, ...layers.scoped),
    ...state.includedVars,
    ...state.setFacts,
    ...(layers.role?.params ?? {}),
    ...(layers.includeParams ?? {}),
    ...(layers.loop ?? {}),
    ...src.extraVars,
    ...hostMagicVars(src.inventory, host),
    ...src.magic,
    ansible_play_hosts: src.playHosts(),
    ansible_play_batch: src.playHosts(),
    hostvars: hostvarsProxy(src),
    omit: OMIT,
    ...(layers.role ? { role_path: layers.role.path, role_name: layers.role.name } : {}),
  };
  return lazyVars(merged, src.templar);
}
