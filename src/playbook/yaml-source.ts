/**
 * Playbook YAML as Ansible reads it (PyYAML, YAML 1.1: `yes`/`on` are booleans, `0755` is octal,
 * `<<` merge keys, duplicate keys allowed with the last one winning), keeping the line and column of
 * every mapping key and value so each problem can point at its place in the file.
 */
import { readFile } from 'node:fs/promises';
import {
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  visit,
  type Document,
  type Node as YNode,
} from 'yaml';
import { parseAnsibleYaml, VAULT_FILE_HEADER } from '../util/ansible-yaml.js';
import type { Collector } from './errors.js';
import type { SourcePos } from './model.js';

export type { YNode };

export interface SourceFile {
  /** The path as shown in messages (as given, or joined from the importing file's). */
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

export { VAULT_FILE_HEADER };

/** The 1-based position of a node's first character. */
export function posOf(src: SourceFile, node: YNode | null | undefined, fallback?: SourcePos): SourcePos {
  const start = node?.range?.[0];
  if (start === undefined) return fallback ?? { file: src.file, line: 1, column: 1 };
  const p = src.lines.linePos(start);
  return { file: src.file, line: p.line, column: p.col };
}

/**
 * Reads and parses one YAML file. Problems (missing file, malformed YAML, vault) go to the collector
 * and undefined is returned; `what` names the file's role in messages ("playbook", "task file"...).
 */
export async function readSource(path: string, c: Collector, what: string, at?: SourcePos, file = path): Promise<SourceFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'could not be found' : code === 'EISDIR' ? 'is a directory, not a file' : `could not be read (${(e as Error).message})`;
    c.error(`the ${what} ${file} ${why}`, at ? { pos: at } : {});
    return undefined;
  }
  return parseSource(text, file, c, what);
}

export function parseSource(text: string, file: string, c: Collector, what: string): SourceFile | undefined {
  if (text.startsWith(VAULT_FILE_HEADER)) {
    c.error(`the ${what} is encrypted with Ansible Vault, which fleet does not support`, {
      pos: { file, line: 1, column: 1 },
      hint: 'decrypt it with ansible-vault decrypt, or keep secrets in files fleet can read',
    });
    return undefined;
  }
  const lines = new LineCounter();
  const doc = parseAnsibleYaml(text, lines);
  const err = doc.errors[0];
  if (err) {
    // The parser often points at the newline ending the line before the offending one.
    let off = err.pos[0];
    while (off < text.length - 1 && (text[off] === '\n' || text[off] === '\r')) off++;
    // At the end of the text: point at the last character written instead of the line after it.
    if (off >= text.length - 1) {
      off = Math.min(off, text.length - 1);
      while (off > 0 && /\s/.test(text[off]!)) off--;
    }
    const pos = lines.linePos(off);
    const msg =
      err.code === 'MULTIPLE_DOCS'
        ? `the ${what} holds several YAML documents (separated by "---"); it must be one document`
        : `malformed YAML in the ${what}: ${err.message.replace(/ at line \d+, column \d+.*$/s, '')}`;
    c.error(msg, {
      pos: { file, line: pos.line, column: pos.col },
      hint: 'check the indentation and quoting around this line (YAML needs spaces, not tabs, and a space after each colon)',
    });
    return undefined;
  }
  const src: SourceFile = { file, doc, lines };
  visit(doc, {
    Scalar(_key, node) {
      if (node.tag === '!vault') {
        c.error('an Ansible Vault value (!vault) cannot be used: fleet does not decrypt vault data', {
          pos: posOf(src, node),
          hint: 'put the secret in a variable file or pass it with --extra-vars',
        });
      }
    },
  });
  return src;
}

/** Follows an alias (`*name`) to the node it stands for. */
export function deref(src: SourceFile, node: unknown): YNode | null {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return (node.resolve(src.doc) as YNode | undefined) ?? null;
  return node as YNode;
}

export interface Entry {
  key: string;
  keyNode: YNode | null;
  value: YNode | null;
  /** Where the key is written. */
  pos: SourcePos;
}

/**
 * The entries of a mapping node in order, as PyYAML builds a dict: `<<` merge keys expanded (the
 * map's own keys win), and a repeated key keeps its first place with its last value (with a warning).
 */
export function entries(src: SourceFile, node: YNode, c?: Collector): Entry[] {
  const out: Entry[] = [];
  const index = new Map<string, number>();
  if (!isMap(node)) return out;
  const own: Entry[] = [];
  const merged: Entry[] = [];
  for (const pair of node.items) {
    const keyNode = deref(src, pair.key);
    const raw = keyNode === null ? null : isScalar(keyNode) ? keyNode.value : keyNode.toJS(src.doc);
    const value = deref(src, pair.value);
    if (typeof raw === 'symbol' && raw.description === '<<' && value) {
      const sources = isSeq(value) ? value.items.map((n) => deref(src, n)).reverse() : [value];
      for (const s of sources) if (s && isMap(s)) merged.push(...entries(src, s));
      continue;
    }
    own.push({ key: raw === null ? '' : String(raw), keyNode, value, pos: posOf(src, keyNode ?? node) });
  }
  for (const e of merged) {
    const i = index.get(e.key);
    if (i === undefined) {
      index.set(e.key, out.length);
      out.push(e);
    } else out[i] = { ...out[i]!, value: e.value };
  }
  const seenOwn = new Set<string>();
  for (const e of own) {
    const i = index.get(e.key);
    if (seenOwn.has(e.key) && c) {
      c.warn(`duplicate key "${e.key}": only the last value is used`, { pos: e.pos });
    }
    seenOwn.add(e.key);
    if (i === undefined) {
      index.set(e.key, out.length);
      out.push(e);
    } else out[i] = { ...out[i]!, value: e.value };
  }
  return out;
}

/** The plain value of a node: maps to objects, sequences to arrays, scalars as PyYAML reads them. */
export function js(src: SourceFile, node: YNode | null): unknown {
  if (node === null) return null;
  return node.toJS(src.doc, { maxAliasCount: 10_000 });
}

export function items(src: SourceFile, node: YNode | null): YNode[] {
  if (!node || !isSeq(node)) return [];
  return node.items.map((n) => deref(src, n)).filter((n): n is YNode => n !== null);
}

export function isNull(node: YNode | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

export { isMap, isSeq, isScalar };

/** The type word Ansible (Python) would use for a value, for messages. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (typeof value === 'boolean') return 'boolean';
  return 'string';
}
