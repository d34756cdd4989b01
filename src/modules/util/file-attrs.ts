import { createHash } from 'node:crypto';
import type { FileDiff, ModuleContext, PredictedState } from '../types.js';
import { ModuleArgsError } from '../args.js';
import { shQuote } from '../../util/shlex.js';
import { NSS_FNS } from './nss.js';
import { remotePathWord } from './remote-path.js';

/**
 * Shared by every module that writes files (file, copy, template, lineinfile, user, ...):
 *
 * - `parseMode(mode, current, isDir)`: Ansible's `mode:` (octal string/number, symbolic `u=rw,g=r`,
 *   `u+x`, `a-w`, `=`, `+X`, `g=u`) → permission bits.
 * - `probeFiles(ctx, paths, options)`: existence, type, mode, owner, group, size, sha1 (and content,
 *   for diffs) of one or more paths, plus owner/group names resolved to ids and the umask, in ONE
 *   command. `probeScript` + `parseProbe` are the same, for modules that add a snippet of their own.
 * - `attrChanges(params, current, probe)`: what chown/chmod must do, with the before/after values for
 *   the diff; `attrDiff` renders Ansible's `{path, mode, owner, group, state}` diff; `attrCommands`
 *   builds the shell fragment that applies them.
 */

export type FileType = 'file' | 'directory' | 'link' | 'other' | 'absent';

export interface RemoteFile {
  /** The path as asked for. */
  path: string;
  exists: boolean;
  /** The type after following a symlink when `follow` was asked (a dangling link stays 'link'). */
  type: FileType;
  /** The path itself is a symlink. */
  isLink: boolean;
  /** readlink of the path, when it is a symlink. */
  linkTarget?: string;
  /** Permission bits (0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Names, when they resolve on the host (else the numeric id as text). */
  owner: string;
  group: string;
  size: number;
  inode: number;
  dev: number;
  nlink: number;
  /** Seconds since the epoch (fractional). */
  atime: number;
  mtime: number;
  /** sha1 of a readable regular file, when asked. */
  checksum?: string;
  /** The bytes of a regular file no larger than `content` bytes, when asked. */
  content?: Buffer;
  /** The file is larger than asked for `content` (or unreadable): no content. */
  contentSkipped?: boolean;
}

export interface ProbeOptions {
  /** Follow a symlink at the path for type/mode/owner/size/checksum (stat -L). */
  follow?: boolean;
  /** Take the sha1 of regular files. */
  checksum?: boolean;
  /** Also read regular files up to this many bytes (for --diff). */
  content?: number;
  /** User names to resolve to uids (numeric strings are taken as they are). */
  users?: readonly string[];
  /** Group names to resolve to gids. */
  groups?: readonly string[];
  /** Check mode: earlier tasks' predicted paths stand in for what the host does not have yet. */
  predicted?: PredictedState;
}

export interface ProbeResult {
  files: RemoteFile[];
  /** name → uid, null when the user does not exist on the host. */
  uids: Record<string, number | null>;
  gids: Record<string, number | null>;
  /** The remote shell's umask. */
  umask: number;
  /** What a module-specific snippet printed after the standard records (see probeScript's `extra`). */
  extra: string;
}

/** Ansible's limit for diffing a file's content (DEFAULT max_file_size_for_diff, 104448 bytes). */
export const MAX_DIFF_SIZE = 104448;

const STAT_FORMAT = '%f|%s|%u|%g|%U|%G|%i|%d|%h|%X|%Y';

/** True for the names that are numeric ids already. */
const isId = (s: string) => /^\d+$/.test(s);

/**
 * The probe script. Output: `umask\0<umask>\0`, then per path `F\0<exists>\0<islink>\0<stat>\0
 * <readlink>\0<sha1>\0<base64 content or - or empty>\0`, per user `U\0<name>\0<uid>\0`, per group
 * `G\0<name>\0<gid>\0`, then `X\0` and whatever `extra` prints.
 */
export type ProbePath = string | { path: string; follow?: boolean };

