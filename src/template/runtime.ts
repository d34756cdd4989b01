/**
 * What compiled templates call (`env.fx.*`, see compiler.ts), and the render context they read
 * variables from. Every operation follows Python: StrictUndefined lookups, truthiness, `==`,
 * ordering, `+`, `in`, `%`, slices, methods on strings, lists and dicts.
 */
import { Args, splitCallArgs } from './args.js';
import { TemplateError } from './errors.js';
import { pythonAttribute, pythonMethod } from './methods.js';
import type { NjFrame } from './nunjucks.js';
import { percentFormat } from './pyformat.js';
import {
  compareOp,
  isDict,
  objectDescription,
  outputString,
  pyAdd,
  pyContains,
  pyDiv,
  pyFloorDiv,
  pyIter,
  pyMod,
  pyMul,
  pyNeg,
  pyPos,
  pyPow,
  pyStr,
  pySub,
  pyTypeName,
  truthy,
} from './python.js';
import type { CallContext, FilterDef, TestDef } from './types.js';
import { Undefined } from './undefined.js';

type Block = (...args: unknown[]) => void;

/** A variable of a vars object, or undefined when it is not there (inherited Object members are not variables). */
export function readVar(vars: Record<string, unknown>, name: string): unknown {
  const value = vars[name];
  if (value === undefined) return undefined;
  if (Object.prototype.hasOwnProperty.call(Object.prototype, name) && value === (Object.prototype as Record<string, unknown>)[name]) {
    return undefined;
  }
  return value;
}

/**
 * The context a template renders in: the caller's variables (never copied, never written), the
 * names set with `{% set %}` at the top level, the environment's globals.
 */
export class RenderContext {
  readonly ctx: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  readonly blocks: Record<string, Block[]> = {};
  readonly exported: string[] = [];
  /** The call context handed to filters, tests and lookups, made when first needed. */
  callContext?: CallContext;
  /** The directory of the template file being rendered, searched first by `{% include %}`. */
  fileDir?: string;

  constructor(
    readonly env: { globals: Record<string, unknown>; fx: Runtime },
    readonly vars: Record<string, unknown>,
    blocks: Record<string, unknown> = {},
    readonly parent?: RenderContext,
  ) {
    for (const [key, fn] of Object.entries(blocks)) {
      if (key.startsWith('b_')) this.addBlock(key.slice(2), fn as Block);
    }
  }

  lookup(name: string): unknown {
    if (name in this.ctx) return this.ctx[name];
    if (this.parent) return this.parent.lookup(name);
    const value = readVar(this.vars, name);
    if (value !== undefined) return value;
    return Object.prototype.hasOwnProperty.call(this.env.globals, name) ? this.env.globals[name] : undefined;
  }

  setVariable(name: string, value: unknown): void {
    this.ctx[name] = value;
  }

  getVariables(): Record<string, unknown> {
    return { ...(this.parent ? this.parent.getVariables() : this.vars), ...this.ctx };
  }

  addBlock(name: string, block: Block): this {
    (this.blocks[name] ??= []).push(block);
    return this;
  }

  getBlock(name: string): Block {
    const block = this.blocks[name]?.[0];
    if (!block) throw new TemplateError(`unknown block "${name}"`);
    return block;
  }

  getSuper(env: unknown, name: string, block: Block, frame: unknown, runtime: unknown, cb: unknown): void {
    const list = this.blocks[name] ?? [];
    const next = list[list.indexOf(block) + 1];
    if (!list.includes(block) || !next) throw new TemplateError(`no super block available for "${name}"`);
    next(env, this, frame, runtime, cb);
  }

  addExport(name: string): void {
    this.exported.push(name);
  }

  getExported(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const name of this.exported) out[name] = this.ctx[name];
    return out;
  }
}

export interface RuntimeHost {
  readonly filters: ReadonlyMap<string, FilterDef>;
  readonly tests: ReadonlyMap<string, TestDef>;
  /** The call context for filters, tests and lookups rendering in this context. */
  callContext(context: RenderContext): CallContext;
  /** Render `{% include name %}` in the including template's context. */
  include(name: unknown, context: RenderContext, frame: NjFrame, ignoreMissing: boolean): string;
}

function checkDefined(value: unknown): void {
  if (value instanceof Undefined) throw value.error();
}

