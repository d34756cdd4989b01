/**
 * The three views of `ansible-inventory`, with its exact shapes:
 *  - `--list`: `{ "_meta": { "hostvars": {host: resolved vars} }, "all": { "children": [...] },
 *    group: { "hosts": [...], "children": [...] } }`; groups with neither hosts nor children are
 *    left out (they still appear in their parent's children), `all` never lists hosts, hosts with no
 *    variables are left out of hostvars; group variables only with `export`;
 *  - `--graph [group] [--vars]`: the `@all:` / `  |--@group:` / `  |  |--host` tree;
 *  - `--host NAME`: the resolved variables of one host.
 * formatJson prints as Python's json.dumps(sort_keys=True, indent=4) does, so output can be diffed
 * against ansible-inventory's.
 */
import { UsageError } from '../errors.js';
import type { Inventory, Vars } from './model.js';
import { matchHosts } from './patterns.js';
import { pyFloatRepr, pyStr } from './pyliteral.js';
import { groupHosts, groupVars, hostVars } from './resolve.js';

/** Variables ansible-inventory never shows (its INTERNAL_VARS). */
export const INTERNAL_VARS: ReadonlySet<string> = new Set([
  'ansible_diff_mode',
  'ansible_config_file',
  'ansible_facts',
  'ansible_forks',
  'ansible_inventory_sources',
  'ansible_limit',
  'ansible_playbook_python',
  'ansible_run_tags',
  'ansible_skip_tags',
  'ansible_verbosity',
  'ansible_version',
  'inventory_dir',
  'inventory_file',
  'inventory_hostname',
  'inventory_hostname_short',
  'groups',
  'group_names',
  'omit',
  'playbook_dir',
]);

/** The same value with every object's keys in sorted order, so JSON.stringify prints as Python. */
export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeysDeep) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort(compareKeys)) out[k] = sortKeysDeep((value as Record<string, unknown>)[k]);
    return out as T;
  }
  return value;
}

function removeInternal(vars: Vars): Vars {
  const out: Vars = {};
  for (const [k, v] of Object.entries(vars)) if (!INTERNAL_VARS.has(k)) out[k] = v;
  return out;
}

export interface ListOptions {
  /**
   * As `ansible-inventory --list --export`: group variables under each group's "vars" and only
   * each host's own variables (inventory and host_vars/) in hostvars.
   */
  export?: boolean;
}

function exportedHostVars(inv: Inventory, name: string): Vars {
  const out: Vars = { ...(inv.hosts.get(name)?.vars ?? {}) };
  for (const vd of inv.varsDirs ?? []) Object.assign(out, vd.hosts.get(name) ?? {});
  return out;
}

/** `ansible-inventory --list` as a value. */
export function inventoryList(inv: Inventory, options: ListOptions = {}): Record<string, unknown> {
  const results: Record<string, unknown> = {};
  const seen = new Set<string>();
  const formatGroup = (name: string): void => {
    const g = inv.groups.get(name)!;
    const entry: Record<string, unknown> = {};
    if (name !== 'all') entry['hosts'] = [...g.hosts];
    entry['children'] = [...g.children];
    if (options.export) entry['vars'] = removeInternal(groupVars(inv, name));
    results[name] = entry;
    for (const child of g.children) {
      if (!seen.has(child)) {
        seen.add(child);
        formatGroup(child);
      }
    }
    for (const key of ['hosts', 'vars', 'children']) {
      const v = entry[key];
      if (v !== undefined && (Array.isArray(v) ? v.length === 0 : Object.keys(v as object).length === 0)) delete entry[key];
    }
    if (Object.keys(entry).length === 0) delete results[name];
  };
  if (inv.groups.has('all')) formatGroup('all');
  const hostvars: Record<string, Vars> = {};
  const hosts = inv.groups.has('all') ? groupHosts(inv, 'all') : [...inv.hosts.keys()];
  for (const h of hosts) {
    const v = removeInternal(options.export ? exportedHostVars(inv, h) : hostVars(inv, h));
    if (Object.keys(v).length) hostvars[h] = v;
  }
  results['_meta'] = { hostvars };
  return sortKeysDeep(results);
}

