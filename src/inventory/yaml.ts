/**
 * YAML (and JSON) inventories with the semantics of Ansible's yaml plugin: top-level keys are
 * groups (usually just `all`); each group may have `hosts` (a mapping of host pattern → vars, ranges
 * allowed), `vars` and `children` (a mapping of group name → group, nested to any depth). A host may
 * appear in several groups; its variables from every place are merged (the last one read wins).
 */
import { isMap, isScalar, type Node } from 'yaml';
import { InventoryError } from '../errors.js';
import type { InventoryBuilder } from './builder.js';
import { HostPatternError, expandHostPattern } from './ranges.js';
import { isNullNode, lineOf, mapEntries, toValue, typeName, type YamlFile } from './yaml-load.js';
import { withArticle } from '../util/article.js';

const SECTIONS = ['vars', 'children', 'hosts'] as const;

/**
 * Whether a YAML document surely is a YAML inventory (not, say, an INI file that happens to parse
 * as YAML): a mapping whose every value is a group (a mapping, or empty).
 */
export function looksLikeYamlInventory(y: YamlFile): boolean {
  const root = y.doc.contents as Node | null;
  if (!isMap(root)) return false;
  return mapEntries(y, root).every((e) => isNullNode(e.value) || isMap(e.value));
}

export function parseYamlInventory(y: YamlFile, b: InventoryBuilder): void {
  const root = y.doc.contents as Node | null;
  const file = y.file;
  if (isNullNode(root)) {
    // Ansible skips an empty YAML inventory with a warning; so does fleet.
    b.warn('the YAML inventory is empty; it adds no host', { file });
    return;
  }
  if (!isMap(root)) {
    throw new InventoryError(`a YAML inventory must be a mapping of group names, got ${withArticle(typeName(toValue(y, root)))}`, {
      file,
      line: lineOf(y, root),
      hint: 'start the file with "all:" and put hosts under all: hosts: (see docs/inventory.md)',
    });
  }
  const entries = mapEntries(y, root);
  const plugin = entries.find((e) => e.key === 'plugin');
  if (plugin && !isNullNode(plugin.value)) {
    throw new InventoryError(
      `this is an inventory plugin configuration (plugin: ${String(toValue(y, plugin.value))}), which fleet does not run`,
      {
        file,
        line: lineOf(y, plugin.keyNode),
        hint: 'export it with "ansible-inventory -i FILE --list --yaml > hosts.yml" and give fleet that file',
      },
    );
  }
  for (const e of entries) {
    parseGroup(y, b, groupName(y, e.key, e.keyNode), e.value, e.keyNode);
  }
}

function groupName(y: YamlFile, key: unknown, keyNode: Node | null): string {
  if (typeof key !== 'string' || key === '') {
    throw new InventoryError(`a group name must be a non-empty string, got ${key === null ? 'nothing' : JSON.stringify(key)}`, {
      file: y.file,
      line: lineOf(y, keyNode),
      hint: 'quote the group name if YAML reads it as a number or boolean',
    });
  }
  return key;
}

