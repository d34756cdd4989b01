/**
 * The templar: templates values, evaluates expressions and conditions, renders template files,
 * the way Ansible's Templar does (see docs/templating.md). Compiled templates are cached by source,
 * shared by every templar; a string without `{{`, `{%` or `{#` is returned as it is.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { FleetError } from '../errors.js';
import { literalEval } from '../inventory/pyliteral.js';
import { Args, splitCallArgs } from './args.js';
import {
  EXTENSIONS,
  compileExpression,
  compileTemplate,
  nunjucksMessage,
  parseTemplate,
  singleExpression,
  type ExpressionFn,
  type NameChecker,
  type Delimiters,
  type ParseOptions,
  type RootProps,
} from './compiler.js';
import { TemplateError, excerpt } from './errors.js';
import { FILTERS } from './filters/index.js';
import { renderHandlebars } from './handlebars.js';
import { isLazy } from './lazy-vars.js';
import { findFile } from './lookup-paths.js';
import { runLookup } from './lookups.js';
import { materialize } from './materialize.js';
import { Frame, nunjucks, runtime as njRuntime, type NjFrame } from './nunjucks.js';
import { strftime } from './pyformat.js';
import { isDict, pyIter, pyStr, toInt, truthy } from './python.js';
import { RenderContext, createRuntime, type Runtime, type RuntimeHost } from './runtime.js';
import { TEST_REGISTRY } from './tests.js';
import type { CallContext } from './types.js';
import { Undefined } from './undefined.js';

export interface TemplarOptions {
  /** Directory of the playbook: relative paths of lookups (file, template, fileglob, lines) resolve against searchPaths then this. */
  baseDir: string;
  /** Extra directories searched first for lookup('file'/'template') and includes (a role's files/ and templates/ dirs). */
  searchPaths?: string[];
}

export interface RenderTextOptions {
  /** The template's file name: `.hbs` renders with Handlebars; also named in errors. */
  fileName?: string;
  /** Jinja's trim_blocks (default true, as Ansible's template module). */
  trimBlocks?: boolean;
  /** Jinja's lstrip_blocks (default false, as Ansible's template module). */
  lstripBlocks?: boolean;
  /** Other delimiters than `{{ }}`, `{% %}`, `{# #}`. */
  delimiters?: Delimiters;
}

export interface Templar {
  /** Template a value: strings with {{ }} / {% %} / {# #} are rendered; arrays and plain objects recursively (keys too); other values unchanged. A string that is exactly one `{{ expr }}` returns the expression's native value. */
  template(value: unknown, vars: Record<string, unknown>): unknown;
  /** Evaluate a bare Jinja expression (`when:`, `changed_when:`, `until:`, `that:`, `debug: var=`) to its native value. */
  evaluate(expression: string, vars: Record<string, unknown>): unknown;
  /** A `when:`-style condition list (all must hold), with Ansible's truthiness. */
  conditional(conditions: string | boolean | (string | boolean)[] | undefined, vars: Record<string, unknown>): boolean;
  /** Render a template file's text: `.hbs` with Handlebars, anything else as Jinja (trim_blocks on, trailing newlines kept). */
  renderText(text: string, vars: Record<string, unknown>, options?: RenderTextOptions): string;
  /** A templar that searches these directories first. */
  withSearchPaths(paths: string[]): Templar;
  /** Run a lookup plugin as query() does (for with_<lookup> loops): always a list. */
  query(name: string, terms: unknown[], vars: Record<string, unknown>, kwargs?: Record<string, unknown>, options?: QueryOptions): unknown[];
}

export interface QueryOptions {
  /** The subdirectory relative paths are searched in first (first_found): `files` unless said. */
  subdir?: string;
}

/** The `omit` placeholder: the executor drops module arguments equal to it. */
export const OMIT = `__omit_place_holder__${randomBytes(20).toString('hex')}`;

/** Whether a string holds template syntax at all. */
export function isTemplate(value: string): boolean {
  return value.includes('{{') || value.includes('{%') || value.includes('{#');
}

const checker: NameChecker = { hasFilter: (n) => FILTERS.has(n), hasTest: (n) => TEST_REGISTRY.has(n) };

type Compiled = { kind: 'expr'; fn: ExpressionFn } | { kind: 'template'; props: RootProps };
type Mode = 'string' | 'file' | 'expression';

const cache = new Map<string, Compiled>();
const CACHE_LIMIT = 20_000;
const located = new WeakSet<Error>();

