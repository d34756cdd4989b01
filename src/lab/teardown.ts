import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { isLabLink, isLabNetns, labTag } from './names.js';
import { dropEmptyNetnsMount, listLinks, listNetns, removeNat, removeNetworks, restoreForwarding } from './network.js';
import { killNodes, netnsPath, removeNodeFiles } from './node.js';
import { killNetnsProcesses, killPids, nsInode, nsPids, sleep } from './procs.js';
import { isMounted, otherStates, paths, readState, unmountStateDir } from './state.js';
import type { NodeState } from './types.js';
import { removeVolumes } from './volume.js';

/** Stops the given nodes of a running lab and removes their netns, veths and files. */
export async function removeNodes(lab: string, nodes: readonly NodeState[]): Promise<void> {
  if (nodes.length === 0) return;
  await killNodes(nodes);
  await removeNetworks(
    nodes.map((n) => n.veth),
    nodes.map((n) => n.netns),
  );
  await Promise.all(nodes.map((n) => removeNodeFiles(lab, n.name)));
}

/** Inits recorded in the state dir that still run, e.g. after their netns file was deleted by hand. */
async function recordedInits(lab: string): Promise<number[]> {
  const dir = paths(lab).nodes;
  const nodes = await readdir(dir).catch(() => [] as string[]);
  const pids: number[] = [];
  for (const n of nodes) {
    const pid = Number((await readFile(join(dir, n, 'init.pid'), 'utf8').catch(() => '')).trim());
    if (!(pid > 0)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const ns = await nsPids(pid);
    if (cmdline.startsWith('fleet-lab-init') && ns && ns[ns.length - 1] === 1) pids.push(pid);
  }
  return pids;
}

/**
 * Removes everything a lab may have left, from its name alone (state is used when there is some):
 * processes, netns, veths, bridge, iptables rules, the state tmpfs. Safe on a half-built lab.
 */
export async function teardown(lab: string): Promise<void> {
  const state = await readState(lab);
  const tag = labTag(lab);
  const netns = new Set((await listNetns()).filter((n) => isLabNetns(lab, n)));
  for (const n of state?.nodes ?? []) netns.add(n.netns);

  const inodes = (await Promise.all([...netns].map((n) => nsInode(netnsPath(n))))).filter((i): i is number => i !== null);
  const stubborn = await killNetnsProcesses(new Set(inodes));
  const orphans = await recordedInits(lab);
  killPids(orphans);
  for (let i = 0; i < 100 && (await recordedInits(lab)).length; i++) await sleep(20);
  if (stubborn.length) throw new LabError(`lab ${lab}: processes would not die: ${stubborn.join(' ')}`);

  const links = (await listLinks()).filter((l) => isLabLink(tag, l));
  await removeNetworks(links, [...netns]);
  await removeNat(lab);
  // The nodes (and so their mounts) are gone: the loop devices are free to detach.
  await removeVolumes(lab, state?.volumes ?? []);
  if ((await otherStates(lab)).length === 0) await restoreForwarding();
  await unmountStateDir(lab);
  await dropEmptyNetnsMount(isMounted);
}
