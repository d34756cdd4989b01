/**
 * The contract every pipeline handler follows (docs/pipeline.md): a name, a validator the API runs
 * before a job is queued (so bad input is a 4xx, never a failed job), and `run`, which the worker
 * calls. Handlers never touch Redis or the network themselves except through what the context
 * gives them (the caption handler fetches the image it was given a URL for).
 */

/** Input a handler refuses: the API answers 400 with this message; a worker fails the job. */
export class HandlerInputError extends Error {
  constructor(
    message: string,
    /** The input field at fault, e.g. `lines` or `url`. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HandlerInputError';
  }
}

/** A job that cannot succeed however often it is retried (no model, an unreadable image). */
export class HandlerFailure extends Error {
  constructor(
    message: string,
    /** Retrying cannot help: the worker fails the job at once (BullMQ UnrecoverableError). */
    readonly permanent = true,
  ) {
    super(message);
    this.name = 'HandlerFailure';
  }
}

/**
 * Memory shared by every worker of the pipeline (a Redis set in production, a Set in tests):
 * `addNew` records the keys and returns those that had never been recorded before, atomically per key.
 */
export interface SeenStore {
  addNew(namespace: string, keys: readonly string[]): Promise<string[]>;
}

export interface HandlerContext {
  seen: SeenStore;
  /** Aborted when the job must stop (worker shutting down, job timeout). */
  signal: AbortSignal;
  /** Where the caption model directory is looked for (FLEET_MODEL_DIR). */
  modelDir: string;
}

export interface Handler<I, O> {
  readonly name: string;
  /** Checks and normalizes untrusted input (from JSON); throws HandlerInputError. Pure and cheap. */
  validate(input: unknown): I;
  run(input: I, ctx: HandlerContext): Promise<O>;
}
