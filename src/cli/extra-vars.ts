import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseYamlValue as parseYaml } from '../util/ansible-yaml.js';
import { FleetError, UsageError } from '../errors.js';
import type { Vars } from '../inventory/model.js';
import { shlexSplit } from '../util/shlex.js';

function asVars(value: unknown, source: string): Vars {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Vars;
  throw new UsageError(`extra vars from ${source} must be a mapping of names to values`, { hint: 'e.g. -e "name=value", -e \'{"name": 1}\' or -e @vars.yaml' });
}

/**
 * One `-e/--extra-vars` value, as ansible-playbook reads it: `@file` (YAML or JSON), a JSON or YAML
 * mapping written inline, or `k=v` pairs (values stay strings, quotes allowed).
 */
export function parseExtraVars(value: string, cwd = process.cwd()): Vars {
  const text = value.trim();
  if (text.startsWith('@')) {
    const path = resolve(cwd, text.slice(1));
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch (e) {
      // ansible-playbook exits 1 for this (not 2: the option itself is well formed).
      throw new FleetError('EXTRA_VARS_FILE', `cannot read extra vars file ${path}: ${(e as Error).message}`, { file: path });
    }
    try {
      return asVars(parseYaml(content), path);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`extra vars file ${path} is not valid YAML/JSON: ${(e as Error).message}`, { file: path });
    }
  }
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      return asVars(parseYaml(text), `-e ${text}`);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`-e ${text}: not valid JSON/YAML: ${(e as Error).message}`);
    }
  }
  const vars: Vars = {};
  let words: string[];
  try {
    words = shlexSplit(text);
  } catch (e) {
    throw new UsageError(`-e ${text}: ${(e as Error).message}`);
  }
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new UsageError(`-e "${text}": "${word}" is not name=value`, { hint: 'write -e name=value, -e \'{"name": "value"}\' or -e @file.yaml' });
    vars[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return vars;
}

export function mergeExtraVars(values: readonly string[], cwd?: string): Vars {
  return Object.assign({}, ...values.map((v) => parseExtraVars(v, cwd))) as Vars;
}
