/**
 * Small pieces of Ansible's screen formatting shared by the playbook reporters: its colour names and
 * codes (ansible/utils/color.py), its banners (Display.banner), and its result JSON (Python's
 * `json.dumps(..., sort_keys=True, ensure_ascii=False)`).
 */

/** Ansible's colour names and their SGR codes, as in ansible.utils.color.codeCodes. */
const CODES = {
  green: '0;32',
  yellow: '0;33',
  red: '0;31',
  cyan: '0;36',
  blue: '0;34',
  purple: '0;35',
  'bright red': '1;31',
  'bright purple': '1;35',
  'dark gray': '1;30',
} as const;

export type AnsibleColor = keyof typeof CODES;

/** Ansible's default colour for each kind of output (the COLOR_* settings). */
export const COLOR = {
  ok: 'green',
  changed: 'yellow',
  error: 'red',
  unreachable: 'bright red',
  skip: 'cyan',
  warn: 'bright purple',
  deprecate: 'purple',
  debug: 'dark gray',
  verbose: 'blue',
  diffAdd: 'green',
  diffRemove: 'red',
  diffLines: 'cyan',
} as const satisfies Record<string, AnsibleColor>;

/** Ansible's `stringc`: colours each line of `text` on its own, so a multi-line block stays coloured line by line. */
export function stringc(text: string, color: AnsibleColor, enabled: boolean): string {
  if (!enabled) return text;
  const code = CODES[color];
  return text
    .split('\n')
    .map((line) => `\u001b[${code}m${line}\u001b[0m`)
    .join('\n');
}

/** Columns a string takes on a terminal: wide East Asian characters and most emoji take two, combining marks none. */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || cp === 0xfe0f) continue;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      (cp >= 0x1f300 && cp <= 0x1f64f) ||
      (cp >= 0x1f900 && cp <= 0x1f9ff) ||
      (cp >= 0x20000 && cp <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}

/**
 * The width banners fill: the `COLUMNS` environment variable when set, else 80. (Ansible asks the
 * terminal; when stdout is not a terminal it uses 80, which is what fleet's callers mostly are.)
 */
export function outputWidth(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number.parseInt(env.COLUMNS ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : 80;
}

/**
 * `PLAY [web] ******…`: the message, a space, and stars up to `width` columns (at least 80, and at
 * least three stars), as Ansible's Display.banner with `columns = max(79, width - 1)`.
 */
export function bannerLine(msg: string, width = 80): string {
  const text = msg.trim();
  const columns = Math.max(79, width - 1);
  const stars = Math.max(3, columns - textWidth(text));
  return `${text} ${'*'.repeat(stars)}`;
}

/** Keys that are fleet's or Ansible's own bookkeeping, never shown: `_fleet…` and `_ansible…`. */
export function isInternalKey(key: string): boolean {
  return key.startsWith('_fleet') || key.startsWith('_ansible');
}

/**
 * A plain, JSON-safe copy of `value` without internal keys at any depth (Ansible's
 * strip_internal_keys): honours toJSON, turns bigints into strings, breaks cycles.
 */
export function cleanValue(value: unknown, ancestors: object[] = []): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return cleanValue(withJson.toJSON(), ancestors);
  if (ancestors.includes(value)) return '[Circular]';
  const inner = [...ancestors, value];
  if (Array.isArray(value)) return value.map((v) => (v === undefined || typeof v === 'function' ? null : cleanValue(v, inner)));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (isInternalKey(k) || v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out[k] = cleanValue(v, inner);
  }
  return out;
}

function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return JSON.stringify(n);
}

function pyDump(value: unknown, indent: number | undefined, depth: number): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return pyNumber(value);
    case 'string':
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return 'null';
  }
  const open = indent === undefined ? '' : '\n' + ' '.repeat(indent * (depth + 1));
  const close = indent === undefined ? '' : '\n' + ' '.repeat(indent * depth);
  const sep = indent === undefined ? ', ' : ',' + open;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return '[' + open + value.map((v) => pyDump(v, indent, depth + 1)).join(sep) + close + ']';
  }
  const keys = Object.keys(value as object).sort();
  if (keys.length === 0) return '{}';
  const obj = value as Record<string, unknown>;
  return '{' + open + keys.map((k) => `${JSON.stringify(k)}: ${pyDump(obj[k], indent, depth + 1)}`).join(sep) + close + '}';
}

/**
 * JSON the way Ansible prints results: Python's json.dumps with sorted keys, `, ` and `: `
 * separators on one line, or `indent` spaces per level; non-ASCII left as is; internal keys dropped.
 */
export function pyJson(value: unknown, indent?: number): string {
  return pyDump(cleanValue(value), indent, 0);
}
