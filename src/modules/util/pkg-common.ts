import type { FileDiff, ModuleContext } from '../types.js';

/**
 * Helpers shared by the package managers (apt, dnf/yum, package) and service managers.
 */

/** An error a package/service module raises at probe or plan time; the executor makes it the host's failure. */
export class PkgModuleError extends Error {}

/** `name=version` (apt) → name and version; a bare name has no version. */
export function splitNameVersion(spec: string, sep = '='): { name: string; version?: string } {
  const i = spec.indexOf(sep);
  if (i <= 0) return { name: spec };
  return { name: spec.slice(0, i), version: spec.slice(i + 1) };
}

/** Before/after lists of the named packages, for --diff. */
export function packagesDiff(header: string, before: Record<string, string | null>, after: Record<string, string | null>): FileDiff[] {
  const text = (m: Record<string, string | null>) =>
    Object.entries(m)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => (v ? `${k}=${v}` : k))
      .sort()
      .join('\n') + '\n';
  return [{ before: text(before), after: text(after), before_header: `${header} (before)`, after_header: `${header} (after)` }];
}

/** A value from the task's variables when it is a non-empty string (ansible_pkg_mgr, ansible_service_mgr). */
export function varString(ctx: ModuleContext, name: string): string | undefined {
  const v = ctx.vars?.[name];
  return typeof v === 'string' && v && v !== 'unknown' ? v : undefined;
}

/** NUL-separated key/value pairs printed by `o KEY VALUE` (keys may repeat: the last wins). */
export function parsePairs(out: string): Map<string, string> {
  const parts = out.split('\0');
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length; i += 2) m.set(parts[i]!.replace(/^\n+/, ''), parts[i + 1]!);
  return m;
}

export const PAIR_FN = `o() { printf '%s\\0%s\\0' "$1" "$2"; }`;
