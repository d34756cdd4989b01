import { copyFile, chown, chmod, lstat, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cryptPassword } from './keys.js';
import { hostOwner, mkdirLike, whiteout, writeLayerFile } from './layers.js';
import { SSHD_CONFIG, SUDOERS } from './render.js';
import { accountFiles, freeIds, type LabUser } from './users.js';

export const LAB_USERS = ['fleet', 'deploy'] as const;
export const FLEET_PASSWORD = 'fleet';

async function readHost(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '');
}

/**
 * The layer shared by every node of a lab (lowerdir=<base>:/): the lab users, their keys and sudo
 * rights, sshd's config, and whiteouts for the host's own host keys and root's ~/.ssh.
 */
/**
 * root's home in a node is a fresh Debian one: the host's dot files (a .bashrc that runs pyenv or
 * rustup on every SSH session, npm and git settings, caches) are hidden, and Debian's default
 * .bashrc and .profile take their place. Otherwise every node would carry the host's private set-up
 * and pay for its shell start-up on every session.
 */
async function cleanRootHome(base: string): Promise<void> {
  for (const f of await readdir('/root').catch(() => [] as string[])) if (f !== '.ssh') await whiteout(base, `root/${f}`);
  for (const [f, from] of [['.bashrc', 'dot.bashrc'], ['.profile', 'dot.profile']] as const) {
    const text = await readHost(`/usr/share/base-files/${from}`);
    if (!text) continue;
    await rm(join(base, 'root', f), { force: true });
    await writeLayerFile(base, `root/${f}`, text, { mode: 0o644 });
  }
}

export async function buildBaseLayer(base: string, publicKey: string): Promise<void> {
  await mkdir(base, { recursive: true, mode: 0o755 });
  const host = {
    passwd: await readHost('/etc/passwd'),
    group: await readHost('/etc/group'),
    shadow: await readHost('/etc/shadow'),
    gshadow: await readHost('/etc/gshadow'),
  };
  const [fleetId, deployId] = freeIds(host.passwd, host.group, 2, [...LAB_USERS]);
  const users: LabUser[] = [
    { name: 'fleet', uid: fleetId ?? 1990, hash: await cryptPassword(FLEET_PASSWORD) },
    { name: 'deploy', uid: deployId ?? 1991, hash: '*' },
  ];
  const files = accountFiles(host, users);
  for (const f of ['passwd', 'group', 'shadow', 'gshadow'] as const) {
    const fallback = f === 'passwd' || f === 'group' ? { mode: 0o644 } : { mode: 0o640 };
    await writeLayerFile(base, `etc/${f}`, files[f], await hostOwner(`/etc/${f}`, fallback));
  }
  await writeLayerFile(base, 'etc/sudoers.d/fleet-lab', SUDOERS, { mode: 0o440 });
  await writeLayerFile(base, 'etc/ssh/sshd_config', SSHD_CONFIG, { mode: 0o644 });

  const hostSsh = await readdir('/etc/ssh').catch(() => [] as string[]);
  for (const f of hostSsh.filter((e) => e.startsWith('ssh_host_'))) await whiteout(base, `etc/ssh/${f}`);

  const authorized = `${publicKey}\n`;
  await cleanRootHome(base);
  await mkdirLike(base, 'root/.ssh', { mode: 0o700 });
  for (const f of await readdir('/root/.ssh').catch(() => [] as string[])) if (f !== 'authorized_keys') await whiteout(base, `root/.ssh/${f}`);
  await writeLayerFile(base, 'root/.ssh/authorized_keys', authorized, { mode: 0o600 });

  const skel = await readdir('/etc/skel').catch(() => [] as string[]);
  for (const u of users) {
    const own = { uid: u.uid, gid: u.uid };
    await mkdirLike(base, `home/${u.name}`, { mode: 0o750, ...own });
    for (const f of skel) {
      const from = join('/etc/skel', f);
      if (!(await lstat(from)).isFile()) continue;
      const to = join(base, 'home', u.name, f);
      await copyFile(from, to);
      await chown(to, u.uid, u.uid);
      await chmod(to, 0o644);
    }
    await mkdirLike(base, `home/${u.name}/.ssh`, { mode: 0o700, ...own });
    await writeLayerFile(base, `home/${u.name}/.ssh/authorized_keys`, authorized, { mode: 0o600, ...own });
  }
}
