import { createHash } from 'node:crypto';
import { shQuote } from '../util/shlex.js';
import type { ModuleContext, ModuleDefinition } from './types.js';
import { SHELL_READ_FN, SHELL_READ_MAX } from './util/file-attrs.js';
import { remotePathWord } from './util/remote-path.js';
import { applyResult, resultPlan, type ResultPlan } from './util/result-plan.js';

/**
 * stat: file facts as Ansible's stat module returns them under `stat`, read in ONE round trip by a
 * shell snippet (GNU/busybox `stat -c`, `<algo>sum`, `file`, `lsattr`). Never changed.
 */
export interface StatParams {
  path: string;
  follow: boolean;
  get_checksum: boolean;
  checksum_algorithm: 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
  get_mime: boolean;
  get_attributes: boolean;
  /** The old `md5` key (a regular readable file's md5, or null where md5sum fails). */
  get_md5?: boolean;
}

/** The raw fields the snippet printed (key → value), or the file is missing. */
export interface StatState {
  fields: Record<string, string>;
  /** The snippet itself failed (no `stat` program, ...). */
  error?: string;
}

const ALGOS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;

/** Fields of `stat -c`, in order. */
const STAT_FIELDS = ['rawmode', 'size', 'uid', 'gid', 'user', 'group', 'inode', 'dev', 'nlink', 'blocks', 'blksize', 'major', 'minor', 'atime', 'mtime', 'ctime'];
const STAT_FORMAT = '%f|%s|%u|%g|%U|%G|%i|%d|%h|%b|%o|%t|%T';

/** The shell snippet: prints NUL-separated key/value pairs. */
export function statScript(p: StatParams): string {
  const L = p.follow ? '-L' : '';
  const lines = [
    `p=${remotePathWord(p.path)}`,
    `o() { printf '%s\\0%s\\0' "$1" "$2"; }`,
    `__nl='`,
    `'`,
    SHELL_READ_FN,
    p.follow ? `[ -e "$p" ] || { o exists 0; exit 0; }` : `[ -e "$p" ] || [ -L "$p" ] || { o exists 0; exit 0; }`,
    `o exists 1`,
    `o path "$p"`,
    `s=$(stat ${L} -c '${STAT_FORMAT}|%.9X|%.9Y|%.9Z' -- "$p" 2>/dev/null) || s=$(stat ${L} -c '${STAT_FORMAT}|%X|%Y|%Z' -- "$p") || exit 3`,
    `o stat "$s"`,
    `[ -r "$p" ] && o readable 1 || o readable 0`,
    `[ -w "$p" ] && o writeable 1 || o writeable 0`,
    `[ -x "$p" ] && o executable 1 || o executable 0`,
    // Not following: a symlink is not a regular file (its target's checksum is not taken).
    `notlink=1; ${p.follow ? '' : '[ -L "$p" ] && notlink=0; '}:`,
    // Following links, islnk is false and Ansible gives no lnk_source/lnk_target.
    p.follow ? ':' : `if [ -L "$p" ]; then o lnk_target "$(readlink -- "$p")"; o lnk_source "$(readlink -f -- "$p" 2>/dev/null || realpath -- "$p" 2>/dev/null)"; fi`,
  ];
  if (p.get_checksum) {
    // A small file is read by the shell and hashed by the controller (no process); the tool must
    // still be there, as Ansible's stat needs its hash.
    const tool = `${p.checksum_algorithm}sum`;
    lines.push(
      `if [ $notlink = 1 ] && [ -f "$p" ] && [ -r "$p" ]; then`,
      `  if command -v ${tool} >/dev/null 2>&1; then`,
      `    z=\${s#*|}; z=\${z%%|*}`,
      `    if [ -n "$z" ] && [ "$z" -gt 0 ] 2>/dev/null && [ "$z" -le ${SHELL_READ_MAX} ] && __rd "$p" "$z"; then o checksum_bytes "$__c"; else c=$(${tool} < "$p") && o checksum "\${c%% *}"; fi`,
      `  else o checksum_error ${shQuote(tool)}; fi`,
      `fi`,
    );
  }
  if (p.get_md5) {
    lines.push(`if [ $notlink = 1 ] && [ -f "$p" ] && [ -r "$p" ]; then if c=$(md5sum < "$p" 2>/dev/null); then o md5 "\${c%% *}"; else o md5 ''; fi; fi`);
  }
  if (p.get_mime) {
    lines.push(`command -v file >/dev/null 2>&1 && m=$(file ${p.follow ? '-L ' : ''}-b --mime-type --mime-encoding -- "$p" 2>/dev/null) && o mime "$m"`);
  }
  if (p.get_attributes) {
    // Last, so that the shell becomes lsattr (exec: no fork); its exit code is then lsattr's.
    lines.push(`command -v lsattr >/dev/null 2>&1 && { printf 'attr\\0'; exec lsattr -vd -- "$p" 2>/dev/null; }`);
  }
  lines.push('exit 0');
  return lines.join('\n');
}

