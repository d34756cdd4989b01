/**
 * The inventory model every parser fills in: hosts and groups with Ansible's semantics.
 * Host and group order is the order of first appearance in the sources, as Ansible keeps it.
 *
 * After loading, the model is "reconciled" as Ansible's is: the groups `all` and `ungrouped` always
 * exist, every group without a parent is a child of `all`, and every host that belongs to no group
 * but `all` is listed in `ungrouped`. The implicit `localhost` is never stored here: the pattern and
 * variable functions make it up when it is named (see resolve.ts).
 */
export type Vars = Record<string, unknown>;

export interface Host {
  name: string;
  /**
   * Variables set on the host itself in an inventory source (inline INI vars, YAML host vars,
   * `host:port`). Files in host_vars/ are kept apart, in Inventory.varsDirs, as they rank higher.
   */
  vars: Vars;
  /** The inventory source the host was first read from (Ansible's `inventory_file`). */
  source?: string;
}

export interface Group {
  name: string;
  /** Hosts listed directly in this group. */
  hosts: string[];
  /** Child group names. */
  children: string[];
  /**
   * Variables set on the group in an inventory source ([g:vars], YAML vars). Files in group_vars/
   * are kept apart, in Inventory.varsDirs, as they rank higher.
   */
  vars: Vars;
  /** `ansible_group_priority` from the inventory source; 1 when unset, as Ansible. */
  priority?: number;
}

/** The group_vars/ and host_vars/ found beside one inventory source. */
export interface VarsDir {
  /** The directory holding group_vars/ and host_vars/ (the source itself when it is a directory). */
  dir: string;
  /** Variables by group name, merged from group_vars/NAME(.yml|.yaml|.json) or group_vars/NAME/. */
  groups: Map<string, Vars>;
  /** Variables by host name, merged from host_vars/NAME(.yml|.yaml|.json) or host_vars/NAME/. */
  hosts: Map<string, Vars>;
  /** The files read, in the order they were merged. */
  files: string[];
}

export interface Inventory {
  hosts: Map<string, Host>;
  groups: Map<string, Group>;
  /** Files the inventory was read from, for messages. */
  sources: string[];
  /** group_vars/ and host_vars/ beside each source, in source order (later ones win). */
  varsDirs?: VarsDir[];
  /** Things worth telling a user that did not stop the load (skipped keys, odd names...). */
  warnings?: string[];
}
