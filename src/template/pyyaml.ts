/**
 * PyYAML's yaml.dump, as Ansible's to_yaml (default_flow_style=None: collections of scalars in
 * flow style) and to_nice_yaml (indent=4, block style) produce it: sorted keys, indentless
 * sequences in mappings, PyYAML's choice of plain, single- or double-quoted scalars (YAML 1.1:
 * 'yes', 'on', '0777', '12:30' are quoted), long plain scalars folded at 80 columns, a root plain
 * scalar followed by `...`.
 *
 * Not reproduced: line wrapping inside flow collections, complex (`? `) keys.
 */
import { TemplateError } from './errors.js';
import { formatDate, formatNumber, isDict, pyTypeName } from './python.js';
import { Undefined } from './undefined.js';

export interface YamlOptions {
  indent?: number;
  /** null: scalar-only collections in flow style (PyYAML's default_flow_style=None); false: block; true: flow. */
  flowStyle?: boolean | null;
  sortKeys?: boolean;
  width?: number;
  allowUnicode?: boolean;
  /**
   * Multi-line strings as `|-` literal blocks, cleaned as community.general.yaml's dumper cleans
   * them (trailing whitespace, tabs, non-printable characters dropped).
   */
  literalMultiline?: boolean;
}

const BLOCK_TRIGGERS = /[\n\r\x1c\x1d\x1e\x85\u2028\u2029]/;
const PRINTABLE = /[\t\n\r\x0b\x0c\x20-\x7e]/;

/** community.general.yaml's clean-up of a string it prints as a block. */
function cleanForBlock(value: string): string {
  let v = value.replace(/\s+$/, '');
  v = [...v].filter((ch) => PRINTABLE.test(ch) || ch.codePointAt(0)! >= 0xa0).join('');
  v = v.replace(/([^\n]*)/g, (line) => expandTabs(line));
  v = v.replace(/[\x0b\x0c\r]/g, '');
  return v.replace(/ +\n/g, '\n');
}

function expandTabs(line: string): string {
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
}

const RESOLVERS = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=)$/,
];

const BREAKS = '\n\x85\u2028\u2029';
const WHITESPACE = `\0 \t\r${BREAKS}`;

interface Analysis {
  empty: boolean;
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  single: boolean;
}

function analyze(s: string, allowUnicode: boolean): Analysis {
  if (!s) return { empty: true, multiline: false, flowPlain: false, blockPlain: true, single: true };
  const chars = [...s];
  let block = false;
  let flow = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  if (s.startsWith('---') || s.startsWith('...')) block = flow = true;
  let precededByWs = true;
  let followedByWs = chars.length === 1 || WHITESPACE.includes(chars[1]!);
  let previousSpace = false;
  let previousBreak = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) flow = block = true;
      if ('?:'.includes(ch)) {
        flow = true;
        if (followedByWs) block = true;
      }
      if (ch === '-' && followedByWs) flow = block = true;
    } else {
      if (',?[]{}'.includes(ch)) flow = true;
      if (ch === ':') {
        flow = true;
        if (followedByWs) block = true;
      }
      if (ch === '#' && precededByWs) flow = block = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const c = ch.codePointAt(0)!;
    if (!(ch === '\n' || (c >= 0x20 && c <= 0x7e))) {
      const unicode = (c === 0x85 || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c < 0x10ffff)) && c !== 0xfeff;
      if (!unicode || !allowUnicode) special = true;
    }
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = previousBreak = false;
    }
    precededByWs = WHITESPACE.includes(ch);
    followedByWs = i + 2 >= chars.length || WHITESPACE.includes(chars[i + 2]!);
  }
  let flowPlain = true;
  let blockPlain = true;
  let single = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) flowPlain = blockPlain = false;
  if (breakSpace) flowPlain = blockPlain = single = false;
  if (spaceBreak || special) flowPlain = blockPlain = single = false;
  if (lineBreaks) flowPlain = blockPlain = false;
  if (flow) flowPlain = false;
  if (block) blockPlain = false;
  return { empty: false, multiline: lineBreaks, flowPlain, blockPlain, single };
}