const pathOf = (p: ProbePath) => (typeof p === 'string' ? p : p.path);
const followOf = (p: ProbePath, options: ProbeOptions) => (typeof p === 'string' ? !!options.follow : (p.follow ?? !!options.follow));

/** Regular files up to this size are read by the shell itself (`read`, no process) for their checksum or content. */
export const SHELL_READ_MAX = 4096;

/**
 * `__rd PATH SIZE`: `__c` = the file's bytes, read by the shell; fails unless that is SIZE bytes (a
 * NUL byte, which a shell drops, or a shell that counts characters sends the file to a program).
 * Needs `__nl` (a newline).
 */
export const SHELL_READ_FN = `__rd() { __c=; while IFS= read -r __l; do __c="$__c$__l$__nl"; done < "$1"; __c="$__c$__l"; [ "\${#__c}" = "$2" ]; }`;

export function probeScript(paths: readonly ProbePath[], options: ProbeOptions = {}, extra = ''): string {
  const users = (options.users ?? []).filter((u) => !isId(u));
  const groups = (options.groups ?? []).filter((g) => !isId(g));
  const sum = !!options.checksum;
  const content = options.content !== undefined;
  const all = paths.map((_, i) => i + 1);
  const each = (fn: string) => (all.length ? all.map((i) => `${fn} ${i}`).join('; ') : ':');
  // Per path i: p<i> the path, f<i> follow, k<i> how it is read (P: ONE lstat for all, L: a link to
  // follow, -: missing), s<i> its stat line, t<i> a link's target, h<i> checksum/content wanted,
  // m<i> how (r: read by the shell, c: ONE sha1sum for all), r<i> the bytes read.
  //  1. __pa: sort the paths.        2. ONE `stat` of the P paths; its %N gives their links' targets.
  //  3. __pl: a link to follow takes the line of the path it points to when that was in step 2,
  //     else goes to ONE `stat -L`.  4. should a batch fail or its lines not match (a path gone or
  //     a newline in a name), every path is read on its own, as it always was (__pf).
  //  5. __pb: small files are read by the shell, the others queued for ONE sha1sum.  6. __pc prints.
  const lines = [
    `n() { printf '%s\\0' "$@"; }`,
    ...(users.length || groups.length ? [NSS_FNS] : [`__nl='`, `'`]),
    SHELL_READ_FN,
    `printf 'umask\\0'; umask; printf '\\0'`,
    `SP=; SL=; SC=; bad=; cbad=`,
    `__set() { eval "$1=\\$2"; }`,
    `__get() { eval "__g=\\$$1"; }`,
    // __tk VAR: __r = VAR's first line, removed from VAR.
    `__tk() { eval "__v=\\$$1"; case $__v in *"$__nl"*) __r=\${__v%%"$__nl"*}; eval "$1=\\\${__v#*\\"\\$__nl\\"}";; *) __r=$__v; eval "$1=";; esac; }`,
    `__pa() {`,
    `  __get p$1; p=$__g; __get f$1; k=-; h=`,
    `  if [ -e "$p" ] || [ -L "$p" ]; then`,
    `    if [ "$__g" = 1 ] && [ -L "$p" ] && [ -e "$p" ]; then k=L; else k=P; SP="$SP \\"\\$p$1\\""; fi`,
    sum || content ? `    if [ -f "$p" ] && [ -r "$p" ] && { [ "$__g" = 1 ] || [ ! -L "$p" ]; }; then h=1; fi` : `    :`,
    `  fi`,
    `  eval "k$1=$k h$1=$h s$1= t$1= m$1="`,
    `}`,
    `__pn() {`,
    `  __get k$1; [ "$__g" = P ] || return 0; __get p$1; p=$__g`,
    `  __tk SP; x=\${__r#*|*|*|*|*|*|*|*|*|*|*|}; __set s$1 "\${__r%"|$x"}"`,
    `  if [ -L "$p" ]; then case $x in "$p -> "*) __set t$1 "\${x#"$p -> "}";; "'$p' -> '"*"'") x=\${x#"'$p' -> '"}; __set t$1 "\${x%"'"}";; esac; fi`,
    `}`,
    `__pl() {`,
    `  __get k$1; [ "$__g" = L ] || return 0; __get p$1; p=$__g; t=`,
    `  for j in ${all.join(' ')}; do __get k$j; [ "$__g" = P ] || continue; __get p$j; [ "$__g" = "$p" ] || continue; __get t$j; t=$__g; [ -n "$t" ] && break; done`,
    `  [ -n "$t" ] || t=$(readlink -- "$p"); __set t$1 "$t"`,
    `  case $t in /*) if [ ! -L "$t" ]; then for j in ${all.join(' ')}; do __get k$j; [ "$__g" = P ] || continue; __get p$j; [ "$__g" = "$t" ] || continue; __get s$j; __set s$1 "$__g"; return 0; done; fi;; esac`,
    `  SL="$SL \\"\\$p$1\\""; __set q$1 1`,
    `}`,
    `__pq() { __get q$1; [ -n "$__g" ] || return 0; __tk SL; __set s$1 "$__r"; }`,
    `__pf() {`,
    `  __get k$1; [ "$__g" = - ] && return 0; __get p$1; p=$__g; __get f$1; L=; [ "$__g" = 1 ] && L=-L`,
    `  s=$(stat $L -c '${STAT_FORMAT}' -- "$p" 2>/dev/null) || s=$(stat -c '${STAT_FORMAT}' -- "$p") || s=`,
    `  __set s$1 "$s"; __set t$1 ''`,
    `}`,
    `__pb() {`,
    `  __get h$1; [ -n "$__g" ] || return 0; __get p$1; p=$__g; __get s$1`,
    `  z=\${__g#*|}; z=\${z%%|*}`,
    `  if [ -n "$z" ] && [ "$z" -gt 0 ] 2>/dev/null && [ "$z" -le ${SHELL_READ_MAX} ] && __rd "$p" "$z"; then __set m$1 r; __set r$1 "$__c"`,
    sum ? `  else __set m$1 c; SC="$SC \\"\\$p$1\\""; case $p in -|*"$__nl"*) cbad=1;; esac; fi` : `  fi`,
    `}`,
    `__pc() {`,
    `  __get k$1; if [ "$__g" = - ]; then n F 0 0 '' '' '' ''; return 0; fi`,
    `  __get p$1; p=$__g; __get s$1; s=$__g; __get h$1; h=$__g; __get m$1; m=$__g`,
    `  l=0; t=`,
    `  if [ -L "$p" ]; then l=1; __get t$1; t=$__g; if [ -z "$t" ]; then if [ "$p" = "$lp" ]; then t=$lt; else t=$(readlink -- "$p"); lp=$p; lt=$t; fi; fi; fi`,
    `  c=; b=`,
    `  if [ "$m" = r ]; then __get r$1; b=r$__g`,
    sum ? `  elif [ "$m" = c ]; then if [ -n "$cbad" ]; then c=$(sha1sum < "$p" 2>/dev/null) && c=\${c%% *}; else __tk SC; c=\${__r#\\\\}; c=\${c%% *}; fi` : '',
    `  fi`,
    content
      ? `  if [ -n "$h" ] && [ "$m" != r ]; then z=\${s#*|}; z=\${z%%|*}; case $z in ''|0|*[!0-9]*) z=$(wc -c < "$p");; esac; if [ "$z" -le ${Math.floor(options.content ?? 0)} ]; then b=$(base64 < "$p"); b="=$b"; else b=-; fi; fi`
      : '',
    `  n F 1 "$l" "$s" "$t" "$c" "$b"`,
    `}`,
    ...paths.map((p, i) => `p${i + 1}=${remotePathWord(pathOf(p))} f${i + 1}=${followOf(p, options) ? 1 : 0}`),
    each('__pa'),
    `[ -z "$SP" ] || { eval "set -- $SP"; SP=$(QUOTING_STYLE=literal stat -c '${STAT_FORMAT}|%N' -- "$@" 2>/dev/null) && { ${each('__pn')}; } && [ -z "$SP" ] || bad=1; }`,
    `[ -n "$bad" ] || { ${each('__pl')}; }`,
    `[ -n "$bad" ] || [ -z "$SL" ] || { eval "set -- $SL"; SL=$(stat -L -c '${STAT_FORMAT}' -- "$@" 2>/dev/null) && { ${each('__pq')}; } && [ -z "$SL" ] || bad=1; }`,
    `[ -z "$bad" ] || { ${each('__pf')}; }`,
    ...(sum || content ? [each('__pb')] : []),
    ...(sum ? [`[ -z "$SC" ] || [ -n "$cbad" ] || { eval "set -- $SC"; SC=$(sha1sum -- "$@" 2>/dev/null) || cbad=1; }`] : []),
    each('__pc'),
    ...users.map((u) => {
      const q = shQuote(u);
      return `__ent passwd ${q}; case $? in 0) __e=\${__e#*:*:}; n U ${q} "\${__e%%:*}";; 2) n U ${q} '';; *) n U ${q} "$(id -u -- ${q} 2>/dev/null)";; esac`;
    }),
    ...groups.map((g) => {
      const q = shQuote(g);
      return `__ent group ${q}; case $? in 0) __e=\${__e#*:*:}; n G ${q} "\${__e%%:*}";; 2) n G ${q} '';; *) n G ${q} "$( (getent group ${q} 2>/dev/null || grep "^${g.replace(/[^A-Za-z0-9_.-]/g, '')}:" /etc/group) | head -n1 | cut -d: -f3)";; esac`;
    }),
    `n X`,
    extra,
    'exit 0',
  ].filter((line) => line !== '');
  return lines.join('\n');
}

