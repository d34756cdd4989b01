/**
 * Builds an Inventory as Ansible's InventoryData does: parsers add groups, hosts, children and
 * variables through it, and `reconcile()` then applies Ansible's rules (`all` over every top-level
 * group, `ungrouped` for hosts in no group). One builder is shared by every source of a load, so
 * a later source can add to a group an earlier one declared.
 */
import { InventoryError } from '../errors.js';
import type { Group, Host, Inventory, Vars } from './model.js';

export interface Where {
  file?: string;
  line?: number;
}

export class InventoryBuilder {
  readonly hosts = new Map<string, Host>();
  readonly groups = new Map<string, Group>();
  readonly sources: string[] = [];
  readonly warnings: string[] = [];
  /** Parent group names of each group, in the order the edges were added. */
  private readonly parents = new Map<string, string[]>();
  /** Direct group memberships of each host, in the order they were added. */
  private readonly memberOf = new Map<string, string[]>();

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  warn(message: string, where: Where = {}): void {
    const at = where.file ? (where.line ? `${where.file}:${where.line}: ` : `${where.file}: `) : '';
    this.warnings.push(at + message);
  }

  addGroup(name: string, where: Where = {}): string {
    if (typeof name !== 'string' || name === '') {
      throw new InventoryError(`a group name must be a non-empty string, got ${JSON.stringify(name)}`, where);
    }
    if (!this.groups.has(name)) {
      this.groups.set(name, { name, hosts: [], children: [], vars: {} });
      this.parents.set(name, []);
    }
    return name;
  }

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  /**
   * Adds a host (if new) and puts it in `group`. As Ansible, a port given with the host
   * (`host:2222`) is only taken the first time the host is seen.
   */
  addHost(name: string, group: string | undefined, port: number | undefined, where: Where = {}): Host {
    if (typeof name !== 'string' || name === '') {
      throw new InventoryError(`a host name must be a non-empty string, got ${JSON.stringify(name)}`, where);
    }
    let host = this.hosts.get(name);
    if (!host) {
      host = { name, vars: {} };
      if (where.file) host.source = where.file;
      if (port) host.vars['ansible_port'] = port;
      this.hosts.set(name, host);
      this.memberOf.set(name, []);
    }
    if (group !== undefined) {
      const g = this.groups.get(group);
      if (!g) throw new InventoryError(`host ${name} is put in group ${group}, which does not exist`, where);
      if (!g.hosts.includes(name)) {
        g.hosts.push(name);
        this.memberOf.get(name)!.push(group);
      }
    }
    return host;
  }

  private ancestors(group: string): Set<string> {
    const seen = new Set<string>();
    const todo = [...(this.parents.get(group) ?? [])];
    while (todo.length) {
      const g = todo.pop()!;
      if (seen.has(g)) continue;
      seen.add(g);
      todo.push(...(this.parents.get(g) ?? []));
    }
    return seen;
  }

  /** Makes `child` a child group of `parent`; a loop of groups is an error, as in Ansible. */
  addChild(parent: string, child: string, where: Where = {}): void {
    const p = this.groups.get(parent);
    const c = this.groups.get(child);
    if (!p) throw new InventoryError(`group ${parent} does not exist`, where);
    if (!c) throw new InventoryError(`group ${child} does not exist`, where);
    if (parent === child) {
      throw new InventoryError(`group ${parent} cannot be a child of itself`, {
        ...where,
        hint: `remove ${child} from the children of ${parent}`,
      });
    }
    if (p.children.includes(child)) return;
    if (this.ancestors(parent).has(child)) {
      throw new InventoryError(
        `adding group ${child} as a child of ${parent} makes a loop: ${child} is already an ancestor of ${parent}`,
        { ...where, hint: 'groups must form a tree (or a graph without cycles); remove one of the children: entries' },
      );
    }
    p.children.push(child);
    this.parents.get(child)!.push(parent);
  }

  setGroupVar(group: string, key: string, value: unknown, where: Where = {}): void {
    const g = this.groups.get(group);
    if (!g) throw new InventoryError(`group ${group} does not exist`, where);
    if (key === 'ansible_group_priority') {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : NaN;
      if (!Number.isInteger(n)) {
        throw new InventoryError(`ansible_group_priority of group ${group} must be a whole number, got ${JSON.stringify(value)}`, {
          ...where,
          hint: 'for example ansible_group_priority=10 (higher wins among groups at the same depth)',
        });
      }
      g.priority = n;
      return;
    }
    g.vars[key] = value;
  }

  setHostVar(host: string, key: string, value: unknown, where: Where = {}): void {
    const h = this.hosts.get(host);
    if (!h) throw new InventoryError(`host ${host} does not exist`, where);
    h.vars[key] = value;
  }

  /** Ansible's reconcile_inventory: run once after every source has been read. */
  reconcile(): void {
    for (const name of this.groups.keys()) {
      if (name !== 'all' && this.parents.get(name)!.length === 0) this.addChild('all', name);
    }
    const ungrouped = this.groups.get('ungrouped')!;
    for (const host of this.hosts.keys()) {
      const direct = this.memberOf.get(host)!;
      const mine = new Set<string>(direct);
      for (const g of direct) for (const a of this.ancestors(g)) mine.add(a);
      if (mine.has('ungrouped')) {
        if (direct.includes('ungrouped') && [...mine].some((g) => g !== 'all' && g !== 'ungrouped')) {
          ungrouped.hosts.splice(ungrouped.hosts.indexOf(host), 1);
          direct.splice(direct.indexOf('ungrouped'), 1);
        }
      } else if (mine.size === 0 || (mine.size === 1 && mine.has('all'))) {
        this.addHost(host, 'ungrouped', undefined);
      }
    }
    for (const name of this.groups.keys()) {
      if (this.hosts.has(name)) this.warn(`found both a group and a host named ${name}`);
    }
  }

  build(): Inventory {
    return {
      hosts: this.hosts,
      groups: this.groups,
      sources: this.sources,
      varsDirs: [],
      warnings: this.warnings,
    };
  }
}

/** Ansible's combine_vars with the default hash_behaviour=replace: later keys replace earlier ones. */
export function combineVars(into: Vars, from: Vars): Vars {
  for (const [k, v] of Object.entries(from)) into[k] = v;
  return into;
}
