/**
 * The one error the template layer throws: a template that cannot be compiled or rendered, most
 * often because it uses a variable that is not defined.
 */
import { FleetError, type ErrorContext } from '../errors.js';

export interface TemplateErrorOptions {
  /** The undefined variable (or `a.b` attribute path) when that is the cause. */
  variable?: string;
  context?: ErrorContext;
}

export class TemplateError extends FleetError {
  /** The undefined variable's name (or dotted path) when an undefined value is the cause. */
  readonly variable?: string;

  constructor(message: string, options: TemplateErrorOptions = {}) {
    super('TEMPLATE', message, options.context ?? {});
    if (options.variable !== undefined) this.variable = options.variable;
  }
}

/** Shorten a template source for messages. */
export function excerpt(source: string, max = 200): string {
  const oneLine = source.length > max ? `${source.slice(0, max)}...` : source;
  return oneLine;
}
