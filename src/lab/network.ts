import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { labRoot, nodeMac, ruleComment } from './names.js';
import { mapLimit } from './pool.js';
import { must, run } from './run.js';
import { tool } from './tools.js';
import type { LabState, NodeState } from './types.js';

/** Names of the links in the host's netns ("veth@if3" is reported as "veth"). */
export async function listLinks(): Promise<string[]> {
  const r = await must('listing network links', tool('ip'), ['-o', 'link', 'show']);
  return r.stdout
    .split('\n')
    .map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '')
    .filter(Boolean);
}

export async function listNetns(): Promise<string[]> {
  const r = await run(tool('ip'), ['netns', 'list']);
  return r.rc === 0 ? r.stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean) : [];
}

function ipBatch(what: string, lines: string[], netns?: string, force = false): Promise<unknown> {
  if (lines.length === 0) return Promise.resolve();
  const args = [...(netns ? ['-n', netns] : []), ...(force ? ['-force'] : []), '-batch', '-'];
  return must(what, tool('ip'), args, { input: `${lines.join('\n')}\n` });
}

export async function ensureBridge(state: LabState): Promise<void> {
  if (!(await listLinks()).includes(state.bridge)) {
    await ipBatch('creating the lab bridge', [`link add ${state.bridge} type bridge`]);
  }
  await ipBatch('configuring the lab bridge', [`addr replace ${state.gateway}/24 dev ${state.bridge}`, `link set ${state.bridge} up`]);
}

/**
 * Each node: a named netns, a veth pair whose host end joins the bridge and whose other end is the
 * node's eth0, the node's address and a default route through the host (for NAT to the registry).
 */
export async function addNodeNetworks(state: LabState, nodes: readonly NodeState[]): Promise<void> {
  // One ip process for every netns: concurrent first `ip netns add`s would each bind-mount /run/netns.
  await ipBatch('creating node network namespaces', nodes.map((n) => `netns add ${n.netns}`));
  await ipBatch(
    'creating node veth pairs',
    nodes.flatMap((n) => [
      `link add ${n.veth} type veth peer name eth0 address ${nodeMac(state.tag, n.index)} netns ${n.netns}`,
      `link set ${n.veth} master ${state.bridge} up`,
    ]),
  );
  await mapLimit(nodes, 8, (n) =>
    ipBatch(
      `configuring ${n.name}'s network`,
      ['link set lo up', `addr add ${n.address}/24 dev eth0`, 'link set eth0 up', `route add default via ${state.gateway}`],
      n.netns,
    ),
  );
}

/**
 * Deletes the netns (the kernel then tears their veths down in one batch, much faster than one
 * `ip link del` each), then the links left, and waits until none of the links is listed any more.
 */
export async function removeNetworks(links: string[], netns: string[]): Promise<void> {
  const haveNetns = new Set(await listNetns());
  await ipBatch('removing lab network namespaces', netns.filter((n) => haveNetns.has(n)).map((n) => `netns del ${n}`), undefined, true);
  const wanted = new Set(links);
  const deadline = Date.now() + 10_000;
  for (let round = 0; ; round++) {
    const left = (await listLinks()).filter((l) => wanted.has(l));
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new LabError(`network links would not go away: ${left.join(' ')}`);
    // Veths whose netns is gone disappear by themselves; others (and the bridge) are deleted.
    if (round === 3) await ipBatch('removing lab links', left.map((l) => `link del ${l}`), undefined, true).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The bind mount `ip netns add` makes of /run/netns, removed when no netns is left in it. */
export async function dropEmptyNetnsMount(mounted: (dir: string) => Promise<boolean>): Promise<void> {
  if ((await listNetns()).length === 0 && (await mounted('/run/netns'))) await run(tool('umount'), ['/run/netns']);
}

function natRules(state: LabState): { table: string; chain: string; insert: boolean; rule: string[] }[] {
  const tag = ['-m', 'comment', '--comment', ruleComment(state.name)];
  return [
    { table: 'nat', chain: 'POSTROUTING', insert: false, rule: ['-s', state.subnet, '!', '-o', state.bridge, ...tag, '-j', 'MASQUERADE'] },
    { table: 'filter', chain: 'FORWARD', insert: true, rule: ['-i', state.bridge, ...tag, '-j', 'ACCEPT'] },
    { table: 'filter', chain: 'FORWARD', insert: true, rule: ['-o', state.bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', ...tag, '-j', 'ACCEPT'] },
  ];
}

/** MASQUERADE for the lab subnet (and FORWARD accepts, for hosts whose policy is DROP), once each. */
export async function ensureNat(state: LabState): Promise<void> {
  for (const r of natRules(state)) {
    const exists = await run(tool('iptables'), ['-w', '-t', r.table, '-C', r.chain, ...r.rule]);
    if (exists.rc === 0) continue;
    await must('adding the lab NAT rules', tool('iptables'), ['-w', '-t', r.table, r.insert ? '-I' : '-A', r.chain, ...r.rule]);
  }
  await enableForwarding();
}

/** Removes every rule tagged with this lab's comment, whatever subnet or bridge it names. */
export async function removeNat(lab: string): Promise<void> {
  const comment = ruleComment(lab);
  for (const [table, chain] of [
    ['nat', 'POSTROUTING'],
    ['filter', 'FORWARD'],
  ] as const) {
    const listed = await run(tool('iptables'), ['-w', '-t', table, '-S', chain]);
    if (listed.rc !== 0) continue;
    for (const line of listed.stdout.split('\n')) {
      const args = line.split(' ').map((a) => a.replace(/^"(.*)"$/, '$1'));
      if (args[0] !== '-A' || !args.includes(comment)) continue;
      await must('removing the lab NAT rules', tool('iptables'), ['-w', '-t', table, '-D', ...args.slice(1)]);
    }
  }
}

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';
const forwardSaved = (): string => join(labRoot(), 'ip_forward.orig');

/** Turns on routing, remembering (once, for all labs) what it was so the last down restores it. */
async function enableForwarding(): Promise<void> {
  const current = (await readFile(IP_FORWARD, 'utf8')).trim();
  if (current === '1') return;
  await writeFile(forwardSaved(), `${current}\n`, { flag: 'wx' }).catch(() => undefined);
  await writeFile(IP_FORWARD, '1\n');
}

export async function restoreForwarding(): Promise<void> {
  const saved = await readFile(forwardSaved(), 'utf8').catch(() => null);
  if (saved === null) return;
  await writeFile(IP_FORWARD, saved);
  await unlink(forwardSaved());
}
