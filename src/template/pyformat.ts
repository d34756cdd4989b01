/**
 * Python's string formatting: `'%s-%02d' % (a, b)`, `'{}:{:>5}'.format(a, b)`, and
 * `strftime('%Y-%m-%d')`, as playbooks use them.
 */
import { TemplateError } from './errors.js';
import { formatNumber, isDict, pyRepr, pyStr, pyTypeName, toFloat, toInt } from './python.js';
import { Undefined } from './undefined.js';

function num(value: unknown, conv: string): number {
  if (value instanceof Undefined) throw value.error();
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return Number(value);
  throw new TemplateError(`%${conv} format: a number is required, not ${pyTypeName(value)}`);
}

function applyWidth(body: string, flags: string, width: number | undefined, numeric: boolean): string {
  if (width === undefined || body.length >= width) return body;
  if (flags.includes('-')) return body.padEnd(width);
  if (numeric && flags.includes('0')) {
    const sign = /^[-+ ]/.test(body) ? body[0]! : '';
    const prefix = /^[-+ ]?0[xXo]/.test(body) ? body.slice(sign.length, sign.length + 2) : '';
    const digits = body.slice(sign.length + prefix.length);
    return sign + prefix + digits.padStart(width - sign.length - prefix.length, '0');
  }
  return body.padStart(width);
}

function signed(n: number, text: string, flags: string): string {
  if (n < 0 || Object.is(n, -0)) return text.startsWith('-') ? text : `-${text}`;
  if (flags.includes('+')) return `+${text}`;
  if (flags.includes(' ')) return ` ${text}`;
  return text;
}

function exponent(n: number, precision: number, upper: boolean): string {
  const [m, e] = Math.abs(n).toExponential(precision).split('e') as [string, string];
  const p = Number(e);
  const s = `${m}e${p < 0 ? '-' : '+'}${String(Math.abs(p)).padStart(2, '0')}`;
  return upper ? s.toUpperCase() : s;
}