function parseStatLine(path: string, exists: boolean, isLink: boolean, stat: string, target: string, sum: string, content: string, follow: boolean, bytesOf: (s: string) => Buffer, options: ProbeOptions): RemoteFile {
  if (!exists) return { path, exists: false, type: 'absent', isLink: false, mode: 0, uid: -1, gid: -1, owner: '', group: '', size: 0, inode: 0, dev: 0, nlink: 0, atime: 0, mtime: 0 };
  const f = stat.split('|');
  const raw = parseInt(f[0] ?? '0', 16);
  const kind = raw & 0o170000;
  const type: FileType = kind === 0o100000 ? 'file' : kind === 0o040000 ? 'directory' : kind === 0o120000 ? 'link' : 'other';
  const uid = Number(f[2]);
  const gid = Number(f[3]);
  const out: RemoteFile = {
    path,
    exists: true,
    type: isLink && !follow ? 'link' : type,
    isLink,
    mode: raw & 0o7777,
    uid,
    gid,
    owner: f[4] && f[4] !== 'UNKNOWN' ? f[4] : String(uid),
    group: f[5] && f[5] !== 'UNKNOWN' ? f[5] : String(gid),
    size: Number(f[1]),
    inode: Number(f[6]),
    dev: Number(f[7]),
    nlink: Number(f[8]),
    atime: Number(f[9]),
    mtime: Number(f[10]),
  };
  if (isLink) out.linkTarget = target;
  if (sum) out.checksum = sum;
  if (content === '-') out.contentSkipped = true;
  else if (content.startsWith('=')) out.content = Buffer.from(content.slice(1), 'base64');
  else if (content.startsWith('r')) {
    // Read by the shell: the controller takes the checksum, and the content when asked for.
    const bytes = bytesOf(content.slice(1));
    if (options.checksum) out.checksum = createHash('sha1').update(bytes).digest('hex');
    if (options.content !== undefined) {
      if (bytes.length <= Math.floor(options.content)) out.content = bytes;
      else out.contentSkipped = true;
    }
  }
  return out;
}

