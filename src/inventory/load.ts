/**
 * loadInventory: reads every `-i` source in order into one inventory, as Ansible's
 * InventoryManager does. A source is
 *  - a file: YAML/JSON for .yml/.yaml/.json, INI for .ini, otherwise YAML when it reads as a YAML
 *    mapping of groups and INI when not;
 *  - a directory: every entry in it, sorted, recursively, except hidden ones, group_vars/,
 *    host_vars/, vars_plugins/ and names ending in one of Ansible's inventory_ignore_extensions;
 *  - a comma-separated host list (`host1,host2:2222,`) when no such path exists.
 * Then group_vars/ and host_vars/ beside each source (in the directory of a file source, in a
 * directory source itself) are read. A source that does not exist, or a directory with nothing to
 * parse, is a warning, and so is having parsed no source at all (only the implicit localhost is
 * left), as in Ansible; the warnings are in the inventory's `warnings`.
 */
import { constants } from 'node:fs';
import { access, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { Document, isMap } from 'yaml';
import { InventoryError } from '../errors.js';
import { InventoryBuilder } from './builder.js';
import { parseIni } from './ini.js';
import type { Inventory } from './model.js';
import { parseAddress } from './ranges.js';
import { LOCALHOST_NAMES } from './resolve.js';
import { loadVarsDir } from './vars-dirs.js';
import { looksLikeYamlInventory, parseYamlInventory } from './yaml.js';
import { VAULT_FILE_HEADER, parseYaml, type YamlFile } from './yaml-load.js';

export interface LoadOptions {
  /** Directory relative sources are resolved against (default: process.cwd()). */
  cwd?: string;
}

/**
 * Ansible's INVENTORY_IGNORE_EXTS default as of ansible-core 2.19 (REJECT_EXTS plus .orig, .cfg,
 * .retry). Older ansible-core also skipped .ini files in inventory directories; fleet reads them.
 */
export const INVENTORY_IGNORE_EXTENSIONS = [
  '.pyc',
  '.pyo',
  '.swp',
  '.bak',
  '~',
  '.rpm',
  '.md',
  '.txt',
  '.rst',
  '.orig',
  '.cfg',
  '.retry',
];
const IGNORED_ALWAYS = /^\.|^host_vars$|^group_vars$|^vars_plugins$/;

const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];

/** Ansible's warning when no source gave an inventory (none given, or none that exists or parses). */
export const NO_INVENTORY_PARSED = 'No inventory was parsed, only implicit localhost is available';

export function isIgnoredInventoryEntry(name: string): boolean {
  return IGNORED_ALWAYS.test(name) || INVENTORY_IGNORE_EXTENSIONS.some((ext) => name.endsWith(ext));
}

/** `~` and `~/path` as Python's expanduser: $HOME when set, else the user's home directory. */
function expandHome(p: string): string {
  const home = process.env['HOME'] || homedir();
  if (p === '~') return home;
  if (p.startsWith('~/')) return join(home, p.slice(2));
  return p;
}

