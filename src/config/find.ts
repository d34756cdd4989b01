import { accessSync, constants, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { ConfigError } from './errors.js';

export interface FindEnv {
  env: NodeJS.ProcessEnv;
  cwd: string;
  home: string;
  /** The system-wide file; /etc/ansible/ansible.cfg (tests point it elsewhere). */
  systemFile?: string;
}

export interface FoundConfig {
  /** The file to read, or undefined when none of the places holds one. */
  file: string | undefined;
  warnings: string[];
}

function readable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

export function expandUser(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

/**
 * Ansible's order, first found wins and only that one file is read: ANSIBLE_CONFIG (a file, or a
 * directory holding ansible.cfg), ./ansible.cfg unless the directory is world-writable,
 * ~/.ansible.cfg, /etc/ansible/ansible.cfg.
 */
export function findConfigFile({ env, cwd, home, systemFile = '/etc/ansible/ansible.cfg' }: FindEnv): FoundConfig {
  const warnings: string[] = [];
  const candidates: string[] = [];
  let fromEnv: string | undefined;
  if (env.ANSIBLE_CONFIG !== undefined) {
    fromEnv = resolve(cwd, expandUser(env.ANSIBLE_CONFIG, home));
    try {
      if (statSync(fromEnv).isDirectory()) fromEnv = join(fromEnv, 'ansible.cfg');
    } catch {
      // A missing path is skipped like any other candidate.
    }
    candidates.push(fromEnv);
  }
  let worldWritableCwd = false;
  const cwdCfg = join(cwd, 'ansible.cfg');
  try {
    if (statSync(cwd).mode & 0o002) worldWritableCwd = readable(cwdCfg);
    else candidates.push(cwdCfg);
  } catch {
    // An unreadable working directory is simply not a source.
  }
  candidates.push(join(home, '.ansible.cfg'), systemFile);
  const file = candidates.find(readable);
  if (fromEnv !== undefined && file !== fromEnv) warnings.push(`ANSIBLE_CONFIG names ${fromEnv}, which cannot be read; using ${file ?? 'no config file'}`);
  if (worldWritableCwd && (fromEnv === undefined || file !== fromEnv)) {
    warnings.push(
      `Ansible is being run in a world writable directory (${cwd}), ignoring it as an ansible.cfg source. For more information see https://docs.ansible.com/ansible/devel/reference_appendices/config.html#cfg-in-world-writable-dir`,
    );
  }
  if (file && !['.ini', '.cfg'].includes(extname(file))) {
    throw new ConfigError(`unsupported configuration file extension "${extname(file)}" for ${file}`, { file, hint: 'fleet, like Ansible, reads INI config files named *.cfg or *.ini' });
  }
  return { file, warnings };
}