function dictKey(key: unknown): string {
  checkDefined(key);
  if (typeof key === 'string') return key;
  if (typeof key === 'number') return String(key);
  return pyStr(key);
}

function index(length: number, key: number): number | undefined {
  if (!Number.isInteger(key)) return undefined;
  const i = key < 0 ? key + length : key;
  return i >= 0 && i < length ? i : undefined;
}

/** Python's seq[start:stop:step] on a list or string. */
export function pySlice(value: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  checkDefined(value);
  for (const part of [start, stop, step]) checkDefined(part);
  const isString = typeof value === 'string';
  if (!isString && !Array.isArray(value)) throw new TemplateError(`'${pyTypeName(value)}' object is not subscriptable`);
  const seq: unknown[] = isString ? [...(value as string)] : (value as unknown[]);
  const n = seq.length;
  const s = step === null || step === undefined ? 1 : Number(step);
  if (s === 0) throw new TemplateError('slice step cannot be zero');
  const out: unknown[] = [];
  if (s > 0) {
    const norm = (x: unknown, dflt: number): number => {
      if (x === null || x === undefined) return dflt;
      const v = Number(x);
      return v < 0 ? Math.max(0, v + n) : Math.min(v, n);
    };
    for (let i = norm(start, 0), hi = norm(stop, n); i < hi; i += s) out.push(seq[i]);
  } else {
    const norm = (x: unknown, dflt: number): number => {
      if (x === null || x === undefined) return dflt;
      const v = Number(x);
      return v < 0 ? Math.max(-1, v + n) : Math.min(v, n - 1);
    };
    for (let i = norm(start, n - 1), lo = norm(stop, -1); i > lo; i += s) out.push(seq[i]);
  }
  return isString ? out.join('') : out;
}

