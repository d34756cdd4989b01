import type { FleetEvent, TaskRef } from '../executor/events.js';
import { diffsOf, type ModuleResult } from '../modules/types.js';
import { COLOR, pyJson, stringc, type AnsibleColor } from './ansible-format.js';
import { formatDiffs } from './diff.js';

export interface PlayMinimalReporterOptions {
  write: (text: string) => void;
  writeErr: (text: string) => void;
  color: boolean;
  /** --diff: show the diffs results carry. */
  diff: boolean;
}

/** Ansible's MODULE_NO_JSON: their results print as `host | CHANGED | rc=0 >>` and the output. */
const NO_JSON = new Set(['command', 'shell', 'raw', 'win_command', 'win_shell'].flatMap((m) => [m, `ansible.builtin.${m}`, `ansible.legacy.${m}`]));
const DEBUG = new Set(['debug', 'ansible.builtin.debug', 'ansible.legacy.debug']);
const HIDDEN = new Set(['failed', 'skipped', 'exception', 'warnings', 'deprecations', 'invocation', 'diff']);

function shown(result: ModuleResult, task: TaskRef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(result)) if (!HIDDEN.has(k)) out[k] = v;
  // Ansible's _clean_results for debug: `msg` alone when there is one, else no `changed`.
  if (DEBUG.has(task.module)) {
    if ('msg' in out) return { msg: out.msg };
    delete out.changed;
  }
  return out;
}

function commandBlock(host: string, result: ModuleResult, caption: string): string {
  const text = (k: string) => (typeof result[k] === 'string' ? (result[k] as string) : '');
  return `${host} | ${caption} | rc=${typeof result.rc === 'number' ? result.rc : -1} >>\n${text('stdout')}${text('stderr')}${text('msg')}\n`;
}

/**
 * stdout_callback = minimal for playbooks: no banners and no recap, one `host | STATUS => {...}`
 * block per host and task (command, shell and raw as `host | CHANGED | rc=0 >>` and their output),
 * `host | SKIPPED` for skips, as ansible.builtin.minimal prints them.
 */
export function playMinimalReporter(options: PlayMinimalReporterOptions): (event: FleetEvent) => void {
  const out = (text: string, tone: AnsibleColor) => options.write(stringc(text.endsWith('\n') ? text.slice(0, -1) : text, tone, options.color) + '\n');
  const warn = (message: string) => options.writeErr(stringc(`[WARNING]: ${message}`, COLOR.warn, options.color) + '\n');
  return (event) => {
    if (event.type === 'warning') return warn(event.message);
    if (event.type === 'run_end') {
      if (event.interrupted) warn('interrupted: tasks and hosts not yet started were skipped');
      return;
    }
    if (event.type !== 'host_result') return;
    const { host, task, result } = event;
    if (Array.isArray(result.warnings)) for (const w of result.warnings) warn(String(w));
    const noJson = NO_JSON.has(task.module) && !('module_stderr' in result);
    switch (event.status) {
      case 'skipped':
        return out(`${host} | SKIPPED`, COLOR.skip);
      case 'unreachable':
        return out(`${host} | UNREACHABLE! => ${pyJson(shown(result, task), 4)}`, COLOR.unreachable);
      case 'failed':
        return out(noJson ? commandBlock(host, result, 'FAILED') : `${host} | FAILED! => ${pyJson(shown(result, task), 4)}`, COLOR.error);
      default: {
        const diffs = formatDiffs(event.diff ?? (options.diff ? diffsOf(result.diff) : undefined), { color: options.color });
        if (diffs) options.write(diffs);
        const state = event.status === 'changed' ? 'CHANGED' : 'SUCCESS';
        const tone = event.status === 'changed' ? COLOR.changed : COLOR.ok;
        return out(noJson && !('ansible_job_id' in result) ? commandBlock(host, result, state) : `${host} | ${state} => ${pyJson(shown(result, task), 4)}`, tone);
      }
    }
  };
}
