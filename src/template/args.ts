/**
 * Arguments of a filter, test, lookup or Python method call: positional values and keyword
 * arguments (`join(d=',')`, `sort(attribute='name')`), read the way Python binds them.
 */
import { TemplateError } from './errors.js';
import { truthy } from './python.js';
import { Undefined } from './undefined.js';

const KEYWORDS = '__keywords';

/** nunjucks passes keyword arguments as a last object flagged `__keywords`. */
export function splitCallArgs(args: unknown[]): { positional: unknown[]; kwargs: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (last !== null && typeof last === 'object' && Object.prototype.hasOwnProperty.call(last, KEYWORDS)) {
    const kwargs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(last)) if (k !== KEYWORDS) kwargs[k] = v;
    return { positional: args.slice(0, -1), kwargs };
  }
  return { positional: args, kwargs: {} };
}

export class Args {
  constructor(
    /** "filter 'join'", for messages. */
    readonly owner: string,
    readonly positional: unknown[],
    readonly kwargs: Record<string, unknown> = {},
  ) {}

  /** Whether the argument was given, by position or by name. */
  has(index: number, name: string): boolean {
    return name in this.kwargs || index < this.positional.length;
  }

  /** The argument at `index` or named `name`, else the default. */
  get(index: number, name: string, fallback?: unknown): unknown {
    if (name in this.kwargs) return this.kwargs[name];
    if (index >= 0 && index < this.positional.length) return this.positional[index];
    return fallback;
  }

  /** Like get, failing on an undefined value. */
  value(index: number, name: string, fallback?: unknown): unknown {
    const v = this.get(index, name, fallback);
    if (v instanceof Undefined) throw v.error();
    return v;
  }

  bool(index: number, name: string, fallback = false): boolean {
    return truthy(this.value(index, name, fallback));
  }

  str(index: number, name: string, fallback?: string): string | undefined {
    const v = this.value(index, name, fallback);
    if (v === undefined || v === null) return fallback;
    return String(v);
  }

  num(index: number, name: string, fallback?: number): number | undefined {
    const v = this.value(index, name, fallback);
    if (v === undefined || v === null) return fallback;
    const n = Number(v);
    if (Number.isNaN(n)) throw new TemplateError(`${this.owner}: '${name}' must be a number, got ${String(v)}`);
    return n;
  }

  /** Positional arguments from `index` on. */
  rest(index: number): unknown[] {
    return this.positional.slice(index);
  }

  /** Fail on keyword arguments other than these. */
  only(...names: string[]): void {
    for (const k of Object.keys(this.kwargs)) {
      if (!names.includes(k)) throw new TemplateError(`${this.owner} got an unexpected keyword argument '${k}'`);
    }
  }
}
