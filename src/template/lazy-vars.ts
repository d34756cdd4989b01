/**
 * Variables templated when they are used, not when they are defined, as Ansible does: a proxy
 * over the vars whose string values that hold template syntax render (against the same proxy) each
 * time they are read, and whose nested dicts and lists are proxies too. A variable that needs
 * itself fails with "recursive loop detected in template for 'x'".
 *
 * Objects that are already lazy (another host's vars in hostvars) are handed out as they are, so
 * they keep rendering against their own variables. Objects marked unsafe (registered results, as
 * Ansible wraps them) are data: their strings are never rendered, even when they hold `{{`.
 */
import { TemplateError } from './errors.js';
import { isDict } from './python.js';

/** Answered `true` by every lazy proxy; the raw target under RAW. */
export const LAZY: unique symbol = Symbol('fleet.template.lazy');
export const RAW: unique symbol = Symbol('fleet.template.raw');
const UNSAFE: unique symbol = Symbol('fleet.template.unsafe');

/** Marks a value as data that is never templated again (Ansible's AnsibleUnsafe), in place. */
export function markUnsafe<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.prototype.hasOwnProperty.call(value, UNSAFE)) {
    Object.defineProperty(value, UNSAFE, { value: true, enumerable: false });
  }
  return value;
}

function isUnsafe(value: object): boolean {
  return (value as { [UNSAFE]?: boolean })[UNSAFE] === true;
}

export interface TemplateRenderer {
  template(value: unknown, vars: Record<string, unknown>): unknown;
}

export function isLazy(value: unknown): boolean {
  return value !== null && typeof value === 'object' && (value as { [LAZY]?: boolean })[LAZY] === true;
}

function hasTemplate(s: string): boolean {
  return s.includes('{{') || s.includes('{%') || s.includes('{#');
}

export function lazyVars(vars: Record<string, unknown>, templar: TemplateRenderer): Record<string, unknown> {
  if (isLazy(vars)) return vars;
  const resolving = new Set<string>();
  const proxies = new WeakMap<object, object>();
  let root: Record<string, unknown>;

  const wrap = (value: object, path: string, unsafe = false): object => {
    if (isLazy(value)) return value;
    const cached = proxies.get(value);
    if (cached) return cached;
    const proxy = new Proxy(value, handler(path, unsafe || isUnsafe(value)));
    proxies.set(value, proxy);
    return proxy;
  };

  const resolve = (value: unknown, path: string, unsafe: boolean): unknown => {
    if (typeof value === 'string') {
      if (unsafe || !hasTemplate(value)) return value;
      if (resolving.has(path)) throw new TemplateError(`recursive loop detected in template for '${path}'`, { variable: path });
      resolving.add(path);
      try {
        return templar.template(value, root);
      } finally {
        resolving.delete(path);
      }
    }
    if (value !== null && typeof value === 'object' && (Array.isArray(value) || isDict(value))) return wrap(value, path, unsafe);
    return value;
  };

  const handler = (path: string, unsafe: boolean): ProxyHandler<object> => ({
    get(target, key, receiver) {
      if (key === LAZY) return true;
      if (key === RAW) return target;
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof key === 'symbol' || typeof value === 'function') return value;
      if (Array.isArray(target) && key === 'length') return value;
      return resolve(value, path ? `${path}.${key}` : key, unsafe);
    },
  });

  root = wrap(vars, '') as Record<string, unknown>;
  return root;
}
