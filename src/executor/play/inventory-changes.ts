import type { Group, Inventory, Vars } from '../../inventory/model.js';

function ensureGroup(inv: Inventory, name: string, parents: readonly string[] = ['all']): Group {
  let group = inv.groups.get(name);
  if (!group) {
    group = { name, hosts: [], children: [], vars: {} };
    inv.groups.set(name, group);
    for (const parent of parents) {
      const p = parent === name ? undefined : (inv.groups.get(parent) ?? ensureGroup(inv, parent));
      if (p && !p.children.includes(name)) p.children.push(name);
    }
  }
  return group;
}

/**
 * add_host: the host joins the in-memory inventory for the rest of the run (and its groups).
 * Returns whether the inventory changed (a new host, new variable values, a new group membership),
 * which is the task's `changed`, as Ansible's.
 */
export function addHost(inv: Inventory, name: string, groups: readonly string[], vars: Vars): boolean {
  const host = inv.hosts.get(name);
  let changed = !host;
  if (host) {
    changed = Object.entries(vars).some(([k, v]) => JSON.stringify(host.vars[k]) !== JSON.stringify(v) || !(k in host.vars));
    Object.assign(host.vars, vars);
  } else inv.hosts.set(name, { name, vars: { ...vars } });
  const targets = groups.length ? groups : ['ungrouped'];
  for (const g of targets) {
    const group = ensureGroup(inv, g);
    if (!group.hosts.includes(name)) {
      group.hosts.push(name);
      if (groups.length) changed = true;
    }
  }
  return changed;
}

/**
 * group_by: the host joins a group made from a fact, created under `parents` when new. Returns
 * whether the inventory changed (the host joined, or the group got a new parent), as Ansible's.
 */
export function addToGroup(inv: Inventory, group: string, host: string, parents: readonly string[]): boolean {
  const wanted = parents.length ? parents : ['all'];
  const g = ensureGroup(inv, group, wanted);
  let changed = false;
  for (const parent of wanted) {
    if (parent === group) continue;
    const p = inv.groups.get(parent) ?? ensureGroup(inv, parent);
    if (!p.children.includes(group)) {
      p.children.push(group);
      changed = true;
    }
  }
  if (!g.hosts.includes(host)) {
    g.hosts.push(host);
    changed = true;
  }
  return changed;
}
