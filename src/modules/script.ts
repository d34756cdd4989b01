import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { shlexSplit, shQuote, ShlexError } from '../util/shlex.js';
import { splitArgs } from '../util/kv.js';
import { ModuleArgsError } from './args.js';
import type { ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { findLocal } from './util/local-files.js';
import { remotePathWord } from './util/remote-path.js';

/**
 * script: copies a controller script to the host and runs it there, in ONE round trip (the script
 * travels on stdin into a private temporary directory, runs, and is removed); `creates`/`removes`
 * cost one more (the probe). The script is found through ctx.searchPaths (role files/, playbook
 * files/, playbook dir). Arguments after the script path go through the remote shell, as Ansible's.
 */
export interface ScriptParams {
  _raw_params?: string;
  cmd?: string;
  chdir?: string;
  creates?: string;
  removes?: string;
  executable?: string;
  decrypt: boolean;
}

export interface ScriptState {
  createsExists?: boolean;
  removesExists?: boolean;
  /** The controller file, once found. */
  source?: string;
  /** Where it was looked for, when not found. */
  tried?: string[];
}

export interface ScriptAction {
  kind: 'run';
  /** The controller file to send. */
  source: string;
  /** The script path as written in the task. */
  script: string;
  /** The rest of the command line, as written (shell syntax). */
  args: string;
}

/** Splits "path/to/script.sh --args ..." into the script path and the raw rest. */
export function splitScriptCommand(text: string): { script: string; args: string } {
  const trimmed = text.trim();
  const first = splitArgs(trimmed)[0];
  if (!first) throw new ModuleArgsError('script: no script given', 'give the local script path (and arguments) as free-form text or cmd:');
  let script: string;
  try {
    script = shlexSplit(first)[0] ?? first;
  } catch (e) {
    if (e instanceof ShlexError) throw new ModuleArgsError(`script: cannot read the script path in "${text}": ${e.message}`);
    throw e;
  }
  return { script, args: trimmed.slice(first.length).trim() };
}

function commandText(p: ScriptParams): string {
  const text = p.cmd ?? p._raw_params;
  if (!text || !text.trim()) throw new ModuleArgsError('script: no script given', 'give the local script path (and arguments) as free-form text or cmd:');
  return text;
}

async function probe(ctx: ModuleContext, p: ScriptParams): Promise<ScriptState> {
  const { script } = splitScriptCommand(commandText(p));
  const found = findLocal(ctx.searchPaths, 'files', script);
  const state: ScriptState = found.path ? { source: found.path } : { tried: found.tried };
  if (p.creates || p.removes) {
    const test = (path: string | undefined) => (path ? `[ -e ${remotePathWord(path)} ] && echo 1 || echo 0` : 'echo -');
    const out = (await ctx.run(`${test(p.creates)}; ${test(p.removes)}`)).stdout.toString().trim().split('\n');
    if (p.creates) state.createsExists = out[0] === '1';
    if (p.removes) state.removesExists = out[1] === '1';
  }
  return state;
}

export function planScript(p: ScriptParams, s: ScriptState): Plan<ScriptAction> {
  const { script, args } = splitScriptCommand(commandText(p));
  if (p.creates && s.createsExists) return { actions: [], skipped: true, msg: `${p.creates} exists, matching creates option` };
  if (p.removes && s.removesExists === false) return { actions: [], skipped: true, msg: `${p.removes} does not exist, matching removes option` };
  if (!s.source) {
    // An error, not a plan: the task fails in check mode too, as Ansible's.
    throw new ModuleArgsError(`Could not find or access '${script}'\nSearched in:\n${(s.tried ?? []).map((t) => `\t${t}`).join('\n')}`, 'put the script in files/ of the role or playbook, or give its path');
  }
  // Check mode, as Ansible's script action: predicted changed with creates/removes, else skipped.
  const checkResult = p.creates || p.removes ? undefined : { changed: false, skipped: true, msg: 'Check mode is not supported for this task.' };
  return { actions: [{ kind: 'run', source: s.source, script, args }], ...(checkResult ? { checkResult } : {}) };
}

/** The one command that receives the script on stdin, runs it and removes it. */
export function scriptCommand(p: Pick<ScriptParams, 'chdir' | 'executable'>, action: ScriptAction): string {
  const name = shQuote(basename(action.script) || 'script');
  const run = `${p.executable ? `${p.executable} ` : ''}"$d"/${name}${action.args ? ` ${action.args}` : ''}`;
  return [
    `umask 077`,
    `b="\${HOME:-/tmp}/.ansible/tmp"; mkdir -p "$b" 2>/dev/null || b=\${TMPDIR:-/tmp}`,
    `d=$(mktemp -d "$b/fleet-script-XXXXXXXX" 2>/dev/null) || d=$(mktemp -d "\${TMPDIR:-/tmp}/fleet-script-XXXXXXXX") || exit 125`,
    `trap 'rm -rf "$d"' EXIT`,
    `cat > "$d"/${name} && chmod 0700 "$d"/${name} || exit 125`,
    `umask 022`,
    p.chdir ? `cd ${remotePathWord(p.chdir)} || exit 1` : ':',
    `(${run}) </dev/null`,
  ].join('\n');
}

function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

async function apply(ctx: ModuleContext, p: ScriptParams, plan: Plan<ScriptAction>): Promise<ModuleResult> {
  const action = plan.actions[0];
  if (!action) return { changed: false, skipped: true, msg: plan.msg ?? '' };
  const content = await readFile(action.source);
  const r = await ctx.run(scriptCommand(p, action), { stdin: content });
  const stdout = r.stdout.toString('utf8');
  const stderr = r.stderr.toString('utf8');
  const result: ModuleResult = { changed: true, rc: r.rc, stdout, stderr, stdout_lines: lines(stdout), stderr_lines: lines(stderr) };
  if (r.rc === 125 && /mktemp|cannot create/i.test(stderr)) return { ...result, failed: true, msg: `could not copy the script to a temporary directory on the host` };
  if (r.rc !== 0) return { ...result, failed: true, msg: 'non-zero return code' };
  return result;
}

export const script: ModuleDefinition<ScriptParams, ScriptState, ScriptAction> = {
  name: 'script',
  aliases: ['ansible.builtin.script', 'ansible.legacy.script'],
  params: {
    _raw_params: { type: 'str' },
    cmd: { type: 'str' },
    chdir: { type: 'str' },
    creates: { type: 'str' },
    removes: { type: 'str' },
    executable: { type: 'str' },
    decrypt: { type: 'bool', default: true },
  },
  freeForm: '_raw_params',
  freeFormKeys: ['chdir', 'creates', 'removes', 'executable', 'decrypt', 'cmd'],
  probe,
  plan: planScript,
  apply,
};
