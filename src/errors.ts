/**
 * Every error fleet shows a user is a FleetError: a stable `code` for scripts and tests, a message
 * that says what went wrong and what to do, and where it is known, the host, file and line.
 */
export interface ErrorContext {
  host?: string;
  file?: string;
  line?: number;
  column?: number;
  task?: string;
  command?: string;
  rc?: number;
  stderr?: string;
  hint?: string;
}

export class FleetError extends Error {
  readonly code: string;
  readonly context: ErrorContext;

  constructor(code: string, message: string, context: ErrorContext = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.context = context;
  }

  /** The message with its location prefix and hint, as the CLI prints it. */
  describe(): string {
    const c = this.context;
    const where: string[] = [];
    if (c.file) where.push(c.line ? `${c.file}:${c.line}${c.column ? `:${c.column}` : ''}` : c.file);
    if (c.host) where.push(`host ${c.host}`);
    if (c.task) where.push(`task "${c.task}"`);
    const head = where.length ? `${where.join(', ')}: ` : '';
    return `${head}${this.message}${c.hint ? `\n  hint: ${c.hint}` : ''}`;
  }
}

/** Bad command-line options or arguments (exit code 2 as ansible's). */
export class UsageError extends FleetError {
  constructor(message: string, context: ErrorContext = {}) {
    super('USAGE', message, context);
  }
}

/** An inventory that cannot be read or parsed. */
export class InventoryError extends FleetError {
  constructor(message: string, context: ErrorContext = {}) {
    super('INVENTORY', message, context);
  }
}

/** A host that cannot be reached or authenticated to: reported UNREACHABLE. */
export class UnreachableError extends FleetError {
  constructor(message: string, context: ErrorContext = {}) {
    super('UNREACHABLE', message, context);
  }
}

/** A host whose key does not match what known_hosts says, or is unknown under strict checking. */
export class HostKeyError extends UnreachableError {
  constructor(message: string, context: ErrorContext = {}) {
    super(message, context);
    (this as { code: string }).code = 'HOST_KEY';
  }
}

/** Privilege escalation failed (wrong sudo password, sudo missing, user not allowed). */
export class BecomeError extends FleetError {
  constructor(message: string, context: ErrorContext = {}) {
    super('BECOME', message, context);
  }
}

/** A command could not be run or timed out on a reachable host. */
export class CommandError extends FleetError {
  constructor(message: string, context: ErrorContext = {}) {
    super('COMMAND', message, context);
  }
}

/** The lab fleet could not be started, inspected or stopped. */
export class LabError extends FleetError {
  constructor(message: string, context: ErrorContext = {}) {
    super('LAB', message, context);
  }
}