/** Parses probeScript's output for the same paths and options. */
export function parseProbe(paths: readonly ProbePath[], out: string | Buffer, options: ProbeOptions = {}): ProbeResult {
  // Bytes as latin1 (one character a byte), so that raw file content stays byte-exact; every other
  // field is UTF-8 text.
  const text = typeof out === 'string' ? out : out.toString('latin1');
  const dec = typeof out === 'string' ? (s: string) => s : (s: string) => Buffer.from(s, 'latin1').toString('utf8');
  const raw = typeof out === 'string' ? (s: string) => Buffer.from(s, 'utf8') : (s: string) => Buffer.from(s, 'latin1');
  const result: ProbeResult = { files: [], uids: {}, gids: {}, umask: 0o022, extra: '' };
  let pos = 0;
  const next = (): string => {
    const j = text.indexOf('\0', pos);
    const v = j < 0 ? text.slice(pos) : text.slice(pos, j);
    pos = j < 0 ? text.length : j + 1;
    return v;
  };
  while (pos < text.length) {
    const tag = next();
    if (tag === 'X') {
      result.extra = dec(text.slice(pos));
      break;
    } else if (tag === 'umask') {
      result.umask = parseInt(next() || '22', 8);
    } else if (tag === 'F') {
      const p = paths[result.files.length] ?? '';
      const [exists, link, stat, target, sum, content] = [next(), next(), next(), next(), next(), next()];
      result.files.push(parseStatLine(pathOf(p), exists === '1', link === '1', dec(stat), dec(target), sum, content, followOf(p, options), raw, options));
    } else if (tag === 'U' || tag === 'G') {
      const name = dec(next());
      const id = next().trim();
      (tag === 'U' ? result.uids : result.gids)[name] = /^\d+$/.test(id) ? Number(id) : null;
    }
  }
  if (options.predicted) result.files = result.files.map((f) => withPrediction(f, options.predicted!, result.umask));
  for (const u of options.users ?? []) if (isId(u)) result.uids[u] = Number(u);
  for (const g of options.groups ?? []) if (isId(g)) result.gids[g] = Number(g);
  return result;
}

