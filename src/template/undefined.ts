/**
 * Ansible's StrictUndefined: a missing variable or attribute is a value that may be tested
 * (`is defined`), defaulted (`| default(...)`) or passed around, but fails the template as soon as
 * it is printed, iterated, compared, called or used in arithmetic. Attribute access on it yields
 * itself, so `foo.bar.baz | default(1)` works when `foo` is undefined and the error names `foo`.
 */
import { TemplateError } from './errors.js';

export class Undefined {
  /**
   * @param name the variable or attribute path that is undefined (`foo`, `d.missing`)
   * @param hint the message when it is not "'name' is undefined" (missing attribute, empty list...)
   */
  constructor(
    readonly name: string,
    readonly hint?: string,
  ) {}

  message(): string {
    return this.hint ?? `'${this.name}' is undefined`;
  }

  error(): TemplateError {
    return new TemplateError(this.message(), { variable: this.name });
  }

  toString(): string {
    throw this.error();
  }
}

export function isUndefined(value: unknown): value is Undefined {
  return value instanceof Undefined;
}

/** Throw when the value is undefined; return it otherwise. */
export function defined<T>(value: T): Exclude<T, Undefined> {
  if (value instanceof Undefined) throw value.error();
  return value as Exclude<T, Undefined>;
}
