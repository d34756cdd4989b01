/**
 * YAML (and JSON) as Ansible reads it: YAML 1.1 scalars with PyYAML's rules (`yes`/`on` are true,
 * `0777` is octal, `1e3` is a string), `<<` merge keys, `!vault` and `!unsafe` tags, duplicate keys
 * allowed (the last wins). Keeps source positions so errors can name the line.
 */
import { Document, LineCounter, isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import { parseAnsibleYaml, VAULT_FILE_HEADER } from '../util/ansible-yaml.js';
import { InventoryError } from '../errors.js';

export interface YamlFile {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** The 1-based line of a node, when it came from a source text. */
export function lineOf(y: YamlFile, node: Node | null | undefined): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : y.lines.linePos(start).line;
}

/** Parses YAML text; a syntax error is an InventoryError naming the file and line. */
export function parseYaml(text: string, file: string, what = 'YAML'): YamlFile {
  const lines = new LineCounter();
  const doc = parseAnsibleYaml(text, lines);
  const err = doc.errors[0];
  if (err) {
    // The parser often points at the newline ending the line before the offending one.
    let off = err.pos[0];
    while (off < text.length - 1 && (text[off] === '\n' || text[off] === '\r')) off++;
    const pos = lines.linePos(off);
    const line = pos.line;
    const col = pos.col;
    const msg =
      err.code === 'MULTIPLE_DOCS'
        ? 'the file holds several YAML documents (separated by "---"); an inventory or vars file is one document'
        : err.message.replace(/ at line \d+, column \d+.*$/s, '');
    throw new InventoryError(`malformed ${what}: ${msg}`, {
      file,
      line,
      column: col,
      hint: 'check the indentation and quoting around this line (YAML needs spaces, not tabs, and a space after each colon)',
    });
  }
  return { file, doc, lines };
}

/** The plain value of a node (maps to objects, sequences to arrays, PyYAML scalars). */
export function toValue(y: YamlFile, node: unknown): unknown {
  if (node === null || node === undefined) return null;
  if (isScalar(node) || isMap(node) || isSeq(node)) {
    try {
      return (node as Node).toJS(y.doc, { maxAliasCount: 10_000 });
    } catch (e) {
      throw new InventoryError(`cannot read this YAML value: ${(e as Error).message}`, {
        file: y.file,
        line: lineOf(y, node as Node),
      });
    }
  }
  // an alias or anything else: let the document resolve it
  try {
    return (node as Node).toJS(y.doc, { maxAliasCount: 10_000 });
  } catch (e) {
    throw new InventoryError(`cannot read this YAML value: ${(e as Error).message}`, { file: y.file });
  }
}

/** The type word Python would print for a value, for messages. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'dictionary';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (typeof value === 'boolean') return 'boolean';
  return 'string';
}

export { VAULT_FILE_HEADER };

export interface MapEntry {
  key: unknown;
  keyNode: Node | null;
  value: Node | null;
}

/** Follows an alias (`*name`) to the node it stands for. */
export function deref(y: YamlFile, node: unknown): Node | null {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return (node.resolve(y.doc) as Node | undefined) ?? null;
  return node as Node;
}

/**
 * The entries of a YAML mapping node in order, as PyYAML builds a dict: `<<` merge keys expanded
 * first, and a repeated key keeps its first position with its last value.
 */
export function mapEntries(y: YamlFile, node: Node): MapEntry[] {
  const out: MapEntry[] = [];
  const index = new Map<unknown, number>();
  const put = (e: MapEntry) => {
    const i = index.get(e.key);
    if (i === undefined) {
      index.set(e.key, out.length);
      out.push(e);
    } else out[i] = { ...out[i]!, value: e.value };
  };
  if (!isMap(node)) return out;
  const own: MapEntry[] = [];
  const merged: MapEntry[] = [];
  for (const pair of node.items) {
    const keyNode = deref(y, pair.key);
    const key = keyNode === null ? null : isScalar(keyNode) ? keyNode.value : toValue(y, keyNode);
    const value = deref(y, pair.value);
    if (typeof key === 'symbol' && key.description === '<<' && value) {
      // PyYAML: with a list of maps, earlier maps win over later ones, and the map's own keys over all.
      const sources = isSeq(value) ? value.items.map((n) => deref(y, n)).reverse() : [value];
      for (const src of sources) if (src && isMap(src)) merged.push(...mapEntries(y, src));
      continue;
    }
    own.push({ key, keyNode, value });
  }
  for (const e of merged) put(e);
  for (const e of own) put(e);
  return out;
}

/** True for a null node or an empty plain scalar (`key:` with nothing after it). */
export function isNullNode(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}
