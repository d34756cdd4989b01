import { shQuote } from '../util/shlex.js';
import type { ModuleDefinition, ModuleResult } from './types.js';

/** Where async jobs keep their status, relative to the home of the user the job runs as (Ansible's async_dir). */
export const ASYNC_DIR = '~/.ansible_async';

interface Params {
  jid: string;
  mode: 'status' | 'cleanup';
}

interface State {
  path: string;
  exists: boolean;
  text: string;
}

/** The shell words for a job's results file: `~` left unquoted so the host's shell expands it. */
export function asyncFilePath(jid: string): string {
  return `${ASYNC_DIR}/${shQuote(jid)}`;
}

/**
 * async_status: the status of a job started with `async:` (`poll: 0`), read from its results file
 * on the host, or (mode cleanup) that file removed. A job id is data: it is one quoted word.
 */
export const async_status: ModuleDefinition<Params, State, 'cleanup'> = {
  name: 'async_status',
  aliases: ['ansible.builtin.async_status', 'ansible.legacy.async_status'],
  params: {
    jid: { type: 'str', required: true },
    mode: { type: 'str', default: 'status', choices: ['status', 'cleanup'] },
  },
  readOnly: true,
  async probe(ctx, p) {
    if (p.jid.includes('/') || p.jid === '.' || p.jid === '..') return { path: p.jid, exists: false, text: '' };
    const file = asyncFilePath(p.jid);
    const r = await ctx.run(`f=${file}; printf '%s\\n' "$f"; if [ -f "$f" ]; then echo yes; cat -- "$f"; else echo no; fi`);
    const out = r.stdout.toString('utf8');
    const [path = '', exists = 'no'] = out.split('\n', 2);
    const text = out.split('\n').slice(2).join('\n');
    return { path, exists: exists === 'yes', text };
  },
  plan: (p) => ({ actions: p.mode === 'cleanup' ? ['cleanup'] : [] }),
  async apply(ctx, p, plan): Promise<ModuleResult> {
    const state = await async_status.probe(ctx, p);
    if (!state.exists) return { changed: false, failed: true, msg: 'could not find job', ansible_job_id: p.jid, results_file: state.path, started: 1, finished: 1 };
    if (plan.actions.includes('cleanup')) {
      await ctx.run(`rm -f -- ${asyncFilePath(p.jid)}`);
      return { changed: false, ansible_job_id: p.jid, erased: state.path, started: 0, finished: 0 };
    }
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(state.text) as Record<string, unknown>;
    } catch {
      // Not written yet: the job is running.
      return { changed: false, ansible_job_id: p.jid, results_file: state.path, started: 1, finished: 0 };
    }
    if (!('started' in data)) return { changed: false, ...data, finished: 1, ansible_job_id: p.jid, results_file: state.path, started: 1 };
    return { changed: false, ...data, finished: 'finished' in data ? data.finished : 0, ansible_job_id: p.jid, results_file: state.path };
  },
};
