/**
 * Anomaly detection beyond signatures: bursts of errors, and the severity a set of anomalies adds
 * up to.
 *
 * A record is an error when its level is `error` or worse, or, when it carries no level, when its
 * message holds an error word (error, failed, failure, fatal, critical, panic, exception, refused,
 * timed out). A burst is at least BURST_MIN_ERRORS error records within BURST_WINDOW_MS when the
 * log carries time stamps (a record without one, a traceback's frame say, takes the time of the
 * record before it), else within BURST_WINDOW_LINES consecutive records.
 */
import { levelRank, type LogRecord } from './parse.js';

export const BURST_MIN_ERRORS = 10;
export const BURST_WINDOW_MS = 60_000;
export const BURST_WINDOW_LINES = 50;

const ERROR_RANK = levelRank('error');
export const ERROR_WORDS = /\b(?:errors?|failed|failure|fatal|critical|panic|exception|refused|timed out)\b/i;

export function isErrorRecord(r: LogRecord): boolean {
  return r.level !== undefined ? levelRank(r.level) <= ERROR_RANK : ERROR_WORDS.test(r.message);
}

export interface BurstOptions {
  minErrors: number;
  windowMs: number;
  windowLines: number;
}

export const BURST_DEFAULTS: Readonly<BurstOptions> = { minErrors: BURST_MIN_ERRORS, windowMs: BURST_WINDOW_MS, windowLines: BURST_WINDOW_LINES };

/**
 * The indices of the error records that fall in a burst (in input order; empty when there is none).
 * Linear after sorting by time: a window slides over the error records and marks each it covers
 * once it holds enough of them.
 */
export function findErrorBursts(records: readonly LogRecord[], options: Partial<BurstOptions> = {}): number[] {
  const o = { ...BURST_DEFAULTS, ...options };
  const timed = records.some((r) => r.timestamp !== undefined);
  const events: { index: number; at: number }[] = [];
  let last: number | undefined = records.find((r) => r.timestamp !== undefined)?.timestamp;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.timestamp !== undefined) last = r.timestamp;
    if (isErrorRecord(r)) events.push({ index: i, at: timed ? last! : i });
  }
  if (events.length < o.minErrors) return [];
  if (timed) events.sort((a, b) => a.at - b.at || a.index - b.index);
  const span = timed ? o.windowMs : o.windowLines - 1;
  const marked = new Uint8Array(events.length);
  let markedTo = -1;
  let left = 0;
  for (let right = 0; right < events.length; right++) {
    while (events[right]!.at - events[left]!.at > span) left++;
    if (right - left + 1 >= o.minErrors) {
      for (let k = Math.max(left, markedTo + 1); k <= right; k++) marked[k] = 1;
      markedTo = right;
    }
  }
  const out: number[] = [];
  for (let k = 0; k < events.length; k++) if (marked[k]) out.push(events[k]!.index);
  return out.sort((a, b) => a - b);
}

export type Severity = 'ok' | 'info' | 'warning' | 'critical';

const CRITICAL = new Set(['kernel_panic', 'kernel_oops', 'oom_kill', 'segfault']);
const WARNING = new Set(['service_failure', 'python_traceback', 'node_traceback', 'error_burst']);

/** critical: a kernel panic or oops, an OOM kill, a segfault; warning: a service failure, a traceback, an error burst; info: new templates only; ok: nothing. */
export function severityOf(kinds: Iterable<string>): Severity {
  let s: Severity = 'ok';
  for (const k of kinds) {
    if (CRITICAL.has(k)) return 'critical';
    if (WARNING.has(k)) s = 'warning';
    else if (k === 'new_template' && s === 'ok') s = 'info';
  }
  return s;
}
