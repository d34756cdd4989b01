import { shQuote } from '../../util/shlex.js';

/**
 * Small shell pieces shared by the account modules (user, group, authorized_key, openssh_keypair,
 * known_hosts): NUL-framed probe output and an atomic write of a file whose content arrives on the
 * script's stdin (never on a command line).
 */

/** `o key value` prints one NUL-separated pair; parse with parseFields. */
export const EMIT_FN = `o() { printf '%s\\0%s\\0' "$1" "$2"; }`;

/** Parses `o key value` output (NUL-separated key/value pairs). */
export function parseFields(out: string): Record<string, string> {
  const parts = out.split('\0');
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) fields[parts[i]!] = parts[i + 1]!;
  return fields;
}

export interface AtomicWriteOptions {
  /** Octal mode string (`0600`) for the file; default: keep the old file's, else `newMode`. */
  mode?: string;
  /** Mode of a file that did not exist (when `mode` is not given). Default 0644. */
  newMode?: string;
  /** chown owner[:group] (user name or uid); default: keep the old file's, else the writer's. */
  owner?: string;
  group?: string;
}

/**
 * A shell snippet that writes its stdin to the file named by the shell variable `$varName`
 * atomically: a temporary file in the same directory gets the content, mode and owner, then is
 * renamed over the target. Exits non-zero (with a message on stderr) when any step fails.
 */
export function atomicWriteScript(varName: string, o: AtomicWriteOptions = {}): string {
  const v = `"$${varName}"`;
  const own = o.owner ? `${o.owner}${o.group ? `:${o.group}` : ''}` : o.group ? `:${o.group}` : '';
  const lines = [
    `d=$(dirname -- ${v})`,
    `t=$(mktemp "$d/.fleet.XXXXXXXX") || { echo "cannot create a temporary file in $d" >&2; exit 5; }`,
    `cat > "$t" || { rm -f "$t"; exit 5; }`,
    o.mode
      ? `chmod ${shQuote(o.mode)} "$t" || { rm -f "$t"; exit 5; }`
      : `if [ -e ${v} ]; then chmod --reference=${v} "$t"; else chmod ${shQuote(o.newMode ?? '0644')} "$t"; fi || { rm -f "$t"; exit 5; }`,
    own
      ? `chown ${shQuote(own)} "$t" || { rm -f "$t"; exit 5; }`
      : `if [ -e ${v} ]; then chown --reference=${v} "$t" 2>/dev/null || :; fi`,
    `mv -f "$t" ${v} || { rm -f "$t"; exit 5; }`,
  ];
  return lines.join('\n');
}

/** The text a diff shows for a set of attributes: `key: value` lines, skipping undefined ones. */
export function attrText(attrs: Record<string, unknown>): string {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(',') : String(v)}\n`)
    .join('');
}
