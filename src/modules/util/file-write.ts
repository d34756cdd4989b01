import { createHash } from 'node:crypto';
import { shQuote } from '../../util/shlex.js';
import type { ModuleContext } from '../types.js';
import { formatMode } from './file-attrs.js';
import { remotePathWord } from './remote-path.js';

/**
 * Atomic content writes for file-writing modules, in ONE command whatever the number of files: the
 * bytes of every file travel on that command's stdin; each goes to a temporary file in its
 * destination's directory, is checked (size and sha1: a write cut short — the controller killed, the
 * connection lost — is never installed), gets its owner, group and mode, is validated (`validate`,
 * `%s` = the temporary file), the old file is backed up if asked, and only then renamed over the
 * destination. A failing step removes the temporary file (also on HUP/INT/TERM).
 */
export interface WriteItem {
  dest: string;
  /** The bytes, sent on stdin (empty with remoteSrc). */
  content: Buffer;
  /** Copy this file on the host instead (copy's remote_src); checked against expectSha1 when given. */
  remoteSrc?: string;
  expectSha1?: string;
  /** Final permission bits; undefined: keep the existing file's, else 0666 & ~umask. */
  mode?: number;
  /** Owner/group (names or ids); undefined: keep the existing file's (best effort, as Ansible). */
  owner?: string;
  group?: string;
  /** Copy the old file to `dest.PID.YYYY-MM-DD@HH:MM:SS~` before replacing it. */
  backup?: boolean;
  /** A command line with `%s` for the file to check (the temporary file); non-zero exit aborts. */
  validate?: string;
}

export interface WriteDirs {
  /** Directories to create first (mkdir -p), with their mode when given. */
  path: string;
  mode?: number;
  owner?: string;
  group?: string;
}

export interface WriteOutcome {
  ok: boolean;
  /** dest → backup file made. */
  backups: Record<string, string>;
  /** On failure: what failed, and the validate command's output when it was that. */
  msg?: string;
  failedDest?: string;
  validateRc?: number;
  validateOutput?: string;
  rc: number;
  stderr: string;
}

export class ValidateError extends Error {}

/** Ansible's validate: `%s` is required (else "validate must contain %s"). */
export function validateCommand(validate: string, fileWord: string): string {
  if (!validate.includes('%s')) throw new ValidateError(`validate must contain %s: ${validate}`);
  return validate.split('%s').join(fileWord);
}

/** The write script; stdin is the items' contents, concatenated in order. */
export const TRAILER_MARK = '\0--fleet-trailer--\0';

