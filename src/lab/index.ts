/**
 * The lab: a real fleet of OpenSSH nodes on this one Linux machine, each in its own network,
 * mount, uts, ipc and pid namespaces on a bridge, for tests and demos. See docs/lab.md.
 */
import { execIn, labOfNode } from './exec.js';
import { labName } from './names.js';
import { statusOf } from './status.js';
import { teardown } from './teardown.js';
import { assertHost, preflight } from './tools.js';
import { bringUp } from './up.js';
import type { ExecResult, LabInfo, LabNode, LabOptions } from './types.js';

export type { ExecResult, LabInfo, LabNode, LabOptions } from './types.js';
export { DEBIAN_PACKAGES } from './tools.js';
export { SSHD_LOG, SSHD_START } from './render.js';
export { DEFAULT_LAB, MAX_NODES } from './names.js';
export { labAttachVolume, labClientVolumes, volumeDir, type LabVolume } from './volume.js';

/**
 * Starts (or converges) lab `name` to exactly `count` nodes, node1..nodeN: running nodes are kept,
 * missing or broken ones are (re)built, extra ones removed. Resolves once every sshd accepts connections.
 */
export async function labUp(count: number, options: LabOptions = {}): Promise<LabInfo> {
  preflight();
  return bringUp(labName(options.name), count);
}

/** Stops the lab and removes all it made; a no-op when it is not up. */
export async function labDown(options: LabOptions = {}): Promise<void> {
  assertHost();
  await teardown(labName(options.name));
}

/** The lab's info and which nodes run (init alive and sshd answering), or null when it is not up. */
export async function labStatus(options: LabOptions = {}): Promise<{ info: LabInfo; running: Record<string, boolean> } | null> {
  assertHost();
  return statusOf(labName(options.name));
}

/**
 * Runs argv as root inside a node (nsenter into its namespaces and root): for test set-up and fault
 * injection. Never throws for a non-zero exit; the lab is options.name, else the LabNode's own lab.
 */
export async function labExec(
  node: LabNode | string,
  argv: string[],
  options: LabOptions & { input?: string; timeoutMs?: number } = {},
): Promise<ExecResult> {
  assertHost();
  return execIn(labName(options.name ?? labOfNode(node)), node, argv, options);
}
