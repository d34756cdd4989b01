import { shJoin } from '../../util/shlex.js';
import type { ModuleContext, ModuleResult, Plan } from '../types.js';

/**
 * One step of a plan that runs programs on the host: an argv (quoted here, never through a shell's
 * word splitting) or a ready shell snippet. Steps run in ONE round trip, in order, stopping at the
 * first failure.
 */
export interface Step {
  kind: 'run';
  /** What the step does, for messages (`useradd`, `chpasswd`, ...). */
  what: string;
  argv?: string[];
  /** A shell snippet instead of argv. */
  script?: string;
  /** This step reads the script's stdin (one step at most); every other step reads /dev/null. */
  usesStdin?: boolean;
  /** The step's stdout is part of the outcome's (apt returns it); by default it goes to stderr. */
  keepStdout?: boolean;
  /** A snippet run once the step succeeded, its output kept (apt records when the cache was updated). */
  then?: string;
}

export interface StepsOutcome {
  ok: boolean;
  /** The failing step (its index in the steps and its name; `command` when no step failed), the exit code and stderr. */
  failed?: { step?: number; what: string; rc: number; stderr: string };
  /** What the trailing `after` snippet and the `then` snippets printed, and the kept stdout of steps. */
  stdout: string;
  /** Everything the steps wrote to stderr (and their stdout, unless kept). */
  stderr: string;
}

/**
 * Runs the steps (then `after`, a snippet printing the new state) in one command. stdin, when given,
 * is fed to the step marked `usesStdin` only (a password, a file's content): it never appears on a
 * command line.
 */
export async function runSteps(ctx: ModuleContext, steps: readonly Step[], after = '', stdin?: string): Promise<StepsOutcome> {
  const lines: string[] = ['__fleet_fail() { printf "\\n__FLEET_FAILED__%s\\n" "$1"; exit "$2"; }'];
  steps.forEach((s, i) => {
    const body = s.script !== undefined ? `(\n${s.script}\n)` : shJoin(s.argv ?? ['true']);
    const redirects = `${s.usesStdin ? '' : ' </dev/null'}${s.keepStdout ? '' : ' >&2'}`;
    lines.push(`${body}${redirects} || __fleet_fail ${i} $?`);
    if (s.then) lines.push(s.then);
  });
  if (after) lines.push(after);
  const r = await ctx.run(lines.join('\n'), stdin !== undefined ? { stdin } : {});
  const stdout = r.stdout.toString('utf8');
  const stderr = r.stderr.toString('utf8');
  const m = /\n__FLEET_FAILED__(\d+)\n$/.exec(stdout);
  if (m || r.rc !== 0) {
    const step = m ? Number(m[1]) : undefined;
    const what = step === undefined ? 'command' : (steps[step]?.what ?? 'command');
    return { ok: false, failed: { ...(step === undefined ? {} : { step }), what, rc: r.rc, stderr: stderr.trim() }, stdout: m ? stdout.slice(0, m.index) : stdout, stderr };
  }
  return { ok: true, stdout, stderr };
}

export function stepsFailureMessage(f: NonNullable<StepsOutcome['failed']>): string {
  return `${f.what} failed (rc ${f.rc})${f.stderr ? `: ${f.stderr}` : ''}`;
}

/**
 * The `apply` of a module whose plan is a list of steps: nothing to do → the plan's known result;
 * else the steps in one command, changed, or failed naming the step that failed.
 */
export async function applySteps(ctx: ModuleContext, plan: Plan<Step>): Promise<ModuleResult> {
  const base: ModuleResult = { changed: false, ...(plan.result ?? {}) };
  if (!plan.actions.length) return base;
  const out = await runSteps(ctx, plan.actions);
  if (!out.ok) return { ...base, failed: true, msg: stepsFailureMessage(out.failed!) };
  return { ...base, changed: true };
}
