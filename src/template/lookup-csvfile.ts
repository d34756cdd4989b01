/**
 * The csvfile lookup as Ansible 2.14's: each term is the key to find in the first column, with
 * options as keywords or (deprecated) `k=v` words in the term; the file is read with Python's csv
 * rules (quotes, CRLF) and `col` of the first matching row is returned, else `default`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { parse as parseCsv } from 'csv-parse/sync';
import { parseKv } from '../util/kv.js';
import { TemplateError } from './errors.js';
import { findFile } from './lookup-paths.js';
import { pyStr } from './python.js';
import type { CallContext, LookupDef } from './types.js';

// Loaded by the first csvfile lookup rather than with the template engine (see handlebars.ts).
const require = createRequire(import.meta.url);
const csvParser = (): typeof parseCsv => (require('csv-parse/sync') as { parse: typeof parseCsv }).parse;

const OPTIONS = ['file', 'delimiter', 'col', 'default', 'encoding'] as const;
type Options = Record<(typeof OPTIONS)[number], unknown>;

function readRow(path: string, key: string, delimiter: string, encoding: string): string[] | undefined {
  let rows: string[][];
  try {
    const text = readFileSync(path).toString(encoding.toLowerCase().replace('-', '') === 'utf8' ? 'utf8' : (encoding as BufferEncoding));
    rows = csvParser()(text, { delimiter, relax_quotes: true, relax_column_count: true, skip_empty_lines: false, bom: true }) as string[][];
  } catch (err) {
    throw new TemplateError(`csvfile: ${err instanceof Error ? err.message : String(err)}`);
  }
  return rows.find((row) => row.length > 0 && row[0] === key);
}

function csvfile(terms: unknown[], kwargs: Record<string, unknown>, ctx: CallContext): unknown[] {
  for (const name of Object.keys(kwargs)) {
    if (!(OPTIONS as readonly string[]).includes(name)) throw new TemplateError(`${name} is not a valid option`);
  }
  const base: Options = { file: 'ansible.csv', delimiter: 'TAB', col: '1', default: null, encoding: 'utf-8', ...kwargs };
  const out: unknown[] = [];
  for (const term of terms) {
    const { params, raw } = parseKv(pyStr(term));
    if (raw === undefined) throw new TemplateError('Search key is required but was not found');
    const options: Options = { ...base };
    for (const [name, value] of Object.entries(params)) {
      if (!(OPTIONS as readonly string[]).includes(name)) throw new TemplateError(`${name} is not a valid option`);
      options[name as keyof Options] = value;
    }
    const delimiter = pyStr(options.delimiter) === 'TAB' ? '\t' : pyStr(options.delimiter);
    const file = findFile(ctx, 'files', pyStr(options.file));
    if (!file) throw new TemplateError(`csvfile: [Errno 2] No such file or directory: '${pyStr(options.file)}'`);
    const row = readRow(file, raw, delimiter, pyStr(options.encoding));
    const col = Number(pyStr(options.col));
    const value = row ? row[col] : options.default;
    if (row && value === undefined) throw new TemplateError(`csvfile: list index out of range`);
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) out.push(...value);
    else out.push(value);
  }
  return out;
}

export const CSVFILE_LOOKUP: LookupDef = { fn: csvfile };