function general(n: number, precision: number, upper: boolean, alternate: boolean): string {
  if (!Number.isFinite(n)) return formatNumber(n);
  const p = precision === 0 ? 1 : precision;
  if (n === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  let out: string;
  if (exp < -4 || exp >= p) {
    out = exponent(n, p - 1, upper);
    if (!alternate) out = out.replace(/\.?0+e/, 'e').replace(/\.?0+E/, 'E');
  } else {
    out = Math.abs(n).toFixed(Math.max(0, p - 1 - exp));
    if (!alternate && out.includes('.')) out = out.replace(/\.?0+$/, '');
  }
  return out;
}

function formatOne(conv: string, value: unknown, flags: string, width: number | undefined, precision: number | undefined): string {
  switch (conv) {
    case 's': {
      const s = pyStr(value instanceof Undefined ? (() => { throw value.error(); })() : value);
      return applyWidth(precision !== undefined ? s.slice(0, precision) : s, flags, width, false);
    }
    case 'r':
    case 'a': {
      const s = pyRepr(value);
      return applyWidth(precision !== undefined ? s.slice(0, precision) : s, flags, width, false);
    }
    case 'd':
    case 'i':
    case 'u': {
      const n = Math.trunc(num(value, conv));
      return applyWidth(signed(n, String(Math.abs(n)), flags), flags, width, true);
    }
    case 'x':
    case 'X':
    case 'o': {
      const n = Math.trunc(num(value, conv));
      let body = Math.abs(n).toString(conv === 'o' ? 8 : 16);
      if (conv === 'X') body = body.toUpperCase();
      if (flags.includes('#')) body = (conv === 'o' ? '0o' : conv === 'x' ? '0x' : '0X') + body;
      return applyWidth(signed(n, body, flags), flags, width, true);
    }
    case 'f':
    case 'F': {
      const n = num(value, conv);
      const body = Number.isFinite(n) ? Math.abs(n).toFixed(precision ?? 6) : formatNumber(Math.abs(n));
      return applyWidth(signed(n, body, flags), flags, width, true);
    }
    case 'e':
    case 'E': {
      const n = num(value, conv);
      return applyWidth(signed(n, exponent(n, precision ?? 6, conv === 'E'), flags), flags, width, true);
    }
    case 'g':
    case 'G': {
      const n = num(value, conv);
      return applyWidth(signed(n, general(n, precision ?? 6, conv === 'G', flags.includes('#')), flags), flags, width, true);
    }
    case 'c': {
      const s = typeof value === 'number' ? String.fromCodePoint(value) : pyStr(value);
      return applyWidth(s, flags, width, false);
    }
    default:
      throw new TemplateError(`unsupported format character '${conv}'`);
  }
}

/** Python's `format % args`: a tuple (list), a single value, or a dict for `%(name)s`. */
export function percentFormat(format: string, args: unknown): string {
  const positional = Array.isArray(args) ? args : [args];
  let index = 0;
  const re = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;
  const out = format.replace(re, (_m, key: string | undefined, flags: string, w: string | undefined, p: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    const next = (): unknown => {
      if (index >= positional.length) throw new TemplateError('not enough arguments for format string');
      return positional[index++];
    };
    const width = w === '*' ? Number(next()) : w !== undefined ? Number(w) : undefined;
    const precision = p === '*' ? Number(next()) : p !== undefined ? Number(p) : undefined;
    let value: unknown;
    if (key !== undefined) {
      if (!isDict(args)) throw new TemplateError('format requires a mapping');
      if (!(key in args)) throw new TemplateError(`'${key}' is not in the format mapping`);
      value = args[key];
    } else {
      value = next();
    }
    return formatOne(conv, value, flags, width, precision);
  });
  if (!isDict(args) && Array.isArray(args) && index < positional.length) {
    throw new TemplateError('not all arguments converted during string formatting');
  }
  return out;
}

/** One `{...:spec}` of str.format: [[fill]align][sign][#][0][width][,][.precision][type]. */
function formatSpec(value: unknown, spec: string): string {
  const m = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/.exec(spec);
  if (!m) throw new TemplateError(`invalid format specifier '${spec}'`);
  const [, fillChar, alignChar, sign, alt, zero, w, grouping, p, type] = m;
  const width = w !== undefined ? Number(w) : undefined;
  const precision = p !== undefined ? Number(p) : undefined;
  let fill = fillChar ?? ' ';
  let align = alignChar;
  let body: string;
  const isNum = typeof value === 'number' || typeof value === 'boolean';
  if (zero && !alignChar) {
    fill = '0';
    align = '=';
  }
  if (type === undefined && !isNum) {
    body = pyStr(value);
    if (precision !== undefined) body = body.slice(0, precision);
    align ??= '<';
  } else {
    const n = isNum ? Number(value) : toFloat(value);
    if (n === undefined) throw new TemplateError(`Unknown format code '${type ?? ''}' for object of type '${pyTypeName(value)}'`);
    const flags = `${sign ?? ''}${alt ?? ''}`;
    switch (type) {
      case undefined:
        body = precision !== undefined ? general(Math.abs(n), precision, false, false) : formatNumber(Math.abs(n));
        break;
      case 'd':
      case 'n':
        body = String(Math.abs(Math.trunc(n)));
        break;
      case 'b':
        body = (alt ? '0b' : '') + Math.abs(Math.trunc(n)).toString(2);
        break;
      case 'o':
        body = (alt ? '0o' : '') + Math.abs(Math.trunc(n)).toString(8);
        break;
      case 'x':
        body = (alt ? '0x' : '') + Math.abs(Math.trunc(n)).toString(16);
        break;
      case 'X':
        body = (alt ? '0X' : '') + Math.abs(Math.trunc(n)).toString(16).toUpperCase();
        break;
      case 'c':
        body = String.fromCodePoint(n);
        break;
      case 'e':
      case 'E':
        body = exponent(n, precision ?? 6, type === 'E');
        break;
      case 'f':
      case 'F':
        body = Math.abs(n).toFixed(precision ?? 6);
        break;
      case 'g':
      case 'G':
        body = general(Math.abs(n), precision ?? 6, type === 'G', Boolean(alt));
        break;
      case '%':
        body = `${(Math.abs(n) * 100).toFixed(precision ?? 6)}%`;
        break;
      default:
        throw new TemplateError(`Unknown format code '${type}'`);
    }
    if (grouping) {
      const [int, frac] = body.split('.') as [string, string | undefined];
      body = int.replace(/\B(?=(\d{3})+(?!\d))/g, grouping) + (frac !== undefined ? `.${frac}` : '');
    }
    body = signed(n, body, flags);
    align ??= '>';
  }
  if (width === undefined || body.length >= width) return body;
  const padLen = width - body.length;
  switch (align) {
    case '<':
      return body + fill.repeat(padLen);
    case '^':
      return fill.repeat(Math.floor(padLen / 2)) + body + fill.repeat(Math.ceil(padLen / 2));
    case '=': {
      const s = /^[-+ ]/.test(body) ? body[0]! : '';
      return s + fill.repeat(padLen) + body.slice(s.length);
    }
    default:
      return fill.repeat(padLen) + body;
  }
}

function fieldValue(field: string, positional: unknown[], kwargs: Record<string, unknown>, auto: { n: number }): unknown {
  const m = /^([^.[]*)(.*)$/.exec(field)!;
  const head = m[1]!;
  let value: unknown;
  if (head === '') {
    if (auto.n >= positional.length) throw new TemplateError(`Replacement index ${auto.n} out of range for positional args tuple`);
    value = positional[auto.n++];
  } else if (/^\d+$/.test(head)) {
    const i = Number(head);
    if (i >= positional.length) throw new TemplateError(`Replacement index ${i} out of range for positional args tuple`);
    value = positional[i];
  } else {
    if (!(head in kwargs)) throw new TemplateError(`'${head}' is not a format argument`);
    value = kwargs[head];
  }
  const rest = m[2]!;
  const re = /\.([^.[]+)|\[([^\]]+)\]/g;
  let part: RegExpExecArray | null;
  while ((part = re.exec(rest))) {
    const key = part[1] ?? part[2]!;
    if (Array.isArray(value) && /^\d+$/.test(key)) value = value[Number(key)];
    else if (isDict(value)) value = value[key];
    else throw new TemplateError(`cannot look up '${key}' in format field '${field}'`);
  }
  return value;
}

/** Python's str.format(). */
export function strFormat(format: string, positional: unknown[], kwargs: Record<string, unknown>): string {
  const auto = { n: 0 };
  let out = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c === '{') {
      if (format[i + 1] === '{') {
        out += '{';
        i += 2;
        continue;
      }
      const end = format.indexOf('}', i);
      if (end < 0) throw new TemplateError("Single '{' encountered in format string");
      const inner = format.slice(i + 1, end);
      const colon = inner.indexOf(':');
      const fieldAndConv = colon >= 0 ? inner.slice(0, colon) : inner;
      const spec = colon >= 0 ? inner.slice(colon + 1) : '';
      const bang = fieldAndConv.indexOf('!');
      const field = bang >= 0 ? fieldAndConv.slice(0, bang) : fieldAndConv;
      const conversion = bang >= 0 ? fieldAndConv.slice(bang + 1) : '';
      let value = fieldValue(field, positional, kwargs, auto);
      if (value instanceof Undefined) throw value.error();
      if (conversion === 'r') value = pyRepr(value);
      else if (conversion === 's') value = pyStr(value);
      out += spec ? formatSpec(value, spec) : pyStr(value);
      i = end + 1;
    } else if (c === '}') {
      if (format[i + 1] === '}') {
        out += '}';
        i += 2;
        continue;
      }
      throw new TemplateError("Single '}' encountered in format string");
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

/** Python's time.strftime / datetime.strftime for the common directives. */
export function strftime(format: string, date: Date, utc = false): string {
  const Y = utc ? date.getUTCFullYear() : date.getFullYear();
  const mo = utc ? date.getUTCMonth() : date.getMonth();
  const d = utc ? date.getUTCDate() : date.getDate();
  const H = utc ? date.getUTCHours() : date.getHours();
  const M = utc ? date.getUTCMinutes() : date.getMinutes();
  const S = utc ? date.getUTCSeconds() : date.getSeconds();
  const wd = utc ? date.getUTCDay() : date.getDay();
  const ms = utc ? date.getUTCMilliseconds() : date.getMilliseconds();
  const start = utc ? Date.UTC(Y, 0, 1) : new Date(Y, 0, 1).getTime();
  const dayOfYear = Math.floor((date.getTime() - start) / 86_400_000) + 1;
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const offset = utc ? 0 : -date.getTimezoneOffset();
  return format.replace(/%([%aAbBcdfHIjmMpsSuwyYzZ])/g, (_m, f: string) => {
    switch (f) {
      case '%': return '%';
      case 'a': return DAYS[wd]!.slice(0, 3);
      case 'A': return DAYS[wd]!;
      case 'b': return MONTHS[mo]!.slice(0, 3);
      case 'B': return MONTHS[mo]!;
      case 'c': return `${DAYS[wd]!.slice(0, 3)} ${MONTHS[mo]!.slice(0, 3)} ${String(d).padStart(2)} ${p2(H)}:${p2(M)}:${p2(S)} ${Y}`;
      case 'd': return p2(d);
      case 'f': return String(ms * 1000).padStart(6, '0');
      case 'H': return p2(H);
      case 'I': return p2(H % 12 || 12);
      case 'j': return String(dayOfYear).padStart(3, '0');
      case 'm': return p2(mo + 1);
      case 'M': return p2(M);
      case 'p': return H < 12 ? 'AM' : 'PM';
      case 'S': return p2(S);
      // glibc's seconds since the epoch; a UTC time is naive in Python, so read as local time there.
      case 's': return String(Math.floor(date.getTime() / 1000) + (utc ? date.getTimezoneOffset() * 60 : 0));
      case 'u': return String(wd || 7);
      case 'w': return String(wd);
      case 'y': return p2(Y % 100);
      case 'Y': return String(Y);
      case 'z': {
        const sign = offset < 0 ? '-' : '+';
        const a = Math.abs(offset);
        return `${sign}${p2(Math.floor(a / 60))}${p2(a % 60)}`;
      }
      case 'Z': return utc ? 'UTC' : (Intl.DateTimeFormat().resolvedOptions().timeZone ?? '');
      default: return f;
    }
  });
}

/** A number of seconds since the epoch, or a date, from a filter argument. */
export function toDate(value: unknown): Date {
  if (value === null || value === undefined) return new Date();
  if (value instanceof Date) return value;
  const n = typeof value === 'number' ? value : toInt(value) ?? toFloat(value);
  if (n === undefined) throw new TemplateError(`Invalid value for epoch value (${pyStr(value)})`);
  return new Date(n * 1000);
}
