/**
 * group_vars/ and host_vars/ beside an inventory source, as Ansible's host_group_vars plugin reads
 * them: for an entity NAME the first of `NAME` (a file, or a directory), `NAME.yml`, `NAME.yaml`,
 * `NAME.json` that exists is used; a directory contributes every file in it with one of those
 * extensions or none, recursively, in sorted order, skipping hidden files and backups (`~`), later
 * files overriding earlier ones. Files hold YAML or JSON mappings; empty files are ignored.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { InventoryError } from '../errors.js';
import type { Vars, VarsDir } from './model.js';
import { VAULT_FILE_HEADER, lineOf, parseYaml, toValue, typeName } from './yaml-load.js';
import { withArticle } from '../util/article.js';

const VARS_EXTENSIONS = ['.yml', '.yaml', '.json'];

async function isDir(path: string): Promise<boolean | undefined> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return undefined;
  }
}

async function listDir(path: string): Promise<Set<string>> {
  try {
    return new Set(await readdir(path));
  } catch {
    return new Set();
  }
}

/** The files of a vars directory (group_vars/web/), in the order they are merged. */
async function dirFiles(path: string): Promise<string[]> {
  const out: string[] = [];
  const names = [...(await listDir(path))].sort();
  for (const name of names) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const full = join(path, name);
    const ext = extname(name);
    const st = await stat(full).catch(() => undefined);
    if (!st) continue;
    if (st.isDirectory() && !ext) out.push(...(await dirFiles(full)));
    else if (st.isFile() && (!ext || VARS_EXTENSIONS.includes(ext))) out.push(full);
  }
  return out;
}

/** Reads one vars file: a mapping, or nothing for an empty file. */
export async function readVarsFile(path: string): Promise<Vars | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InventoryError(`cannot read variables file: ${(e as Error).message}`, { file: path });
  }
  if (text.startsWith(VAULT_FILE_HEADER)) {
    throw new InventoryError('this variables file is encrypted with Ansible Vault, which fleet cannot decrypt', {
      file: path,
      hint: 'decrypt it (ansible-vault decrypt) or move the secrets out of the inventory',
    });
  }
  let value: unknown;
  let line: number | undefined;
  if (path.endsWith('.json')) {
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
  }
  if (value === undefined) {
    const y = parseYaml(text, path, 'YAML in variables file');
    value = toValue(y, y.doc.contents);
    line = lineOf(y, y.doc.contents as never);
  }
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InventoryError(`a variables file must hold a mapping of variable names to values, found ${withArticle(typeName(value))}`, {
      file: path,
      line,
      hint: 'write one "name: value" a line at the top level of the file',
    });
  }
  return value as Vars;
}

async function varsFor(base: string, entries: Set<string>, name: string, files: string[]): Promise<Vars | undefined> {
  // As Ansible: names that are absolute paths (chroot-style hosts) never look for files.
  if (name.startsWith('/')) return undefined;
  for (const ext of ['', ...VARS_EXTENSIONS]) {
    const entry = name + ext;
    if (!entries.has(entry)) continue;
    const full = join(base, entry);
    const dir = await isDir(full);
    if (dir === undefined) continue;
    const found = dir ? await dirFiles(full) : [full];
    let data: Vars | undefined;
    for (const f of found) {
      const v = await readVarsFile(f);
      files.push(f);
      if (v) data = Object.assign(data ?? {}, v);
    }
    return data;
  }
  return undefined;
}

/**
 * Loads group_vars/ and host_vars/ under `dir` for the given group and host names. Only names that
 * exist in the inventory are looked up, as in Ansible; files for other names are not read.
 */
export async function loadVarsDir(
  dir: string,
  groupNames: Iterable<string>,
  hostNames: Iterable<string>,
  warn: (message: string) => void,
): Promise<VarsDir> {
  const result: VarsDir = { dir, groups: new Map(), hosts: new Map(), files: [] };
  for (const [sub, names, into] of [
    ['group_vars', groupNames, result.groups],
    ['host_vars', hostNames, result.hosts],
  ] as const) {
    const base = join(dir, sub);
    const d = await isDir(base);
    if (d === undefined) continue;
    if (!d) {
      warn(`${base}: found ${basename(base)} that is not a directory, skipping it`);
      continue;
    }
    const entries = await listDir(base);
    if (entries.size === 0) continue;
    for (const name of names) {
      const v = await varsFor(base, entries, name, result.files);
      if (v) into.set(name, v);
    }
  }
  return result;
}
