import { randomBytes } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { must } from './run.js';
import { tool } from './tools.js';

/** The lab's own ed25519 key pair (kept across ups of the same lab); resolves with the public key line. */
export async function ensureLabKey(keyPath: string, comment: string): Promise<string> {
  const exists = await access(keyPath).then(
    () => true,
    () => false,
  );
  if (!exists) await must('generating the lab key', tool('ssh-keygen'), ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', keyPath]);
  return (await readFile(`${keyPath}.pub`, 'utf8')).trim();
}

const HOST_KEY_TYPES = [
  { file: 'ssh_host_ed25519_key', args: ['-t', 'ed25519'] },
  { file: 'ssh_host_ecdsa_key', args: ['-t', 'ecdsa', '-b', '256'] },
] as const;

export const HOST_KEY_FILES = HOST_KEY_TYPES.map((k) => k.file);

/** Fresh host keys for one node in sshDir; resolves with their "type base64" parts for known_hosts. */
export async function generateHostKeys(sshDir: string, comment: string): Promise<string[]> {
  return Promise.all(
    HOST_KEY_TYPES.map(async (k) => {
      const path = join(sshDir, k.file);
      await must('generating a node host key', tool('ssh-keygen'), ['-q', ...k.args, '-N', '', '-C', comment, '-f', path]);
      const [type, body] = (await readFile(`${path}.pub`, 'utf8')).trim().split(/\s+/);
      if (!type || !body) throw new LabError(`ssh-keygen wrote an unreadable public key: ${path}.pub`);
      return `${type} ${body}`;
    }),
  );
}

/** A SHA-512 crypt(3) hash, as /etc/shadow keeps it, made by the C library through perl. */
export async function cryptPassword(password: string): Promise<string> {
  const alphabet = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const salt = [...randomBytes(16)].map((b) => alphabet[b % 64]).join('');
  const r = await must('hashing the lab password', tool('perl'), ['-e', 'print crypt($ARGV[0], $ARGV[1])', password, `$6$${salt}$`]);
  if (!r.stdout.startsWith('$6$')) throw new LabError(`crypt(3) gave no SHA-512 hash: ${r.stdout}`);
  return r.stdout.trim();
}
