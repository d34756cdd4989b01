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
}

export interface StepsOutcome {
  ok: boolean;
  /** The failing step's name, exit code and stderr. */
  failed?: { what: string; rc: number; stderr: string };
  /** What the trailing `after` snippet printed (the steps' own stdout goes to stderr). */
  stdout: string;
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
    const input = s.usesStdin ? ' >&2' : ' </dev/null >&2';
    lines.push(`${body}${input} || __fleet_fail ${i} $?`);
  });
  if (after) lines.push(after);
  const r = await ctx.run(lines.join('\n'), stdin !== undefined ? { stdin } : {});
  const stdout = r.stdout.toString('utf8');
  const m = /\n__FLEET_FAILED__(\d+)\n$/.exec(stdout);
  if (m || r.rc !== 0) {
    const step = m ? steps[Number(m[1])] : undefined;
    return { ok: false, failed: { what: step?.what ?? 'command', rc: r.rc, stderr: r.stderr.toString('utf8').trim() }, stdout };
  }
  return { ok: true, stdout };
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
