import { SETTINGS } from './settings.js';
import type { FleetConfig } from './load.js';

/** A value as Python's repr shows it inside a list, and as ansible-config prints a top-level one. */
function pyRepr(value: unknown, top: boolean): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => pyRepr(v, false)).join(', ')}]`;
  const s = String(value);
  if (top) return s;
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const escaped = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
}

/**
 * `ansible-config dump [--only-changed]`: `NAME(origin) = value`, sorted by name, CONFIG_FILE
 * included; ssh connection options follow under ansible-config's `CONNECTION:` / `ssh:` headings
 * (as `-t all` prints them).
 */
export function formatConfigDump(config: FleetConfig, options: { onlyChanged?: boolean } = {}): string {
  const base: string[] = [];
  const ssh: string[] = [];
  const shown = (origin: string) => !options.onlyChanged || origin !== 'default';
  base.push(`CONFIG_FILE() = ${config.file ?? 'None'}`);
  for (const def of SETTINGS) {
    const s = config.settings.get(def.name)!;
    if (!shown(s.origin)) continue;
    if (def.plugin) ssh.push(`${def.plugin.key}(${s.origin}) = ${pyRepr(s.value, true)}`);
    else base.push(`${def.name}(${s.origin}) = ${pyRepr(s.value, true)}`);
  }
  base.sort();
  ssh.sort();
  const lines = [...base];
  if (ssh.length) lines.push('', 'CONNECTION:', '='.repeat('CONNECTION'.length), '', 'ssh:', '_'.repeat('ssh'.length), ...ssh);
  return lines.join('\n') + '\n';
}
