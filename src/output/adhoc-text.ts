import type { FleetEvent, HostStatus } from '../executor/events.js';
import type { ModuleResult } from '../modules/types.js';
import { COLOR, isInternalKey, pyJson, stringc, type AnsibleColor } from './ansible-format.js';

export interface TextReporterOptions {
  write: (text: string) => void;
  writeErr: (text: string) => void;
  color: boolean;
  oneLine: boolean;
  verbosity: number;
}

const CAPTION: Record<HostStatus, string> = {
  ok: 'SUCCESS',
  changed: 'CHANGED',
  failed: 'FAILED',
  unreachable: 'UNREACHABLE!',
  skipped: 'SKIPPED',
};

/** Ansible's colour for each status (unreachable is bright red); stringc colours each line of a block. */
const TONE: Record<HostStatus, AnsibleColor> = { ok: COLOR.ok, changed: COLOR.changed, failed: COLOR.error, unreachable: COLOR.unreachable, skipped: COLOR.skip };

const HIDDEN = new Set(['action', 'stdout_lines', 'stderr_lines', 'failed', 'skipped', 'exception', 'invocation', 'diff']);
/** What debug's result keeps when it has a msg, and what it loses when it shows a var (Ansible's _clean_results). */
const DEBUG_KEPT = new Set(['msg', 'warnings', 'deprecations']);
const DEBUG_HIDDEN = new Set(['changed', 'invocation', 'skip_reason']);
/** Modules whose results ansible's minimal callback prints as `rc=N >>` and text, even a failure without rc (MODULE_NO_JSON). */
const NO_JSON = new Set(['command', 'shell', 'raw']);

function isCommandResult(result: ModuleResult, status: HostStatus, oneLine: boolean): boolean {
  if (result.unreachable) return false;
  if (typeof result.rc === 'number' && typeof result.stdout === 'string') return true;
  // The oneline callback prints such a failure (an argument that did not template) as JSON.
  return !oneLine && status === 'failed' && NO_JSON.has(String(result.action)) && !('module_stderr' in result);
}

/** The result as ansible's _dump_results shows it: no internal keys, no failed/skipped flags, debug's own alone. */
function jsonBody(result: ModuleResult, indent: number | undefined): string {
  const debug = result.action === 'debug';
  const kept = (k: string) =>
    !HIDDEN.has(k) && !isInternalKey(k) && (!debug || ('msg' in result ? DEBUG_KEPT.has(k) : !DEBUG_HIDDEN.has(k)));
  const shown = Object.fromEntries(Object.entries(result).filter(([k]) => kept(k)));
  // --one-line: ansible's oneline callback dumps with indent=0 and drops the newlines (`{"a": 1,"b": 2}`).
  return indent === undefined ? pyJson(shown, 0).replace(/\n/g, '') : pyJson(shown, indent);
}

function escapeLines(text: string): string {
  return text.replace(/\r?\n/g, '\\n');
}

/** `node1 | CHANGED | rc=0 >>` blocks as ansible's minimal callback prints them, or one line per host. */
export function formatAdhocResult(host: string, status: HostStatus, result: ModuleResult, oneLine: boolean): string {
  if (status === 'skipped') return `${host} | SKIPPED`;
  const command = isCommandResult(result, status, oneLine);
  const caption = status === 'failed' && !command ? 'FAILED!' : CAPTION[status];
  if (command) {
    const rc = typeof result.rc === 'number' ? result.rc : -1;
    const stdout = result.stdout ?? '';
    const stderr = result.stderr ?? '';
    const msg = typeof result.msg === 'string' ? result.msg : '';
    if (oneLine) {
      const parts = [`${host} | ${caption} | rc=${rc} | (stdout) ${escapeLines(stdout)}`];
      if (stderr) parts.push(`(stderr) ${escapeLines(stderr)}`);
      return parts.join(' ');
    }
    // As ansible's minimal callback: stdout, stderr and msg run together under the header, even when empty.
    return `${host} | ${caption} | rc=${rc} >>\n${stdout}${stderr}${msg}`;
  }
  if (status === 'unreachable' && oneLine) return `${host} | ${caption}: ${result.msg ?? ''}`;
  return `${host} | ${caption} => ${jsonBody(result, oneLine ? undefined : 4)}`;
}

/** Prints the executor's events for `fleet run` as Ansible users know them. */
export function adhocTextReporter(options: TextReporterOptions): (event: FleetEvent) => void {
  const paint = (tone: AnsibleColor, text: string) => stringc(text, tone, options.color);
  return (event) => {
    switch (event.type) {
      case 'warning':
        options.writeErr(paint(COLOR.warn, `[WARNING]: ${event.message}`) + '\n');
        break;
      case 'run_start':
        if (options.verbosity > 0) options.writeErr(`${event.task.module} on ${event.hosts.length} host(s): ${event.hosts.join(', ')}\n`);
        break;
      case 'host_result':
        options.write(paint(TONE[event.status], formatAdhocResult(event.host, event.status, event.result, options.oneLine)) + '\n');
        break;
      case 'run_end':
        if (options.verbosity > 0) options.writeErr(`done in ${(event.elapsedMs / 1000).toFixed(2)}s\n`);
        if (event.interrupted) options.writeErr(paint(COLOR.warn, '[WARNING]: interrupted: hosts not yet started were skipped') + '\n');
        break;
    }
  };
}
