import { shJoin, shlexSplit, shQuote, ShlexError } from '../util/shlex.js';
import { ModuleArgsError } from './args.js';
import type { ModuleContext, ModuleDefinition, ModuleResult, Plan, ParamSchema } from './types.js';
import { splitlines } from './util/splitlines.js';
import { ModuleFailure } from './util/file-attrs.js';
import { remotePathWord } from './util/remote-path.js';

/** Shared by command, shell and raw: what to run and the conditions that skip it. */
export interface CommandParams {
  _raw_params?: string;
  cmd?: string;
  argv?: string[];
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  stdin_add_newline: boolean;
  strip_empty_ends: boolean;
  executable?: string;
}

export interface CommandState {
  createsExists?: boolean;
  removesExists?: boolean;
}

export interface RunAction {
  kind: 'run';
  line: string;
}

/** The command as Ansible's result shows it in `cmd`: command's words as a list, shell's text as is. */
type ShownCmd = string | string[];

const common: ParamSchema = {
  _raw_params: { type: 'str' },
  cmd: { type: 'str' },
  chdir: { type: 'path' },
  creates: { type: 'path' },
  removes: { type: 'path' },
  stdin: { type: 'str' },
  stdin_add_newline: { type: 'bool', default: true },
  strip_empty_ends: { type: 'bool', default: true },
};

/** Quote a path for sh while leaving glob characters active, as creates=/removes= take globs. */
export function globQuote(pattern: string): string {
  return pattern
    .split(/([*?[\]])/)
    .map((part, i) => (i % 2 === 1 ? part : part === '' ? '' : shQuote(part)))
    .join('');
}

/** Prints 0 when something matches the pattern, else 1; a subshell (a process) only to cd for a relative pattern. */
function exists(pattern: string, chdir: string | undefined): string {
  if (chdir && !pattern.startsWith('/')) {
    return `(cd ${shQuote(chdir)} 2>/dev/null && for f in ${globQuote(pattern)}; do [ -e "$f" ] || [ -L "$f" ] && exit 0; done; exit 1); echo $?`;
  }
  return `r=1; for f in ${globQuote(pattern)}; do if [ -e "$f" ] || [ -L "$f" ]; then r=0; break; fi; done; echo $r`;
}

async function probe(ctx: ModuleContext, p: CommandParams): Promise<CommandState> {
  if (!p.creates && !p.removes) return {};
  const checks = [p.creates, p.removes].map((path) => (path ? exists(path, p.chdir) : 'echo -'));
  const out = (await ctx.run(checks.join('; '))).stdout.toString().trim().split('\n');
  return {
    ...(p.creates ? { createsExists: out[0] === '0' } : {}),
    ...(p.removes ? { removesExists: out[1] === '0' } : {}),
  };
}

/** Ansible 2.14's result for a command that did not run (start, end and delta are null then). */
function notRun(cmd: ShownCmd, msg: string, stdout = ''): Partial<ModuleResult> {
  return { changed: false, cmd, rc: 0, stdout, stderr: '', start: null, end: null, delta: null, msg };
}

/**
 * As Ansible 2.14's command module: a creates/removes condition that holds means "did not run" (ok,
 * not skipped); in check mode a command with no such condition is skipped, one whose condition
 * does not hold "would have run" (changed).
 */
function decide(line: string, cmd: ShownCmd, p: CommandParams, state: CommandState): Plan<RunAction> {
  const held =
    p.creates && state.createsExists
      ? { why: `since '${p.creates}' exists`, stdout: `skipped, since ${p.creates} exists` }
      : p.removes && state.removesExists === false
        ? { why: `since '${p.removes}' does not exist`, stdout: `skipped, since ${p.removes} does not exist` }
        : undefined;
  if (held) {
    return {
      actions: [],
      result: notRun(cmd, `Did not run command ${held.why}`, held.stdout),
      checkResult: notRun(cmd, `Would not run command ${held.why}`, held.stdout),
    };
  }
  const wouldRun = notRun(cmd, 'Command would have run if not in check mode');
  return {
    actions: [{ kind: 'run', line }],
    result: { cmd },
    checkResult: p.creates === undefined && p.removes === undefined ? { ...wouldRun, skipped: true } : { ...wouldRun, changed: true },
  };
}

