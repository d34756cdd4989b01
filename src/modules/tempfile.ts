import { shJoin } from '../util/shlex.js';
import type { ModuleDefinition, ModuleResult, Plan } from './types.js';

/**
 * tempfile: a new temporary file (mode 0600) or directory (0700) through mktemp, named
 * PREFIX + 8 random characters + SUFFIX in `path` (default $TMPDIR, else /tmp), as Ansible's. Every
 * run makes a new one (changed). Ansible's module does not support check mode: there the task is
 * skipped, and so it is here.
 */
export interface TempfileParams {
  state: 'file' | 'directory';
  path?: string;
  prefix: string;
  suffix: string;
}

/** tempfile reads nothing before it runs. */
export type TempfileState = Record<string, never>;

export interface TempfileAction {
  kind: 'mktemp';
  argv: string[];
}

/** The mktemp command for the parameters (GNU mktemp: --suffix, --tmpdir). */
export function mktempArgv(p: TempfileParams): string[] {
  if (p.suffix.includes('/')) throw new Error(`tempfile: suffix must not contain "/", got ${JSON.stringify(p.suffix)}`);
  return [
    'mktemp',
    ...(p.state === 'directory' ? ['-d'] : []),
    p.path !== undefined ? `--tmpdir=${p.path}` : '--tmpdir',
    ...(p.suffix ? [`--suffix=${p.suffix}`] : []),
    '--',
    `${p.prefix}XXXXXXXX`,
  ];
}

/** Ansible's tempfile does not support check mode: there the task is skipped, with this message. */
const CHECK_MODE_SKIP = { changed: false, skipped: true, msg: 'remote module (tempfile) does not support check mode' };

export function planTempfile(p: TempfileParams): Plan<TempfileAction> {
  return { actions: [{ kind: 'mktemp', argv: mktempArgv(p) }], checkResult: CHECK_MODE_SKIP };
}

/** mktemp's output (the path) then the new entry's uid, gid, owner, group, octal mode and size, a line each. */
export function parseTempfileOutput(out: string, state: TempfileParams['state']): Partial<ModuleResult> {
  const [path, uid, gid, owner, group, mode, size] = out.split('\n');
  return {
    path,
    uid: Number(uid),
    gid: Number(gid),
    owner,
    group,
    mode: (mode ?? '').padStart(4, '0'),
    size: Number(size),
    state,
  };
}

export const tempfile: ModuleDefinition<TempfileParams, TempfileState, TempfileAction> = {
  name: 'tempfile',
  aliases: ['ansible.builtin.tempfile', 'ansible.legacy.tempfile'],
  params: {
    state: { type: 'str', default: 'file', choices: ['file', 'directory'] },
    path: { type: 'path' },
    prefix: { type: 'str', default: 'ansible.' },
    suffix: { type: 'str', default: '' },
  },
  probe: async () => ({}),
  plan: planTempfile,
  apply: async (ctx, p, plan): Promise<ModuleResult> => {
    const action = plan.actions[0];
    if (!action) return { changed: false, ...(plan.result ?? {}) };
    const r = await ctx.run(`t=$(${shJoin(action.argv)}) || exit 1\nprintf '%s\\n' "$t"\nstat -c '%u\n%g\n%U\n%G\n%a\n%s' -- "$t"`);
    if (r.rc !== 0) return { changed: false, failed: true, msg: r.stderr.toString('utf8').trim() || `mktemp failed (rc ${r.rc})` };
    return { changed: true, ...parseTempfileOutput(r.stdout.toString('utf8').trimEnd(), p.state) };
  },
};
