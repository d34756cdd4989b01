/**
 * Handlebars for `.hbs` template files: every variable in scope, HTML escaping off (these are
 * config files), strict about undefined output (`{{missing}}` fails as in Jinja; `{{#if missing}}`
 * is false), and every fleet filter as a helper (`{{default port 80}}`, `{{join hosts ","}}`,
 * `{{to_json data}}`, `{{upper name}}`), plus comparison helpers for conditions
 * (`{{#if (eq env "prod")}}`): eq, ne, lt, le, gt, ge, and, or, not.
 */
import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';
import { TemplateError } from './errors.js';
import { compareOp, pyEquals, truthy } from './python.js';
import type { CallContext } from './types.js';
import { Undefined } from './undefined.js';

type HelperOptions = Handlebars.HelperOptions & { data: { fleet: CallContext } };

const BUILTIN_HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log', 'blockHelperMissing', 'helperMissing']);

// Handlebars (with the source-map library under it) is large and only `.hbs` files need it: it is
// loaded on the first one, not with the template engine.
const require = createRequire(import.meta.url);

let instance: typeof Handlebars | undefined;
const compiled = new Map<string, Handlebars.TemplateDelegate>();

function filterHelper(name: string) {
  return function (this: unknown, ...args: unknown[]): unknown {
    const options = args.pop() as HelperOptions;
    const ctx = options.data.fleet;
    const [input, ...rest] = args;
    const value = input === undefined ? new Undefined('(value)', `helper '${name}' was given an undefined value`) : input;
    return ctx.filter(name, value, rest, { ...(options.hash as Record<string, unknown>) });
  };
}

function compare(op: string) {
  return (a: unknown, b: unknown): boolean => compareOp(op, a ?? null, b ?? null);
}

function env(filterNames: Iterable<string>): typeof Handlebars {
  if (instance) return instance;
  const hb = (require('handlebars') as typeof Handlebars).create();
  for (const name of filterNames) {
    if (name.includes('.') || BUILTIN_HELPERS.has(name)) continue;
    hb.registerHelper(name, filterHelper(name));
  }
  hb.registerHelper({
    eq: (a: unknown, b: unknown) => pyEquals(a ?? null, b ?? null),
    ne: (a: unknown, b: unknown) => !pyEquals(a ?? null, b ?? null),
    lt: compare('<'),
    le: compare('<='),
    gt: compare('>'),
    ge: compare('>='),
    and: (...args: unknown[]) => args.slice(0, -1).every((x) => truthy(x ?? null)),
    or: (...args: unknown[]) => args.slice(0, -1).some((x) => truthy(x ?? null)),
    not: (a: unknown) => !truthy(a ?? null),
    json: filterHelper('to_json'),
  });
  instance = hb;
  return hb;
}

/** Render a Handlebars template with the variables; filters run through the call context. */
export function renderHandlebars(text: string, vars: Record<string, unknown>, ctx: CallContext, filterNames: Iterable<string>, fileName = 'template'): string {
  const hb = env(filterNames);
  let template = compiled.get(text);
  try {
    if (!template) {
      template = hb.compile(text, { noEscape: true, strict: true });
      if (compiled.size > 500) compiled.clear();
      compiled.set(text, template);
    }
    return template(vars, { data: { fleet: ctx } });
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    const missing = /^"(.+)" not defined in .* - (\d+):(\d+)$/.exec(message);
    if (missing) {
      throw new TemplateError(`'${missing[1]}' is undefined (in '${fileName}' line ${missing[2]})`, {
        variable: missing[1]!,
        context: { file: fileName, line: Number(missing[2]) },
      });
    }
    throw new TemplateError(`template error in '${fileName}': ${message.split('\n').join(' ')}`, { context: { file: fileName } });
  }
}