/**
 * In check mode, a path an earlier task would have created (or removed) looks the way that task
 * would leave it: a new directory or file with the default mode for the umask, owned by root.
 */
export function withPrediction(file: RemoteFile, predicted: PredictedState, umask: number): RemoteFile {
  const kind = predicted.path(file.path);
  if (!kind) return file;
  if (kind === 'absent') return file.exists ? { ...file, exists: false, type: 'absent', isLink: false } : file;
  if (file.exists) return file;
  const type = kind === 'link' ? 'link' : kind;
  return { ...file, exists: true, type, isLink: kind === 'link', mode: defaultMode(umask, kind === 'directory'), uid: 0, gid: 0, owner: 'root', group: 'root', size: 0 };
}

/** Probes paths in ONE command (see probeScript). Throws when the shell snippet cannot run. */
export async function probeFiles(ctx: Pick<ModuleContext, 'run'>, paths: readonly ProbePath[], options: ProbeOptions = {}, extra = ''): Promise<ProbeResult> {
  const r = await ctx.run(probeScript(paths, options, extra));
  if (r.rc !== 0) throw new Error(`cannot read the state of ${paths.map(pathOf).join(', ')}: ${r.stderr.toString('utf8').trim() || `exit code ${r.rc}`}`);
  return parseProbe(paths, r.stdout, options);
}

// ---------------------------------------------------------------------------------------------
// modes

const PERM = { r: 4, w: 2, x: 1 } as const;
const WHO_SHIFT = { u: 6, g: 3, o: 0 } as const;

/** True for a mode given as an octal string ("0644", "644", "1777"). */
export function isOctalMode(mode: string | number): boolean {
  return typeof mode === 'number' || /^0?[0-7]{1,4}$|^0o[0-7]{1,4}$/.test(mode.trim());
}

/**
 * Ansible's `mode`: an int is taken as it is (YAML 1.1 reads `0644` as octal already), a string of
 * octal digits is octal, anything else is chmod's symbolic syntax, applied to `current` (the file's
 * permission bits now; for a file about to be created, the mode it would get). `isDir` matters for
 * `X`. Throws ModuleArgsError on bad syntax.
 */
