import type { FleetEvent, TaskRef } from '../executor/events.js';
import { outputWidth } from './ansible-format.js';
import { taskDisplayName } from './play-text.js';

export interface TimingReporterOptions {
  write: (text: string) => void;
  /** ansible.posix.profile_tasks: a time line under each task banner, the slowest tasks at the end. */
  profileTasks: boolean;
  /** ansible.posix.timer: `Playbook run took ...` at the end. */
  timer: boolean;
  verbosity?: number;
  /** Terminal width (COLUMNS, else 80). */
  width?: number;
  /** Clock in milliseconds; `Date.now` unless testing. */
  now?: () => number;
  /** Time zone offset in minutes east of UTC for the printed date (local time unless testing). */
  utcOffsetMinutes?: number;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** strftime('%A %d %B %Y  %H:%M:%S %z'). */
export function profileDate(ms: number, offsetMinutes: number): string {
  const t = new Date(ms + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const off = Math.abs(offsetMinutes);
  return `${DAYS[t.getUTCDay()]} ${p2(t.getUTCDate())} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()}  ${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())} ${sign}${p2(Math.floor(off / 60))}${p2(off % 60)}`;
}

/** profile_tasks' secondsToStr: H:MM:SS.mmm. */
export function elapsedText(ms: number): string {
  const total = Math.max(0, Math.floor(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor(total / 60_000) % 60;
  const s = Math.floor(total / 1000) % 60;
  return `${h}:${p2(m)}:${p2(s)}.${String(total % 1000).padStart(3, '0')}`;
}

/** profile_tasks' filled(): the message, a space, and a fill up to 79 columns, then a space. */
function filled(msg: string, fill = '*'): string {
  const text = msg ? `${msg} ` : '';
  return `${text}${fill.repeat(Math.max(3, 79 - text.length))} `;
}

function taskKey(task: TaskRef): string {
  return JSON.stringify([task.handler ?? false, task.role ?? '', task.name, task.module, task.path ?? '']);
}

/**
 * The per-task timings of ansible.posix.profile_tasks and the total of ansible.posix.timer, printed
 * from the executor's events after the stdout reporter has printed its own.
 */
export function timingReporter(options: TimingReporterOptions): (event: FleetEvent) => void {
  const now = options.now ?? Date.now;
  const columns = Math.max(79, (options.width ?? outputWidth()) - 1);
  const offsetAt = (ms: number) => options.utcOffsetMinutes ?? -new Date(ms).getTimezoneOffset();
  const t0 = now();
  let tn = t0;
  const tasks = new Map<string, { name: string; path?: string; started: number; elapsed: number }>();
  let current: string | undefined;

  const tasktime = () => {
    const t = now();
    const line = filled(`${profileDate(t, offsetAt(t))} (${elapsedText(t - tn)})${' '.repeat(7)}${elapsedText(t - t0)}`);
    tn = t;
    options.write(line + '\n');
  };
  const stamp = () => {
    const cur = current !== undefined ? tasks.get(current) : undefined;
    if (cur) cur.elapsed += now() - cur.started;
  };

  return (event) => {
    if (event.type === 'task_start' && options.profileTasks) {
      tasktime();
      stamp();
      current = taskKey(event.task);
      const known = tasks.get(current);
      if (known) known.started = now();
      else tasks.set(current, { name: taskDisplayName(event.task), ...((options.verbosity ?? 0) >= 2 && event.task.path ? { path: event.task.path } : {}), started: now(), elapsed: 0 });
    }
    if (event.type !== 'run_end') return;
    if (options.profileTasks) {
      tasktime();
      options.write(filled('', '=') + '\n');
      stamp();
      current = undefined;
      const slowest = [...tasks.values()].sort((a, b) => b.elapsed - a.elapsed).slice(0, 20);
      for (const t of slowest) {
        const time = ` ${(t.elapsed / 1000).toFixed(2)}s`;
        let line = `${t.name} `.padEnd(columns - 9, '-') + time.padStart(9, '-');
        if (t.path) line += '\n' + `${t.path} `.padEnd(columns, '-');
        options.write(line + '\n');
      }
    }
    if (options.timer) {
      const secs = Math.floor((now() - t0) / 1000);
      const days = Math.floor(secs / 86_400);
      options.write(`Playbook run took ${days} days, ${Math.floor((secs % 86_400) / 3600)} hours, ${Math.floor(secs / 60) % 60} minutes, ${secs % 60} seconds\n`);
    }
  };
}
