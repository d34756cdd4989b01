/**
 * Math filters: log, pow, root, human_readable, human_to_bytes.
 */
import { TemplateError } from '../errors.js';
import { pyStr, toFloat } from '../python.js';
import type { FilterDef } from '../types.js';

const SIZE_RANGES: [string, number][] = [
  ['Y', 2 ** 80], ['Z', 2 ** 70], ['E', 2 ** 60], ['P', 2 ** 50], ['T', 2 ** 40],
  ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10], ['B', 1],
];

function number(value: unknown, owner: string): number {
  const n = typeof value === 'number' ? value : toFloat(value);
  if (n === undefined) throw new TemplateError(`${owner} expects a number, got ${pyStr(value)}`);
  return n;
}

/** Ansible's bytes_to_human. */
export function bytesToHuman(size: number, isbits = false, unit?: string): string {
  const base = isbits ? 'bits' : 'Bytes';
  let suffix = 'B';
  let limit = 1;
  for ([suffix, limit] of SIZE_RANGES) {
    if ((unit === undefined && size >= limit) || (unit !== undefined && unit.toUpperCase() === suffix[0])) break;
  }
  const label = limit !== 1 ? suffix + base[0] : base;
  return `${(size / limit).toFixed(2)} ${label}`;
}

/** Ansible's human_to_bytes: '10M' -> 10485760, '1.5 KB' -> 1536, '8Mb' with isbits. */
export function humanToBytes(value: unknown, defaultUnit?: string, isbits = false): number {
  const m = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?\s*$/.exec(pyStr(value));
  if (!m || m[1] === '') throw new TemplateError(`human_to_bytes() can't interpret following string: ${pyStr(value)}`);
  const n = Number(m[1]);
  const unitText = m[2] ?? defaultUnit;
  if (!unitText) return Math.round(n);
  const letter = unitText[0]!.toUpperCase();
  const range = SIZE_RANGES.find(([s]) => s === letter);
  if (!range) throw new TemplateError(`human_to_bytes() failed to convert ${pyStr(value)}: unknown unit ${unitText}`);
  if (unitText.length > 1) {
    const tail = unitText.slice(-1);
    if (isbits ? tail !== 'b' : tail === 'b' && letter !== 'B') {
      throw new TemplateError(`human_to_bytes() failed to convert ${pyStr(value)}: value is not a valid string (expected ${isbits ? 'bits' : 'bytes'})`);
    }
  }
  return Math.round(n * range[1]);
}

export const mathFilters: Record<string, FilterDef> = {
  log: {
    fn: (v, a) => {
      const x = number(v, 'log');
      const base = a.value(0, 'base', null);
      return base === null ? Math.log(x) : Math.log(x) / Math.log(number(base, 'log'));
    },
  },
  pow: { fn: (v, a) => number(v, 'pow') ** number(a.value(0, 'x'), 'pow') },
  root: {
    fn: (v, a) => {
      const base = number(a.value(0, 'base', 2), 'root');
      const x = number(v, 'root');
      return base === 2 ? Math.sqrt(x) : x ** (1 / base);
    },
  },
  human_readable: {
    fn: (v, a) => bytesToHuman(number(v, 'human_readable'), a.bool(0, 'isbits', false), a.str(1, 'unit')),
  },
  human_to_bytes: {
    fn: (v, a) => humanToBytes(v, a.str(0, 'default_unit'), a.bool(1, 'isbits', false)),
  },
};