export function parseMode(mode: string | number, current: number, isDir: boolean): number {
  if (typeof mode === 'number') {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new ModuleArgsError(`mode must be in octal or symbolic form, got ${mode}`);
    return mode;
  }
  const s = mode.trim();
  if (/^0o[0-7]{1,4}$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^[0-7]{1,5}$/.test(s)) {
    const n = parseInt(s, 8);
    if (n > 0o7777) throw new ModuleArgsError(`mode must be in octal or symbolic form, got ${JSON.stringify(mode)}`);
    return n;
  }
  let result = current & 0o7777;
  for (const clause of s.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*|[ugo])$/.exec(clause);
    if (!m) throw new ModuleArgsError(`bad symbolic permission for mode: ${clause}`, 'use octal (0644) or symbolic (u=rw,g=r,o=r) mode');
    let who = m[1]!;
    const op = m[2]!;
    const perms = m[3]!;
    if (who === '' || who.includes('a')) who = 'ugo';
    const whos = [...new Set(who)] as ('u' | 'g' | 'o')[];
    let bits = 0;
    if (perms === 'u' || perms === 'g' || perms === 'o') {
      // Copy another class's current bits (g=u).
      const src = (result >> WHO_SHIFT[perms]) & 7;
      for (const w of whos) bits |= src << WHO_SHIFT[w];
    } else {
      for (const p of perms) {
        for (const w of whos) {
          if (p === 'r' || p === 'w' || p === 'x') bits |= PERM[p] << WHO_SHIFT[w];
          else if (p === 'X') {
            if (isDir || (result & 0o111) !== 0) bits |= 1 << WHO_SHIFT[w];
          } else if (p === 's') {
            if (w === 'u') bits |= 0o4000;
            if (w === 'g') bits |= 0o2000;
          } else if (p === 't') bits |= 0o1000;
        }
      }
    }
    let mask = 0;
    for (const w of whos) mask |= 7 << WHO_SHIFT[w];
    if (whos.includes('u')) mask |= 0o4000;
    if (whos.includes('g')) mask |= 0o2000;
    if (whos.includes('o')) mask |= 0o1000;
    if (op === '+') result |= bits;
    else if (op === '-') result &= ~bits;
    else result = (result & ~mask) | (bits & mask);
  }
  return result & 0o7777;
}

/** '0644', as Ansible prints modes ('0%03o'). */
export function formatMode(mode: number): string {
  return '0' + (mode & 0o7777).toString(8).padStart(3, '0');
}

/** The mode a new file (or directory) gets from the umask. */
export function defaultMode(umask: number, isDir: boolean): number {
  return (isDir ? 0o777 : 0o666) & ~umask;
}

// ---------------------------------------------------------------------------------------------
// attribute changes

export interface AttrParams {
  mode?: string | number | null;
  owner?: string | null;
  group?: string | null;
}

export interface AttrChange {
  /** Permission bits to set, when they differ. */
  mode?: number;
  /** The mode as given (symbolic modes are re-applied per file with recurse). */
  modeSpec?: string | number;
  /** Owner/group as given (name or id), when they differ. */
  owner?: string;
  group?: string;
  changed: boolean;
  /** Ansible's diff entries: mode as '0644', owner/group as ids (names when the id is unknown). */
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  /** The owner or group does not exist on the host (Ansible's "chown failed: failed to look up user"). */
  error?: string;
}

/**
 * What chown/chmod must do to bring `current` (an existing path) to the asked owner/group/mode.
 * `ids` resolves names (probeFiles' uids/gids; pass the names as `users`/`groups` when probing).
 */
