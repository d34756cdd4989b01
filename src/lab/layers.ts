import { chmod, chown, lstat, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { must } from './run.js';
import { tool } from './tools.js';

export interface Owner {
  mode: number;
  uid?: number;
  gid?: number;
}

/**
 * Creates rel (and its parents) inside an overlay layer with the mode and owner of the host's own
 * directory at that path: a directory in an upper layer decides the merged directory's attributes,
 * so e.g. /root must stay 0700 when the layer adds /root/.ssh.
 */
export async function mkdirLike(layer: string, rel: string, last?: Owner): Promise<string> {
  const parts = rel.split('/').filter(Boolean);
  let sub = '';
  for (let i = 0; i < parts.length; i++) {
    sub = `${sub}/${parts[i]}`;
    const target = join(layer, sub);
    const created = await mkdir(target).then(
      () => true,
      (e: NodeJS.ErrnoException) => {
        if (e.code === 'EEXIST') return false;
        throw e;
      },
    );
    const isLast = i === parts.length - 1;
    if (!created && !(isLast && last)) continue;
    let owner: Owner = { mode: 0o755, uid: 0, gid: 0 };
    if (isLast && last) owner = last;
    else {
      const host = await lstat(sub).catch(() => null);
      if (host?.isDirectory()) owner = { mode: host.mode & 0o7777, uid: host.uid, gid: host.gid };
    }
    await chown(target, owner.uid ?? 0, owner.gid ?? 0);
    await chmod(target, owner.mode);
  }
  return join(layer, rel);
}

export async function writeLayerFile(layer: string, rel: string, content: string, owner: Owner): Promise<string> {
  await mkdirLike(layer, dirname(rel));
  const target = join(layer, rel);
  await writeFile(target, content);
  await chown(target, owner.uid ?? 0, owner.gid ?? 0);
  await chmod(target, owner.mode);
  return target;
}

/** An overlay whiteout (a 0/0 character device): hides the host's file at rel in every node. */
export async function whiteout(layer: string, rel: string): Promise<void> {
  await mkdirLike(layer, dirname(rel));
  await must('hiding a host file from the nodes', tool('mknod'), [join(layer, rel), 'c', '0', '0']);
}

/** Mode and owner of a host file, to give the layer's copy the same. */
export async function hostOwner(path: string, fallback: Owner): Promise<Owner> {
  const s = await lstat(path).catch(() => null);
  return s ? { mode: s.mode & 0o7777, uid: s.uid, gid: s.gid } : fallback;
}