function parseGroup(y: YamlFile, b: InventoryBuilder, name: string, node: Node | null, keyNode: Node | null): string {
  const file = y.file;
  const where = { file, line: lineOf(y, keyNode) };
  if (!isNullNode(node) && !isMap(node)) {
    b.warn(`skipping "${name}": a group must be a mapping (with hosts, children or vars), got ${withArticle(typeName(toValue(y, node)))}`, where);
    return name;
  }
  b.addGroup(name, where);
  if (isNullNode(node)) return name;

  const entries = mapEntries(y, node!);
  // As Ansible: a section given as a single string is a mapping with that one key.
  const section = new Map<string, Node | null | { single: string; node: Node }>();
  for (const e of entries) {
    if (typeof e.key !== 'string' || !(SECTIONS as readonly string[]).includes(e.key)) continue;
    const v = e.value;
    if (v && isScalar(v) && typeof v.value === 'string') {
      section.set(e.key, { single: v.value, node: v });
    } else if (!isNullNode(v) && !isMap(v)) {
      throw new InventoryError(
        `the "${e.key}" entry of group ${name} must be a mapping, found ${withArticle(typeName(toValue(y, v)))}`,
        {
          file,
          line: lineOf(y, v) ?? lineOf(y, e.keyNode),
          hint:
            e.key === 'hosts'
              ? 'write hosts as a mapping: "hosts:" then one "  name:" a line (not a "- name" list)'
              : e.key === 'children'
                ? 'write children as a mapping: "children:" then one "  group:" a line (not a "- group" list)'
                : 'write vars as a mapping of name: value',
        },
      );
    } else {
      section.set(e.key, v);
    }
  }

  for (const e of entries) {
    const key = e.key;
    const keyLine = lineOf(y, e.keyNode);
    if (typeof key === 'string' && section.has(key)) {
      const s = section.get(key)!;
      if (s !== null && 'single' in s) {
        if (key === 'vars') {
          // "vars: name" is a variable set to null, as in Ansible
          b.setGroupVar(name, s.single, null, { file, line: lineOf(y, s.node) });
        } else if (key === 'children') {
          const child = parseGroup(y, b, s.single, null, s.node);
          b.addChild(name, child, { file, line: lineOf(y, s.node) });
        } else {
          addHosts(y, b, name, s.single, null, s.node);
        }
        continue;
      }
      if (isNullNode(s as Node | null)) continue;
      const sub = mapEntries(y, s as Node);
      if (key === 'vars') {
        for (const v of sub) {
          b.setGroupVar(name, String(v.key), toValue(y, v.value), { file, line: lineOf(y, v.keyNode) });
        }
      } else if (key === 'children') {
        for (const c of sub) {
          const child = parseGroup(y, b, groupName(y, c.key, c.keyNode), c.value, c.keyNode);
          if (!b.hasGroup(child)) {
            throw new InventoryError(`group ${child}, a child of ${name}, is not a valid group`, {
              file,
              line: lineOf(y, c.keyNode),
              hint: 'a child group is a mapping with hosts, children or vars, or empty',
            });
          }
          b.addChild(name, child, { file, line: lineOf(y, c.keyNode) });
        }
      } else {
        for (const h of sub) addHosts(y, b, name, h.key, h.value, h.keyNode);
      }
      continue;
    }
    if (isNullNode(e.value)) continue;
    if (!isMap(e.value)) {
      b.warn(`skipping key "${String(key)}" in group ${name}: it is not a mapping`, { file, line: keyLine });
      continue;
    }
    b.warn(`skipping unexpected key "${String(key)}" in group ${name}: only "vars", "children" and "hosts" are valid`, {
      file,
      line: keyLine,
    });
  }
  return name;
}

function addHosts(y: YamlFile, b: InventoryBuilder, group: string, pattern: unknown, value: Node | null, keyNode: Node | null): void {
  const file = y.file;
  const line = lineOf(y, keyNode);
  if (typeof pattern !== 'string') {
    throw new InventoryError(
      `host pattern ${pattern === null ? '(empty)' : String(pattern)} in group ${group} must be a string`,
      { file, line, hint: 'enclose numbers (and IP-like keys YAML reads as numbers) in quotes' },
    );
  }
  let expanded: { hosts: string[]; port?: number };
  try {
    expanded = expandHostPattern(pattern);
  } catch (e) {
    if (e instanceof HostPatternError) throw new InventoryError(e.message, { file, line, hint: e.hint });
    throw e;
  }
  let vars: Record<string, unknown> = {};
  if (!isNullNode(value)) {
    const v = toValue(y, value);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw new InventoryError(`the variables of host ${pattern} must be a mapping, found ${withArticle(typeName(v))}`, {
        file,
        line: lineOf(y, value) ?? line,
        hint: `write "${pattern}:" and below it, indented, one "name: value" a line`,
      });
    }
    vars = v as Record<string, unknown>;
  }
  for (const host of expanded.hosts) {
    b.addHost(host, group, expanded.port, { file, line });
    for (const [k, v] of Object.entries(vars)) b.setHostVar(host, k, v, { file, line });
  }
}