export function attrChanges(p: AttrParams, current: RemoteFile, ids: Pick<ProbeResult, 'uids' | 'gids'>): AttrChange {
  const out: AttrChange = { changed: false, before: {}, after: {} };
  if (p.owner !== undefined && p.owner !== null && p.owner !== '') {
    const uid = ids.uids[p.owner] ?? (isId(p.owner) ? Number(p.owner) : undefined);
    if (uid === null || uid === undefined) {
      out.error = `chown failed: failed to look up user ${p.owner}`;
    } else if (uid !== current.uid) {
      out.owner = p.owner;
      out.changed = true;
      out.before.owner = current.uid;
      out.after.owner = uid;
    }
  }
  if (p.group !== undefined && p.group !== null && p.group !== '') {
    const gid = ids.gids[p.group] ?? (isId(p.group) ? Number(p.group) : undefined);
    if (gid === null || gid === undefined) {
      out.error ??= `chgrp failed: failed to look up group ${p.group}`;
    } else if (gid !== current.gid) {
      out.group = p.group;
      out.changed = true;
      out.before.group = current.gid;
      out.after.group = gid;
    }
  }
  // Symlinks carry no mode of their own on Linux (lchmod does not exist): Ansible leaves them be.
  if (p.mode !== undefined && p.mode !== null && p.mode !== '' && current.type !== 'link') {
    const mode = parseMode(p.mode, current.mode, current.type === 'directory');
    if (mode !== current.mode) {
      out.mode = mode;
      out.modeSpec = p.mode;
      out.changed = true;
      out.before.mode = formatMode(current.mode);
      out.after.mode = formatMode(mode);
    }
  }
  return out;
}

/** Python's json.dumps(x, sort_keys=True, indent=4) + '\n', as Ansible serialises dict diffs. */
export function serializeDiff(value: Record<string, unknown>): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sort(value), null, 4) + '\n';
}

/**
 * Ansible's file-attribute diff: `{path, state?, mode?, owner?, group?, ...}` before and after,
 * serialised as its callback does. Empty when nothing but the path would be shown.
 */
export function attrDiff(path: string, before: Record<string, unknown>, after: Record<string, unknown>): FileDiff[] {
  if (Object.keys(before).length === 0 && Object.keys(after).length === 0) return [];
  return [{ before: serializeDiff({ path, ...before }), after: serializeDiff({ path, ...after }) }];
}

export interface AttrCommandOptions {
  /** chown -R / chmod -R (symbolic modes re-applied to every file). */
  recurse?: boolean;
  /** The path may be a symlink to act on itself (chown -h), as Ansible's follow: false. */
  noFollow?: boolean;
}

/**
 * The shell commands (joined with `&&`) that apply a change to a path given as a shell word (e.g.
 * `"$t"` or remotePathWord(path)); chown before chmod, since chown clears set-id bits. '' for none.
 */
export function attrCommands(pathWord: string, change: Pick<AttrChange, 'owner' | 'group' | 'mode' | 'modeSpec'>, options: AttrCommandOptions = {}): string {
  const cmds: string[] = [];
  const R = options.recurse ? '-R ' : '';
  const h = options.noFollow ? '-h ' : '';
  if (change.owner !== undefined || change.group !== undefined) {
    const spec = `${change.owner ?? ''}${change.group !== undefined ? `:${change.group}` : ''}`;
    cmds.push(`chown ${R}${h}${shQuote(spec)} -- ${pathWord}`);
  }
  if (change.mode !== undefined) {
    const symbolic = options.recurse && change.modeSpec !== undefined && !isOctalMode(change.modeSpec);
    const m = symbolic ? String(change.modeSpec) : formatMode(change.mode);
    cmds.push(`chmod ${R}${shQuote(m)} -- ${pathWord}`);
  }
  return cmds.join(' && ');
}

/** The owner/group names of params, for probeFiles' users/groups. */
export function idsToResolve(p: AttrParams): Pick<ProbeOptions, 'users' | 'groups'> {
  return {
    users: p.owner ? [p.owner] : [],
    groups: p.group ? [p.group] : [],
  };
}

/** A module failure found while planning or applying (the task fails with this message, in check mode too). */
export class ModuleFailure extends Error {
  constructor(message: string, readonly extra: Record<string, unknown> = {}) {
    super(message);
  }
}
