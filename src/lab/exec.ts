import { LabError } from '../errors.js';
import { nodeInitPid } from './node.js';
import { CLEAN_ENV, run } from './run.js';
import { assertState, readState } from './state.js';
import { tool } from './tools.js';
import type { ExecResult, LabNode } from './types.js';

export interface ExecOptions {
  input?: string;
  /** Kill the command (SIGKILL, rc 137) after this many milliseconds. */
  timeoutMs?: number;
}

/** Runs argv as root inside the node: its mount (root), uts, ipc, net and pid namespaces. */
export async function execIn(lab: string, node: LabNode | string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
  if (argv.length === 0) throw new LabError('labExec needs a command to run');
  const state = assertState(await readState(lab), lab);
  const name = typeof node === 'string' ? node : node.name;
  const found = state.nodes.find((n) => n.name === name);
  if (!found) throw new LabError(`lab ${lab} has no node ${name} (it has ${state.nodes.map((n) => n.name).join(', ')})`);
  const pid = await nodeInitPid(lab, found);
  if (pid === null) throw new LabError(`${name} of lab ${lab} is not running`, { host: name, hint: 'labUp again rebuilds nodes that are down' });
  // The time limit is enforced inside the node too: killing nsenter alone would leave the command running there.
  const limited = options.timeoutMs === undefined ? argv : ['timeout', '-s', 'KILL', `${Math.max(options.timeoutMs, 1) / 1000}`, ...argv];
  return run(
    tool('nsenter'),
    ['--target', String(pid), '--mount', '--uts', '--ipc', '--net', '--pid', '--root', '--wd', '--', ...limited],
    { input: options.input, env: CLEAN_ENV, timeoutMs: options.timeoutMs === undefined ? undefined : options.timeoutMs + 2000 },
  );
}

/** The lab a LabNode belongs to, read from its netns name. */
export function labOfNode(node: LabNode | string): string | undefined {
  if (typeof node === 'string') return undefined;
  return /^fleetlab-(.+)-node\d+$/.exec(node.netns)?.[1];
}
