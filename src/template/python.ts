/**
 * Python's value semantics, as Jinja2 templates in Ansible see them: truthiness, equality,
 * ordering, `in`, arithmetic (`+` concatenates lists and strings, `*` repeats them, `%` formats),
 * `str()` and `repr()` of values (`True`, `None`, `['a', 'b']`, `{'k': 1}`).
 *
 * JavaScript has one number type: an integral number is an int, any other a float, so `4 / 2` is
 * `2` here where Python prints `2.0`.
 */
import { TemplateError } from './errors.js';
import { Undefined } from './undefined.js';

export type Dict = Record<string, unknown>;

/** A plain mapping: an object literal, parsed YAML/JSON, or a lazy proxy of one. */
export function isDict(value: unknown): value is Dict {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isList(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

export function isNone(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** An int or float (Python's bool is an int too, but is kept apart here where it matters). */
export function isNumeric(value: unknown): value is number | boolean {
  return typeof value === 'number' || typeof value === 'boolean';
}

/** Python's type name: str, int, float, bool, NoneType, list, dict. */
export function pyTypeName(value: unknown): string {
  if (value instanceof Undefined) return 'AnsibleUndefined';
  if (value === null || value === undefined) return 'NoneType';
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    case 'string':
      return 'str';
    case 'function':
      return 'function';
    case 'bigint':
      return 'int';
    default:
      break;
  }
  if (Array.isArray(value)) return 'list';
  if (value instanceof Date) return 'datetime';
  if (isDict(value)) return 'dict';
  return 'object';
}

/** "'dict object'", "'None'": how Jinja names a value in "has no attribute" messages. */
export function objectDescription(value: unknown): string {
  if (value === null || value === undefined) return "'None'";
  return `'${pyTypeName(value)} object'`;
}

function check(value: unknown): void {
  if (value instanceof Undefined) throw value.error();
}

/** Python's bool(value); an undefined value fails. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (value === true) return true;
  switch (typeof value) {
    case 'string':
      return value.length > 0;
    case 'number':
      return value !== 0;
    case 'object':
      if (value instanceof Undefined) throw value.error();
      if (Array.isArray(value)) return value.length > 0;
      if (isDict(value)) {
        for (const _ in value) return true;
        return false;
      }
      return true;
    default:
      return true;
  }
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/** Python's repr() of a str: single quotes unless the text has one and no double quote. */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) out += `\\x${hex(c, 2)}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's repr() of a float or int. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
  const exp = n.toExponential();
  const [mantissa, e] = exp.split('e') as [string, string];
  const power = Number(e);
  if (power >= -4 && power < 16) return String(n);
  const sign = power < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(power)).padStart(2, '0')}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Python's str() of a datetime: `2024-01-02 03:04:05.000006` (microseconds only when set). */
export function formatDate(d: Date): string {
  const base = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  const ms = d.getMilliseconds();
  return ms ? `${base}.${String(ms * 1000).padStart(6, '0')}` : base;
}

/** Python's repr(). */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  switch (typeof value) {
    case 'string':
      return strRepr(value);
    case 'boolean':
      return value ? 'True' : 'False';
    case 'number':
      return formatNumber(value);
    case 'bigint':
      return value.toString();
    case 'function':
      return '<function>';
    default:
      break;
  }
  if (value instanceof Undefined) throw value.error();
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (value instanceof Date) return formatDate(value);
  if (isDict(value)) {
    return `{${Object.keys(value)
      .map((k) => `${strRepr(k)}: ${pyRepr(value[k])}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** Python's str(): strings as they are, anything else as repr(). */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  return pyRepr(value);
}

/** How `{{ value }}` prints inside a larger string: str(), with None as '' (Ansible's finalize). */
export function outputString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return pyRepr(value);
}

/** Python's ==, deep for lists and dicts; True == 1 as in Python. */
export function pyEquals(a: unknown, b: unknown): boolean {
  check(a);
  check(b);
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) {
    return (a === null || a === undefined) && (b === null || b === undefined);
  }
  const ta = typeof a;
  const tb = typeof b;
  if ((ta === 'number' || ta === 'boolean') && (tb === 'number' || tb === 'boolean')) {
    return Number(a) === Number(b);
  }
  if (ta !== 'object' || tb !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!pyEquals(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) {
      if (!Object.prototype.hasOwnProperty.call(b, k) || !pyEquals(a[k], b[k])) return false;
    }
    return true;
  }
  return false;
}

function typeError(op: string, a: unknown, b: unknown): TemplateError {
  return new TemplateError(
    `'${op}' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`,
  );
}

/** Python's ordering (`<`): numbers, strings, lists element by element; other pairs fail. */
export function pyCompare(a: unknown, b: unknown, op = '<'): number {
  check(a);
  check(b);
  if (isNumeric(a) && isNumeric(b)) {
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (pyEquals(a[i], b[i])) continue;
      return pyCompare(a[i], b[i], op);
    }
    return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
  }
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  throw typeError(op, a, b);
}

/** One comparison operator of an expression. */
export function compareOp(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
    case '===':
      return pyEquals(a, b);
    case '!=':
    case '!==':
      return !pyEquals(a, b);
    default:
      break;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    // NaN compares false either way, as in Python.
    switch (op) {
      case '<':
        return a < b;
      case '>':
        return a > b;
      case '<=':
        return a <= b;
      case '>=':
        return a >= b;
      default:
        break;
    }
  }
  const c = pyCompare(a, b, op);
  switch (op) {
    case '<':
      return c < 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    case '>=':
      return c >= 0;
    default:
      throw new TemplateError(`unknown comparison operator '${op}'`);
  }
}

/** Python's `item in container`. */
export function pyContains(container: unknown, item: unknown): boolean {
  check(container);
  check(item);
  if (typeof container === 'string') {
    if (typeof item !== 'string') {
      throw new TemplateError(`'in <string>' requires string as left operand, not ${pyTypeName(item)}`);
    }
    return container.includes(item);
  }
  if (Array.isArray(container)) {
    for (const x of container) if (pyEquals(x, item)) return true;
    return false;
  }
  if (isDict(container)) {
    if (typeof item === 'string') return Object.prototype.hasOwnProperty.call(container, item);
    if (typeof item === 'number' || typeof item === 'boolean') {
      return Object.prototype.hasOwnProperty.call(container, String(item));
    }
    return false;
  }
  throw new TemplateError(`argument of type '${pyTypeName(container)}' is not iterable`);
}

function operandError(op: string, a: unknown, b: unknown): TemplateError {
  return new TemplateError(
    `unsupported operand type(s) for ${op}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`,
  );
}

export function pyAdd(a: unknown, b: unknown): unknown {
  check(a);
  check(b);
  if (isNumeric(a) && isNumeric(b)) return Number(a) + Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (typeof a === 'string') {
    throw new TemplateError(`can only concatenate str (not "${pyTypeName(b)}") to str`);
  }
  if (Array.isArray(a)) {
    throw new TemplateError(`can only concatenate list (not "${pyTypeName(b)}") to list`);
  }
  throw operandError('+', a, b);
}

function numbers(op: string, a: unknown, b: unknown): [number, number] {
  check(a);
  check(b);
  if (!isNumeric(a) || !isNumeric(b)) throw operandError(op, a, b);
  return [Number(a), Number(b)];
}

export function pySub(a: unknown, b: unknown): number {
  const [x, y] = numbers('-', a, b);
  return x - y;
}

function repeat<T>(seq: T[], times: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < times; i++) out.push(...seq);
  return out;
}

export function pyMul(a: unknown, b: unknown): unknown {
  check(a);
  check(b);
  if (isNumeric(a) && isNumeric(b)) return Number(a) * Number(b);
  const count = (n: unknown): number => {
    if (typeof n === 'boolean') return Number(n);
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      throw new TemplateError(`can't multiply sequence by non-int of type '${pyTypeName(n)}'`);
    }
    return Math.max(0, n);
  };
  if (typeof a === 'string') return a.repeat(count(b));
  if (typeof b === 'string') return b.repeat(count(a));
  if (Array.isArray(a)) return repeat(a, count(b));
  if (Array.isArray(b)) return repeat(b, count(a));
  throw operandError('*', a, b);
}

export function pyDiv(a: unknown, b: unknown): number {
  const [x, y] = numbers('/', a, b);
  if (y === 0) throw new TemplateError('division by zero');
  return x / y;
}

export function pyFloorDiv(a: unknown, b: unknown): number {
  const [x, y] = numbers('//', a, b);
  if (y === 0) throw new TemplateError('integer division or modulo by zero');
  return Math.floor(x / y);
}

export function pyMod(a: unknown, b: unknown, format: (fmt: string, args: unknown) => string): unknown {
  check(a);
  check(b);
  if (typeof a === 'string') return format(a, b);
  const [x, y] = numbers('%', a, b);
  if (y === 0) throw new TemplateError('integer division or modulo by zero');
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
}

export function pyPow(a: unknown, b: unknown): number {
  const [x, y] = numbers('**', a, b);
  return x ** y;
}

export function pyNeg(a: unknown): number {
  check(a);
  if (!isNumeric(a)) throw new TemplateError(`bad operand type for unary -: '${pyTypeName(a)}'`);
  return -Number(a);
}

export function pyPos(a: unknown): number {
  check(a);
  if (!isNumeric(a)) throw new TemplateError(`bad operand type for unary +: '${pyTypeName(a)}'`);
  return Number(a);
}

/** Python's len(). */
export function pyLen(value: unknown): number {
  check(value);
  if (typeof value === 'string') return [...value].length;
  if (Array.isArray(value)) return value.length;
  if (isDict(value)) return Object.keys(value).length;
  throw new TemplateError(`object of type '${pyTypeName(value)}' has no len()`);
}

/** Python's iter(): the items a for loop or a filter walks (a dict's keys, a string's characters). */
export function pyIter(value: unknown): unknown[] {
  check(value);
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isDict(value)) return Object.keys(value);
  if (value instanceof Set) return [...value];
  throw new TemplateError(`'${pyTypeName(value)}' object is not iterable`);
}

/** Python's int() of a value, or undefined when it does not convert. */
export function toInt(value: unknown, base = 10): number | undefined {
  if (typeof value === 'boolean') return Number(value);
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value !== 'string') return undefined;
  let s = value.trim().replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (base === 0) {
    if (/^0x[0-9a-f]+$/.test(s)) return sign * Number.parseInt(s.slice(2), 16);
    if (/^0o[0-7]+$/.test(s)) return sign * Number.parseInt(s.slice(2), 8);
    if (/^0b[01]+$/.test(s)) return sign * Number.parseInt(s.slice(2), 2);
    base = 10;
  }
  if (base === 16 && s.startsWith('0x')) s = s.slice(2);
  if (base === 8 && s.startsWith('0o')) s = s.slice(2);
  if (base === 2 && s.startsWith('0b')) s = s.slice(2);
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, base);
  if (!s || [...s].some((c) => !digits.includes(c))) return undefined;
  return sign * Number.parseInt(s, base);
}

/** Python's float() of a value, or undefined when it does not convert. */
export function toFloat(value: unknown): number | undefined {
  if (typeof value === 'boolean') return Number(value);
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const s = value.trim().replace(/_/g, '').toLowerCase();
  if (/^[-+]?(inf|infinity)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/.test(s)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}
