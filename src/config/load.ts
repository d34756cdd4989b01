import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, normalize, resolve } from 'node:path';
import { ConfigError } from './errors.js';
import { expandUser, findConfigFile } from './find.js';
import { iniGet, parseIni, type IniFile } from './ini.js';
import { SETTINGS, type SettingDef } from './settings.js';

/** Where a value came from: `default`, `env: NAME`, or the config file's path (ansible-config's words). */
export interface Setting {
  value: unknown;
  origin: string;
}

export interface FleetConfig {
  /** The config file read, if any. */
  file: string | undefined;
  settings: Map<string, Setting>;
  warnings: string[];
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
  systemFile?: string;
}

const TRUE = ['y', 'yes', 'on', '1', 'true', 't'];
const FALSE = ['n', 'no', 'off', '0', 'false', 'f'];

/** Ansible's unquote: one pair of matching outer quotes is removed. */
function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0] ? s.slice(1, -1) : s;
}

function expandVars(s: string, env: NodeJS.ProcessEnv): string {
  return s.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, a: string | undefined, b: string | undefined) => env[(a ?? b)!] ?? whole);
}

interface Where {
  /** For messages: `[section] key` (the error carries file and line) or `ANSIBLE_X`. */
  label: string;
  file?: string;
  line?: number;
  /** Relative paths are taken from here: the config file's directory, or the working directory. */
  base: string;
}

function convert(def: SettingDef, raw: string, where: Where, env: NodeJS.ProcessEnv, home: string): unknown {
  const bad = (expected: string): never => {
    throw new ConfigError(`${where.label}: expected ${expected}, got "${raw}"`, {
      ...(where.file ? { file: where.file } : {}),
      ...(where.line ? { line: where.line } : {}),
      hint: `the ${def.name} setting: ${def.about}`,
    });
  };
  const path = (p: string): string => {
    const expanded = expandUser(expandVars(p.trim(), env), home);
    return isAbsolute(expanded) ? normalize(expanded) : resolve(where.base, expanded);
  };
  const text = raw.trim();
  switch (def.type) {
    case 'bool': {
      const v = text.toLowerCase();
      if (TRUE.includes(v)) return true;
      if (FALSE.includes(v)) return false;
      return bad('a boolean (yes/no, true/false, on/off, 1/0)');
    }
    case 'hostkey': {
      const v = text.toLowerCase();
      if (TRUE.includes(v) || v === 'strict') return true;
      if (FALSE.includes(v) || v === 'off') return false;
      if (v === 'accept-new' || v === 'accept_new') return 'accept-new';
      return bad('a boolean (True/False), or strict, accept-new, off');
    }
    case 'int': {
      if (!/^[+-]?\d+$/.test(text)) return bad(`a whole number${def.min !== undefined ? ` of at least ${def.min}` : ''}`);
      const n = Number(text);
      if (def.min !== undefined && n < def.min) return bad(`a whole number of at least ${def.min}`);
      return n;
    }
    case 'list':
      return text.split(',').map((x) => unquote(x.trim()));
    case 'path':
      return path(text);
    case 'pathlist':
      return text.split(',').map((x) => x.trim()).filter(Boolean).map(path);
    case 'pathspec':
      return text.split(':').filter((x) => x.trim()).map(path);
    case 'str': {
      const v = unquote(text);
      if (def.choices && !def.choices.includes(v.toLowerCase())) return bad(`one of ${def.choices.join(', ')}`);
      return def.choices ? v.toLowerCase() : v;
    }
  }
}

function readIni(file: string): IniFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file: ${(e as Error).message}`, { file });
  }
  return parseIni(text, file);
}

/**
 * Every setting's value and origin: an ANSIBLE_* variable wins over the config file, which wins over
 * the default (command-line flags, applied by the CLI, win over all three).
 */
export function loadConfig(options: LoadConfigOptions = {}): FleetConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const home = options.home ?? env.HOME ?? homedir();
  const found = findConfigFile({ env, cwd, home, ...(options.systemFile ? { systemFile: options.systemFile } : {}) });
  const ini = found.file ? readIni(found.file) : undefined;
  const settings = new Map<string, Setting>();
  for (const def of SETTINGS) {
    let setting: Setting | undefined;
    for (const name of def.env) {
      const raw = env[name];
      if (raw === undefined) continue;
      // Ansible: an empty variable that does not convert (a number) means the default, file or not.
      if (raw.trim() === '' && def.type === 'int') setting = { value: def.default, origin: 'default' };
      else setting = { value: convert(def, raw, { label: name, base: cwd }, env, home), origin: `env: ${name}` };
    }
    if (!setting && ini) {
      for (const k of def.ini) {
        const found = iniGet(ini, k.section, k.key);
        if (!found) continue;
        const where = { label: `[${k.section}] ${k.key}`, file: ini.file, line: found.line, base: dirname(ini.file) };
        setting = { value: convert(def, found.value, where, env, home), origin: ini.file };
      }
    }
    settings.set(def.name, setting ?? { value: def.default, origin: 'default' });
  }
  return { file: found.file, settings, warnings: found.warnings };
}

/** A setting's value (typed by the caller, who knows the definition). */
export function configValue<T>(config: FleetConfig, name: string): T {
  const s = config.settings.get(name);
  if (!s) throw new Error(`no such setting ${name}`);
  return s.value as T;
}

export function isDefault(config: FleetConfig, name: string): boolean {
  return config.settings.get(name)?.origin === 'default';
}