export function writeScript(items: readonly WriteItem[], dirs: readonly WriteDirs[] = [], trailer = ''): string {
  const lines = [
    `o() { printf '%s\\0' "$@"; }`,
    `t=`,
    `cleanup() { [ -n "$t" ] && rm -f -- "$t"; t=; }`,
    `trap cleanup EXIT`,
    `trap 'cleanup; exit 129' HUP INT TERM PIPE`,
    `fail() { o fail "$1" "$2"; cleanup; exit 1; }`,
    `dm=$(printf '%o' $((0666 & ~0$(umask))))`,
  ];
  for (const d of dirs) {
    const p = remotePathWord(d.path);
    lines.push(`[ -d ${p} ] || { mkdir -p -- ${p} || fail ${p} "cannot create directory"; ${d.owner || d.group ? `chown ${shQuote(`${d.owner ?? ''}${d.group ? `:${d.group}` : ''}`)} -- ${p} || fail ${p} "chown failed"; ` : ''}${d.mode !== undefined ? `chmod ${formatMode(d.mode)} -- ${p} || fail ${p} "chmod failed"; ` : ''}}`);
  }
  const streamed = items.filter((it) => it.remoteSrc === undefined);
  items.forEach((it) => {
    const p = remotePathWord(it.dest);
    const sha1 = it.remoteSrc !== undefined ? it.expectSha1 : createHash('sha1').update(it.content).digest('hex');
    const last = it === streamed[streamed.length - 1];
    lines.push(
      `p=${p}`,
      `t=$(mktemp "$(dirname -- "$p")/.$(basename -- "$p").fleet-tmp-XXXXXXXX") || fail "$p" "cannot create a temporary file in the destination directory"`,
    );
    if (it.remoteSrc !== undefined) lines.push(`cat -- ${remotePathWord(it.remoteSrc)} > "$t" || fail "$p" "cannot copy ${it.remoteSrc.replace(/["$`\\]/g, '')}"`);
    else {
      lines.push(
        // The last (often only) item takes the rest of stdin; the others exactly their size.
        last ? `cat > "$t" || fail "$p" "cannot write"` : `head -c ${it.content.length} > "$t" || fail "$p" "cannot write"`,
        `[ "$(wc -c < "$t")" -eq ${it.content.length} ] || fail "$p" "incomplete content received"`,
      );
    }
    if (sha1) lines.push(`if command -v sha1sum >/dev/null 2>&1; then c=$(sha1sum < "$t"); [ "\${c%% *}" = ${sha1} ] || fail "$p" "content checksum mismatch"; fi`);
    if (it.owner || it.group) lines.push(`chown ${shQuote(`${it.owner ?? ''}${it.group ? `:${it.group}` : ''}`)} -- "$t" || fail "$p" "chown failed"`);
    if (!it.owner || !it.group) {
      // Keep what the existing file has (best effort: only root may give files away).
      const fmt = !it.owner && !it.group ? '%u:%g' : !it.owner ? '%u' : ':%g';
      lines.push(`[ -e "$p" ] && { u=$(stat -L -c '${fmt}' -- "$p") && chown "$u" -- "$t" 2>/dev/null; }`);
    }
    lines.push(
      it.mode !== undefined
        ? `chmod ${formatMode(it.mode)} -- "$t" || fail "$p" "chmod failed"`
        : `if [ -e "$p" ]; then chmod "$(stat -L -c %a -- "$p")" -- "$t"; else chmod "$dm" -- "$t"; fi || fail "$p" "chmod failed"`,
    );
    if (it.validate) {
      lines.push(
        `v=$( (${validateCommand(it.validate, '"$t"')}) 2>&1 </dev/null); r=$?`,
        `[ $r = 0 ] || { o validate "$p" "$r" "$v"; cleanup; exit 2; }`,
      );
    }
    if (it.backup) {
      lines.push(`if [ -f "$p" ]; then b="$p.$$.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$p" "$b" || fail "$p" "cannot make a backup"; o backup "$p" "$b"; fi`);
    }
    lines.push(`mv -f -- "$t" "$p" || fail "$p" "cannot rename the temporary file over the destination"`, `t=`, `o done "$p"`);
  });
  if (trailer) lines.push(`printf '${TRAILER_MARK.replace(/\0/g, '\\0')}'`, trailer);
  lines.push('exit 0');
  return lines.join('\n');
}

/** Parses the write script's output. */
export function parseWrite(rc: number, stdout: Buffer | string, stderr: Buffer | string): WriteOutcome & { trailer: string } {
  const text = typeof stdout === 'string' ? stdout : stdout.toString('utf8');
  const at = text.indexOf(TRAILER_MARK);
  const parts = (at >= 0 ? text.slice(0, at) : text).split('\0');
  const err = (typeof stderr === 'string' ? stderr : stderr.toString('utf8')).trim();
  const out: WriteOutcome & { trailer: string } = { ok: rc === 0, backups: {}, rc, stderr: err, trailer: at >= 0 ? text.slice(at + TRAILER_MARK.length) : '' };
  for (let i = 0; i < parts.length; i++) {
    const tag = parts[i];
    if (tag === 'backup') {
      out.backups[parts[i + 1]!] = parts[i + 2]!;
      i += 2;
    } else if (tag === 'done') i += 1;
    else if (tag === 'fail') {
      out.failedDest = parts[i + 1];
      out.msg = `${parts[i + 2]}: ${parts[i + 1]}${err ? ` (${err})` : ''}`;
      i += 2;
    } else if (tag === 'validate') {
      out.failedDest = parts[i + 1];
      out.validateRc = Number(parts[i + 2]);
      out.validateOutput = parts[i + 3] ?? '';
      out.msg = `failed to validate: rc:${out.validateRc} error:${out.validateOutput}`;
      i += 3;
    }
  }
  if (rc !== 0 && !out.msg) out.msg = err || `exit code ${rc}`;
  return out;
}

/** Writes the items atomically in ONE command (see writeScript). */
export async function writeFiles(ctx: Pick<ModuleContext, 'run'>, items: readonly WriteItem[], dirs: readonly WriteDirs[] = [], trailer = ''): Promise<WriteOutcome & { trailer: string }> {
  const stdin = Buffer.concat(items.map((i) => i.content));
  const r = await ctx.run(writeScript(items, dirs, trailer), { stdin });
  return parseWrite(r.rc, r.stdout, r.stderr);
}

export function sha1(data: Buffer | string): string {
  return createHash('sha1').update(data).digest('hex');
}

export function md5(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}
