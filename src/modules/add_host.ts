import type { ModuleDefinition } from './types.js';
import { applyResult, resultPlan, type ResultPlan } from './util/result-plan.js';

/**
 * add_host: adds a host (and groups) to the in-memory inventory for later plays. Returns
 * `add_host: { host_name, groups, host_vars }`; every argument that is not name/groups is a host
 * variable. `name:port` sets `ansible_ssh_port`. The executor applies it (once per task, not per host,
 * as Ansible's bypass of the host loop) and sets `changed` when the inventory changed.
 */
export type AddHostParams = { name: string; groups?: unknown } & Record<string, unknown>;

/** Splits "host:port", "[v6]:port" and plain names/addresses, as Ansible's parse_address. */
export function splitHostPort(text: string): { host: string; port?: number } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracket) return { host: bracket[1]!, ...(bracket[2] ? { port: Number(bracket[2]) } : {}) };
  const colons = (text.match(/:/g) ?? []).length;
  if (colons === 1) {
    const m = /^([^:]+):(\d+)$/.exec(text);
    if (m) return { host: m[1]!, port: Number(m[2]) };
  }
  return { host: text };
}

export function groupList(groups: unknown): string[] | string {
  if (groups === undefined || groups === null || groups === '') return [];
  const list = Array.isArray(groups) ? groups : typeof groups === 'string' ? groups.split(',') : undefined;
  if (!list) return 'Groups must be specified as a list.';
  const out: string[] = [];
  for (const g of list) {
    const name = String(g).trim();
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

export function planAddHost(p: AddHostParams): ResultPlan {
  const { name, groups, ...vars } = p;
  const list = groupList(groups);
  if (typeof list === 'string') return resultPlan({ changed: false, failed: true, msg: list });
  const { host, port } = splitHostPort(String(name));
  const host_vars: Record<string, unknown> = { ...vars };
  // ansible_ssh_port, as Ansible's add_host sets it (the connection reads either name).
  if (port !== undefined) host_vars.ansible_ssh_port = port;
  return resultPlan({ changed: false, add_host: { host_name: host, groups: list, host_vars } });
}

export const add_host: ModuleDefinition<AddHostParams, null, never> = {
  name: 'add_host',
  aliases: ['ansible.builtin.add_host', 'ansible.legacy.add_host'],
  readOnly: true,
  params: {
    name: { type: 'str', required: true, aliases: ['host', 'hostname'] },
    groups: { type: 'raw', aliases: ['group', 'groupname'] },
  },
  additionalParams: true,
  probe: async () => null,
  plan: (p) => planAddHost(p),
  apply: applyResult,
};