export function createRuntime(host: RuntimeHost) {
  const runtime = {
    lookup(context: RenderContext, frame: NjFrame, name: string): unknown {
      const local = frame.lookup(name);
      if (local !== undefined) return local;
      const value = context.lookup(name);
      return value === undefined ? new Undefined(name) : value;
    },

    member(obj: unknown, key: unknown, path: string): unknown {
      if (obj instanceof Undefined) return obj;
      checkDefined(key);
      if (obj === null || obj === undefined) {
        return new Undefined(path, `'None' has no attribute '${pyStr(key)}'`);
      }
      if (typeof key === 'number') {
        if (Array.isArray(obj)) {
          const i = index(obj.length, key);
          return i === undefined ? new Undefined(path, `list object has no element ${key}`) : obj[i];
        }
        if (typeof obj === 'string') {
          const chars = [...obj];
          const i = index(chars.length, key);
          return i === undefined ? new Undefined(path, `str object has no element ${key}`) : chars[i];
        }
        key = String(key);
      }
      if (typeof key === 'boolean' || key === null) key = pyStr(key);
      if (typeof key !== 'string') {
        throw new TemplateError(`unhashable type: '${pyTypeName(key)}'`);
      }
      if (isDict(obj)) {
        if (Object.prototype.hasOwnProperty.call(obj, key)) {
          const value = obj[key];
          if (value !== undefined) return value;
        }
      } else if (Array.isArray(obj)) {
        if (/^-?\d+$/.test(key)) return runtime.member(obj, Number(key), path);
        if (Object.prototype.hasOwnProperty.call(obj, key) && key !== 'length') return (obj as unknown as Record<string, unknown>)[key];
      } else if (typeof obj === 'object' || typeof obj === 'function') {
        const attribute = pythonAttribute(obj, key);
        if (attribute !== undefined) return attribute;
        if (!(obj instanceof Date) && key in (obj as object)) {
          const value = (obj as Record<string, unknown>)[key];
          if (typeof value === 'function') return (value as (...a: unknown[]) => unknown).bind(obj);
          if (value !== undefined) return value;
        }
      } else {
        const attribute = pythonAttribute(obj, key);
        if (attribute !== undefined) return attribute;
      }
      const method = pythonMethod(obj, key);
      if (method) return method;
      return new Undefined(path, `${objectDescription(obj)} has no attribute '${key}'`);
    },

    slice: pySlice,

    call(fn: unknown, name: string, context: unknown, args: unknown[]): unknown {
      if (fn instanceof Undefined) throw fn.error();
      if (typeof fn !== 'function') throw new TemplateError(`'${name}' is not callable (it is a ${pyTypeName(fn)})`);
      return (fn as (...a: unknown[]) => unknown).apply(context, args);
    },

    filter(name: string, context: RenderContext, args: unknown[]): unknown {
      const def = host.filters.get(name);
      if (!def) throw new TemplateError(`no filter named '${name}'`);
      const [input, ...rest] = args;
      if (!def.undefinedInput) checkDefined(input);
      const { positional, kwargs } = splitCallArgs(rest);
      if (!def.undefinedArgs) {
        for (const a of positional) checkDefined(a);
        for (const a of Object.values(kwargs)) checkDefined(a);
      }
      return def.fn(input, new Args(`filter '${name}'`, positional, kwargs), runtime.callContext(context));
    },

    test(name: string, context: RenderContext, value: unknown, args: unknown[]): boolean {
      const def = host.tests.get(name);
      if (!def) throw new TemplateError(`no test named '${name}'`);
      if (!def.undefinedInput) checkDefined(value);
      const { positional, kwargs } = splitCallArgs(args);
      for (const a of positional) checkDefined(a);
      return truthy(def.fn(value, new Args(`test '${name}'`, positional, kwargs), runtime.callContext(context)));
    },

    callContext(context: RenderContext): CallContext {
      if (context instanceof RenderContext) return (context.callContext ??= host.callContext(context));
      return host.callContext(context as RenderContext);
    },

    out(value: unknown): string {
      if (value instanceof Undefined) throw value.error();
      return outputString(value);
    },

    truthy,

    or(left: unknown, right: () => unknown): unknown {
      return truthy(left) ? left : right();
    },

    and(left: unknown, right: () => unknown): unknown {
      return truthy(left) ? right() : left;
    },

    compare(first: unknown, rest: unknown[]): boolean {
      let left = first;
      for (let i = 0; i < rest.length; i += 2) {
        const right = rest[i + 1];
        if (!compareOp(rest[i] as string, left, right)) return false;
        left = right;
      }
      return true;
    },

    contains: pyContains,
    add: pyAdd,
    sub: pySub,
    mul: pyMul,
    div: pyDiv,
    floordiv: pyFloorDiv,
    mod: (a: unknown, b: unknown) => pyMod(a, b, percentFormat),
    pow: pyPow,
    neg: pyNeg,
    pos: pyPos,
    concat(a: unknown, b: unknown): string {
      checkDefined(a);
      checkDefined(b);
      return pyStr(a) + pyStr(b);
    },

    dict(flat: unknown[]): Record<string, unknown> {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < flat.length; i += 2) out[dictKey(flat[i])] = flat[i + 1];
      return out;
    },

    /** The items a for loop walks; a dict gives its keys, or (key, value) pairs to two names. */
    iter(value: unknown, names: number): unknown[] {
      if (isDict(value) && names >= 2) return Object.keys(value).map((k) => [k, value[k]]);
      if (value === null || value === undefined) throw new TemplateError("'NoneType' object is not iterable");
      return pyIter(value);
    },

    /** Python's tuple unpacking of one value into `count` names. */
    unpack(value: unknown, count: number): unknown[] {
      const items = isDict(value) ? Object.keys(value) : pyIter(value);
      if (items.length > count) throw new TemplateError(`too many values to unpack (expected ${count})`);
      if (items.length < count) throw new TemplateError(`not enough values to unpack (expected ${count}, got ${items.length})`);
      return items;
    },

    cycler(i: number) {
      return (...items: unknown[]) => items[i % items.length];
    },

    undef(hint: string, name = '(expression)'): Undefined {
      return new Undefined(name, hint);
    },

    setattr(obj: unknown, key: unknown, value: unknown): void {
      checkDefined(obj);
      if (!isDict(obj)) throw new TemplateError(`cannot assign attribute on a ${pyTypeName(obj)}`);
      obj[dictKey(key)] = value;
    },

    include(name: unknown, context: RenderContext, frame: NjFrame, ignoreMissing: boolean): string {
      return host.include(name, context, frame, ignoreMissing);
    },
  };
  return runtime;
}

export type Runtime = ReturnType<typeof createRuntime>;
