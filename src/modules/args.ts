import { FleetError } from '../errors.js';
import { parseKv, SplitError } from '../util/kv.js';
import type { ModuleDefinition } from './types.js';

/** Bad module arguments: unknown or missing parameters, wrong types, bad choices. */
export class ModuleArgsError extends FleetError {
  constructor(message: string, hint?: string) {
    super('MODULE_ARGS', message, hint ? { hint } : {});
  }
}

/**
 * Turn a module's argument string (ad-hoc `-a`) into parameters with Ansible's splitter: free-form
 * modules keep everything that is not one of their recognised `k=v` keys as their free-form
 * parameter (quotes and newlines as written); other modules take `k=v` pairs, or a JSON object.
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
  let parsed: { params: Record<string, string>; raw: string | undefined };
  try {
    parsed = parseKv(input, module.freeForm ? { freeFormKeys: module.freeFormKeys ?? [] } : {});
  } catch (e) {
    if (e instanceof SplitError) throw new ModuleArgsError(`arguments for ${module.name}: ${e.message}: ${input}`, 'balance the quotes and {{ }} in the arguments');
    throw e;
  }
  const params: Record<string, unknown> = { ...parsed.params };
  if (parsed.raw !== undefined && parsed.raw.trim() !== '') {
    if (!module.freeForm) {
      throw new ModuleArgsError(
        `module ${module.name} takes key=value arguments; "${parsed.raw.trim()}" is not one`,
        `write arguments as name=value, e.g. ${Object.keys(module.params).slice(0, 2).map((k) => `${k}=...`).join(' ')}`,
      );
    }
    params[module.freeForm] = parsed.raw;
  }
  return params;
}
