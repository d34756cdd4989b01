import { accessSync, constants } from 'node:fs';
import { mkdir, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { execIn, labOfNode } from './exec.js';
import { labName } from './names.js';
import { must, run } from './run.js';
import { inventoryFile } from './render.js';
import { assertState, paths, readState, writeState } from './state.js';
import { assertHost } from './tools.js';
import type { LabNode, LabOptions, VolumeState } from './types.js';

/**
 * Data volumes for lab nodes (a stand-in for a cloud block device such as an EBS disk): a sparse
 * image file on the host's disk (not the state tmpfs: it would cost memory), attached to a loop
 * device, whose device node is made in the node's own /dev. Recorded in state.json; `teardown`
 * detaches the loop devices and removes the images (also from the lab's name alone).
 */

/** Where a lab's volume images live (on disk, never the state tmpfs). */
export function volumeDir(lab: string): string {
  return join(process.env.FLEET_LAB_VOLUME_ROOT ?? '/var/tmp', `fleet-lab-${lab}`);
}

function losetup(): string {
  for (const dir of ['/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    const p = join(dir, 'losetup');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  throw new LabError('lab volumes need losetup, not found on this machine: apt-get install -y mount', { hint: 'apt-get install -y mount' });
}

export interface VolumeOptions extends LabOptions {
  /** Defaults to 256 MB. */
  sizeMb?: number;
}

export interface LabVolume {
  /** The device path inside the node (and on the host): /dev/loopN. */
  device: string;
  /** The backing image file on the host. */
  image: string;
}

/** Attaches a new empty volume of `sizeMb` MB to the node: `/dev/loopN` inside it. */
export async function labAttachVolume(node: LabNode | string, sizeMb = 256, options: LabOptions = {}): Promise<LabVolume> {
  assertHost();
  const lab = labName(options.name ?? labOfNode(node));
  const state = assertState(await readState(lab), lab);
  const name = typeof node === 'string' ? node : node.name;
  if (!state.nodes.some((n) => n.name === name)) throw new LabError(`lab ${lab} has no node ${name}`);
  if (!Number.isInteger(sizeMb) || sizeMb < 1 || sizeMb > 65536) throw new LabError(`a lab volume is 1 to 65536 MB, not ${sizeMb}`);
  const dir = volumeDir(lab);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const volumes = state.volumes ?? [];
  let i = 1;
  while (volumes.some((v) => v.image === join(dir, `${name}-vol${i}.img`))) i++;
  const image = join(dir, `${name}-vol${i}.img`);
  await writeFile(image, '', { mode: 0o600 });
  await truncate(image, sizeMb * 1024 * 1024);
  const r = await run(losetup(), ['--find', '--show', image]);
  const device = r.stdout.trim();
  if (r.rc !== 0 || !/^\/dev\/loop\d+$/.test(device)) {
    await rm(image, { force: true });
    throw new LabError(`losetup --find --show ${image} failed (rc ${r.rc}): ${r.stderr.trim()}`, { hint: 'is the loop module loaded (modprobe loop)? are loop devices left (losetup -a)?' });
  }
  const minor = device.slice('/dev/loop'.length);
  const vol: VolumeState = { node: name, device, image };
  // Recorded before anything else can fail, so teardown detaches it whatever happens next.
  const fresh = assertState(await readState(lab), lab);
  fresh.volumes = [...(fresh.volumes ?? []), vol];
  await writeState(fresh);
  const mk = await execIn(lab, name, ['sh', '-c', `rm -f ${device} && mknod -m 0660 ${device} b 7 ${minor}`]);
  if (mk.rc !== 0) throw new LabError(`mknod ${device} in ${name} failed: ${mk.stderr.trim()}`, { host: name });
  const p = paths(lab);
  await writeFile(p.inventory, inventoryFile(fresh, p.key, p.knownHosts), { mode: 0o644 });
  return { device, image };
}

/**
 * One data volume for every client node (all but node1, the seed's host node) that has none yet,
 * as the seed's cluster had an EBS disk on each client. Returns every client's volume device.
 */
export async function labClientVolumes(sizeMb = 256, options: LabOptions = {}): Promise<Record<string, string>> {
  assertHost();
  const lab = labName(options.name);
  const state = assertState(await readState(lab), lab);
  const out: Record<string, string> = {};
  for (const node of state.nodes.slice(1)) {
    const have = (await readState(lab))?.volumes?.find((v) => v.node === node.name);
    out[node.name] = have ? have.device : (await labAttachVolume(node.name, sizeMb, { name: lab })).device;
  }
  return out;
}

/** Loop devices (of this machine) backed by a file under `dir`. */
async function loopsUnder(dir: string): Promise<string[]> {
  let bin: string;
  try {
    bin = losetup();
  } catch {
    return [];
  }
  const r = await run(bin, ['--list', '--noheadings', '--raw', '--output', 'NAME,BACK-FILE']);
  if (r.rc !== 0) return [];
  return r.stdout
    .split('\n')
    .map((l) => l.split(' '))
    .filter(([dev, file]) => dev && file && file.replace(/\\x20/g, ' ').startsWith(`${dir}/`))
    .map(([dev]) => dev!);
}

/**
 * Detaches every loop device of the lab (recorded ones, and any backed by an image in its volume
 * dir) and removes the images. Called by teardown once the nodes (and their mounts) are gone.
 */
export async function removeVolumes(lab: string, recorded: readonly VolumeState[] = []): Promise<void> {
  const dir = volumeDir(lab);
  const devices = new Set([...recorded.map((v) => v.device), ...(await loopsUnder(dir))]);
  const bin = devices.size ? losetup() : '';
  for (const dev of devices) {
    // Only ones still backed by our images: a recorded device may have been reused since.
    if (!(await loopsUnder(dir)).includes(dev)) continue;
    await must(`detaching the lab volume ${dev}`, bin, ['-d', dev]);
  }
  await rm(dir, { recursive: true, force: true });
}
