import { mkdir, writeFile } from 'node:fs/promises';
import { LabError } from '../errors.js';
import { buildBaseLayer } from './base.js';
import { NODE_INIT_SCRIPT } from './init-script.js';
import { ensureLabKey } from './keys.js';
import { MAX_NODES, bridgeName, isLabNetns, labTag, netnsName, nodeAddress, nodeName, vethName } from './names.js';
import { addNodeNetworks, ensureBridge, ensureNat, listNetns } from './network.js';
import { hostKeysIntact, nodeInitPid, prepareNode, spawnNode, sshBanner, waitForSshd, writeNodeHosts } from './node.js';
import { mapLimit } from './pool.js';
import { hostsFile, inventoryFile, knownHostsFile } from './render.js';
import { pickSubnet } from './subnet.js';
import { mountStateDir, otherStates, paths, readState, toInfo, writeState } from './state.js';
import { removeNodes, teardown } from './teardown.js';
import type { LabInfo, LabState, NodeState } from './types.js';

/** A new lab: state tmpfs, subnet, key pair, shared base layer, bridge and NAT. No nodes yet. */
async function createLab(name: string): Promise<LabState> {
  await mountStateDir(name);
  const others = await otherStates(name);
  const tag = labTag(name);
  const clash = others.find((o) => o.tag === tag);
  if (clash) throw new LabError(`labs "${name}" and "${clash.name}" would share link names (${tag}*)`, { hint: 'pick another lab name' });
  const prefix = await pickSubnet(name, others.map((o) => o.prefix));
  const state: LabState = {
    version: 1,
    name,
    tag,
    bridge: bridgeName(tag),
    prefix,
    subnet: `${prefix}.0/24`,
    gateway: `${prefix}.1`,
    nodes: [],
  };
  const p = paths(name);
  const publicKey = await ensureLabKey(p.key, `fleet-lab@${name}`);
  await buildBaseLayer(p.base, publicKey);
  await writeFile(p.initScript, NODE_INIT_SCRIPT, { mode: 0o644 });
  await mkdir(p.nodes, { recursive: true });
  await ensureBridge(state);
  await ensureNat(state);
  // Written last: a state.json means a complete lab, anything less is torn down by the next up.
  await writeState(state);
  return state;
}

function nodeSpec(state: LabState, index: number): NodeState {
  return {
    name: nodeName(index),
    index,
    address: nodeAddress(state.prefix, index),
    netns: netnsName(state.name, index),
    veth: vethName(state.tag, index),
    hostKeys: [],
  };
}

/** A node is kept when its init runs, its sshd answers and its host keys are still the known ones. */
async function healthy(name: string, node: NodeState): Promise<number | null> {
  const pid = await nodeInitPid(name, node);
  if (pid === null || !(await hostKeysIntact(pid, node))) return null;
  return (await sshBanner(node.address, 3000)) ? pid : null;
}

export async function bringUp(name: string, count: number): Promise<LabInfo> {
  if (!Number.isInteger(count) || count < 1 || count > MAX_NODES) {
    throw new LabError(`a lab has 1 to ${MAX_NODES} nodes, not ${count}`);
  }
  let state = await readState(name);
  if (state) {
    await ensureBridge(state);
    await ensureNat(state);
  } else {
    await teardown(name);
    state = await createLab(name);
  }
  const lab = state;

  const checks = await Promise.all(lab.nodes.map(async (n) => ({ node: n, pid: n.index <= count ? await healthy(name, n) : null })));
  const kept = checks.filter((c) => c.pid !== null) as { node: NodeState; pid: number }[];
  await removeNodes(
    name,
    checks.filter((c) => c.pid === null).map((c) => c.node),
  );
  const keptIndexes = new Set(kept.map((k) => k.node.index));
  // A netns of this lab that the state does not list (an up that died half-way) is in the way.
  const strays = (await listNetns())
    .filter((n) => isLabNetns(name, n) && !kept.some((k) => k.node.netns === n))
    .map((n) => nodeSpec(lab, Number(n.slice(n.lastIndexOf('node') + 4))));
  await removeNodes(name, strays);
  const fresh = Array.from({ length: count }, (_, i) => i + 1)
    .filter((i) => !keptIndexes.has(i))
    .map((i) => nodeSpec(lab, i));
  const changed = fresh.length > 0 || lab.nodes.length !== count;

  const planned = [...kept.map((k) => k.node), ...fresh].sort((a, b) => a.index - b.index);
  const hosts = hostsFile(planned);
  const prepared = await mapLimit(fresh, 8, (n) => prepareNode(name, n, hosts));
  lab.nodes = [...kept.map((k) => k.node), ...prepared].sort((a, b) => a.index - b.index);
  await writeState(lab);

  if (prepared.length) {
    await addNodeNetworks(lab, prepared);
    const started = prepared.map((n) => ({ node: n, ...spawnNode(name, n) }));
    await Promise.all(started.map((s) => waitForSshd(name, s.node, s.exited)));
  }
  if (changed) await Promise.all(kept.map((k) => writeNodeHosts(k.pid, hosts)));

  const p = paths(name);
  await writeFile(p.knownHosts, knownHostsFile(lab.nodes), { mode: 0o644 });
  await writeFile(p.inventory, inventoryFile(lab, p.key, p.knownHosts), { mode: 0o644 });
  return toInfo(lab);
}
