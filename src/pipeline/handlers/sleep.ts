/**
 * A diagnostic handler: waits `ms` (at most a minute), then succeeds, or fails when `fail` is set
 * ('retry': a retryable error, 'permanent': no retries). Load and fault tests use it to hold a job
 * on a worker for a known time.
 */
import { HandlerFailure, HandlerInputError, type Handler } from './types.js';

export interface SleepInput {
  ms: number;
  fail?: 'retry' | 'permanent';
}
export interface SleepOutput {
  slept: number;
}

export const MAX_SLEEP_MS = 60_000;

export const sleep: Handler<SleepInput, SleepOutput> = {
  name: 'sleep',
  validate(input) {
    const i = (input ?? {}) as Record<string, unknown>;
    if (typeof i !== 'object' || Array.isArray(i)) throw new HandlerInputError('input must be an object { ms }');
    const ms = i.ms;
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > MAX_SLEEP_MS) {
      throw new HandlerInputError(`ms must be an integer from 0 to ${MAX_SLEEP_MS}`, 'ms');
    }
    if (i.fail !== undefined && i.fail !== 'retry' && i.fail !== 'permanent') throw new HandlerInputError("fail must be 'retry' or 'permanent'", 'fail');
    return { ms, ...(i.fail ? { fail: i.fail } : {}) };
  },
  async run(input, ctx) {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, input.ms);
      ctx.signal.addEventListener('abort', () => (clearTimeout(t), reject(new Error('aborted'))), { once: true });
    });
    if (input.fail === 'permanent') throw new HandlerFailure('sleep asked to fail (permanent)');
    if (input.fail === 'retry') throw new Error('sleep asked to fail (retryable)');
    return { slept: input.ms };
  },
};
