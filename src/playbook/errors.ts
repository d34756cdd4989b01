/**
 * Playbook errors. Loading collects every problem it finds across the whole playbook (imports,
 * roles and task files included) and throws them together in one PlaybookError, each problem with
 * its file:line:column, the task it belongs to, what was expected and what is valid.
 */
import { FleetError, type ErrorContext } from '../errors.js';
import type { SourcePos, TaskProblem } from './model.js';

export type { TaskProblem };

export interface PlaybookProblem {
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** The task's name (or its module when it has none). */
  task?: string;
  hint?: string;
}

function where(p: PlaybookProblem): string {
  const parts: string[] = [];
  if (p.file) parts.push(p.line ? `${p.file}:${p.line}${p.column ? `:${p.column}` : ''}` : p.file);
  if (p.task) parts.push(`task "${p.task}"`);
  return parts.join(', ');
}

/** One problem as one line (plus its hint): `file:line:col, task "x": message`. */
export function describeProblem(p: PlaybookProblem): string {
  const head = where(p);
  return `${head ? `${head}: ` : ''}${p.message}${p.hint ? `\n  hint: ${p.hint}` : ''}`;
}

/** In file order (files in the order they were first reported), then line and column. */
function sortProblems(problems: PlaybookProblem[]): PlaybookProblem[] {
  const fileOrder = new Map<string, number>();
  for (const p of problems) if (p.file !== undefined && !fileOrder.has(p.file)) fileOrder.set(p.file, fileOrder.size);
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => {
      const fa = a.p.file === undefined ? -1 : fileOrder.get(a.p.file)!;
      const fb = b.p.file === undefined ? -1 : fileOrder.get(b.p.file)!;
      if (fa !== fb) return fa - fb;
      if (fa === -1) return a.i - b.i;
      return (a.p.line ?? 0) - (b.p.line ?? 0) || (a.p.column ?? 0) - (b.p.column ?? 0) || a.i - b.i;
    })
    .map((x) => x.p);
}

export class PlaybookError extends FleetError {
  /** Every problem found; the error's context and message are those of the first when there is one. */
  readonly problems: PlaybookProblem[];
  /** What the load would have warned about (tasks' own problems among them), so that all is reported. */
  warnings: string[] = [];

  constructor(message: string, context: ErrorContext = {}, problems?: PlaybookProblem[]) {
    super('PLAYBOOK', message, context);
    this.problems = problems ?? [
      {
        message,
        ...(context.file ? { file: context.file } : {}),
        ...(context.line ? { line: context.line } : {}),
        ...(context.column ? { column: context.column } : {}),
        ...(context.task ? { task: context.task } : {}),
        ...(context.hint ? { hint: context.hint } : {}),
      },
    ];
  }

  /** One error holding all these problems (the message lists them all when there are several). */
  static fromProblems(unsorted: PlaybookProblem[], file?: string): PlaybookError {
    const problems = sortProblems(unsorted);
    const first = problems[0] ?? { message: 'the playbook could not be loaded' };
    const context: ErrorContext = {
      ...(first.file ? { file: first.file } : {}),
      ...(first.line ? { line: first.line } : {}),
      ...(first.column ? { column: first.column } : {}),
      ...(first.task ? { task: first.task } : {}),
      ...(first.hint ? { hint: first.hint } : {}),
    };
    if (problems.length <= 1) return new PlaybookError(first.message, context, problems);
    const head = `${problems.length} problems found${file ? ` in ${file}` : ''}:`;
    const body = problems.map((p) => `  - ${describeProblem(p).replace(/\n/g, '\n    ')}`).join('\n');
    return new PlaybookError(`${head}\n${body}`, context, problems);
  }

  override describe(): string {
    if (this.problems.length > 1) return this.message;
    return super.describe();
  }
}

/** Where a problem is: a source position and the task it belongs to. */
export interface At {
  pos?: SourcePos | undefined;
  task?: string | undefined;
  hint?: string | undefined;
}

export interface UnimplementedUse {
  /** Fleet's name for it (the short module name). */
  module: string;
  /** The names it was written as (ansible.builtin.apt, apt...). */
  writtenAs: Set<string>;
  uses: SourcePos[];
}

/** Gathers problems, warnings and uses of not-yet-implemented modules while a playbook loads. */
export class Collector {
  readonly problems: PlaybookProblem[] = [];
  readonly warnings: string[] = [];
  readonly unimplemented = new Map<string, UnimplementedUse>();

  /**
   * @param strict every task's own problem refuses the whole run (fleet's `--strict`), instead of
   *   being warned about and failing only that task when it runs.
   */
  constructor(readonly strict = false) {}

  /**
   * A problem of one task (a module fleet lacks, a missing or unsupported parameter, a bad value, a
   * loop form fleet cannot expand): an error under `strict`; otherwise a warning now, and the task
   * carries it so that it fails, with the same message, when it runs.
   */
  taskProblem(holder: { problem?: TaskProblem }, problem: TaskProblem, at: At = {}): void {
    if (this.strict) {
      this.error(problem.message, { ...at, ...(problem.hint ? { hint: problem.hint } : {}) });
      return;
    }
    const { task, ...where } = at;
    this.warn(`${task ? `task "${task}" ` : 'this task '}will fail if it runs: ${problem.message}${problem.hint ? ` (${problem.hint})` : ''}`, where);
    holder.problem ??= problem;
  }

  /** Records a problem (once: a role or task file read twice reports its problems once). */
  error(message: string, at: At = {}): void {
    const p: PlaybookProblem = {
      message,
      ...(at.pos ? { file: at.pos.file, line: at.pos.line, column: at.pos.column } : {}),
      ...(at.task ? { task: at.task } : {}),
      ...(at.hint ? { hint: at.hint } : {}),
    };
    const same = (q: PlaybookProblem) => q.message === p.message && q.file === p.file && q.line === p.line && q.column === p.column && q.task === p.task;
    if (!this.problems.some(same)) this.problems.push(p);
  }

  warn(message: string, at: At = {}): void {
    const loc = at.pos ? `${at.pos.file}:${at.pos.line}:${at.pos.column}: ` : '';
    const text = `${loc}${at.task ? `task "${at.task}": ` : ''}${message}`;
    if (!this.warnings.includes(text)) this.warnings.push(text);
  }

  useUnimplemented(module: string, writtenAs: string, pos: SourcePos): void {
    const entry = this.unimplemented.get(module) ?? { module, writtenAs: new Set<string>(), uses: [] };
    entry.writtenAs.add(writtenAs);
    if (!entry.uses.some((u) => u.file === pos.file && u.line === pos.line && u.column === pos.column)) entry.uses.push(pos);
    this.unimplemented.set(module, entry);
  }
}

export function formatUses(uses: readonly SourcePos[]): string {
  return uses.map((u) => `${u.file}:${u.line}`).join(', ');
}