const BARE_VARIABLE = /^\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}$/;
const STRING_PARSE: ParseOptions = { rawStrings: true, trimBlocks: true, lstripBlocks: false };
const EXPRESSION_PARSE: ParseOptions = { rawStrings: false, trimBlocks: true, lstripBlocks: false };

/** The 1-based line of a nunjucks error: parse errors carry it, runtime errors (wrapping a cause) the 0-based one. */
function lineOf(err: unknown): number | undefined {
  const e = err as { lineno?: unknown; cause?: unknown } | null;
  const line = e?.lineno;
  if (typeof line !== 'number') return undefined;
  const oneBased = e?.cause ? line + 1 : line;
  return oneBased > 0 ? oneBased : undefined;
}

/** The error to show: what failed, and in which template (source excerpt, or file and line). */
function locate(err: unknown, source: string, file?: string): TemplateError {
  let inner: unknown = err;
  while (inner instanceof Error && !(inner instanceof FleetError) && (inner as { cause?: unknown }).cause) {
    inner = (inner as { cause?: unknown }).cause;
  }
  if (inner instanceof TemplateError && located.has(inner)) return inner;
  if (inner instanceof FleetError && !(inner instanceof TemplateError)) throw inner;
  const line = lineOf(err);
  const what = inner instanceof Error ? nunjucksMessage(inner) : String(inner);
  const variable = inner instanceof TemplateError ? inner.variable : undefined;
  const multiline = source.includes('\n');
  const place = file ? `'${file}'${line ? ` line ${line}` : ''}` : `'${excerpt(source)}'${multiline && line ? ` line ${line}` : ''}`;
  const message = variable !== undefined ? `${what} (in ${place})` : `template error in ${place}: ${what}`;
  const out = new TemplateError(message, { variable, context: file ? { file, ...(line ? { line } : {}) } : {} });
  located.add(out);
  return out;
}

