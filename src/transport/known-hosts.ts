/**
 * known_hosts checking as OpenSSH does it: plain and hashed (`|1|salt|hmac-sha1`) host fields,
 * `[host]:port` for ports other than 22, patterns with `*`, `?` and `!`, `@revoked` honoured,
 * `@cert-authority` ignored, several key types per host.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HostKeyError } from '../errors.js';
import type { HostKeyChecking } from './connection.js';

export interface KnownHostEntry {
  file: string;
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** The host field as written (patterns, or a hashed |1|salt|hash). */
  hosts: string;
  keyType: string;
  key: Buffer;
}

/** `host` for port 22, else `[host]:port`, as OpenSSH writes and looks up. */
export function knownHostName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 || !port ? h : `[${h}]:${port}`;
}

/** The key type written inside an ssh wire-format public key blob. */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  if (len > blob.length - 4 || len > 64) return 'unknown';
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** OpenSSH's SHA256 fingerprint: base64 without padding. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw || raw.startsWith('#')) continue;
    const fields = raw.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const m = fields.shift() as string;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else continue;
    }
    if (fields.length < 3) continue;
    const [hosts, keyType, b64] = fields;
    const key = Buffer.from(b64, 'base64');
    if (!key.length) continue;
    entries.push({ file, line: i + 1, marker, hosts, keyType, key });
  }
  return entries;
}

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

/** OpenSSH pattern-list matching: any positive match, and no negated match. */
export function matchPatternList(list: string, name: string): boolean {
  let matched = false;
  for (const p of list.split(',')) {
    if (!p) continue;
    if (p.startsWith('!')) {
      if (globToRegExp(p.slice(1)).test(name)) return false;
    } else if (globToRegExp(p).test(name)) matched = true;
  }
  return matched;
}

/** Does this entry's host field name `name` (already `[host]:port` where needed)? */
export function entryMatches(entry: Pick<KnownHostEntry, 'hosts'>, name: string): boolean {
  if (entry.hosts.startsWith('|1|')) {
    const [, , salt64, hash64] = entry.hosts.split('|');
    if (!salt64 || !hash64) return false;
    const mac = createHmac('sha1', Buffer.from(salt64, 'base64')).update(name).digest('base64');
    return mac === hash64;
  }
  return matchPatternList(entry.hosts, name);
}

/** A hashed host field as OpenSSH's HashKnownHosts writes it. */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const mac = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${mac}`;
}

const cache = new Map<string, { mtimeMs: number; size: number; entries: KnownHostEntry[] }>();

/** Read and parse a known_hosts file (cached by mtime and size); a missing file has no entries. */
export async function loadKnownHosts(file: string): Promise<KnownHostEntry[]> {
  let st;
  try {
    st = await stat(file);
  } catch {
    return [];
  }
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.entries;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  const entries = parseKnownHosts(text, file);
  cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, entries });
  return entries;
}

/** Entries (not CA) for host:port across the files, in file order. */
export async function entriesFor(host: string, port: number, files: string[]): Promise<KnownHostEntry[]> {
  const name = knownHostName(host, port);
  const out: KnownHostEntry[] = [];
  for (const f of files) {
    for (const e of await loadKnownHosts(f)) {
      if (e.marker === 'cert-authority') continue;
      if (entryMatches(e, name)) out.push(e);
    }
  }
  return out;
}

/** ssh2 host key algorithm names that produce a key of this type. */
export function algorithmsForKeyType(type: string): string[] {
  if (type === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [type];
}

const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * As OpenSSH does, prefer the host key algorithms of the keys already known for this host, so a
 * host known by its RSA key is not reported unknown for offering its ed25519 key first.
 */
export async function preferredHostKeyAlgorithms(host: string, port: number, files: string[]): Promise<string[] | undefined> {
  const known = (await entriesFor(host, port, files)).filter((e) => e.marker !== 'revoked');
  if (!known.length) return undefined;
  const preferred = new Set<string>();
  for (const e of known) for (const a of algorithmsForKeyType(e.keyType)) preferred.add(a);
  const first = DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => preferred.has(a));
  if (!first.length) return undefined;
  return [...first, ...DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => !preferred.has(a))];
}

export interface HostKeyCheck {
  host: string;
  port: number;
  /** The name used in messages (inventory name); defaults to host. */
  label?: string;
  key: Buffer;
  mode: HostKeyChecking;
  files: string[];
  /** Where accept-new records new keys (default: the first of files). */
  writeFile?: string;
  hashNew?: boolean;
}

export type HostKeyVerdict =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'added'; file: string }
  | { status: 'unchecked' };

let appendChain: Promise<unknown> = Promise.resolve();

/** Append a host key line (serialized within this process; one write per line). */
async function recordHostKey(file: string, name: string, key: Buffer, hash: boolean): Promise<void> {
  const line = `${hash ? hashHostName(name) : name} ${keyTypeOf(key)} ${key.toString('base64')}\n`;
  const job = appendChain.then(async () => {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await appendFile(file, line, { mode: 0o600 });
    cache.delete(file);
  });
  appendChain = job.catch(() => undefined);
  await job;
}

/** Check a host key; resolves with the verdict or rejects with HostKeyError. */
export async function checkHostKey(check: HostKeyCheck): Promise<HostKeyVerdict> {
  const { host, port, key, mode, files } = check;
  if (mode === 'off') return { status: 'unchecked' };
  const label = check.label ?? host;
  const type = keyTypeOf(key);
  const fp = fingerprint(key);
  const name = knownHostName(host, port);
  const entries = await entriesFor(host, port, files);
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) {
    throw new HostKeyError(
      `the ${type} host key of ${label} (${fp}) is marked @revoked in ${revoked.file}:${revoked.line}; refusing to connect`,
      { file: revoked.file, line: revoked.line, hint: 'the host must get a new host key' },
    );
  }
  const sameType = entries.filter((e) => !e.marker && e.keyType === type);
  const match = sameType.find((e) => e.key.equals(key));
  if (match) return { status: 'known', entry: match };
  if (sameType.length) {
    const off = sameType[0];
    const fix = `ssh-keygen -f "${off.file}" -R "${name}"`;
    throw new HostKeyError(
      `REMOTE HOST IDENTIFICATION HAS CHANGED for ${label} (${name}): it offered ${type} key ${fp}, which does not match the ` +
        `key in known_hosts. Offending ${type} key in ${off.file}:${off.line}. Someone could be eavesdropping (man-in-the-middle), ` +
        `or the host key was just changed.`,
      { file: off.file, line: off.line, hint: `if the change is expected, remove the old key with: ${fix}` },
    );
  }
  const target = check.writeFile ?? files[0];
  if (mode === 'accept-new' && target && target !== '/dev/null') {
    await recordHostKey(target, name, key, check.hashNew ?? false);
    return { status: 'added', file: target };
  }
  const scan = `ssh-keyscan -H${port !== 22 ? ` -p ${port}` : ''} ${host} >> ${target ?? '~/.ssh/known_hosts'}`;
  throw new HostKeyError(
    `host key for ${label} (${name}, ${type} ${fp}) is not known${files.length ? ` in ${files.join(', ')}` : ''} and host key checking is strict`,
    { hint: `after checking the fingerprint, add it with \`${scan}\`, or connect once with host key checking accept-new` },
  );
}
