/**
 * The sequence lookup as Ansible 2.14's: each term is the shortcut `[start-]end[/stride][:format]`
 * or `k=v` words (start, end, count, stride, format), numbers as Python's int(x, 0) reads them
 * (decimal, 0x, 0o, 0b), and Ansible's messages for every mistake.
 */
import { parseKv } from '../util/kv.js';
import { TemplateError } from './errors.js';
import { percentFormat } from './pyformat.js';
import { pyRepr, pyStr } from './python.js';
import type { LookupDef } from './types.js';

const NUM = '(0?x?[0-9a-f]+)';
const SHORTCUT = new RegExp(`^(${NUM}-)?${NUM}(/${NUM})?(:(.+))?$`, 'is');

/** Python's int(text, 0): a sign, then 0x/0o/0b or a decimal without leading zeros; `_` between digits. */
export function pyIntAuto(text: string): number | undefined {
  const m = /^\s*([-+]?)(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|0(?:_?0)*|[1-9](?:_?\d)*)\s*$/.exec(text);
  if (!m) return undefined;
  const body = m[2]!.replace(/_/g, '').toLowerCase();
  const sign = m[1] === '-' ? -1 : 1;
  if (body.startsWith('0x')) return sign * Number.parseInt(body.slice(2), 16);
  if (body.startsWith('0o')) return sign * Number.parseInt(body.slice(2), 8);
  if (body.startsWith('0b')) return sign * Number.parseInt(body.slice(2), 2);
  return sign * Number.parseInt(body, 10);
}

interface Spec {
  start: number;
  end?: number;
  count?: number;
  stride: number;
  format: string;
}

function parseInt0(name: string, raw: unknown): number {
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  const n = typeof raw === 'string' ? pyIntAuto(raw) : undefined;
  if (n === undefined) throw new TemplateError(`can't parse ${name}=${pyStr(raw)} as integer`);
  return n;
}

function parseShortcut(term: string, spec: Spec): boolean {
  const m = SHORTCUT.exec(term);
  if (!m) return false;
  const [, , start, end, , stride, , format] = m;
  if (start !== undefined) spec.start = parseInt0('start', start);
  if (end !== undefined) spec.end = parseInt0('end', end);
  if (stride !== undefined) spec.stride = parseInt0('stride', stride);
  if (format !== undefined) spec.format = format;
  return true;
}

function parseWords(term: string, spec: Spec): void {
  const { params, raw } = parseKv(term);
  const args: Record<string, unknown> = { ...params, ...(raw !== undefined ? { _raw_params: raw } : {}) };
  for (const key of ['start', 'end', 'count', 'stride'] as const) {
    const value = args[key];
    delete args[key];
    if (value === undefined) continue;
    spec[key] = parseInt0(key, value);
  }
  if ('format' in args) {
    spec.format = String(args.format);
    delete args.format;
  }
  const extra = Object.keys(args);
  if (extra.length) throw new TemplateError(`unrecognized arguments to with_sequence: ${pyRepr(extra)}`);
}

function check(spec: Spec): void {
  if (spec.count === undefined && spec.end === undefined) throw new TemplateError('must specify count or end in with_sequence');
  if (spec.count !== undefined && spec.end !== undefined) throw new TemplateError("can't specify both count and end in with_sequence");
  if (spec.count !== undefined) {
    if (spec.count !== 0) spec.end = spec.start + spec.count * spec.stride - 1;
    else {
      spec.start = 0;
      spec.end = 0;
      spec.stride = 0;
    }
  }
  if (spec.stride > 0 && spec.end! < spec.start) throw new TemplateError('to count backwards make stride negative');
  if (spec.stride < 0 && spec.end! > spec.start) throw new TemplateError("to count forward don't make stride negative");
  if ((spec.format.match(/%/g) ?? []).length !== 1) throw new TemplateError(`bad formatting string: ${spec.format}`);
}

function generate(spec: Spec): string[] {
  const out: string[] = [];
  if (spec.stride === 0) return out;
  const stop = spec.end! + (spec.stride > 0 ? 1 : -1);
  for (let i = spec.start; spec.stride > 0 ? i < stop : i > stop; i += spec.stride) {
    try {
      out.push(percentFormat(spec.format, i));
    } catch {
      throw new TemplateError(`problem formatting ${i} with ${pyRepr(spec.format)}`);
    }
  }
  return out;
}

function sequenceOf(term: unknown): string[] {
  const spec: Spec = { start: 1, stride: 1, format: '%d' };
  const text = pyStr(term);
  if (!parseShortcut(text, spec)) parseWords(text, spec);
  check(spec);
  return generate(spec);
}

export const SEQUENCE_LOOKUP: LookupDef = { fn: (terms) => terms.flatMap(sequenceOf) };
