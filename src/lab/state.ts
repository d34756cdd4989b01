import { mkdir, readFile, readdir, rename, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { labRoot, stateDir } from './names.js';
import { must, run } from './run.js';
import { tool } from './tools.js';
import type { LabInfo, LabState } from './types.js';

export const STATE_FILE = 'state.json';

/** Mount points in this mount namespace, decoded from /proc/self/mountinfo. */
export async function mountPoints(): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

export async function isMounted(dir: string): Promise<boolean> {
  return (await mountPoints()).includes(dir);
}

/**
 * The state dir is a tmpfs of its own: nodes are overlays of /, and a separate mount is not visible
 * through them, so no node sees the lab's keys or another node's upper dir.
 */
export async function mountStateDir(name: string): Promise<string> {
  const dir = stateDir(name);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (!(await isMounted(dir))) {
    await must('mounting the lab state tmpfs', tool('mount'), ['-t', 'tmpfs', '-o', 'mode=0700,nodev', `fleet-lab-${name}`, dir]);
  }
  return dir;
}

/** Unmounts every tmpfs stacked on the state dir (lazily if something still holds it) and removes it. */
export async function unmountStateDir(name: string): Promise<void> {
  const dir = stateDir(name);
  for (let i = 0; i < 8 && (await isMounted(dir)); i++) {
    const r = await run(tool('umount'), [dir]);
    if (r.rc !== 0) await must('unmounting the lab state dir', tool('umount'), ['-l', dir]);
  }
  await rmdir(dir).catch(() => undefined);
  await rmdir(labRoot()).catch(() => undefined);
}

/** The lab's state, or null when the lab is not up (no mounted state dir or no readable state.json). */
export async function readState(name: string): Promise<LabState | null> {
  const dir = stateDir(name);
  if (!(await isMounted(dir))) return null;
  try {
    const state = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as LabState;
    return state.version === 1 && state.name === name ? state : null;
  } catch {
    return null;
  }
}

export async function writeState(state: LabState): Promise<void> {
  const file = join(stateDir(state.name), STATE_FILE);
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

/** States of the other labs that are up, to keep subnets and link names apart. */
export async function otherStates(name: string): Promise<LabState[]> {
  const entries = await readdir(labRoot()).catch(() => [] as string[]);
  const states = await Promise.all(entries.filter((e) => e !== name).map((e) => readState(e).catch(() => null)));
  return states.filter((s): s is LabState => s !== null);
}

export function paths(name: string): { dir: string; inventory: string; key: string; knownHosts: string; base: string; nodes: string; initScript: string } {
  const dir = stateDir(name);
  return {
    dir,
    inventory: join(dir, 'inventory.ini'),
    key: join(dir, 'id_ed25519'),
    knownHosts: join(dir, 'known_hosts'),
    base: join(dir, 'base'),
    nodes: join(dir, 'nodes'),
    initScript: join(dir, 'node-init.sh'),
  };
}

export function nodeDir(name: string, node: string): string {
  return join(paths(name).nodes, node);
}

export function toInfo(state: LabState): LabInfo {
  const p = paths(state.name);
  return {
    name: state.name,
    nodes: state.nodes.map((n) => ({ name: n.name, address: n.address, netns: n.netns })),
    dir: p.dir,
    inventoryPath: p.inventory,
    privateKeyPath: p.key,
    knownHostsPath: p.knownHosts,
    subnet: state.subnet,
    bridge: state.bridge,
  };
}

export function assertState(state: LabState | null, name: string): LabState {
  if (!state) throw new LabError(`lab ${name} is not up`, { hint: `start it with labUp(n, { name: '${name}' }) or: fleet lab up 3 --name ${name}` });
  return state;
}
