import { readdir, readFile, readlink, stat } from 'node:fs/promises';

/** Inode of a namespace file (e.g. /run/netns/x), or null when it does not exist. */
export async function nsInode(path: string): Promise<number | null> {
  try {
    return (await stat(path)).ino;
  } catch {
    return null;
  }
}

export async function allPids(): Promise<number[]> {
  const entries = await readdir('/proc');
  return entries.filter((e) => /^\d+$/.test(e)).map(Number);
}

/** Pids of the live processes whose network namespace is the given one (what `ip netns pids` shows). */
export async function pidsInNetns(inode: number): Promise<number[]> {
  const want = `net:[${inode}]`;
  const pids = await allPids();
  const links = await Promise.all(pids.map((p) => readlink(`/proc/${p}/ns/net`).catch(() => '')));
  return pids.filter((p, i) => links[i] === want && p !== process.pid);
}

/** The pid of a process in each pid namespace it is in, outermost first (the NSpid line). */
export async function nsPids(pid: number): Promise<number[] | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const line = status.split('\n').find((l) => l.startsWith('NSpid:'));
    return line ? line.slice(6).trim().split(/\s+/).map(Number) : null;
  } catch {
    return null;
  }
}

/** Whether pid is the init (pid 1 of its own pid namespace) of the node whose netns has this inode. */
export async function isNodeInit(pid: number, netnsInode: number): Promise<boolean> {
  const ns = await nsPids(pid);
  if (!ns || ns.length < 2 || ns[ns.length - 1] !== 1) return false;
  const link = await readlink(`/proc/${pid}/ns/net`).catch(() => '');
  return link === `net:[${netnsInode}]`;
}

/** Finds the node's init among the processes in its netns. */
export async function findNodeInit(netnsInode: number): Promise<number | null> {
  for (const pid of await pidsInNetns(netnsInode)) {
    if (await isNodeInit(pid, netnsInode)) return pid;
  }
  return null;
}

export function killPids(pids: number[], signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function exists(pid: number): Promise<boolean> {
  return stat(`/proc/${pid}`).then(
    () => true,
    () => false,
  );
}

/** Live processes grouped by the netns inodes asked for, in one pass over /proc. */
export async function pidsInNetnses(inodes: ReadonlySet<number>): Promise<Map<number, number[]>> {
  const pids = await allPids();
  const links = await Promise.all(pids.map((p) => readlink(`/proc/${p}/ns/net`).catch(() => '')));
  const out = new Map<number, number[]>();
  pids.forEach((pid, i) => {
    const m = /^net:\[(\d+)\]$/.exec(links[i] ?? '');
    const inode = m ? Number(m[1]) : -1;
    if (pid === process.pid || !inodes.has(inode)) return;
    out.set(inode, [...(out.get(inode) ?? []), pid]);
  });
  return out;
}

/**
 * Kills every process in the given netns and waits until none is left; resolves with the pids that
 * would not die. Nodes' inits go first, and alone: killing one ends its whole pid namespace, and its
 * parent (unshare) then reaps it and exits by itself; killed at the same time, unshare would leave
 * the init a zombie of the host's pid 1. The sweep after that catches whatever else entered the
 * netns (unshare itself if need be, labExec's nsenter).
 */
export async function killNetnsProcesses(inodes: ReadonlySet<number>, timeoutMs = 10_000): Promise<number[]> {
  if (inodes.size === 0) return [];
  const deadline = Date.now() + timeoutMs;
  const inits: number[] = [];
  for (const [inode, pids] of await pidsInNetnses(inodes)) {
    for (const pid of pids) if (await isNodeInit(pid, inode)) inits.push(pid);
  }
  killPids(inits);
  const reaped = Date.now() + 3000;
  while (Date.now() < reaped && (await Promise.all(inits.map(exists))).some(Boolean)) await sleep(10);
  for (;;) {
    const pids = [...(await pidsInNetnses(inodes)).values()].flat();
    if (pids.length === 0) return [];
    if (Date.now() > deadline) return pids;
    killPids(pids);
    await sleep(20);
  }
}
