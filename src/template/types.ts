/**
 * The contracts between the template runtime and the filters, tests and lookups it calls.
 */
import type { Args } from './args.js';
import type { Delimiters } from './compiler.js';

/** What a filter, test or lookup may ask of the template being rendered. */
export interface CallContext {
  /** The playbook directory: relative lookup paths resolve against searchPaths, then this. */
  readonly baseDir: string;
  /** Directories searched first (a role's files/ and templates/). */
  readonly searchPaths: readonly string[];
  /** A variable as the template sees it (an Undefined when it is not defined). */
  variable(name: string): unknown;
  /** The names of every variable the template sees (the varnames lookup). */
  variableNames?(): string[];
  /** Apply another filter (map, select...). */
  filter(name: string, input: unknown, positional?: unknown[], kwargs?: Record<string, unknown>): unknown;
  /** Apply a test (select, selectattr...). */
  test(name: string, input: unknown, positional?: unknown[], kwargs?: Record<string, unknown>): boolean;
  hasFilter(name: string): boolean;
  hasTest(name: string): boolean;
  /** Render a template file with the current variables (and these on top). */
  renderFile(path: string, extraVars?: Record<string, unknown>, options?: { delimiters?: Delimiters }): string;
  /** Template a value with the current variables. */
  template(value: unknown): unknown;
  /** The subdirectory a lookup searches first (`files`, or `templates`/`vars` for a with_first_found loop of template/include_vars). */
  readonly subdir?: string;
}

export interface FilterDef {
  fn: (input: unknown, args: Args, ctx: CallContext) => unknown;
  /** The filter handles an undefined input itself (default, mandatory). */
  undefinedInput?: boolean;
  /** The filter may be given undefined arguments (default's fallback value). */
  undefinedArgs?: boolean;
}

export interface TestDef {
  fn: (input: unknown, args: Args, ctx: CallContext) => boolean;
  /** The test handles an undefined input itself (defined, undefined). */
  undefinedInput?: boolean;
}

export interface LookupDef {
  /** Returns the list of results (lookup() joins them, query() returns them). */
  fn: (terms: unknown[], kwargs: Record<string, unknown>, ctx: CallContext) => unknown[];
}

export type FilterFn = FilterDef['fn'];
export type TestFn = TestDef['fn'];
