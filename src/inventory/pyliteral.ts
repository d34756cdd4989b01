/**
 * The part of Python that INI inventories lean on:
 *  - `literalEval`: Python's ast.literal_eval, which Ansible applies to every INI value
 *    (`5` → 5, `True` → true, `[1, 'a']` → [1, "a"], `None` → null); whatever is not a literal
 *    stays the string it was;
 *  - `pyStr`/`pyRepr`: how Python prints a value, which `ansible-inventory --graph --vars` shows.
 */

type Tok =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'name'; v: string }
  | { t: 'op'; v: string }
  | { t: 'end' };

class NotLiteral extends Error {}

const fail = (): never => {
  throw new NotLiteral();
};

function readNumber(s: string, i: number): { v: number; end: number } {
  const rest = s.slice(i);
  let m = /^0[xX](?:_?[0-9a-fA-F])+/.exec(rest);
  if (m) return { v: Number.parseInt(m[0].slice(2).replace(/_/g, ''), 16), end: i + m[0].length };
  m = /^0[oO](?:_?[0-7])+/.exec(rest);
  if (m) return { v: Number.parseInt(m[0].slice(2).replace(/_/g, ''), 8), end: i + m[0].length };
  m = /^0[bB](?:_?[01])+/.exec(rest);
  if (m) return { v: Number.parseInt(m[0].slice(2).replace(/_/g, ''), 2), end: i + m[0].length };
  const digits = String.raw`[0-9](?:_?[0-9])*`;
  const float = new RegExp(
    `^(?:(?:${digits})?\\.${digits}(?:[eE][-+]?${digits})?|${digits}\\.(?:[eE][-+]?${digits})?|${digits}[eE][-+]?${digits})`,
  );
  m = float.exec(rest);
  if (m) return { v: Number(m[0].replace(/_/g, '')), end: i + m[0].length };
  m = new RegExp(`^${digits}`).exec(rest);
  if (m) {
    const text = m[0].replace(/_/g, '');
    // Python 3 forbids leading zeros in a decimal integer, except for zero itself ("00").
    if (text.length > 1 && text.startsWith('0') && /[1-9]/.test(text)) fail();
    return { v: Number(text), end: i + m[0].length };
  }
  return fail();
}

function readString(s: string, i: number, raw: boolean): { v: string; end: number } {
  const q = s[i]!;
  const triple = s.startsWith(q.repeat(3), i);
  const delim = triple ? q.repeat(3) : q;
  let j = i + delim.length;
  let out = '';
  for (;;) {
    if (j >= s.length) fail();
    if (s.startsWith(delim, j)) return { v: out, end: j + delim.length };
    const c = s[j]!;
    if (!triple && c === '\n') fail();
    if (c !== '\\') {
      out += c;
      j++;
      continue;
    }
    const d = s[j + 1];
    if (d === undefined) fail();
    if (raw) {
      out += c + d;
      j += 2;
      continue;
    }
    j += 2;
    switch (d) {
      case '\n':
        break;
      case '\\':
      case "'":
      case '"':
        out += d;
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x':
      case 'u':
      case 'U': {
        const len = d === 'x' ? 2 : d === 'u' ? 4 : 8;
        const hex = s.slice(j, j + len);
        if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) fail();
        const cp = Number.parseInt(hex, 16);
        if (cp > 0x10ffff) fail();
        out += String.fromCodePoint(cp);
        j += len;
        break;
      }
      default:
        if (/[0-7]/.test(d!)) {
          const m = /^[0-7]{1,3}/.exec(s.slice(j - 1))!;
          out += String.fromCodePoint(Number.parseInt(m[0], 8));
          j += m[0].length - 1;
        } else if (d === 'N') {
          fail(); // \N{NAME}: not worth a Unicode name table
        } else {
          out += '\\' + d; // unknown escapes keep their backslash in Python
        }
    }
  }
}