/** Now, in epoch milliseconds with microseconds in the fraction (Date alone has milliseconds only). */
function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Ansible's time stamps: `2026-12-03 07:58:49.770840` (local time), to the microsecond. */
function stamp(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const d = new Date(whole);
  const micros = Math.min(999_999, (whole % 1000) * 1000 + Math.floor((epochMs - whole) * 1000));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(micros, 6)}`;
}

/** Ansible's deltas (Python's timedelta): `0:00:00.146834`. */
function delta(micros: number): string {
  const s = Math.floor(micros / 1_000_000);
  const us = micros % 1_000_000;
  return `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.${String(us).padStart(6, '0')}`;
}

/** The command as Ansible reports one it could not start: its words shell-quoted and joined, as Python's shlex.quote. */
function pythonShJoin(words: readonly string[]): string {
  return words.map((w) => (w !== '' && /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'"'"'`)}'`)).join(' ');
}

function stripEnds(text: string, strip: boolean): string {
  return strip ? text.replace(/\n+$/, '') : text;
}

/** Whether stderr is only the shell's message for a `cd` into chdir that failed. */
export function isCdFailure(stderr: string, chdir: string): boolean {
  const line = stderr.trim();
  return line.includes(chdir) && /\bcd: /.test(line) && !line.includes('\n');
}

async function runLine(ctx: ModuleContext, p: CommandParams, plan: Plan<RunAction>): Promise<ModuleResult> {
  const action = plan.actions[0];
  if (!action) return { changed: false, ...plan.result };
  const stdin = p.stdin === undefined ? undefined : p.stdin + (p.stdin_add_newline ? '\n' : '');
  const start = preciseNow();
  const r = await ctx.run(action.line, { ...(p.chdir ? { cwd: p.chdir } : {}), ...(stdin !== undefined ? { stdin } : {}) });
  const end = preciseNow();
  const stdout = stripEnds(r.stdout.toString('utf8'), p.strip_empty_ends);
  const stderr = stripEnds(r.stderr.toString('utf8'), p.strip_empty_ends);
  const words = plan.result?.cmd;
  if (p.chdir && r.rc === 1 && stdout === '' && isCdFailure(stderr, p.chdir)) {
    // Ansible changes directory before it runs anything: Python's error (its errno asked of the
    // host, one more round trip on this failure only), and nothing ran.
    const w = remotePathWord(p.chdir);
    const why = (await ctx.run(`if [ ! -e ${w} ]; then echo 2; elif [ ! -d ${w} ]; then echo 20; else echo 13; fi`)).stdout.toString().trim();
    const text = why === '20' ? 'Not a directory' : why === '13' ? 'Permission denied' : 'No such file or directory';
    const msg = `Unable to change directory before execution: [Errno ${why === '20' || why === '13' ? why : '2'}] ${text}: b'${p.chdir}'`;
    return { changed: false, failed: true, cmd: words ?? action.line, rc: null, start: null, end: null, delta: null, stdout: '', stderr: '', msg } as unknown as ModuleResult;
  }
  if (Array.isArray(words) && r.rc === 127 && stdout === '' && /: not found$/.test(stderr.trim())) {
    // command runs its program without a shell in Ansible: a missing one is Python's ENOENT, not sh's 127.
    // Its cmd is then the words joined into one string (Ansible's run_command reports it so).
    const cmd = pythonShJoin(words.map(String));
    return { changed: false, failed: true, cmd, rc: 2, stdout: '', stderr: '', msg: `[Errno 2] No such file or directory: b'${String(words[0])}'` };
  }
  return {
    changed: true,
    cmd: plan.result?.cmd ?? action.line,
    rc: r.rc,
    stdout,
    stderr,
    stdout_lines: splitlines(stdout),
    stderr_lines: splitlines(stderr),
    start: stamp(start),
    end: stamp(end),
    delta: delta(Math.max(0, Math.round((end - start) * 1000))),
    ...(r.rc !== 0 ? { failed: true, msg: 'non-zero return code' } : { msg: '' }),
  };
}

