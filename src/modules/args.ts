import { FleetError } from '../errors.js';
import { shlexSplit } from '../util/shlex.js';
import type { ModuleDefinition } from './types.js';

/** Bad module arguments: unknown or missing parameters, wrong types, bad choices. */
export class ModuleArgsError extends FleetError {
  constructor(message: string, hint?: string) {
    super('MODULE_ARGS', message, hint ? { hint } : {});
  }
}

/**
 * Split a k=v string the way Ansible's split_args does: on whitespace outside quotes, keeping each
 * token's quotes so free-form text reaches the module exactly as written.
 */
export function splitArgs(input: string): string[] {
  const tokens: string[] = [];
  let token = '';
  let quote: string | undefined;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quote) {
      token += c;
      if (c === '\\' && quote === '"' && i + 1 < input.length) token += input[++i];
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
      token += c;
    } else if (c === '\\' && i + 1 < input.length) {
      token += c + input[++i];
    } else if (/\s/.test(c)) {
      if (token) tokens.push(token);
      token = '';
    } else {
      token += c;
    }
  }
  if (quote) throw new ModuleArgsError(`unbalanced ${quote} quote in arguments: ${input}`, 'close the quote');
  if (token) tokens.push(token);
  return tokens;
}

function unquote(value: string): string {
  try {
    const words = shlexSplit(value);
    return words.length === 1 ? words[0]! : value;
  } catch {
    return value;
  }
}

/**
 * Turn a module's argument string (ad-hoc `-a`, or a task's `module: string`) into parameters.
 * Free-form modules keep everything that is not one of their recognised `k=v` keys as their
 * free-form parameter; other modules take `k=v` pairs, or a JSON object.
 */
export function parseArgString(module: ModuleDefinition<never, unknown, unknown>, input: string): Record<string, unknown> {
  const trimmed = input.trim();
  if (!module.freeForm && trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      throw new ModuleArgsError(`arguments for ${module.name} look like JSON but do not parse: ${trimmed}`);
    }
  }
  const params: Record<string, unknown> = {};
  const raw: string[] = [];
  for (const token of splitArgs(trimmed)) {
    const kv = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(token);
    const key = kv?.[1];
    if (kv && key && (!module.freeForm || module.freeFormKeys?.includes(key))) {
      params[key] = unquote(kv[2]!);
    } else if (module.freeForm) {
      raw.push(token);
    } else {
      throw new ModuleArgsError(
        `module ${module.name} takes key=value arguments; "${token}" is not one`,
        `write arguments as name=value, e.g. ${Object.keys(module.params).slice(0, 2).map((k) => `${k}=...`).join(' ')}`,
      );
    }
  }
  if (module.freeForm && raw.length) params[module.freeForm] = raw.join(' ');
  return params;
}