function tokenize(s: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\f' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && s[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#') {
      while (i < s.length && s[i] !== '\n') i++;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(s[i + 1] ?? ''))) {
      const { v, end } = readNumber(s, i);
      // A number glued to a name ("1j", "5abc") is not a plain literal.
      if (/[\p{L}\p{N}_.]/u.test(s[end] ?? '')) fail();
      toks.push({ t: 'num', v });
      i = end;
      continue;
    }
    const prefix = /^([rRuUbB]|[bB][rR]|[rR][bB])?(['"])/.exec(s.slice(i));
    if (prefix) {
      const p = (prefix[1] ?? '').toLowerCase();
      const { v, end } = readString(s, i + (prefix[1]?.length ?? 0), p.includes('r'));
      toks.push({ t: 'str', v });
      i = end;
      continue;
    }
    const name = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(s.slice(i));
    if (name) {
      toks.push({ t: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    if ('[](){},:+-'.includes(c)) {
      toks.push({ t: 'op', v: c });
      i++;
      continue;
    }
    fail();
  }
  toks.push({ t: 'end' });
  return toks;
}

class Parser {
  private pos = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly jsonNames = false,
  ) {}

  private peek(): Tok {
    return this.toks[this.pos]!;
  }
  private next(): Tok {
    return this.toks[this.pos++]!;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) fail();
    this.pos++;
  }

  /** The whole input: one value, or a bare tuple `1, 2`. */
  parseTop(): unknown {
    const first = this.value();
    let result: unknown = first;
    if (this.isOp(',')) {
      const items = [first];
      while (this.isOp(',')) {
        this.pos++;
        if (this.peek().t === 'end') break;
        items.push(this.value());
      }
      result = items;
    }
    if (this.peek().t !== 'end') fail();
    return result;
  }

  private value(): unknown {
    const t = this.next();
    if (t.t === 'num') return t.v;
    if (t.t === 'str') {
      let v = t.v;
      while (this.peek().t === 'str') v += (this.next() as { v: string }).v;
      return v;
    }
    if (t.t === 'name') {
      if (t.v === 'True') return true;
      if (t.v === 'False') return false;
      if (t.v === 'None') return null;
      if (this.jsonNames && t.v === 'true') return true;
      if (this.jsonNames && t.v === 'false') return false;
      if (this.jsonNames && t.v === 'null') return null;
      return fail();
    }
    if (t.t === 'op') {
      if (t.v === '-' || t.v === '+') {
        const n = this.next();
        if (n.t !== 'num') fail();
        return t.v === '-' ? -(n as { v: number }).v : (n as { v: number }).v;
      }
      if (t.v === '[') return this.sequence(']');
      if (t.v === '(') {
        if (this.isOp(')')) {
          this.pos++;
          return [];
        }
        const first = this.value();
        if (this.isOp(')')) {
          this.pos++;
          return first; // a parenthesised value, not a tuple
        }
        this.expectOp(',');
        const items = [first];
        while (!this.isOp(')')) {
          items.push(this.value());
          if (!this.isOp(')')) this.expectOp(',');
        }
        this.pos++;
        return items;
      }
      if (t.v === '{') return this.braces();
    }
    return fail();
  }

  private sequence(close: string): unknown[] {
    const items: unknown[] = [];
    while (!this.isOp(close)) {
      items.push(this.value());
      if (!this.isOp(close)) this.expectOp(',');
    }
    this.pos++;
    return items;
  }

  /** A dict key or set element: a list, dict or set there is unhashable, so Python refuses it. */
  private hashable(): unknown {
    if (this.isOp('[') || this.isOp('{')) fail();
    return this.value();
  }

  private braces(): unknown {
    if (this.isOp('}')) {
      this.pos++;
      return {};
    }
    const firstKey = this.hashable();
    if (!this.isOp(':')) {
      // a set literal: JSON has no sets, a list is what Ansible's JSON output shows
      const items = [firstKey];
      while (!this.isOp('}')) {
        this.expectOp(',');
        if (this.isOp('}')) break;
        items.push(this.hashable());
      }
      this.pos++;
      return items;
    }
    const out: Record<string, unknown> = {};
    let key: unknown = firstKey;
    for (;;) {
      this.expectOp(':');
      if (Array.isArray(key) && key.some((k) => typeof k === 'object' && k !== null)) fail(); // unhashable
      if (typeof key === 'object' && key !== null && !Array.isArray(key)) fail();
      out[jsonKey(key)] = this.value();
      if (this.isOp('}')) break;
      this.expectOp(',');
      if (this.isOp('}')) break;
      key = this.hashable();
    }
    this.pos++;
    return out;
  }
}

/** How Python's json module writes a non-string dict key. */
function jsonKey(key: unknown): string {
  if (typeof key === 'string') return key;
  if (key === true) return 'true';
  if (key === false) return 'false';
  if (key === null) return 'null';
  if (typeof key === 'number') return pyFloatOrInt(key);
  return pyRepr(key);
}

/**
 * Python's ast.literal_eval on an INI value, as Ansible's ini plugin: a Python literal gives its
 * value (tuples and sets become lists), anything else the text unchanged.
 */
export function literalEval(text: string, options: { jsonNames?: boolean } = {}): unknown {
  const src = text.replace(/^[ \t]+/, '');
  try {
    return new Parser(tokenize(src), options.jsonNames).parseTop();
  } catch (e) {
    if (e instanceof NotLiteral) return text;
    throw e;
  }
}

function pyFloatOrInt(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  return pyFloatRepr(n);
}

/** Python's repr of a float (JavaScript keeps no int/float distinction for whole numbers). */
export function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mant, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    out = `${intPart}.${frac || '0'}`;
  } else {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return neg ? `-${out}` : out;
}

/** Python's repr() of a str. */
function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp >= 0x80 && cp < 0xa0) out += '\\x' + cp.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

/** Python's repr() of a value read from an inventory. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return pyFloatOrInt(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return pyStrRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof Date) return pyStrRepr(v.toISOString());
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyStrRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  }
  return pyStrRepr(String(v));
}

/** Python's str() of a value: strings bare, everything else as repr(). */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}
