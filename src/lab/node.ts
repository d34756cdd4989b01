import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { HOST_KEY_FILES, generateHostKeys } from './keys.js';
import { mkdirLike, writeLayerFile } from './layers.js';
import { findNodeInit, isNodeInit, killNetnsProcesses, nsInode, sleep } from './procs.js';
import { SSHD_LOG } from './render.js';
import { CLEAN_ENV } from './run.js';
import { nodeDir, paths } from './state.js';
import { tool } from './tools.js';
import type { NodeState } from './types.js';

export function netnsPath(netns: string): string {
  return `/run/netns/${netns}`;
}

function nodePaths(lab: string, node: string): { dir: string; upper: string; work: string; root: string; pid: string; log: string } {
  const dir = nodeDir(lab, node);
  return { dir, upper: join(dir, 'upper'), work: join(dir, 'work'), root: join(dir, 'root'), pid: join(dir, 'init.pid'), log: join(dir, 'node.log') };
}

/** The node's upper layer before first mount: its own host keys, hostname and hosts file. */
export async function prepareNode(lab: string, node: NodeState, hosts: string): Promise<NodeState> {
  const p = nodePaths(lab, node.name);
  await rm(p.dir, { recursive: true, force: true });
  for (const d of [p.upper, p.work, p.root]) await mkdir(d, { recursive: true, mode: 0o755 });
  const sshDir = await mkdirLike(p.upper, 'etc/ssh');
  const hostKeys = await generateHostKeys(sshDir, `root@${node.name}`);
  await writeLayerFile(p.upper, 'etc/hostname', `${node.name}\n`, { mode: 0o644 });
  await writeLayerFile(p.upper, 'etc/hosts', hosts, { mode: 0o644 });
  return { ...node, hostKeys };
}

/**
 * Starts the node: nsenter into its netns, unshare the rest, and run the init script as pid 1.
 * Detached, so the lab outlives the process that started it.
 */
export function spawnNode(lab: string, node: NodeState): { exited: Promise<number | null> } {
  const p = nodePaths(lab, node.name);
  const files = paths(lab);
  const log = openSync(p.log, 'a');
  const child = spawn(
    tool('nsenter'),
    [
      `--net=${netnsPath(node.netns)}`,
      '--',
      tool('unshare'),
      '--mount',
      '--uts',
      '--ipc',
      '--pid',
      '--fork',
      '--kill-child',
      '--propagation',
      'private',
      '--',
      tool('sh'),
      files.initScript,
      p.pid,
      `${files.base}:/`,
      p.upper,
      p.work,
      p.root,
      node.name,
    ],
    { detached: true, stdio: ['ignore', log, log], env: CLEAN_ENV },
  );
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.on('error', () => resolve(-1));
  });
  child.unref();
  return { exited };
}

/** The host pid of the node's init, or null when the node is not running. */
export async function nodeInitPid(lab: string, node: NodeState): Promise<number | null> {
  const inode = await nsInode(netnsPath(node.netns));
  if (inode === null) return null;
  const recorded = Number((await readFile(nodePaths(lab, node.name).pid, 'utf8').catch(() => '')).trim());
  if (recorded > 0 && (await isNodeInit(recorded, inode))) return recorded;
  return findNodeInit(inode);
}

/** Whether something on addr:22 answers with an SSH banner within timeoutMs. */
export function sshBanner(address: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port: 22 });
    let data = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('data', (b: Buffer) => {
      data += b.toString('latin1');
      if (data.includes('\n')) done(data.startsWith('SSH-'));
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}

export async function nodeLogs(lab: string, node: string): Promise<string> {
  const p = nodePaths(lab, node);
  const boot = (await readFile(p.log, 'utf8').catch(() => '')).trim();
  const sshd = (await readFile(join(p.upper, SSHD_LOG), 'utf8').catch(() => '')).trim();
  return `--- node start log (${p.log}) ---\n${boot || '(empty)'}\n--- sshd log (${SSHD_LOG} in the node) ---\n${sshd || '(empty)'}`;
}

/** Waits until the node's sshd answers; a LabError with the node's logs when it does not. */
export async function waitForSshd(lab: string, node: NodeState, exited: Promise<number | null>, timeoutMs = 20_000): Promise<void> {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await sshBanner(node.address, 1000)) return;
    if (gone !== undefined) {
      throw new LabError(`${node.name}'s init exited (code ${gone}) before sshd came up\n${await nodeLogs(lab, node.name)}`, { host: node.name });
    }
    await sleep(20);
  }
  throw new LabError(`${node.name}'s sshd did not accept connections on ${node.address}:22 within ${timeoutMs / 1000}s\n${await nodeLogs(lab, node.name)}`, {
    host: node.name,
  });
}

/** Kills everything in the nodes' netns (each init takes its whole pid namespace with it). */
export async function killNodes(nodes: readonly NodeState[]): Promise<void> {
  const inodes = (await Promise.all(nodes.map((n) => nsInode(netnsPath(n.netns))))).filter((i): i is number => i !== null);
  const left = await killNetnsProcesses(new Set(inodes));
  if (left.length) throw new LabError(`processes of ${nodes.map((n) => n.name).join(', ')} would not die: ${left.join(' ')}`);
}

export async function removeNodeFiles(lab: string, node: string): Promise<void> {
  await rm(nodePaths(lab, node).dir, { recursive: true, force: true });
}

/** Whether the node still has the host keys known_hosts lists for it (a test may have replaced them). */
export async function hostKeysIntact(pid: number, node: NodeState): Promise<boolean> {
  const found = await Promise.all(
    HOST_KEY_FILES.map(async (f) => {
      const text = await readFile(`/proc/${pid}/root/etc/ssh/${f}.pub`, 'utf8').catch(() => '');
      return text.trim().split(/\s+/).slice(0, 2).join(' ');
    }),
  );
  return found.every((k) => node.hostKeys.includes(k)) && found.length === node.hostKeys.length;
}

/** Rewrites a running node's /etc/hosts through its own root (a write through the overlay). */
export async function writeNodeHosts(pid: number, hosts: string): Promise<void> {
  await writeFile(`/proc/${pid}/root/etc/hosts`, hosts);
}