/**
 * Parses the snippet's NUL-separated output; `checksum_bytes` (a small file's bytes, read by the
 * shell) becomes `checksum`, hashed here with the algorithm asked.
 */
export function parseStatOutput(out: string | Buffer, algorithm: StatParams['checksum_algorithm'] = 'sha1'): Record<string, string> {
  const text = typeof out === 'string' ? out : out.toString('latin1');
  const parts = text.split('\0');
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const key = parts[i]!;
    const value = parts[i + 1]!;
    if (key === 'checksum_bytes') {
      fields.checksum = createHash(algorithm).update(typeof out === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value, 'latin1')).digest('hex');
    } else fields[key] = typeof out === 'string' ? value : Buffer.from(value, 'latin1').toString('utf8');
  }
  return fields;
}

/** lsattr letters → the names Ansible's stat returns in `attributes`. */
export const FILE_ATTRIBUTES: Record<string, string> = {
  A: 'noatime',
  a: 'append',
  c: 'compressed',
  C: 'nocow',
  d: 'nodump',
  D: 'dirsync',
  e: 'extents',
  E: 'encrypted',
  h: 'blocksize',
  i: 'immutable',
  I: 'indexed',
  j: 'journalled',
  N: 'inline',
  s: 'zero',
  S: 'synchronous',
  t: 'notail',
  T: 'blockroot',
  u: 'undelete',
  X: 'compressedraw',
  Z: 'compresseddirty',
};

/** Linux's makedev(major, minor), as st_rdev. */
function makedev(major: number, minor: number): number {
  return (minor & 0xff) + ((major & 0xfff) << 8) + (minor & ~0xff) * 0x1000 + Math.floor(major / 0x1000) * 0x1000 * 0x100000000;
}

const num = (s: string | undefined): number => Number(s ?? 'NaN');

