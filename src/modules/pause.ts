import { ModuleArgsError } from './args.js';
import type { ModuleDefinition } from './types.js';
import { applyResult, resultPlan, type ResultPlan } from './util/result-plan.js';

/**
 * pause: waits `seconds` or `minutes` (the wait is the probe, so it happens in check mode too, as
 * Ansible's). fleet has no terminal to read from: `prompt` with a duration is only shown in the
 * result; a prompt without a duration (wait for Enter) fails instead of hanging.
 */
export interface PauseParams {
  seconds?: string;
  minutes?: string;
  prompt?: string;
  echo: boolean;
}

export interface PauseState {
  /** Epoch milliseconds. */
  start: number;
  stop: number;
  /** Set when no wait happened because the pause needs a terminal. */
  interactive?: boolean;
}

/** How long to wait, in seconds, and the unit it was given in; undefined: wait for Enter. */
export function pauseDuration(p: Pick<PauseParams, 'seconds' | 'minutes'>): { seconds: number; unit: 'minutes' | 'seconds' } | undefined {
  const parse = (name: string, text: string): number => {
    if (!/^\s*\d+\s*$/.test(text)) throw new ModuleArgsError(`pause: non-integer value for ${name}: ${text}`, `give ${name} as a whole number`);
    return Number(text);
  };
  if (p.minutes !== undefined) return { seconds: parse('minutes', p.minutes) * 60, unit: 'minutes' };
  if (p.seconds !== undefined) return { seconds: parse('seconds', p.seconds), unit: 'seconds' };
  return undefined;
}

/** Python's str(datetime.now()): "2024-05-01 12:00:00.123000" (local time). */
function pyNow(ms: number): string {
  const d = new Date(ms);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}000`;
}

export function planPause(p: PauseParams, s: PauseState): ResultPlan {
  const duration = pauseDuration(p);
  if (!duration || s.interactive) {
    return resultPlan({
      changed: false,
      failed: true,
      msg: 'pause: waiting for a key press needs an interactive terminal, which fleet does not read from; give seconds: or minutes:',
      ...(p.prompt !== undefined ? { prompt: p.prompt } : {}),
    });
  }
  const elapsed = (s.stop - s.start) / 1000;
  const rounded = duration.unit === 'minutes' ? Math.round((elapsed / 60) * 100) / 100 : Math.round(elapsed * 100) / 100;
  // Python prints a float with at least one decimal: 1.0, 0.02.
  const shown = Number.isInteger(rounded) ? rounded.toFixed(1) : String(rounded);
  return resultPlan({
    changed: false,
    start: pyNow(s.start),
    stop: pyNow(s.stop),
    delta: Math.floor(elapsed),
    echo: p.echo,
    user_input: '',
    stdout: `Paused for ${shown} ${duration.unit}`,
    ...(p.prompt !== undefined ? { prompt: p.prompt } : {}),
  });
}

export const pause: ModuleDefinition<PauseParams, PauseState, never> = {
  name: 'pause',
  aliases: ['ansible.builtin.pause', 'ansible.legacy.pause'],
  readOnly: true,
  params: {
    minutes: { type: 'str' },
    seconds: { type: 'str' },
    prompt: { type: 'str' },
    echo: { type: 'bool', default: true },
  },
  probe: async (_ctx, p) => {
    const duration = pauseDuration(p);
    const start = Date.now();
    if (!duration) return { start, stop: start, interactive: true };
    if (duration.seconds > 0) await new Promise((r) => setTimeout(r, duration.seconds * 1000));
    return { start, stop: Date.now() };
  },
  plan: planPause,
  apply: applyResult,
};
