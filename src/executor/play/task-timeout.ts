import { FleetError } from '../../errors.js';
import type { Vars } from '../../inventory/model.js';
import type { ModuleResult } from '../../modules/types.js';
import type { Runtime } from './runtime.js';

/** Results the `timeout` keyword ended: no until/retries after them, as in Ansible. */
const timedOutResults = new WeakSet<ModuleResult>();

export function timedOut(result: ModuleResult): boolean {
  return timedOutResults.has(result);
}

/** How long to let a stopped task's commands be killed on the host before reporting it. */
const KILL_GRACE_MS = 6_000;

/** A number-of-seconds keyword (timeout, async, poll), templated; undefined when unset. */
export function secondsKeyword(rt: Runtime, value: unknown, vars: Vars, name = 'timeout'): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(typeof value === 'string' ? rt.templar.template(value, vars) : value);
  if (!Number.isFinite(n) || n < 0) throw new FleetError('PLAY', `${name} must be a number of seconds, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * The task's `timeout`: the module gets `seconds`; its commands were given the same deadline, so
 * the one running then is killed on the host (the whole process session) and the task fails with
 * Ansible's message.
 */
export async function withTimeout(work: Promise<ModuleResult>, seconds: number, action: string): Promise<ModuleResult> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), seconds * 1000)));
  const outcome = await Promise.race([work, expired]).finally(() => clearTimeout(timer));
  if (outcome !== 'expired') return outcome;
  let grace: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((r) => (grace = setTimeout(r, KILL_GRACE_MS)))]).finally(() => clearTimeout(grace));
  const result: ModuleResult = { changed: false, failed: true, msg: `The ${action} action failed to execute in the expected time frame (${seconds}) and was terminated` };
  timedOutResults.add(result);
  return result;
}
