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
 * included; plugin options (ssh's args, the default callback's check_mode_markers) follow under
 * ansible-config's `CONNECTION:` / `ssh:` style headings, as `-t all` prints them.
 */
export function formatConfigDump(config: FleetConfig, options: { onlyChanged?: boolean } = {}): string {
  const base: string[] = [`CONFIG_FILE() = ${config.file ?? 'None'}`];
  /** plugin type -> plugin name -> lines */
  const plugins = new Map<string, Map<string, string[]>>();
  for (const def of SETTINGS) {
    const s = config.settings.get(def.name)!;
    if (options.onlyChanged && s.origin === 'default') continue;
    if (!def.plugin) {
      base.push(`${def.name}(${s.origin}) = ${pyRepr(s.value, true)}`);
      continue;
    }
    const byName = plugins.get(def.plugin.type) ?? new Map<string, string[]>();
    plugins.set(def.plugin.type, byName);
    byName.set(def.plugin.name, [...(byName.get(def.plugin.name) ?? []), `${def.plugin.key}(${s.origin}) = ${pyRepr(s.value, true)}`]);
  }
  const lines = base.sort();
  for (const type of [...plugins.keys()].sort()) {
    const title = type.toUpperCase();
    lines.push('', `${title}:`, '='.repeat(title.length));
    const byName = plugins.get(type)!;
    for (const name of [...byName.keys()].sort()) lines.push('', `${name}:`, '_'.repeat(name.length), ...byName.get(name)!.sort());
  }
  return lines.join('\n') + '\n';
}