async function statOf(path: string) {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

export async function loadInventory(sources: string[], options: LoadOptions = {}): Promise<Inventory> {
  const cwd = options.cwd ?? process.cwd();
  const b = new InventoryBuilder();
  const varsBases: string[] = [];

  for (const raw of sources) {
    const source = raw.trim();
    if (!source) continue;
    const path = resolve(cwd, expandHome(source));
    const st = await statOf(path);
    if (!st) {
      if (source.includes(',')) {
        parseHostList(source, b);
        continue;
      }
      // Ansible goes on with what it could parse (and at worst the implicit localhost).
      b.warn(`Unable to parse ${path} as an inventory source`);
      continue;
    }
    const parsedBefore = b.sources.length;
    if (st.isDirectory()) {
      await parseDirectory(path, b);
      varsBases.push(path);
    } else {
      await parseFile(path, b);
      varsBases.push(dirname(path));
    }
    if (b.sources.length === parsedBefore) b.warn(`Unable to parse ${path} as an inventory source`);
  }
  if (b.sources.length === 0) b.warn(NO_INVENTORY_PARSED);

  b.reconcile();
  const inv = b.build();

  const groupNames = [...inv.groups.keys()];
  const hostNames = [...inv.hosts.keys()];
  for (const name of LOCALHOST_NAMES) if (!inv.hosts.has(name)) hostNames.push(name);
  const cache = new Map<string, Awaited<ReturnType<typeof loadVarsDir>>>();
  for (const base of varsBases) {
    const real = await realpath(base).catch(() => base);
    let vd = cache.get(real);
    if (!vd) {
      vd = await loadVarsDir(real, groupNames, hostNames, (m) => b.warn(m));
      cache.set(real, vd);
    }
    inv.varsDirs!.push(vd);
  }
  return inv;
}

function parseHostList(list: string, b: InventoryBuilder): void {
  for (const part of list.split(',')) {
    const h = part.trim();
    if (!h) continue;
    const parsed = parseAddress(h, false);
    const host = parsed ? parsed.host : h;
    if (!b.hosts.has(host)) b.addHost(host, 'ungrouped', parsed?.port);
  }
  b.sources.push(list);
}

async function parseDirectory(dir: string, b: InventoryBuilder): Promise<void> {
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    if (isIgnoredInventoryEntry(name)) continue;
    const full = join(dir, name);
    const st = await statOf(full);
    if (!st) continue;
    if (st.isDirectory()) await parseDirectory(full, b);
    else if (st.isFile()) await parseFile(full, b);
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function looksLikeYamlText(text: string): boolean {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    return line === '---' || /^[^\s=[\]]+:\s*(#.*)?$/.test(line) || line.startsWith('{');
  }
  return false;
}

export async function parseFile(path: string, b: InventoryBuilder): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InventoryError(`cannot read inventory file: ${(e as Error).message}`, { file: path });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.startsWith(VAULT_FILE_HEADER)) {
    throw new InventoryError('this inventory file is encrypted with Ansible Vault, which fleet cannot decrypt', {
      file: path,
      hint: 'decrypt it first (ansible-vault decrypt FILE)',
    });
  }
  if (text.startsWith('#!') && (await isExecutable(path))) {
    throw new InventoryError('this is an executable inventory script, which fleet does not run', {
      file: path,
      hint: 'save what Ansible makes of it and give fleet that file: ansible-inventory -i SCRIPT --list --yaml > hosts.yml',
    });
  }
  b.sources.push(path);
  const ext = extname(path);
  if (ext === '.toml') {
    throw new InventoryError('TOML inventories are not supported by fleet', {
      file: path,
      hint: 'convert it with "ansible-inventory -i FILE --list --yaml > hosts.yml"',
    });
  }
  if (YAML_EXTENSIONS.includes(ext)) {
    parseYamlInventory(parseYamlOrJson(text, path, ext === '.json'), b);
    return;
  }
  if (ext === '.ini') {
    parseIni(text, path, b);
    return;
  }
  // No telling extension: YAML when it reads as a mapping of groups, INI otherwise (as Ansible,
  // which tries its yaml plugin before its ini plugin).
  let y: YamlFile | undefined;
  let yamlError: unknown;
  try {
    y = parseYaml(text, path);
  } catch (e) {
    yamlError = e;
  }
  if (y && looksLikeYamlInventory(y)) {
    parseYamlInventory(y, b);
    return;
  }
  try {
    parseIni(text, path, b);
  } catch (e) {
    // A YAML mapping that INI cannot read either: take it as YAML, as Ansible would.
    if (y && isMap(y.doc.contents)) {
      parseYamlInventory(y, b);
      return;
    }
    if (yamlError && looksLikeYamlText(text)) throw yamlError;
    throw e;
  }
}

function parseYamlOrJson(text: string, path: string, json: boolean): YamlFile {
  try {
    return parseYaml(text, path, json ? 'JSON' : 'YAML');
  } catch (e) {
    if (!json) throw e;
    // valid JSON that a YAML 1.1 parser refuses (tabs, say): take the JSON without line numbers
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (je) {
      throw new InventoryError(`malformed JSON: ${(je as Error).message}`, { file: path, hint: 'check the JSON syntax' });
    }
    const doc = new Document(value) as unknown as YamlFile['doc'];
    return { file: path, doc, lines: { linePos: () => ({ line: 0, col: 0 }) } as unknown as YamlFile['lines'] };
  }
}
