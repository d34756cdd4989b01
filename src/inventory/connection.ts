/**
 * The connection-related inventory variables of a host, read under every name Ansible accepts, plus
 * fleet's own `fleet_*` names. Where several names are set, the same rule as Ansible's connection
 * plugins applies: the later name in each list below wins, whatever level each was set at, and a
 * `fleet_*` name wins over all `ansible_*` ones.
 */
import { InventoryError } from '../errors.js';
import type { Vars } from './model.js';

export interface ConnectionVars {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  privateKeyFile?: string;
  sshCommonArgs?: string;
  sshExtraArgs?: string;
  sshExecutable?: string;
  /** Connect timeout in seconds. */
  timeout?: number;
  connection?: string;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  becomePassword?: string;
  becomeExe?: string;
  becomeFlags?: string;
  /**
   * ansible_host_key_checking as fleet's transport takes it: a true value → 'strict', a false one
   * → 'off'; fleet also accepts the words 'strict', 'accept-new' and 'off'.
   */
  hostKeyChecking?: HostKeyCheckingMode;
  pythonInterpreter?: string;
}

/** The same values as the transport's HostKeyChecking (kept here: inventory may not import transport). */
export type HostKeyCheckingMode = 'strict' | 'accept-new' | 'off';

type Kind = 'string' | 'port' | 'number' | 'boolean' | 'hostKeyChecking';

/** Each field: its kind and the variable names that set it, lowest to highest. */
export const CONNECTION_VAR_NAMES: Readonly<Record<keyof ConnectionVars, { kind: Kind; names: readonly string[] }>> = {
  host: { kind: 'string', names: ['ansible_host', 'ansible_ssh_host', 'fleet_host'] },
  port: { kind: 'port', names: ['ansible_port', 'ansible_ssh_port', 'fleet_port'] },
  user: { kind: 'string', names: ['ansible_user', 'ansible_ssh_user', 'fleet_user'] },
  password: { kind: 'string', names: ['ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password', 'fleet_password'] },
  privateKeyFile: {
    kind: 'string',
    names: ['ansible_private_key_file', 'ansible_ssh_private_key_file', 'fleet_private_key_file'],
  },
  sshCommonArgs: { kind: 'string', names: ['ansible_ssh_common_args', 'fleet_ssh_common_args'] },
  sshExtraArgs: { kind: 'string', names: ['ansible_ssh_extra_args', 'fleet_ssh_extra_args'] },
  sshExecutable: { kind: 'string', names: ['ansible_ssh_executable', 'fleet_ssh_executable'] },
  timeout: { kind: 'number', names: ['ansible_timeout', 'ansible_ssh_timeout', 'fleet_timeout'] },
  connection: { kind: 'string', names: ['ansible_connection', 'fleet_connection'] },
  become: { kind: 'boolean', names: ['ansible_become', 'fleet_become'] },
  becomeUser: { kind: 'string', names: ['ansible_become_user', 'ansible_sudo_user', 'fleet_become_user'] },
  becomeMethod: { kind: 'string', names: ['ansible_become_method', 'fleet_become_method'] },
  becomePassword: {
    kind: 'string',
    names: ['ansible_become_password', 'ansible_become_pass', 'ansible_sudo_pass', 'fleet_become_password'],
  },
  becomeExe: { kind: 'string', names: ['ansible_become_exe', 'ansible_sudo_exe', 'fleet_become_exe'] },
  becomeFlags: { kind: 'string', names: ['ansible_become_flags', 'ansible_sudo_flags', 'fleet_become_flags'] },
  hostKeyChecking: {
    kind: 'hostKeyChecking',
    names: ['ansible_host_key_checking', 'ansible_ssh_host_key_checking', 'fleet_host_key_checking'],
  },
  pythonInterpreter: { kind: 'string', names: ['ansible_python_interpreter', 'fleet_python_interpreter'] },
};

const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE_WORDS = new Set(['n', 'no', 'off', '0', 'false', 'f']);

/**
 * Ansible's boolean(): true/false, 1/0, and the strings yes/no, y/n, on/off, true/false, t/f,
 * 1/0 in any case. Anything else: undefined.
 */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (TRUE_WORDS.has(s)) return true;
    if (FALSE_WORDS.has(s)) return false;
  }
  return undefined;
}

function convert(name: string, kind: Kind, value: unknown, host?: string): unknown {
  const where = host ? { host } : {};
  switch (kind) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw new InventoryError(`${name} must be a string, got ${JSON.stringify(value)}`, where);
    case 'boolean': {
      const b = toBoolean(value);
      if (b === undefined) {
        throw new InventoryError(`${name} must be a boolean, got ${JSON.stringify(value)}`, {
          ...where,
          hint: 'use yes/no, true/false or 1/0',
        });
      }
      return b;
    }
    case 'hostKeyChecking': {
      if (value === 'strict' || value === 'accept-new' || value === 'off') return value;
      const b = toBoolean(value);
      if (b === undefined) {
        throw new InventoryError(`${name} must be a boolean (or strict, accept-new, off), got ${JSON.stringify(value)}`, {
          ...where,
          hint: 'use yes/no, true/false or 1/0 as Ansible does; fleet also takes accept-new',
        });
      }
      return b ? 'strict' : 'off';
    }
    case 'port':
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      const ok = kind === 'port' ? Number.isInteger(n) && n >= 1 && n <= 65535 : Number.isFinite(n) && n >= 0;
      if (!ok) {
        throw new InventoryError(
          `${name} must be ${kind === 'port' ? 'a port number (1-65535)' : 'a number'}, got ${JSON.stringify(value)}`,
          where,
        );
      }
      return n;
    }
  }
}

/**
 * The connection settings in a host's (resolved) variables, with numbers and booleans converted.
 * Unset or null variables are left out. A value of the wrong type is an InventoryError naming the
 * variable (and the host, when given).
 */
export function connectionVars(vars: Vars, host?: string): ConnectionVars {
  const out: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(CONNECTION_VAR_NAMES)) {
    let chosen: string | undefined;
    for (const name of spec.names) {
      const v = vars[name];
      if (v !== undefined && v !== null) chosen = name;
    }
    if (chosen !== undefined) out[field] = convert(chosen, spec.kind, vars[chosen], host);
  }
  return out as ConnectionVars;
}