function compile(source: string, mode: Mode, parse: ParseOptions, name: string): Compiled {
  const key = `${mode}${parse.trimBlocks ? 1 : 0}${parse.lstripBlocks ? 1 : 0}${parse.delimiters ? JSON.stringify(parse.delimiters) : ''}\0${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let compiled: Compiled;
  try {
    const root = parseTemplate(mode === 'expression' ? `{{ ${source}\n}}` : source, parse);
    const expr = mode === 'file' ? undefined : singleExpression(root);
    if (mode === 'expression' && !expr) throw new TemplateError('not a single expression');
    compiled = expr ? { kind: 'expr', fn: compileExpression(expr, checker) } : { kind: 'template', props: compileTemplate(root, name, checker) };
  } catch (err) {
    throw locate(err, source, mode === 'file' ? name : undefined);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/** A template loaded by include/import/extends: as Jinja's loader (keep_trailing_newline off), one trailing newline dropped. */
function loadedSource(path: string): string {
  return readFileSync(path, 'utf8').replace(/(\r\n|\r|\n)$/, '');
}

function topFrame(): NjFrame {
  const frame = new Frame();
  frame.topLevel = true;
  return frame;
}

/** vars with extra names on top, without copying vars (lazy proxies stay lazy). */
function overlay(vars: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(vars) as Record<string, unknown>, extra);
}

function pyRange(...args: unknown[]): number[] {
  const nums = args.map((a) => {
    const n = toInt(a);
    if (n === undefined) throw new TemplateError(`range() arguments must be integers, got ${pyStr(a)}`);
    return n;
  });
  const [start, stop, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
  if (step === 0) throw new TemplateError('range() arg 3 must not be zero');
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > 10_000_000) throw new TemplateError('range() too big');
  return Array.from({ length: count }, (_, i) => start + i * step);
}

function trailingNewlines(text: string): number {
  let n = 0;
  while (n < text.length && text[text.length - 1 - n] === '\n') n++;
  return n;
}

/** Filters whose text Ansible never reads as a literal (its STRING_TYPE_FILTERS), when last in a lone expression. */
const STRING_RESULT = /\|\s*(?:to_json|to_nice_json|to_yaml|to_nice_yaml)\s*(?:\([^()]*\))?\s*-?\}\}$/;

/**
 * Ansible's non-native templating: a result that reads `True`/`False` or starts with `[` or `{` and
 * parses as a Python (or JSON) literal becomes that value, unless a string filter made it.
 */
function asLiteral(value: unknown, source: string): unknown {
  if (typeof value !== 'string') return value;
  if (!(value === 'True' || value === 'False' || value.startsWith('[') || value.startsWith('{'))) return value;
  if (STRING_RESULT.test(source.trim())) return value;
  return literalEval(value, { jsonNames: true });
}

class TemplarImpl implements Templar {
  private readonly env: { globals: Record<string, unknown>; fx: Runtime; [key: string]: unknown };
  private readonly derived = new Map<string, TemplarImpl>();
  readonly baseDir: string;
  readonly searchPaths: string[];

  constructor(options: TemplarOptions) {
    this.baseDir = resolve(options.baseDir);
    this.searchPaths = (options.searchPaths ?? []).map((p) => resolve(this.baseDir, p));
    const loader = {
      getSource: (name: string) => {
        const path = this.findTemplate(name);
        if (!path) return null;
        const compiled = compile(loadedSource(path), 'file', EXPRESSION_PARSE, path);
        return { src: { type: 'code', obj: (compiled as { props: RootProps }).props }, path, noCache: true };
      },
    };
    const env = new nunjucks.Environment([loader], { autoescape: false, trimBlocks: true, lstripBlocks: false });
    for (const ext of EXTENSIONS) env.addExtension(ext.__name, ext);
    const host: RuntimeHost = {
      filters: FILTERS,
      tests: TEST_REGISTRY,
      callContext: (context) => this.callContext(context),
      include: (name, context, frame, ignoreMissing) => this.include(name, context, frame, ignoreMissing),
    };
    env.fx = createRuntime(host);
    env.globals = this.globals(env.globals as Record<string, unknown>);
    this.env = env;
  }

  private globals(base: Record<string, unknown>): Record<string, unknown> {
    const fx = (): Runtime => this.env.fx;
    const lookup = (wantlist: boolean) =>
      function (this: RenderContext, name: unknown, ...rest: unknown[]): unknown {
        if (name instanceof Undefined) throw name.error();
        const { positional, kwargs } = splitCallArgs(rest);
        return runLookup(pyStr(name), positional, kwargs, fx().callContext(this), wantlist);
      };
    return {
      cycler: base.cycler,
      joiner: base.joiner,
      range: pyRange,
      lookup: lookup(false),
      query: lookup(true),
      q: lookup(true),
      omit: OMIT,
      dict: (...args: unknown[]) => {
        const { positional, kwargs } = splitCallArgs(args);
        const out: Record<string, unknown> = {};
        for (const p of positional) {
          if (isDict(p)) Object.assign(out, p);
          else for (const pair of pyIter(p)) out[pyStr((pair as unknown[])[0])] = (pair as unknown[])[1];
        }
        return Object.assign(out, kwargs);
      },
      namespace: (...args: unknown[]) => {
        const { positional, kwargs } = splitCallArgs(args);
        return Object.assign({}, ...positional.filter(isDict), kwargs) as Record<string, unknown>;
      },
      now: (...args: unknown[]) => {
        const { positional, kwargs } = splitCallArgs(args);
        const a = new Args('now()', positional, kwargs);
        const utc = a.bool(0, 'utc', false);
        const fmt = a.str(1, 'fmt');
        const date = new Date();
        if (fmt !== undefined) return strftime(fmt, date, utc);
        return utc ? new Date(date.getTime() + date.getTimezoneOffset() * 60_000) : date;
      },
      undef: (hint?: unknown) => new Undefined('undef()', hint === undefined ? "'undef()' is undefined" : pyStr(hint)),
    };
  }

  private varsOf(context: RenderContext | { ctx?: Record<string, unknown> }): Record<string, unknown> {
    if (context instanceof RenderContext) return context.vars;
    return context.ctx ?? {};
  }

  private callContext(context: RenderContext, subdir?: string): CallContext {
    const templar = this;
    const applyFilter = (name: string, input: unknown, positional: unknown[] = [], kwargs: Record<string, unknown> = {}): unknown => {
      const def = FILTERS.get(name);
      if (!def) throw new TemplateError(`no filter named '${name}'`);
      if (!def.undefinedInput && input instanceof Undefined) throw input.error();
      return def.fn(input, new Args(`filter '${name}'`, positional, kwargs), cc);
    };
    const applyTest = (name: string, input: unknown, positional: unknown[] = [], kwargs: Record<string, unknown> = {}): boolean => {
      const def = TEST_REGISTRY.get(name);
      if (!def) throw new TemplateError(`no test named '${name}'`);
      if (!def.undefinedInput && input instanceof Undefined) throw input.error();
      return truthy(def.fn(input, new Args(`test '${name}'`, positional, kwargs), cc));
    };
    const cc: CallContext = {
      baseDir: this.baseDir,
      searchPaths: this.searchPaths,
      variable(name) {
        const value = typeof context.lookup === 'function' ? context.lookup(name) : templar.varsOf(context)[name];
        return value === undefined ? new Undefined(name) : value;
      },
      variableNames() {
        const vars = templar.varsOf(context);
        const names: string[] = [];
        for (const name in vars) names.push(name);
        return names;
      },
      filter: applyFilter,
      test: applyTest,
      hasFilter: (name) => FILTERS.has(name),
      hasTest: (name) => TEST_REGISTRY.has(name),
      renderFile(path, extra, options) {
        const vars = templar.varsOf(context);
        return templar.renderText(readFileSync(path, 'utf8'), extra ? overlay(vars, extra) : vars, { fileName: path, ...(options?.delimiters ? { delimiters: options.delimiters } : {}) });
      },
      template: (value) => templar.template(value, templar.varsOf(context)),
      ...(subdir ? { subdir } : {}),
    };
    return cc;
  }

  /** A template file for include/import/extends: beside the including file, then the search paths. */
  private findTemplate(name: string, fromDir?: string): string | undefined {
    if (isAbsolute(name)) return existsSync(name) ? name : undefined;
    const candidates: string[] = [];
    if (fromDir) candidates.push(join(fromDir, name));
    for (const dir of this.searchPaths) candidates.push(join(dir, name), join(dir, 'templates', name));
    candidates.push(join(this.baseDir, 'templates', name), join(this.baseDir, name));
    return candidates.find((c) => existsSync(c) && statSync(c).isFile());
  }

  private include(name: unknown, context: RenderContext, frame: NjFrame, ignoreMissing: boolean): string {
    const names = Array.isArray(name) ? name : [name];
    for (const n of names) {
      if (n instanceof Undefined) throw n.error();
      const path = this.findTemplate(pyStr(n), context.fileDir);
      if (!path) continue;
      const text = loadedSource(path);
      const compiled = compile(text, 'file', EXPRESSION_PARSE, path);
      const props = (compiled as { props: RootProps }).props;
      const child = new RenderContext(this.env, context.vars, props, context);
      child.fileDir = dirname(path);
      try {
        return this.run(props, child, frame.push());
      } catch (err) {
        throw locate(err, text, path);
      }
    }
    if (ignoreMissing) return '';
    throw new TemplateError(`template not found: ${names.map((n) => pyStr(n)).join(', ')}`);
  }

  private run(props: RootProps, context: RenderContext, frame: NjFrame): string {
    let output = '';
    let failure: unknown;
    let done = false;
    props.root(this.env, context, frame, njRuntime, (err: unknown, res: unknown) => {
      done = true;
      if (err) failure = err;
      else output = res as string;
    });
    if (failure !== undefined) throw failure;
    if (!done) throw new TemplateError('template did not render synchronously');
    return output;
  }

  template(value: unknown, vars: Record<string, unknown>): unknown {
    if (typeof value === 'string') return this.templateString(value, vars);
    if (Array.isArray(value)) {
      let changed = false;
      const out = value.map((item) => {
        const t = this.template(item, vars);
        if (t !== item) changed = true;
        return t;
      });
      return changed || isLazy(value) ? out : value;
    }
    if (isDict(value)) {
      let changed = false;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const item = value[key];
        const k = isTemplate(key) ? pyStr(this.templateString(key, vars)) : key;
        const t = this.template(item, vars);
        if (t !== item || k !== key) changed = true;
        out[k] = t;
      }
      return changed || isLazy(value) ? out : value;
    }
    return value;
  }

  private templateString(source: string, vars: Record<string, unknown>): unknown {
    if (!isTemplate(source)) return source;
    // As Ansible's templar: Jinja drops one trailing newline of the source, the result is read as a
    // Python literal where it looks like one, and a text result gets back the newlines it lacks.
    const body = source.replace(/(\r\n|\r|\n)$/, '');
    const value = asLiteral(this.renderString(body, vars), body);
    if (body === source || typeof value !== 'string') return value;
    const missing = trailingNewlines(source) - trailingNewlines(value);
    return missing > 0 ? value + '\n'.repeat(missing) : value;
  }

  private renderString(source: string, vars: Record<string, unknown>): unknown {
    const compiled = compile(source, 'string', STRING_PARSE, source);
    const context = new RenderContext(this.env, vars);
    try {
      if (compiled.kind === 'expr') {
        const value = materialize(compiled.fn(this.env, context, topFrame(), njRuntime));
        // A bare `{{ name }}` gives the variable itself. Anything else is rendered to text, as
        // Ansible's non-native templating does: None as '' (its finalize), a number as its digits
        // (`{{ 5 }}`, `{{ port | int }}` are the string "5"); containers and booleans come back
        // from their text as literals (asLiteral), so they keep their type.
        if (BARE_VARIABLE.test(source)) return value;
        if (value === null) return '';
        return typeof value === 'number' || typeof value === 'bigint' ? pyStr(value) : value;
      }
      return this.run(compiled.props, new RenderContext(this.env, vars, compiled.props), topFrame());
    } catch (err) {
      throw locate(err, source);
    }
  }

  evaluate(expression: string, vars: Record<string, unknown>): unknown {
    const text = String(expression).trim();
    if (isTemplate(text)) return this.template(text, vars);
    if (!text) throw new TemplateError('an empty expression cannot be evaluated');
    const compiled = compile(text, 'expression', EXPRESSION_PARSE, text);
    try {
      return materialize((compiled as { fn: ExpressionFn }).fn(this.env, new RenderContext(this.env, vars), topFrame(), njRuntime));
    } catch (err) {
      throw locate(err, text);
    }
  }

  conditional(conditions: string | boolean | (string | boolean)[] | undefined, vars: Record<string, unknown>): boolean {
    if (conditions === undefined || conditions === null) return true;
    const list = Array.isArray(conditions) ? conditions : [conditions];
    for (const condition of list) if (!this.condition(condition, vars)) return false;
    return true;
  }

  private condition(condition: unknown, vars: Record<string, unknown>): boolean {
    if (typeof condition === 'boolean') return condition;
    if (condition === null || condition === undefined) return true;
    if (typeof condition !== 'string') return truthy(condition);
    const text = condition.trim();
    if (!text) return true;
    if (!isTemplate(text)) return truthy(this.evaluate(text, vars));
    const value = this.template(text, vars);
    if (typeof value !== 'string') return truthy(value);
    const result = value.trim();
    const word = result.toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(word)) return true;
    if (['false', 'no', 'off', '0', '', 'none'].includes(word)) return false;
    try {
      compile(result, 'expression', EXPRESSION_PARSE, result);
    } catch {
      return truthy(result);
    }
    return truthy(this.evaluate(result, vars));
  }

  renderText(text: string, vars: Record<string, unknown>, options: RenderTextOptions = {}): string {
    const fileName = options.fileName;
    if (fileName?.endsWith('.hbs')) {
      const context = new RenderContext(this.env, vars);
      return renderHandlebars(text, vars, this.env.fx.callContext(context), FILTERS.keys(), fileName);
    }
    let trimBlocks = options.trimBlocks ?? true;
    let lstripBlocks = options.lstripBlocks ?? false;
    let source = text;
    const header = /^#jinja2:([^\n]*)\n/.exec(text);
    if (header) {
      source = text.slice(header[0].length);
      for (const part of header[1]!.split(',')) {
        const [k, v] = part.split(':').map((s) => s.trim());
        const on = ['true', 'yes', '1'].includes((v ?? '').toLowerCase());
        if (k === 'trim_blocks') trimBlocks = on;
        else if (k === 'lstrip_blocks') lstripBlocks = on;
      }
    }
    const name = fileName ?? 'template';
    const compiled = compile(source, 'file', { rawStrings: false, trimBlocks, lstripBlocks, ...(options.delimiters ? { delimiters: options.delimiters } : {}) }, name);
    const props = (compiled as { props: RootProps }).props;
    const context = new RenderContext(this.env, vars, props);
    if (fileName) context.fileDir = dirname(resolve(this.baseDir, fileName));
    try {
      return this.run(props, context, topFrame());
    } catch (err) {
      throw locate(err, source, name);
    }
  }

  withSearchPaths(paths: string[]): Templar {
    const key = paths.join('\0');
    let templar = this.derived.get(key);
    if (!templar) {
      templar = new TemplarImpl({ baseDir: this.baseDir, searchPaths: paths });
      this.derived.set(key, templar);
    }
    return templar;
  }

  query(name: string, terms: unknown[], vars: Record<string, unknown>, kwargs: Record<string, unknown> = {}, options: QueryOptions = {}): unknown[] {
    const context = new RenderContext(this.env, vars);
    const cc = options.subdir ? this.callContext(context, options.subdir) : this.env.fx.callContext(context);
    try {
      return materialize(runLookup(name, terms, kwargs, cc, true)) as unknown[];
    } catch (err) {
      // A loop's lookup fails with the lookup's own message, as Ansible's with_<lookup> does.
      if (err instanceof TemplateError) throw err;
      throw locate(err, `lookup('${name}')`);
    }
  }
}

export function createTemplar(options: TemplarOptions): Templar {
  return new TemplarImpl(options);
}

export { findFile };
