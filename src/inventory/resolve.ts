/**
 * Variables of a host as Ansible resolves them from the inventory, lowest to highest:
 *  1. the `all` group's vars from the inventory sources;
 *  2. every other group of the host (direct and inherited) from the inventory sources, sorted by
 *     depth (parents before children), then ansible_group_priority, then name;
 *  3. group_vars/all beside each source (sources in order);
 *  4. group_vars/GROUP beside each source (sources in order, groups sorted as in 2);
 *  5. the host's own vars from the inventory sources;
 *  6. host_vars/HOST beside each source (sources in order).
 * Later ones replace earlier ones key by key (Ansible's default hash_behaviour=replace).
 *
 * The implicit localhost: a pattern naming `localhost`, `127.0.0.1` or `::1` when the inventory does
 * not define that host gets a host of that name with ansible_connection=local, which is in no group
 * (so not in `all`), and still gets the `all` vars and group_vars/all.
 */
import { UsageError } from '../errors.js';
import type { Group, Inventory, Vars } from './model.js';
import { isIpAddress } from './ranges.js';

/** Ansible's C.LOCALHOST: names that give the implicit localhost. */
export const LOCALHOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** The variables Ansible gives an implicit localhost (ansible_python_interpreter: see docs). */
export const IMPLICIT_LOCALHOST_VARS: Readonly<Vars> = Object.freeze({
  ansible_connection: 'local',
  ansible_python_interpreter: '/usr/bin/python3',
});

export interface InventoryIndex {
  /** Parent groups of each group. */
  parents: Map<string, string[]>;
  /** Groups that list each host directly. */
  direct: Map<string, string[]>;
  /** Longest path from `all` to each group (all = 0). */
  depth: Map<string, number>;
  /** Position of each group in inventory order, for stable sorts. */
  order: Map<string, number>;
}

const cache = new WeakMap<Inventory, { stamp: string; index: InventoryIndex; groupHosts: Map<string, string[]> }>();

function stampOf(inv: Inventory): string {
  let n = 0;
  for (const g of inv.groups.values()) n = (n * 31 + g.hosts.length * 7 + g.children.length + 1) % 1_000_000_007;
  return `${inv.hosts.size}/${inv.groups.size}/${n}`;
}

function cached(inv: Inventory) {
  const stamp = stampOf(inv);
  let c = cache.get(inv);
  if (!c || c.stamp !== stamp) {
    c = { stamp, index: buildIndex(inv), groupHosts: new Map() };
    cache.set(inv, c);
  }
  return c;
}

function buildIndex(inv: Inventory): InventoryIndex {
  const parents = new Map<string, string[]>();
  const direct = new Map<string, string[]>();
  const order = new Map<string, number>();
  let i = 0;
  for (const g of inv.groups.values()) {
    order.set(g.name, i++);
    if (!parents.has(g.name)) parents.set(g.name, []);
    for (const c of g.children) {
      let p = parents.get(c);
      if (!p) parents.set(c, (p = []));
      p.push(g.name);
    }
    for (const h of g.hosts) {
      let d = direct.get(h);
      if (!d) direct.set(h, (d = []));
      d.push(g.name);
    }
  }
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return 0; // a loop: the builder refuses them; never recurse forever
    visiting.add(name);
    let d = 0;
    for (const p of parents.get(name) ?? []) d = Math.max(d, depthOf(p) + 1);
    visiting.delete(name);
    depth.set(name, d);
    return d;
  };
  for (const name of inv.groups.keys()) depthOf(name);
  return { parents, direct, depth, order };
}

/** The index behind the functions here (cached until the inventory's shape changes). */
export function inventoryIndex(inv: Inventory): InventoryIndex {
  return cached(inv).index;
}

/** Every group a host is in, directly or through a child group, including `all`. Inventory order. */
export function hostGroups(inv: Inventory, host: string): string[] {
  const { parents, direct, order } = inventoryIndex(inv);
  const seen = new Set<string>();
  const todo = [...(direct.get(host) ?? [])];
  while (todo.length) {
    const g = todo.pop()!;
    if (seen.has(g)) continue;
    seen.add(g);
    todo.push(...(parents.get(g) ?? []));
  }
  return [...seen].sort((a, b) => order.get(a)! - order.get(b)!);
}

