import { shQuote } from '../util/shlex.js';
import type { ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { atomicWriteScript, EMIT_FN } from './util/account-files.js';
import { NSS_FNS } from './util/nss.js';
import { remotePathWord } from './util/remote-path.js';
import { runSteps, stepsFailureMessage, type Step } from './util/run-steps.js';

/**
 * authorized_key (ansible.posix): adds or removes SSH public keys in a user's authorized_keys, with
 * Ansible's rules: keys are matched by their blob; a present key whose type, options or comment
 * differ is rewritten (moved after the existing keys); `exclusive` drops every other line; the file
 * is written atomically, mode 0600, owned by the user; `manage_dir` makes ~/.ssh (0700, the user's).
 */
export interface AuthorizedKeyParams {
  user: string;
  key: string;
  path?: string;
  manage_dir: boolean;
  state: 'present' | 'absent';
  key_options?: string;
  exclusive: boolean;
  comment?: string;
  follow: boolean;
  validate_certs: boolean;
}

export interface AuthorizedKeyState {
  userExists: boolean;
  uid?: number;
  gid?: number;
  /** The authorized_keys file (the path, else ~user/.ssh/authorized_keys; the link's target with follow). */
  keyfile?: string;
  /** The file's content, or undefined when it does not exist. */
  content?: string;
}

export const SSH_KEY_TYPES = new Set([
  'ssh-dss',
  'ssh-ed25519',
  'ssh-rsa',
  'ssh-xmss@openssh.com',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'sk-ssh-ed25519@openssh.com',
  'ssh-dss-cert-v01@openssh.com',
  'ssh-ed25519-cert-v01@openssh.com',
  'ssh-rsa-cert-v01@openssh.com',
  'ssh-xmss-cert-v01@openssh.com',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com',
  'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'sk-ssh-ed25519-cert-v01@openssh.com',
]);

/** Key options as an ordered list (a name may repeat, as permitopen does); value null for a flag. */
export type KeyOptions = [string, string | null][];

/** Ansible's parseoptions: split on commas outside quotes; `k=v` or a bare flag. */
export function parseKeyOptions(options: string | undefined): KeyOptions {
  const out: KeyOptions = [];
  if (!options) return out;
  const re = /((?:[^,"']|"[^"]*"|'[^']*')+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(options)) !== null) {
    const part = m[1]!;
    const eq = part.indexOf('=');
    if (eq >= 0) out.push([part.slice(0, eq), part.slice(eq + 1)]);
    else out.push([part, null]);
  }
  return out;
}

export function formatKeyOptions(options: KeyOptions): string {
  return options.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join(',');
}

export interface ParsedKey {
  blob: string;
  type: string;
  options: KeyOptions;
  comment: string;
  rank: number;
}

/** One authorized_keys line (Ansible's parsekey): null for comments and lines without a key type. */
export function parseKeyLine(raw: string, rank = 0): ParsedKey | null {
  const parts = raw.replace(/\\#/g, '#').split(/\s+/).filter(Boolean);
  if (!parts.length || parts[0]!.startsWith('#')) return null;
  const t = parts.findIndex((p) => SSH_KEY_TYPES.has(p));
  if (t < 0 || t + 1 >= parts.length) return null;
  return {
    blob: parts[t + 1]!,
    type: parts[t]!,
    options: parseKeyOptions(t > 0 ? parts.slice(0, t).join(' ') : undefined),
    comment: parts.slice(t + 2).join(' '),
    rank,
  };
}

type Entry = ParsedKey | { skipped: string; rank: number };

function sameKey(a: ParsedKey, b: ParsedKey): boolean {
  return a.blob === b.blob && a.type === b.type && a.comment === b.comment && formatKeyOptions(a.options) === formatKeyOptions(b.options) && a.options.length === b.options.length;
}

function serializeEntries(entries: Iterable<Entry>): string {
  return [...entries]
    .sort((a, b) => a.rank - b.rank)
    .map((e) => {
      if ('skipped' in e) return e.skipped.endsWith('\n') ? e.skipped : `${e.skipped}\n`;
      const opts = e.options.length ? `${formatKeyOptions(e.options)} ` : '';
      return `${opts}${e.type} ${e.blob}${e.comment ? ` ${e.comment}` : ''}\n`;
    })
    .join('');
}

export class AuthorizedKeyError extends Error {}

export interface AuthorizedKeyPlan extends Plan<Step> {
  keyfile: string;
  /** The new file content (fed to the write step on stdin). */
  content?: string;
}

/** Ansible's enforce_state, as a pure function of the file's content: the new content or none. */
export function newAuthorizedKeys(p: AuthorizedKeyParams, existingContent: string): { write: boolean; content: string } {
  if (/^\s*(https?|ftp):\/\//i.test(p.key)) throw new AuthorizedKeyError('fleet does not fetch keys from a URL: give the key text (e.g. with lookup(\'url\', ...))');
  const newKeys = p.key.split(/\r?\n/).filter((s) => s && !s.startsWith('#'));
  const lines = existingContent.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const existing = new Map<string, Entry>();
  lines.forEach((line, rank) => {
    const k = parseKeyLine(line, rank);
    if (k) existing.set(k.blob, k);
    else existing.set(`\0skip\0${rank}`, { skipped: line, rank });
  });
  const maxRank = lines.length;
  const keep: string[] = [];
  let write = false;
  newKeys.forEach((line, rankIndex) => {
    let k = parseKeyLine(line, rankIndex);
    if (!k) throw new AuthorizedKeyError(`invalid key specified: ${line}`);
    if (p.key_options !== undefined) k = { ...k, options: parseKeyOptions(p.key_options) };
    if (p.comment !== undefined) k = { ...k, comment: p.comment };
    const old = existing.get(k.blob);
    const oldKey = old && !('skipped' in old) ? old : undefined;
    let matched = false;
    if (oldKey) {
      if (!sameKey(k, oldKey) && p.state === 'present') {
        existing.delete(k.blob);
        write = true;
      } else matched = true;
    }
    if (p.state === 'present') {
      keep.push(k.blob);
      if (!matched) {
        existing.set(k.blob, { ...k, rank: maxRank + k.rank });
        write = true;
      }
    } else if (matched) {
      existing.delete(k.blob);
      write = true;
    }
  });
  if (p.state === 'present' && p.exclusive) {
    for (const id of [...existing.keys()]) {
      if (!keep.includes(id)) {
        existing.delete(id);
        write = true;
      }
    }
  }
  return { write, content: write ? serializeEntries(existing.values()) : existingContent };
}

export function planAuthorizedKey(p: AuthorizedKeyParams, s: AuthorizedKeyState): AuthorizedKeyPlan {
  if (!s.userExists) throw new AuthorizedKeyError(`Failed to lookup user ${p.user}: no such user`);
  const keyfile = s.keyfile!;
  const before = s.content ?? '';
  const { write, content } = newAuthorizedKeys(p, before);
  if (!write) return { actions: [], keyfile };
  const owner = `${s.uid}:${s.gid}`;
  const dirSetup = p.manage_dir
    ? `d=$(dirname -- "$f"); [ -d "$d" ] || mkdir -m 0700 -- "$d" || exit 5; chown ${owner} "$d" && chmod 0700 "$d" || exit 5`
    : `d=$(dirname -- "$f"); [ -d "$d" ] || mkdir -p -- "$d" || exit 5`;
  const script = [`f=${shQuote(keyfile)}`, dirSetup, atomicWriteScript('f', { mode: '0600', owner: String(s.uid), group: String(s.gid) })].join('\n');
  return {
    actions: [{ kind: 'run', what: `writing ${keyfile}`, script, usesStdin: true }],
    keyfile,
    content,
    diff: [{ before, after: content, before_header: keyfile, after_header: keyfile }],
  };
}

/**
 * The probe: the user's ids, the keyfile's path (default, or given; resolved with follow) and content.
 * The passwd line comes from /etc/passwd by shell builtins where NSS allows (util/nss.ts); a file of
 * up to 32 lines is read by the shell too (as `$(cat)` read it: without NUL bytes), a longer one by
 * `exec cat`, last: no process in the usual case, one at most.
 */
export function authorizedKeyScript(p: AuthorizedKeyParams): string {
  return [
    EMIT_FN,
    NSS_FNS,
    `__ent passwd ${shQuote(p.user)}; case $? in 0) e=$__e;; 2) exit 0;; *) e=$(getent passwd ${shQuote(p.user)}) || exit 0;; esac`,
    `o passwd "$e"`,
    `case $e in *:*:*:*:*:*) h=\${e#*:*:*:*:*:}; h=\${h%%:*};; *) h=;; esac`,
    p.path !== undefined ? `f=${remotePathWord(p.path)}` : `f="$h/.ssh/authorized_keys"`,
    p.follow ? `[ -L "$f" ] && f=$(readlink -f -- "$f")` : ':',
    `o keyfile "$f"`,
    `if [ -f "$f" ]; then`,
    `  printf 'content\\0'`,
    `  if [ -r "$f" ]; then c=; i=0; while [ $i -lt 32 ] && IFS= read -r l; do c="$c$l$__nl"; i=$((i + 1)); done < "$f"; [ $i -lt 32 ] && { printf '%s%s' "$c" "$l"; exit 0; }; fi`,
    `  exec cat -- "$f"`,
    `fi`,
    'exit 0',
  ].join('\n');
}

export function parseAuthorizedKeyState(out: string): AuthorizedKeyState {
  // Key/value pairs; the content is the rest of the output (without NUL bytes, as `$(cat)` read it).
  const f: Record<string, string> = {};
  for (let pos = 0; ; ) {
    const k = out.indexOf('\0', pos);
    if (k < 0) break;
    const key = out.slice(pos, k);
    if (key === 'content') {
      f.content = out.slice(k + 1).replace(/\0/g, '');
      break;
    }
    const v = out.indexOf('\0', k + 1);
    if (v < 0) break;
    f[key] = out.slice(k + 1, v);
    pos = v + 1;
  }
  if (!f.passwd) return { userExists: false };
  const parts = f.passwd.split(':');
  return { userExists: true, uid: Number(parts[2]), gid: Number(parts[3]), keyfile: f.keyfile!, ...(f.content !== undefined ? { content: f.content } : {}) };
}

function akResult(p: AuthorizedKeyParams, keyfile: string, changed: boolean): ModuleResult {
  return {
    changed,
    user: p.user,
    key: p.key,
    key_options: p.key_options ?? null,
    keyfile,
    manage_dir: p.manage_dir,
    path: p.path ?? null,
    state: p.state,
    exclusive: p.exclusive,
    follow: p.follow,
    comment: p.comment ?? null,
    validate_certs: p.validate_certs,
  };
}

export const authorized_key: ModuleDefinition<AuthorizedKeyParams, AuthorizedKeyState, Step> = {
  name: 'authorized_key',
  aliases: ['ansible.posix.authorized_key', 'ansible.builtin.authorized_key', 'ansible.legacy.authorized_key'],
  params: {
    user: { type: 'str', required: true },
    key: { type: 'str', required: true },
    path: { type: 'path' },
    manage_dir: { type: 'bool', default: true },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
    key_options: { type: 'str' },
    exclusive: { type: 'bool', default: false },
    comment: { type: 'str' },
    follow: { type: 'bool', default: false },
    validate_certs: { type: 'bool', default: true },
  },
  probe: async (ctx: ModuleContext, p) => {
    const r = await ctx.run(authorizedKeyScript(p));
    if (r.rc !== 0) throw new AuthorizedKeyError(`cannot read the authorized_keys file: ${r.stderr.toString('utf8').trim() || `exit code ${r.rc}`}`);
    return parseAuthorizedKeyState(r.stdout.toString('utf8'));
  },
  plan: planAuthorizedKey,
  apply: async (ctx, p, plan) => {
    const ap = plan as AuthorizedKeyPlan;
    if (!ap.actions.length) return akResult(p, ap.keyfile, false);
    const out = await runSteps(ctx, ap.actions, '', ap.content);
    if (!out.ok) return { ...akResult(p, ap.keyfile, false), failed: true, msg: stepsFailureMessage(out.failed!) };
    return akResult(p, ap.keyfile, true);
  },
};