/** `ansible-inventory --host NAME` as a value: NAME may be any pattern matching exactly one host. */
export function inventoryHost(inv: Inventory, name: string): Vars {
  const { hosts } = matchHosts(inv, name);
  if (hosts.length !== 1) {
    throw new UsageError(`--host needs a pattern matching exactly one host; "${name}" matches ${hosts.length}`, {
      hint: 'give the inventory name of one host (see --list or --graph)',
    });
  }
  return sortKeysDeep(removeInternal(hostVars(inv, hosts[0]!)));
}

export interface GraphOptions {
  /** Add each host's resolved variables and each group's own variables (`--vars`). */
  vars?: boolean;
}

/** `ansible-inventory --graph [group] [--vars]` text (no trailing newline). */
export function inventoryGraph(inv: Inventory, group = 'all', options: GraphOptions = {}): string {
  if (!inv.groups.has(group)) {
    throw new UsageError(`--graph needs a group name; "${group}" is not a group of this inventory`, {
      hint: `groups: ${[...inv.groups.keys()].join(', ')}`,
    });
  }
  const lines: string[] = [];
  const label = (text: string, depth: number) => (depth ? '  |'.repeat(depth) + '--' + text : text);
  const showVars = (vars: Vars, depth: number) => {
    for (const k of Object.keys(vars).sort()) lines.push(label(`{${k} = ${pyStr(vars[k])}}`, depth));
  };
  const walk = (name: string, depth: number) => {
    const g = inv.groups.get(name)!;
    lines.push(label(`@${name}:`, depth));
    for (const child of g.children) walk(child, depth + 1);
    if (name !== 'all') {
      for (const h of g.hosts) {
        lines.push(label(h, depth + 1));
        if (options.vars) showVars(removeInternal(hostVars(inv, h)), depth + 2);
      }
    }
    if (options.vars) showVars(removeInternal(groupVars(inv, name)), depth + 1);
  };
  walk(group, 0);
  return lines.join('\n');
}

function compareKeys(a: string, b: string): number {
  // Python sorts str by code point; JavaScript's default sort is by UTF-16 unit.
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = ca[i]!.codePointAt(0)! - cb[i]!.codePointAt(0)!;
    if (d) return d;
  }
  return ca.length - cb.length;
}

function jsonString(s: string): string {
  return JSON.stringify(s);
}

/** Python's json.dumps(value, sort_keys=True, indent=4, ensure_ascii=False). */
export function formatJson(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent + 4);
  const end = ' '.repeat(indent);
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return Number.isInteger(value) && Math.abs(value) < 1e16 ? String(value) : pyFloatRepr(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return jsonString(value);
  if (value instanceof Date) return jsonString(value.toISOString());
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return `[\n${value.map((v) => pad + formatJson(v, indent + 4)).join(',\n')}\n${end}]`;
  }
  if (value instanceof Set) return formatJson([...value], indent);
  if (value instanceof Map) return formatJson(Object.fromEntries(value), indent);
  if (typeof value === 'object') {
    const keys = Object.keys(value as object).sort(compareKeys);
    if (!keys.length) return '{}';
    const obj = value as Record<string, unknown>;
    return `{\n${keys.map((k) => `${pad}${jsonString(k)}: ${formatJson(obj[k], indent + 4)}`).join(',\n')}\n${end}}`;
  }
  return jsonString(String(value));
}

/** `ansible-inventory --list` output text. */
export function formatInventoryList(inv: Inventory, options: ListOptions = {}): string {
  return formatJson(inventoryList(inv, options));
}

/** `ansible-inventory --host NAME` output text. */
export function formatInventoryHost(inv: Inventory, name: string): string {
  return formatJson(inventoryHost(inv, name));
}
