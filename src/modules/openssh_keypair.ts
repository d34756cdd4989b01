import { shQuote } from '../util/shlex.js';
import type { FileDiff, ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { attrText, EMIT_FN, parseFields } from './util/account-files.js';
import { remotePathWord } from './util/remote-path.js';
import { runSteps, stepsFailureMessage, type Step } from './util/run-steps.js';

/**
 * openssh_keypair (community.crypto): an OpenSSH private key and its `.pub`, made by ssh-keygen ON
 * THE NODE (the private key never leaves it). Regeneration follows `regenerate` (never, fail,
 * partial_idempotence, full_idempotence, always; `force` = always); a wrong or missing `.pub` is
 * restored from the private key; a different `comment` is applied with `ssh-keygen -c`.
 */
export type KeyType = 'rsa' | 'dsa' | 'ecdsa' | 'ed25519';

export interface KeypairParams {
  path: string;
  state: 'present' | 'absent';
  type: KeyType;
  size?: number;
  comment?: string;
  force: boolean;
  regenerate: 'never' | 'fail' | 'partial_idempotence' | 'full_idempotence' | 'always';
  passphrase?: string;
  private_key_format: 'auto' | 'ssh' | 'pkcs1' | 'pkcs8';
  backend: 'auto' | 'opensshbin' | 'cryptography';
  mode?: unknown;
  owner?: string;
  group?: string;
}

export interface FileAttrs {
  mode: string;
  uid: string;
  user: string;
  gid: string;
  group: string;
}

export interface KeypairState {
  /** The private key's path, as the host expanded it. */
  filename: string;
  /** The directory the key goes in exists. */
  dirExists?: boolean;
  exists: boolean;
  isFile?: boolean;
  /** `ssh-keygen -l` read the file as a key. */
  loadable?: boolean;
  size?: number;
  fingerprint?: string;
  keyType?: string;
  /** The comment `ssh-keygen -l` shows ('' for none). */
  listComment?: string;
  /** `ssh-keygen -y` with the task's passphrase: the public key line, or undefined when it failed. */
  derived?: string;
  /** The key opens without a passphrase. */
  unencrypted?: boolean;
  privAttrs?: FileAttrs;
  /** The `.pub` file's content (undefined: missing). */
  pub?: string;
  pubAttrs?: FileAttrs;
}

export const DEFAULT_SIZES: Record<KeyType, number> = { rsa: 4096, dsa: 1024, ecdsa: 256, ed25519: 256 };

/** Key type names ssh-keygen -l prints in parentheses → the module's names. */
const LIST_TYPES: Record<string, KeyType> = { RSA: 'rsa', DSA: 'dsa', ECDSA: 'ecdsa', ED25519: 'ed25519' };

export function keySize(p: Pick<KeypairParams, 'type' | 'size'>): number {
  return p.type === 'ed25519' ? 256 : (p.size ?? DEFAULT_SIZES[p.type]);
}

export function modeString(mode: unknown): string | undefined {
  if (mode === undefined || mode === null) return undefined;
  if (typeof mode === 'number') return mode.toString(8).padStart(4, '0');
  return String(mode);
}

function parseAttrs(text: string | undefined): FileAttrs | undefined {
  if (!text) return undefined;
  const [mode, uid, user, gid, group] = text.split('|');
  return { mode: (mode ?? '').padStart(4, '0'), uid: uid ?? '', user: user ?? '', gid: gid ?? '', group: group ?? '' };
}

/** `256 SHA256:xxx comment words (ED25519)` → its parts. */
export function parseListLine(line: string): { size: number; fingerprint: string; comment: string; type?: string } | undefined {
  const m = /^(\d+)\s+(\S+)\s+(.*?)\s*\(([A-Z0-9-]+)\)\s*$/.exec(line.trim().split('\n')[0] ?? '');
  if (!m) return undefined;
  return { size: Number(m[1]), fingerprint: m[2]!, comment: m[3] === 'no comment' ? '' : m[3]!, ...(LIST_TYPES[m[4]!] ? { type: LIST_TYPES[m[4]!]! } : { type: m[4]!.toLowerCase() }) };
}

/** `type blob [comment]` → parts. */
function splitPub(line: string | undefined): { type: string; blob: string; comment: string } | undefined {
  const parts = (line ?? '').trim().split(/\s+/);
  if (parts.length < 2 || !parts[1]) return undefined;
  return { type: parts[0]!, blob: parts[1], comment: parts.slice(2).join(' ') };
}

export function keypairScript(p: KeypairParams): string {
  const pass = shQuote(p.passphrase ?? '');
  const STAT = `stat -c '%a|%u|%U|%g|%G'`;
  return [
    EMIT_FN,
    `f=${remotePathWord(p.path)}`,
    `o filename "$f"`,
    `[ -d "$(dirname -- "$f")" ] && o dir 1`,
    `if [ -e "$f" ] || [ -L "$f" ]; then`,
    `  o exists 1`,
    `  [ -f "$f" ] && o isfile 1`,
    `  o attrs "$(${STAT} -- "$f" 2>/dev/null)"`,
    `  l=$(ssh-keygen -l -f "$f" 2>/dev/null) && o list "$l"`,
    `  y=$(ssh-keygen -y -P ${pass} -f "$f" 2>/dev/null) && o derived "$y"`,
    `  ssh-keygen -y -P '' -f "$f" >/dev/null 2>&1 && o unencrypted 1`,
    `fi`,
    `if [ -f "$f.pub" ]; then o pub "$(cat -- "$f.pub")"; o pubattrs "$(${STAT} -- "$f.pub" 2>/dev/null)"; fi`,
    `exit 0`,
  ].join('\n');
}

export function parseKeypairState(out: string): KeypairState {
  const f = parseFields(out);
  const list = f.list ? parseListLine(f.list) : undefined;
  const priv = parseAttrs(f.attrs);
  const pubAttrs = parseAttrs(f.pubattrs);
  return {
    filename: f.filename ?? '',
    dirExists: f.dir === '1',
    exists: f.exists === '1',
    ...(f.exists === '1' ? { isFile: f.isfile === '1', loadable: !!list } : {}),
    ...(list ? { size: list.size, fingerprint: list.fingerprint, keyType: list.type!, listComment: list.comment } : {}),
    ...(f.derived !== undefined ? { derived: f.derived.trim() } : {}),
    ...(f.exists === '1' ? { unencrypted: f.unencrypted === '1' } : {}),
    ...(priv ? { privAttrs: priv } : {}),
    ...(f.pub !== undefined ? { pub: f.pub } : {}),
    ...(pubAttrs ? { pubAttrs } : {}),
  };
}

export class KeypairError extends Error {}

export interface KeypairPlan extends Plan<Step> {
  current: KeypairState;
  regenerated: boolean;
}

/** Whether the existing private key is the one asked for (Ansible's _private_key_valid). */
export function privateKeyValid(p: KeypairParams, s: KeypairState): boolean {
  if (!s.loadable) return false;
  if (s.keyType !== p.type || s.size !== keySize(p)) return false;
  if (p.regenerate === 'full_idempotence') {
    // The passphrase must open it, and a key without passphrase must not be encrypted.
    if (p.passphrase ? s.derived === undefined || s.unencrypted : !s.unencrypted) return false;
  }
  return true;
}

function attrSteps(p: KeypairParams, file: string, attrs: FileAttrs | undefined, fresh: boolean): Step[] {
  const steps: Step[] = [];
  const mode = modeString(p.mode);
  if (mode !== undefined && (fresh || !attrs || !/^[0-7]+$/.test(mode) || parseInt(mode, 8) !== parseInt(attrs.mode, 8))) {
    steps.push({ kind: 'run', what: `chmod ${file}`, argv: ['chmod', mode, '--', file] });
  }
  const ownerOk = p.owner === undefined || (!fresh && !!attrs && (attrs.user === p.owner || attrs.uid === p.owner));
  const groupOk = p.group === undefined || (!fresh && !!attrs && (attrs.group === p.group || attrs.gid === p.group));
  if (!ownerOk || !groupOk || (fresh && (p.owner !== undefined || p.group !== undefined))) {
    const spec = `${p.owner ?? ''}${p.group !== undefined ? `:${p.group}` : ''}`;
    if (spec) steps.push({ kind: 'run', what: `chown ${file}`, argv: ['chown', spec, '--', file] });
  }
  return steps;
}

function describe(s: KeypairState): string {
  if (!s.exists) return attrText({ path: s.filename, state: 'absent' });
  return attrText({ path: s.filename, type: s.keyType, size: s.size, fingerprint: s.fingerprint, public_key: s.pub?.trim() });
}

export function planKeypair(p: KeypairParams, s: KeypairState): KeypairPlan {
  const f = s.filename;
  const pubPath = `${f}.pub`;
  const header = { before_header: f, after_header: f };
  if (p.state === 'absent') {
    if (!s.exists && s.pub === undefined) return { actions: [], current: s, regenerated: false };
    return {
      actions: [{ kind: 'run', what: 'remove key pair', argv: ['rm', '-f', '--', f, pubPath] }],
      current: s,
      regenerated: false,
      diff: [{ before: describe(s), after: attrText({ path: f, state: 'absent' }), ...header }],
    };
  }
  if (s.dirExists === false) {
    const dir = f.replace(/\/[^/]*$/, '') || '.';
    throw new KeypairError(`The directory ${dir} does not exist or the file is not a directory`);
  }
  if (s.exists && !s.isFile) throw new KeypairError(`${f} exists and is not a regular file`);
  const mode = p.force ? 'always' : p.regenerate;
  const valid = privateKeyValid(p, s);
  let generate: boolean;
  if (!s.exists || !s.loadable) generate = true;
  else if (mode === 'never') generate = false;
  else if (mode === 'fail') {
    if (!valid) {
      throw new KeypairError(
        'Key has wrong type and/or size. Will not proceed. To force regeneration, call the module with `generate` set to `partial_idempotence`, `full_idempotence` or `always`, or with `force=true`.',
      );
    }
    generate = false;
  } else if (mode === 'always') generate = true;
  else generate = !valid;

  const actions: Step[] = [];
  if (generate) {
    const argv = ['ssh-keygen', '-q', '-t', p.type];
    if (p.type !== 'ed25519') argv.push('-b', String(keySize(p)));
    argv.push('-N', p.passphrase ?? '');
    if (p.comment !== undefined) argv.push('-C', p.comment);
    if (p.private_key_format === 'pkcs1') argv.push('-m', 'PEM');
    else if (p.private_key_format === 'pkcs8') argv.push('-m', 'PKCS8');
    argv.push('-f', f);
    actions.push({ kind: 'run', what: 'remove the old key pair', argv: ['rm', '-f', '--', f, pubPath] });
    actions.push({ kind: 'run', what: 'ssh-keygen', argv });
    actions.push(...attrSteps(p, f, undefined, true), ...attrSteps(p, pubPath, undefined, true));
  } else {
    const derived = splitPub(s.derived);
    const comment = p.comment ?? (derived?.comment || s.listComment || '');
    const pub = splitPub(s.pub);
    if (p.comment !== undefined && derived && derived.comment !== p.comment) {
      // ssh-keygen -c rewrites the comment in the private key and writes the .pub again.
      actions.push({ kind: 'run', what: 'ssh-keygen -c', argv: ['ssh-keygen', '-q', '-c', '-C', p.comment, '-P', p.passphrase ?? '', '-f', f] });
    } else if (derived && (!pub || pub.type !== derived.type || pub.blob !== derived.blob || (p.comment !== undefined && pub.comment !== p.comment))) {
      const line = `${derived.type} ${derived.blob}${comment ? ` ${comment}` : ''}`;
      actions.push({ kind: 'run', what: `restore ${pubPath}`, script: `printf '%s\\n' ${shQuote(line)} > ${shQuote(pubPath)}` });
    }
    actions.push(...attrSteps(p, f, s.privAttrs, false), ...attrSteps(p, pubPath, s.pubAttrs, s.pub === undefined));
  }
  const diff: FileDiff[] = actions.length
    ? [{ before: describe(s), after: generate ? attrText({ path: f, type: p.type, size: keySize(p), fingerprint: '(new key)' }) : describe(s) + (actions.length ? '# public key file, comment or attributes updated\n' : ''), ...header }]
    : [];
  return { actions, current: s, regenerated: generate, diff };
}

function keypairResult(p: KeypairParams, s: KeypairState, changed: boolean): ModuleResult {
  if (p.state === 'absent') return { changed, filename: s.filename, state: 'absent' };
  const derived = splitPub(s.derived) ?? splitPub(s.pub);
  return {
    changed,
    filename: s.filename,
    state: 'present',
    size: s.size ?? keySize(p),
    type: s.keyType ?? p.type,
    fingerprint: s.fingerprint ?? null,
    public_key: derived ? `${derived.type} ${derived.blob}` : null,
    comment: derived?.comment || s.listComment || null,
  };
}

export const openssh_keypair: ModuleDefinition<KeypairParams, KeypairState, Step> = {
  name: 'openssh_keypair',
  aliases: ['community.crypto.openssh_keypair'],
  params: {
    path: { type: 'path', required: true },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
    type: { type: 'str', default: 'rsa', choices: ['rsa', 'dsa', 'ecdsa', 'ed25519'] },
    size: { type: 'int' },
    comment: { type: 'str' },
    force: { type: 'bool', default: false },
    regenerate: { type: 'str', default: 'partial_idempotence', choices: ['never', 'fail', 'partial_idempotence', 'full_idempotence', 'always'] },
    passphrase: { type: 'str', noLog: true },
    private_key_format: { type: 'str', default: 'auto', choices: ['auto', 'ssh', 'pkcs1', 'pkcs8'] },
    backend: { type: 'str', default: 'auto', choices: ['auto', 'opensshbin', 'cryptography'] },
    mode: { type: 'raw' },
    owner: { type: 'str' },
    group: { type: 'str' },
  },
  probe: async (ctx: ModuleContext, p) => {
    const r = await ctx.run(keypairScript(p));
    return parseKeypairState(r.stdout.toString('utf8'));
  },
  plan: (p, s) => {
    if (p.type === 'ecdsa' && p.size !== undefined && ![256, 384, 521].includes(p.size)) {
      throw new KeypairError('For ECDSA keys, size determines the key length by selecting from one of three elliptic curve sizes: 256, 384 or 521 bits.');
    }
    if (p.type === 'dsa' && p.size !== undefined && p.size !== 1024) throw new KeypairError('DSA keys must be exactly 1024 bits as specified by FIPS 186-2.');
    if (p.type === 'rsa' && p.size !== undefined && p.size < 1024) throw new KeypairError('For RSA keys, the minimum size is 1024 bits.');
    return planKeypair(p, s);
  },
  apply: async (ctx, p, plan) => {
    const kp = plan as KeypairPlan;
    if (!kp.actions.length) return keypairResult(p, kp.current, false);
    const out = await runSteps(ctx, kp.actions, keypairScript(p));
    if (!out.ok) return { ...keypairResult(p, kp.current, false), failed: true, msg: stepsFailureMessage(out.failed!) };
    return keypairResult(p, parseKeypairState(out.stdout), true);
  },
};
