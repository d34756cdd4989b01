/**
 * Host names with ranges (`web[01:20]`, `node[1:9:2]`, `db-[a:f]`), addresses with ports
 * (`host:2222`, `[fe80::1]:22`), with the rules of Ansible's parse_address and expand_hostname_range.
 */

/** A host pattern that cannot be expanded; parsers turn it into an InventoryError with file and line. */
export class HostPatternError extends Error {
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'HostPatternError';
    this.hint = hint;
  }
}

const numericRange = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const hexRange = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const alnumRange = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const v6 = `(?:[0-9a-f]{1,4}|${hexRange})`;
const v4 = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${numericRange})`;
// Python's \w in Unicode mode: letters, digits, marks and the underscore.
const word = String.raw`[\p{L}\p{N}\p{M}_]`;
const label = `(?:${word}|${alnumRange})(?:${word}|-|${alnumRange})*(?<![_-])`;

const PATTERNS = {
  bracketedHostPort: /^\[(.+)\]:([0-9]+)$/,
  hostPort: /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/,
  ipv4: new RegExp(`^(?:${v4}\\.){3}${v4}$`, 'i'),
  ipv6: new RegExp(
    '^(?:' +
      [
        `(?:${v6}:){7}${v6}`,
        `(?:${v6}:){1,6}:`,
        `(?:${v6}:)(?::${v6}){1,6}`,
        `(?:${v6}:){2}(?::${v6}){1,5}`,
        `(?:${v6}:){3}(?::${v6}){1,4}`,
        `(?:${v6}:){4}(?::${v6}){1,3}`,
        `(?:${v6}:){5}(?::${v6}){1,2}`,
        `(?:${v6}:){6}(?::${v6})`,
        `:(?::${v6}){1,6}`,
        `${v6}?::`,
        `(?:0:){6}(?:${v6}\\.){3}${v6}`,
        `::(?:ffff:)?(?:${v6}\\.){3}${v6}`,
        `(?:0:){5}ffff:(?:${v6}\\.){3}${v6}`,
      ].join('|') +
      ')$',
    'i',
  ),
  hostname: new RegExp(`^${label}(?:\\.${label})*$`, 'iu'),
};

/** True for an IPv4 or IPv6 address (no ranges). */
export function isIpAddress(name: string): boolean {
  return !name.includes('[') && (PATTERNS.ipv4.test(name) || PATTERNS.ipv6.test(name));
}

/**
 * Splits `host:port`, `[host]:port`, an IPv4/IPv6 address or a host name (with ranges when
 * `allowRanges`). Returns undefined when the text is none of these, as Ansible's parse_address fails.
 */
export function parseAddress(address: string, allowRanges = false): { host: string; port?: number } | undefined {
  let rest = address;
  let port: number | undefined;
  for (const re of [PATTERNS.bracketedHostPort, PATTERNS.hostPort]) {
    const m = re.exec(rest);
    if (m) {
      rest = m[1]!;
      port = Number.parseInt(m[2]!, 10);
    }
  }
  const ok = PATTERNS.ipv4.test(rest) || PATTERNS.ipv6.test(rest) || PATTERNS.hostname.test(rest);
  if (!ok) return undefined;
  if (!allowRanges && rest.includes('[')) return undefined;
  return port === undefined ? { host: rest } : { host: rest, port };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Hard cap so a typo such as `node[1:99999999]` fails clearly instead of eating all memory. */
export const MAX_RANGE_HOSTS = 1_000_000;

/**
 * Expands every `[begin:end]` or `[begin:end:step]` in a host name, left to right, as Ansible:
 * numbers (`01:20` keeps the width, begin and end must then have the same width) and single
 * letters (`a:f`, `A:Z`); the end is included.
 */
export function expandHostRange(pattern: string): string[] {
  const open = pattern.indexOf('[');
  if (open < 0) return [pattern];
  const close = pattern.indexOf(']', open);
  if (close < 0) {
    throw new HostPatternError(
      `unterminated range in host pattern '${pattern}': '[' without a closing ']'`,
      'write a range as name[01:20], name[1:20:2] or name[a:f]',
    );
  }
  // Ansible replaces the first '[' and the first ']' wherever they are.
  const firstClose = pattern.indexOf(']');
  if (firstClose < open) {
    throw new HostPatternError(`']' before '[' in host pattern '${pattern}'`, 'write a range as name[01:20]');
  }
  const head = pattern.slice(0, open);
  const body = pattern.slice(open + 1, close);
  const tail = pattern.slice(close + 1);
  const bounds = body.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw new HostPatternError(
      `bad host range '[${body}]' in '${pattern}': a range must be begin:end or begin:end:step`,
      'for example web[01:20] or web[1:20:2]',
    );
  }
  const beg = bounds[0] === '' ? '0' : bounds[0]!;
  const end = bounds[1]!;
  if (end === '') {
    throw new HostPatternError(`bad host range '[${body}]' in '${pattern}': the range has no end value`, 'for example web[01:20]');
  }
  let step = 1;
  if (bounds.length === 3) {
    if (!/^[0-9]+$/.test(bounds[2]!) || Number(bounds[2]) === 0) {
      throw new HostPatternError(
        `bad host range '[${body}]' in '${pattern}': the step '${bounds[2]}' must be a whole number above 0`,
      );
    }
    step = Number(bounds[2]);
  }

  let items: string[];
  const iBeg = beg.length === 1 ? LETTERS.indexOf(beg) : -1;
  const iEnd = end.length === 1 ? LETTERS.indexOf(end) : -1;
  if (iBeg >= 0 && iEnd >= 0) {
    if (iBeg > iEnd) {
      throw new HostPatternError(`bad host range '[${body}]' in '${pattern}': the begin '${beg}' comes after the end '${end}'`);
    }
    items = [];
    for (let i = iBeg; i <= iEnd; i += step) items.push(LETTERS[i]!);
  } else {
    if (!/^[0-9]+$/.test(beg) || !/^[0-9]+$/.test(end)) {
      throw new HostPatternError(
        `bad host range '[${body}]' in '${pattern}': begin and end must both be numbers or both single letters`,
        'for example web[01:20] or db-[a:f]',
      );
    }
    const width = beg.length > 1 && beg.startsWith('0') ? beg.length : 0;
    if (width && width !== end.length) {
      throw new HostPatternError(
        `bad host range '[${body}]' in '${pattern}': with leading zeros, begin and end must have the same number of digits`,
        `write [${beg}:${end.padStart(width, '0')}]`,
      );
    }
    const b = Number(beg);
    const e = Number(end);
    if (b > e) {
      throw new HostPatternError(`bad host range '[${body}]' in '${pattern}': the begin ${b} is greater than the end ${e}`);
    }
    if ((e - b) / step + 1 > MAX_RANGE_HOSTS) {
      throw new HostPatternError(`host range '[${body}]' in '${pattern}' would make more than ${MAX_RANGE_HOSTS} hosts`);
    }
    items = [];
    for (let i = b; i <= e; i += step) items.push(width ? String(i).padStart(width, '0') : String(i));
  }

  const out: string[] = [];
  for (const item of items) {
    const name = head + item + tail;
    if (name.includes('[')) out.push(...expandHostRange(name));
    else out.push(name);
    if (out.length > MAX_RANGE_HOSTS) {
      throw new HostPatternError(`host pattern '${pattern}' would make more than ${MAX_RANGE_HOSTS} hosts`);
    }
  }
  return out;
}

/**
 * A host entry of an inventory (`web[01:03].example.com`, `db1:2222`, `[::1]:22`) to host names and
 * an optional port for all of them, as Ansible's _expand_hostpattern.
 */
export function expandHostPattern(pattern: string): { hosts: string[]; port?: number } {
  const parsed = parseAddress(pattern, true);
  const base = parsed ? parsed.host : pattern;
  const port = parsed?.port;
  const hosts = base.includes('[') ? expandHostRange(base) : [base];
  return port === undefined ? { hosts } : { hosts, port };
}