const ESCAPES: Record<string, string> = {
  '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\v': 'v', '\f': 'f', '\r': 'r',
  '\x1b': 'e', '"': '"', '\\': '\\', '\x85': 'N', '\xa0': '_', '\u2028': 'L', '\u2029': 'P',
};

function doubleQuoted(s: string, allowUnicode: boolean): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch in ESCAPES) out += `\\${ESCAPES[ch]}`;
    else if (c >= 0x20 && c <= 0x7e) out += ch;
    else if (allowUnicode && c > 0x7e && c !== 0xfeff && !(c >= 0xd800 && c <= 0xdfff)) out += ch;
    else if (c <= 0xff) out += `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (c <= 0xffff) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += `\\U${c.toString(16).toUpperCase().padStart(8, '0')}`;
  }
  return `${out}"`;
}

class Writer {
  text = '';
  column = 0;

  write(s: string): void {
    this.text += s;
    const nl = s.lastIndexOf('\n');
    this.column = nl >= 0 ? s.length - nl - 1 : this.column + s.length;
  }

  newline(indent: number): void {
    this.write(`\n${' '.repeat(indent)}`);
  }
}

export function pyYamlDump(value: unknown, options: YamlOptions = {}): string {
  const I = options.indent ?? 2;
  const flowStyle = options.flowStyle === undefined ? null : options.flowStyle;
  const sortKeys = options.sortKeys ?? true;
  const width = options.width ?? 80;
  const allowUnicode = options.allowUnicode ?? true;
  const w = new Writer();

  const keysOf = (d: Record<string, unknown>): string[] => (sortKeys ? Object.keys(d).sort() : Object.keys(d));
  const isScalar = (v: unknown): boolean => !Array.isArray(v) && !isDict(v);

  const check = (v: unknown): void => {
    if (v instanceof Undefined) throw v.error();
    if (v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) && !isDict(v) && !(v instanceof Date)) {
      throw new TemplateError(`cannot represent an object of type ${pyTypeName(v)} in YAML`);
    }
  };

  const flowEligible = (v: unknown): boolean => {
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    if (!children.length) return true;
    if (flowStyle === true) return true;
    if (flowStyle === false) return false;
    return children.every(isScalar);
  };

  /** Write a plain or single-quoted scalar, folding at single spaces past the width. */
  const writeFolded = (s: string, contIndent: number, quoted: boolean): void => {
    if (quoted) w.write("'");
    const chars = [...s];
    let i = 0;
    while (i < chars.length) {
      const ch = chars[i]!;
      if (ch === ' ') {
        let j = i;
        while (j < chars.length && chars[j] === ' ') j++;
        const single = j === i + 1;
        const atEdge = quoted && (i === 0 || j === chars.length);
        if (single && !atEdge && w.column > width) w.newline(contIndent);
        else w.write(chars.slice(i, j).join(''));
        i = j;
      } else if (ch === '\n') {
        let j = i;
        while (j < chars.length && chars[j] === '\n') j++;
        w.write('\n'.repeat(j - i + 1));
        w.write(' '.repeat(contIndent));
        i = j;
      } else {
        let j = i;
        while (j < chars.length && chars[j] !== ' ' && chars[j] !== '\n') j++;
        const word = chars.slice(i, j).join('');
        w.write(quoted ? word.replace(/'/g, "''") : word);
        i = j;
      }
    }
    if (quoted) w.write("'");
  };

  const scalarText = (v: unknown): { text: string; isString: boolean } => {
    check(v);
    if (v === null || v === undefined) return { text: 'null', isString: false };
    if (v === true) return { text: 'true', isString: false };
    if (v === false) return { text: 'false', isString: false };
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return { text: '.nan', isString: false };
      if (v === Infinity) return { text: '.inf', isString: false };
      if (v === -Infinity) return { text: '-.inf', isString: false };
      let t = formatNumber(v).toLowerCase();
      if (!t.includes('.') && t.includes('e')) t = t.replace('e', '.0e');
      return { text: t, isString: false };
    }
    if (v instanceof Date) return { text: formatDate(v), isString: false };
    return { text: String(v), isString: true };
  };

  /** Write a scalar; returns whether it was written plain. */
  const writeLiteral = (text: string, contIndent: number): void => {
    w.write(`|${/^[ \n\x85\u2028\u2029]/.test(text) ? I : ''}-`);
    for (const line of text.split('\n')) w.write(line ? `\n${' '.repeat(contIndent)}${line}` : '\n');
  };

  const writeScalar = (v: unknown, flow: boolean, simpleKey: boolean, contIndent: number): boolean => {
    const { text, isString } = scalarText(v);
    if (!isString) {
      w.write(text);
      return true;
    }
    if (options.literalMultiline && !flow && !simpleKey && BLOCK_TRIGGERS.test(text)) {
      const cleaned = cleanForBlock(text);
      if (cleaned) {
        writeLiteral(cleaned, contIndent);
        return false;
      }
      w.write('""');
      return false;
    }
    const a = analyze(text, allowUnicode);
    const implicitStr = !RESOLVERS.some((re) => re.test(text));
    if (implicitStr && !(simpleKey && (a.empty || a.multiline)) && (flow ? a.flowPlain : a.blockPlain)) {
      if (flow || simpleKey) w.write(text);
      else writeFolded(text, contIndent, false);
      return true;
    }
    if (a.single && !(simpleKey && a.multiline)) {
      if (flow || simpleKey) w.write(`'${text.replace(/'/g, "''")}'`);
      else writeFolded(text, contIndent, true);
      return false;
    }
    w.write(doubleQuoted(text, allowUnicode));
    return false;
  };

  const writeFlow = (v: unknown, contIndent: number): void => {
    check(v);
    if (Array.isArray(v)) {
      w.write('[');
      v.forEach((item, i) => {
        if (i) w.write(', ');
        if (isScalar(item)) writeScalar(item, true, false, contIndent);
        else writeFlow(item, contIndent);
      });
      w.write(']');
    } else {
      const d = v as Record<string, unknown>;
      w.write('{');
      keysOf(d).forEach((k, i) => {
        if (i) w.write(', ');
        writeScalar(k, true, true, contIndent);
        w.write(': ');
        const item = d[k];
        if (isScalar(item)) writeScalar(item, true, false, contIndent);
        else writeFlow(item, contIndent);
      });
      w.write('}');
    }
  };

  const writeValue = (v: unknown, indent: number, inSequence: boolean): void => {
    check(v);
    if (isScalar(v)) {
      w.write(' ');
      writeScalar(v, false, false, indent + I);
    } else if (flowEligible(v)) {
      w.write(' ');
      writeFlow(v, indent + I);
    } else if (inSequence) {
      w.write(' '.repeat(I - 1));
      if (Array.isArray(v)) writeSequence(v, indent + I);
      else writeMapping(v as Record<string, unknown>, indent + I);
    } else if (Array.isArray(v)) {
      w.newline(indent);
      writeSequence(v, indent);
    } else {
      w.newline(indent + I);
      writeMapping(v as Record<string, unknown>, indent + I);
    }
  };

  const writeMapping = (d: Record<string, unknown>, indent: number): void => {
    keysOf(d).forEach((k, i) => {
      if (i) w.newline(indent);
      writeScalar(k, false, true, indent + I);
      w.write(':');
      writeValue(d[k], indent, false);
    });
  };

  const writeSequence = (list: unknown[], indent: number): void => {
    list.forEach((item, i) => {
      if (i) w.newline(indent);
      w.write('-');
      writeValue(item, indent, true);
    });
  };

  check(value);
  if (isScalar(value)) {
    const plain = writeScalar(value, false, false, I);
    w.write('\n');
    if (plain) w.write('...\n');
    return w.text;
  }
  if (flowEligible(value)) writeFlow(value, I);
  else if (Array.isArray(value)) writeSequence(value, 0);
  else writeMapping(value as Record<string, unknown>, 0);
  w.write('\n');
  return w.text;
}