/** command's words: argv as given, else the text split as shlex splits it. */
function commandWords(p: CommandParams): string[] {
  const text = p.cmd ?? p._raw_params;
  if (p.argv && p.argv.length && text) throw new ModuleFailure('only command or argv can be given, not both', { rc: 256 });
  if (p.argv && p.argv.length) return p.argv;
  if (!text) throw new ModuleFailure('no command given', { rc: 256 });
  try {
    return shlexSplit(text);
  } catch (e) {
    if (e instanceof ShlexError) throw new ModuleArgsError(`command: cannot split "${text}": ${e.message}`, 'balance the quotes, or use argv:');
    throw e;
  }
}

function shellLine(p: CommandParams): string {
  const text = p.cmd ?? p._raw_params;
  if (!text) throw new ModuleFailure('no command given', { rc: 256 });
  return p.executable ? `${shQuote(p.executable)} -c ${shQuote(text)}` : text;
}

const FREE_FORM_KEYS = ['chdir', 'creates', 'removes', 'stdin', 'stdin_add_newline', 'strip_empty_ends', 'executable'] as const;

export const command: ModuleDefinition<CommandParams, CommandState, RunAction> = {
  name: 'command',
  aliases: ['ansible.builtin.command', 'ansible.legacy.command'],
  // executable is accepted and ignored with Ansible's warning (removed from command in 2.4).
  params: { ...common, argv: { type: 'list', elements: 'str' }, executable: { type: 'path' } },
  freeForm: '_raw_params',
  freeFormKeys: FREE_FORM_KEYS,
  probe,
  plan: (p, state) => {
    const words = commandWords(p);
    return decide(shJoin(words), words, p, state);
  },
  apply: async (ctx, p, plan) => {
    const result = await runLine(ctx, p, plan);
    if (!p.executable) return result;
    const warning = `As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '${p.executable}'.`;
    return { ...result, warnings: [...((result.warnings as string[] | undefined) ?? []), warning] };
  },
};

export const shell: ModuleDefinition<CommandParams, CommandState, RunAction> = {
  name: 'shell',
  aliases: ['ansible.builtin.shell', 'ansible.legacy.shell'],
  params: { ...common, executable: { type: 'path' } },
  freeForm: '_raw_params',
  freeFormKeys: FREE_FORM_KEYS,
  probe,
  plan: (p, state) => decide(shellLine(p), p.cmd ?? p._raw_params ?? '', p, state),
  apply: runLine,
};

/** raw is no module in Ansible: its result is the connection's own, without cmd, times or (when it worked) msg. */
function rawResult(r: ModuleResult): ModuleResult {
  const { changed, failed, msg, rc, stdout, stderr, stdout_lines, stderr_lines } = r;
  return { changed, rc, stdout, stderr, stdout_lines, stderr_lines, ...(failed ? { failed, msg } : {}) };
}

/** raw: the text goes to the remote shell as it is; no creates/removes, always "changed". */
export const raw: ModuleDefinition<CommandParams, CommandState, RunAction> = {
  name: 'raw',
  aliases: ['ansible.builtin.raw'],
  params: { _raw_params: { type: 'str', required: true }, executable: { type: 'path' }, stdin_add_newline: { type: 'bool', default: true }, strip_empty_ends: { type: 'bool', default: false } },
  freeForm: '_raw_params',
  freeFormKeys: ['executable'],
  probe: async () => ({}),
  // As Ansible's raw action: skipped in check mode.
  plan: (p) => ({ actions: [{ kind: 'run', line: shellLine(p) }], checkResult: { changed: false, skipped: true } }),
  apply: async (ctx, p, plan) => rawResult(await runLine(ctx, p, plan)),
};
