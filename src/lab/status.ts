import { nodeInitPid, sshBanner } from './node.js';
import { readState, toInfo } from './state.js';
import type { LabInfo } from './types.js';

/** The lab's info and, per node, whether its init runs and its sshd answers; null when it is not up. */
export async function statusOf(name: string): Promise<{ info: LabInfo; running: Record<string, boolean> } | null> {
  const state = await readState(name);
  if (!state) return null;
  const up = await Promise.all(state.nodes.map(async (n) => (await nodeInitPid(name, n)) !== null && (await sshBanner(n.address, 1500))));
  const running: Record<string, boolean> = {};
  state.nodes.forEach((n, i) => (running[n.name] = up[i] ?? false));
  return { info: toInfo(state), running };
}
