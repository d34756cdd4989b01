import { shJoin, shlexSplit, shQuote, ShlexError } from '../util/shlex.js';
import { ModuleArgsError } from './args.js';
import type { ModuleContext, ModuleDefinition, ModuleResult, Plan, ParamSchema } from './types.js';

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

function decide(line: string, p: CommandParams, state: CommandState): Plan<RunAction> {
  if (p.creates && state.createsExists) return { actions: [], msg: `Did not run command since '${p.creates}' exists`, skipped: true };
  if (p.removes && state.removesExists === false) return { actions: [], msg: `Did not run command since '${p.removes}' does not exist`, skipped: true };
  return { actions: [{ kind: 'run', line }] };
}

function stripEnds(text: string, strip: boolean): string {
  return strip ? text.replace(/\n+$/, '') : text;
}

async function runLine(ctx: ModuleContext, p: CommandParams, plan: Plan<RunAction>): Promise<ModuleResult> {
  const action = plan.actions[0];
  if (!action) return { changed: false, rc: 0, stdout: plan.msg ?? '', stderr: '', msg: plan.msg ?? '' };
  const stdin = p.stdin === undefined ? undefined : p.stdin + (p.stdin_add_newline ? '\n' : '');
  const start = new Date();
  const r = await ctx.run(action.line, { ...(p.chdir ? { cwd: p.chdir } : {}), ...(stdin !== undefined ? { stdin } : {}) });
  const end = new Date();
  const stdout = stripEnds(r.stdout.toString('utf8'), p.strip_empty_ends);
  const stderr = stripEnds(r.stderr.toString('utf8'), p.strip_empty_ends);
  return {
    changed: true,
    cmd: action.line,
    rc: r.rc,
    stdout,
    stderr,
    stdout_lines: stdout === '' ? [] : stdout.split('\n'),
    stderr_lines: stderr === '' ? [] : stderr.split('\n'),
    start: start.toISOString(),
    end: end.toISOString(),
    delta: `${((end.getTime() - start.getTime()) / 1000).toFixed(6)}s`,
    ...(r.rc !== 0 ? { failed: true, msg: 'non-zero return code' } : { msg: '' }),
  };
}

function commandLine(p: CommandParams): string {
  if (p.argv && p.argv.length) return shJoin(p.argv);
  const text = p.cmd ?? p._raw_params;
  if (!text) throw new ModuleArgsError('command: no command given', 'give the command as free-form text, cmd: or argv:');
  try {
    return shJoin(shlexSplit(text));
  } catch (e) {
    if (e instanceof ShlexError) throw new ModuleArgsError(`command: cannot split "${text}": ${e.message}`, 'balance the quotes, or use argv:');
    throw e;
  }
}

function shellLine(p: CommandParams): string {
  const text = p.cmd ?? p._raw_params;
  if (!text) throw new ModuleArgsError('shell: no command given', 'give the command as free-form text or cmd:');
  return p.executable ? `${shQuote(p.executable)} -c ${shQuote(text)}` : text;
}

const FREE_FORM_KEYS = ['chdir', 'creates', 'removes', 'stdin', 'stdin_add_newline', 'strip_empty_ends', 'executable'] as const;

export const command: ModuleDefinition<CommandParams, CommandState, RunAction> = {
  name: 'command',
  aliases: ['ansible.builtin.command', 'ansible.legacy.command'],
  params: { ...common, argv: { type: 'list', elements: 'str' } },
  freeForm: '_raw_params',
  freeFormKeys: FREE_FORM_KEYS,
  probe,
  plan: (p, state) => decide(commandLine(p), p, state),
  apply: runLine,
};

export const shell: ModuleDefinition<CommandParams, CommandState, RunAction> = {
  name: 'shell',
  aliases: ['ansible.builtin.shell', 'ansible.legacy.shell'],
  params: { ...common, executable: { type: 'path' } },
  freeForm: '_raw_params',
  freeFormKeys: FREE_FORM_KEYS,
  probe,
  plan: (p, state) => decide(shellLine(p), p, state),
  apply: runLine,
};

/** raw: the text goes to the remote shell as it is; no creates/removes, always "changed". */
export const raw: ModuleDefinition<CommandParams, CommandState, RunAction> = {
  name: 'raw',
  aliases: ['ansible.builtin.raw'],
  params: { _raw_params: { type: 'str', required: true }, executable: { type: 'path' }, stdin_add_newline: { type: 'bool', default: true }, strip_empty_ends: { type: 'bool', default: false } },
  freeForm: '_raw_params',
  freeFormKeys: ['executable'],
  probe: async () => ({}),
  plan: (p) => ({ actions: [{ kind: 'run', line: shellLine(p) }] }),
  apply: runLine,
};
