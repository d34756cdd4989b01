import { closest } from '../util/closest.js';
import { pyStr } from '../template/python.js';
import { ModuleArgsError } from './args.js';
import type { ParamSchema, ParamSpec, ParamType } from './types.js';

const TRUE_WORDS = new Set(['yes', 'on', '1', 'true', 'y', 't']);
const FALSE_WORDS = new Set(['no', 'off', '0', 'false', 'n', 'f']);

function coerce(name: string, spec: { type: ParamType; elements?: ParamType }, value: unknown, module: string): unknown {
  const bad = (expected: string): never => {
    throw new ModuleArgsError(`${module}: parameter ${name} must be ${expected}, got ${JSON.stringify(value)}`);
  };
  switch (spec.type) {
    case 'str':
    case 'path':
      if (typeof value === 'string') return value;
      // As Ansible's str parameters: the value as Python prints it (True, not true).
      if (typeof value === 'number' || typeof value === 'boolean') return pyStr(value);
      return bad('a string');
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
      if (typeof value === 'string') {
        const word = value.trim().toLowerCase();
        if (TRUE_WORDS.has(word)) return true;
        if (FALSE_WORDS.has(word)) return false;
      }
      return bad('a boolean (yes/no, true/false)');
    case 'int': {
      const n = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
      if (typeof n === 'number' && Number.isInteger(n)) return n;
      return bad('an integer');
    }
    case 'float': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n === 'number' && Number.isFinite(n)) return n;
      return bad('a number');
    }
    case 'list': {
      const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : [value];
      return spec.elements ? items.map((item, i) => coerce(`${name}[${i}]`, { type: spec.elements! }, item, module)) : items;
    }
    case 'dict':
      if (value && typeof value === 'object' && !Array.isArray(value)) return value;
      return bad('a mapping');
    case 'raw':
      return value;
  }
}

function findSpec(schema: ParamSchema, key: string): [string, ParamSpec] | undefined {
  if (schema[key]) return [key, schema[key]];
  for (const [name, spec] of Object.entries(schema)) if (spec.aliases?.includes(key)) return [name, spec];
  return undefined;
}

/**
 * Check a module's arguments against its schema: unknown names (with the closest valid one),
 * missing required ones, types and choices. Returns the parameters with defaults filled in.
 * With `options.additionalParams` (pass the module definition itself), names outside the schema
 * are kept as they are instead of rejected.
 */
export function validateParams(
  module: string,
  schema: ParamSchema,
  args: Record<string, unknown>,
  options: { additionalParams?: boolean } = {},
): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const valid = Object.entries(schema).flatMap(([name, spec]) => [name, ...(spec.aliases ?? [])]);
  if (!options.additionalParams) {
    // Every unsupported name at once, worded as Ansible's (playbooks assert on that text).
    const unknown = Object.keys(args).filter((key) => !findSpec(schema, key));
    if (unknown.length) {
      const guesses = unknown.map((key) => [key, closest(key, valid)] as const).filter(([, g]) => g);
      const listed = Object.keys(schema).filter((n) => !n.startsWith('_')).sort();
      throw new ModuleArgsError(
        `Unsupported parameters for (${module}) module: ${unknown.sort().join(', ')}. Supported parameters include: ${listed.join(', ')}.`,
        guesses.length ? guesses.map(([k, g]) => `did you mean "${g}" for "${k}"?`).join(' ') : undefined,
      );
    }
  }
  for (const [key, value] of Object.entries(args)) {
    const found = findSpec(schema, key);
    if (!found) {
      // Free names (set_fact, add_host): kept as given, null included.
      params[key] = value;
      continue;
    }
    const [name, spec] = found;
    if (name in params) throw new ModuleArgsError(`${module}: parameter ${name} is given twice (as ${key} and another alias)`);
    if (value === null || value === undefined) continue;
    const coerced = coerce(name, spec, value, module);
    if (spec.choices && !spec.choices.includes(coerced)) {
      throw new ModuleArgsError(`value of ${name} must be one of: ${spec.choices.map(String).sort().join(', ')}, got: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
    params[name] = coerced;
  }
  const missing: string[] = [];
  for (const [name, spec] of Object.entries(schema)) {
    if (params[name] !== undefined) continue;
    if (spec.required) missing.push(name);
    else if (spec.default !== undefined) params[name] = spec.default;
  }
  if (missing.length) throw new ModuleArgsError(`missing required arguments: ${missing.join(', ')}`, `module ${module} needs ${missing.join(', ')}`);
  return params;
}
