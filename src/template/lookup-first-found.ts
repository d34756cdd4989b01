/**
 * The first_found lookup as Ansible 2.14's: terms are file names, mappings `{files, paths, skip}`
 * or lists of those; files split on `,` and `;`, paths on `,`, `:` and `;`; each candidate is
 * searched as every lookup path is (findFile, in the lookup's subdir: files/, or templates/ or
 * vars/ in a with_first_found loop of template or include_vars). A candidate that names an
 * undefined variable is passed over.
 */
import { TemplateError } from './errors.js';
import { findFile } from './lookup-paths.js';
import { isDict, pyStr, truthy } from './python.js';
import type { CallContext, LookupDef } from './types.js';
import { Undefined } from './undefined.js';

type Kwargs = Record<string, unknown>;

function splitOn(value: unknown, separators: RegExp): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v) => splitOn(v, separators));
  if (value instanceof Undefined) throw value.error();
  return pyStr(value)
    .split(separators)
    .map((s) => s.trim());
}

interface Search {
  candidates: unknown[];
  skip: boolean;
}

function collect(terms: unknown[], kwargs: Kwargs): Search {
  let candidates: unknown[] = [];
  let skip = false;
  for (const term of terms) {
    let options: Kwargs;
    if (isDict(term)) options = term;
    else if (typeof term === 'string') options = kwargs;
    else if (Array.isArray(term)) {
      const inner = collect(term, kwargs);
      candidates.push(...inner.candidates);
      skip = inner.skip;
      continue;
    } else if (term instanceof Undefined) throw term.error();
    else throw new TemplateError(`Invalid term supplied, can handle string, mapping or list of strings but got: ${typeof term} for ${pyStr(term)}`);
    const files = splitOn(options.files ?? options.file, /[,;]/);
    const paths = splitOn(options.paths ?? options.path, /[,:;]/);
    skip = truthy(options.skip ?? false);
    if (paths.length) {
      for (const path of paths) for (const file of files) candidates.push(path ? `${path.replace(/\/+$/, '')}/${file}` : file);
    } else if (files.length) {
      // As Ansible's: a term's files replace what earlier terms added.
      candidates = [...files];
    } else candidates.push(term);
  }
  return { candidates, skip };
}

function firstFound(terms: unknown[], kwargs: Kwargs, ctx: CallContext): unknown[] {
  const { candidates, skip } = collect(terms, kwargs);
  for (const candidate of candidates) {
    let name: unknown;
    try {
      name = ctx.template(candidate);
    } catch (err) {
      if (err instanceof TemplateError && err.variable !== undefined) continue;
      throw err;
    }
    if (typeof name !== 'string' || name === '') continue;
    const found = findFile(ctx, ctx.subdir ?? 'files', name);
    if (found) return [found];
  }
  if (skip) return [];
  throw new TemplateError('No file was found when using first_found.');
}

export const FIRST_FOUND_LOOKUP: LookupDef = { fn: firstFound };
