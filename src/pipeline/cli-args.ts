/** Flags of the pipeline's processes: `--name value` or `--name=value`, each with an environment fallback. */
import { parseArgs } from 'node:util';

export interface FlagSpec {
  env?: string;
  default?: string;
  help: string;
}

export function parseFlags<K extends string>(program: string, specs: Record<K, FlagSpec>, argv = process.argv.slice(2)): Record<K, string | undefined> {
  const options = Object.fromEntries(Object.keys(specs).map((k) => [k, { type: 'string' as const }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean' } }, strict: true, allowPositionals: false }));
  } catch (e) {
    console.error(`${program}: ${(e as Error).message}\n${usage(program, specs)}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage(program, specs));
    process.exit(0);
  }
  const out = {} as Record<K, string | undefined>;
  for (const [k, spec] of Object.entries(specs) as [K, FlagSpec][]) {
    out[k] = (values[k] as string | undefined) ?? (spec.env ? process.env[spec.env] : undefined) ?? spec.default;
  }
  return out;
}

function usage(program: string, specs: Record<string, FlagSpec>): string {
  const lines = Object.entries(specs).map(([k, s]) => `  --${k.padEnd(18)} ${s.help}${s.env ? ` (${s.env})` : ''}${s.default ? ` [${s.default}]` : ''}`);
  return `usage: ${program} [flags]\n${lines.join('\n')}`;
}

/** A positive integer flag, or exit 2 naming it. */
export function intFlag(program: string, name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    console.error(`${program}: --${name} must be an integer >= ${min} (got "${value}")`);
    process.exit(2);
  }
  return n;
}