/** Ansible's sort_groups: by depth, then ansible_group_priority, then name. */
export function sortGroups(inv: Inventory, names: Iterable<string>): string[] {
  const { depth } = inventoryIndex(inv);
  const prio = (n: string) => inv.groups.get(n)?.priority ?? 1;
  return [...names].sort((a, b) => {
    const d = (depth.get(a) ?? 0) - (depth.get(b) ?? 0);
    if (d) return d;
    const p = prio(a) - prio(b);
    if (p) return p;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** Depth of a group: the longest chain of parents up to `all` (all = 0). */
export function groupDepth(inv: Inventory, group: string): number {
  return inventoryIndex(inv).depth.get(group) ?? 0;
}

/**
 * The hosts of a group, its own first, then those of its children, breadth first, without
 * duplicates, as Ansible's Group.get_hosts (the implicit localhost is never among them).
 */
export function groupHosts(inv: Inventory, group: string): string[] {
  const c = cached(inv);
  const known = c.groupHosts.get(group);
  if (known) return known;
  if (group === 'all' && !inv.groups.has('all')) {
    // a hand-built inventory without the implicit groups: `all` is still every host
    const every = [...inv.hosts.keys()];
    c.groupHosts.set(group, every);
    return every;
  }
  const out: string[] = [];
  const seenHosts = new Set<string>();
  const seenGroups = new Set<string>([group]);
  let level = [group];
  while (level.length) {
    const next: string[] = [];
    for (const gname of level) {
      const g = inv.groups.get(gname);
      if (!g) continue;
      for (const h of g.hosts) {
        if (!seenHosts.has(h)) {
          seenHosts.add(h);
          out.push(h);
        }
      }
      for (const ch of g.children) {
        if (!seenGroups.has(ch)) {
          seenGroups.add(ch);
          next.push(ch);
        }
      }
    }
    level = next;
  }
  c.groupHosts.set(group, out);
  return out;
}

/** True when `name` is the implicit localhost of this inventory (named, and not defined). */
export function isImplicitLocalhost(inv: Inventory, name: string): boolean {
  return LOCALHOST_NAMES.includes(name) && !inv.hosts.has(name);
}

function dirVars(inv: Inventory, kind: 'groups' | 'hosts', names: string[]): Vars {
  const out: Vars = {};
  for (const vd of inv.varsDirs ?? []) {
    const m = vd[kind];
    for (const n of names) {
      const v = m.get(n);
      if (v) Object.assign(out, v);
    }
  }
  return out;
}

/**
 * A host's variables from the inventory, resolved in Ansible's order (see the top of this file).
 * This is what `ansible-inventory --host NAME` prints. Unknown host: UsageError.
 */
export function hostVars(inv: Inventory, name: string): Vars {
  const host = inv.hosts.get(name);
  const implicit = !host && LOCALHOST_NAMES.includes(name);
  if (!host && !implicit) {
    throw new UsageError(`host ${name} is not in the inventory`, {
      hint: 'check the name against "fleet inventory --list", or the -i sources given',
    });
  }
  const all = inv.groups.get('all');
  const groups = implicit ? [] : sortGroups(inv, hostGroups(inv, name).filter((g) => g !== 'all'));
  const out: Vars = {};
  Object.assign(out, all?.vars ?? {});
  for (const g of groups) Object.assign(out, inv.groups.get(g)!.vars);
  Object.assign(out, dirVars(inv, 'groups', ['all']));
  Object.assign(out, dirVars(inv, 'groups', groups));
  Object.assign(out, implicit ? IMPLICIT_LOCALHOST_VARS : host!.vars);
  Object.assign(out, dirVars(inv, 'hosts', [name]));
  return out;
}

/**
 * A group's own variables (inventory sources, then group_vars/ beside each source), with
 * ansible_group_priority when it is not the default 1: what `ansible-inventory --graph --vars`
 * shows under a group.
 */
export function groupVars(inv: Inventory, name: string): Vars {
  const g: Group | undefined = inv.groups.get(name);
  if (!g) throw new UsageError(`group ${name} is not in the inventory`);
  const out: Vars = { ...g.vars, ...dirVars(inv, 'groups', [name]) };
  if ((g.priority ?? 1) !== 1) out['ansible_group_priority'] = g.priority;
  return out;
}

/** Ansible's `groups` magic variable: every group with its hosts (as groupHosts). */
export function groupsDict(inv: Inventory): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const g of inv.groups.keys()) out[g] = [...groupHosts(inv, g)];
  return out;
}

/**
 * The inventory's magic variables for a host: inventory_hostname, inventory_hostname_short,
 * group_names (sorted, without `all`), groups, inventory_file and inventory_dir.
 */
export function hostMagicVars(inv: Inventory, name: string): Vars {
  const host = inv.hosts.get(name);
  const source = host?.source;
  const slash = source ? source.lastIndexOf('/') : -1;
  return {
    inventory_hostname: name,
    inventory_hostname_short: isIpAddress(name) ? name : name.split('.')[0],
    group_names: host ? hostGroups(inv, name).filter((g) => g !== 'all').sort() : [],
    groups: groupsDict(inv),
    inventory_file: source ?? null,
    inventory_dir: source ? (slash > 0 ? source.slice(0, slash) : '/') : null,
  };
}

/**
 * Everything the executor needs to start a host's variables: the resolved inventory variables with
 * the magic ones on top.
 */
export function hostContext(inv: Inventory, name: string): Vars {
  return { ...hostVars(inv, name), ...hostMagicVars(inv, name) };
}