/** The `stat` dict Ansible returns, from the raw fields. */
export function statFacts(fields: Record<string, string>, p: Pick<StatParams, 'checksum_algorithm' | 'get_mime'> & { get_attributes?: boolean }): Record<string, unknown> | string {
  if (fields.exists !== '1') return { exists: false };
  const raw = (fields.stat ?? '').split('|');
  const f: Record<string, string> = {};
  STAT_FIELDS.forEach((name, i) => (f[name] = raw[i] ?? ''));
  const mode = parseInt(f.rawmode!, 16);
  const type = mode & 0o170000;
  const bit = (b: number) => (mode & b) !== 0;
  const out: Record<string, unknown> = {
    exists: true,
    path: fields.path,
    mode: (mode & 0o7777).toString(8).padStart(4, '0'),
    isdir: type === 0o040000,
    ischr: type === 0o020000,
    isblk: type === 0o060000,
    isreg: type === 0o100000,
    isfifo: type === 0o010000,
    islnk: type === 0o120000,
    issock: type === 0o140000,
    uid: num(f.uid),
    gid: num(f.gid),
    size: num(f.size),
    inode: num(f.inode),
    dev: num(f.dev),
    nlink: num(f.nlink),
    atime: num(f.atime),
    mtime: num(f.mtime),
    ctime: num(f.ctime),
    wusr: bit(0o200),
    rusr: bit(0o400),
    xusr: bit(0o100),
    wgrp: bit(0o020),
    rgrp: bit(0o040),
    xgrp: bit(0o010),
    woth: bit(0o002),
    roth: bit(0o004),
    xoth: bit(0o001),
    isuid: bit(0o4000),
    isgid: bit(0o2000),
    blocks: num(f.blocks),
    block_size: num(f.blksize),
    device_type: makedev(parseInt(f.major || '0', 16), parseInt(f.minor || '0', 16)),
    readable: fields.readable === '1',
    writeable: fields.writeable === '1',
    executable: fields.executable === '1',
  };
  if (f.user && f.user !== 'UNKNOWN') out.pw_name = f.user;
  if (f.group && f.group !== 'UNKNOWN') out.gr_name = f.group;
  if (fields.lnk_target !== undefined) {
    out.lnk_source = fields.lnk_source;
    out.lnk_target = fields.lnk_target;
  }
  if (fields.checksum_error !== undefined) {
    return `Could not hash file '${String(fields.path)}' with algorithm '${p.checksum_algorithm}': ${fields.checksum_error} is not available on the host`;
  }
  if (fields.checksum !== undefined) out.checksum = fields.checksum;
  if (fields.md5 !== undefined) out.md5 = fields.md5 || null;
  if (p.get_mime) {
    out.mimetype = 'unknown';
    out.charset = 'unknown';
    const m = /^([^;]+);\s*charset=(.+)$/.exec((fields.mime ?? '').trim());
    if (m) {
      out.mimetype = m[1]!.trim();
      out.charset = m[2]!.trim();
    }
  }
  if (p.get_attributes) {
    // As Ansible's: without lsattr, or where it fails (tmpfs, overlayfs), the keys are there, empty.
    out.version = null;
    out.attributes = [];
    out.attr_flags = '';
  }
  if (fields.attr !== undefined) {
    const a = /^\s*(\S+)\s+(\S+)\s/.exec(fields.attr);
    if (a) {
      const flags = a[2]!.replace(/-/g, '');
      out.version = a[1];
      out.attr_flags = flags;
      out.attributes = [...flags].map((c) => FILE_ATTRIBUTES[c]).filter((x): x is string => !!x);
    }
  }
  return out;
}

export function planStat(p: StatParams, s: StatState): ResultPlan {
  if (s.error) return resultPlan({ changed: false, failed: true, msg: s.error });
  const facts = statFacts(s.fields, p);
  if (typeof facts === 'string') return resultPlan({ changed: false, failed: true, msg: facts });
  return resultPlan({ changed: false, stat: facts });
}

export const stat: ModuleDefinition<StatParams, StatState, never> = {
  name: 'stat',
  aliases: ['ansible.builtin.stat', 'ansible.legacy.stat'],
  readOnly: true,
  params: {
    path: { type: 'path', required: true, aliases: ['dest', 'name'] },
    follow: { type: 'bool', default: false },
    get_checksum: { type: 'bool', default: true },
    checksum_algorithm: { type: 'str', default: 'sha1', choices: ALGOS, aliases: ['checksum', 'checksum_algo'] },
    get_mime: { type: 'bool', default: true, aliases: ['mime', 'mime_type', 'mime-type'] },
    get_attributes: { type: 'bool', default: true, aliases: ['attr', 'attributes'] },
    get_md5: { type: 'bool', default: false },
  },
  probe: async (ctx: ModuleContext, p) => {
    const r = await ctx.run(statScript(p));
    const fields = parseStatOutput(r.stdout, p.checksum_algorithm);
    if (fields.attr !== undefined) {
      // The snippet got as far as lsattr: a failing lsattr only means no attributes.
      if (r.rc !== 0) delete fields.attr;
      else fields.attr = fields.attr.replace(/\n+$/, '');
      return { fields };
    }
    if (r.rc !== 0) return { fields, error: `cannot stat ${p.path}: ${r.stderr.toString('utf8').trim() || `exit code ${r.rc}`}` };
    return { fields };
  },
  plan: planStat,
  apply: applyResult,
};
