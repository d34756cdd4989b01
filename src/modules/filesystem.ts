import { shQuote, shlexSplit } from '../util/shlex.js';
import type { ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { ModuleFailure } from './util/file-attrs.js';
import { runSteps, stepsFailureMessage, type Step } from './util/run-steps.js';

/**
 * filesystem (community.general.filesystem): a filesystem of `fstype` on `dev` (a block device or an
 * image file), made with the fstype's mkfs when blkid finds none; another type fails unless `force`;
 * `resizefs` grows an ext2/3/4 filesystem to the device's size; `state: absent` wipes signatures.
 * ONE round trip probes everything (blkid, the mkfs tool, sizes), ONE more applies.
 */
export interface FilesystemParams {
  dev: string;
  fstype?: string;
  force: boolean;
  resizefs: boolean;
  opts?: string;
  state: 'present' | 'absent';
}

export interface FilesystemState {
  exists: boolean;
  /** A block device (else a regular file: an image). */
  block: boolean;
  /** What blkid finds on it ('' = nothing). */
  type: string;
  /** The mkfs program for fstype, when on the host's PATH. */
  mkfs?: string;
  /** resizefs: the device's and the filesystem's sizes in bytes. */
  devSize?: number;
  fsSize?: number;
  /** wipefs / resize2fs found. */
  tools: Record<string, boolean>;
}

interface FsKind {
  mkfs: string;
  force: string[];
  /** Programs to grow it (ext: resize2fs on the device). */
  grow?: (dev: string) => string[];
  package: string;
}

/** The filesystems fleet makes, with Ansible's mkfs force flags. */
export const FS_KINDS: Record<string, FsKind> = {
  ext2: { mkfs: 'mkfs.ext2', force: ['-F'], grow: (d) => ['resize2fs', d], package: 'e2fsprogs' },
  ext3: { mkfs: 'mkfs.ext3', force: ['-F'], grow: (d) => ['resize2fs', d], package: 'e2fsprogs' },
  ext4: { mkfs: 'mkfs.ext4', force: ['-F'], grow: (d) => ['resize2fs', d], package: 'e2fsprogs' },
  ext4dev: { mkfs: 'mkfs.ext4', force: ['-F'], grow: (d) => ['resize2fs', d], package: 'e2fsprogs' },
  xfs: { mkfs: 'mkfs.xfs', force: ['-f'], package: 'xfsprogs' },
  btrfs: { mkfs: 'mkfs.btrfs', force: ['-f'], package: 'btrfs-progs' },
  vfat: { mkfs: 'mkfs.vfat', force: [], package: 'dosfstools' },
  swap: { mkfs: 'mkswap', force: ['-f'], package: 'util-linux' },
};

export function filesystemProbeScript(p: FilesystemParams): string {
  const D = shQuote(p.dev);
  const kind = p.fstype ? FS_KINDS[p.fstype] : undefined;
  const lines = [
    `d=${D}`,
    `[ -e "$d" ] || { echo X; exit 0; }`,
    `[ -b "$d" ] && echo B`,
    // -c /dev/null: no cache, what is on the device now; -p: low-level probe (also finds swap).
    `t=$(blkid -c /dev/null -o value -s TYPE -- "$d" 2>/dev/null || blkid -p -o value -s TYPE -- "$d" 2>/dev/null); echo "T $t"`,
    `for x in wipefs resize2fs blockdev dumpe2fs; do command -v $x >/dev/null 2>&1 && echo "H $x"; done`,
  ];
  if (kind) lines.push(`m=$(command -v ${kind.mkfs} 2>/dev/null) && echo "M $m"`);
  if (p.resizefs) {
    lines.push(
      `if [ -b "$d" ]; then s=$(blockdev --getsize64 -- "$d" 2>/dev/null); else s=$(stat -c %s -- "$d"); fi; echo "S $s"`,
      `case "$t" in ext*) dumpe2fs -h -- "$d" 2>/dev/null | awk -F: '/^Block count:/{c=$2} /^Block size:/{b=$2} END{if (c && b) print "F " c*b}';; esac`,
    );
  }
  lines.push('exit 0');
  return lines.join('\n');
}

export function parseFilesystemProbe(out: string): FilesystemState {
  const s: FilesystemState = { exists: true, block: false, type: '', tools: {} };
  for (const line of out.split('\n')) {
    if (line === 'X') return { exists: false, block: false, type: '', tools: {} };
    if (line === 'B') s.block = true;
    else if (line.startsWith('T ')) s.type = line.slice(2).trim();
    else if (line.startsWith('M ')) s.mkfs = line.slice(2).trim();
    else if (line.startsWith('H ')) s.tools[line.slice(2).trim()] = true;
    else if (line.startsWith('S ')) s.devSize = Number(line.slice(2).trim()) || undefined;
    else if (line.startsWith('F ')) s.fsSize = Number(line.slice(2).trim()) || undefined;
  }
  if (s.devSize === undefined) delete s.devSize;
  if (s.fsSize === undefined) delete s.fsSize;
  return s;
}

export interface FilesystemPlan extends Plan<Step> {
  after: string;
}

export function planFilesystem(p: FilesystemParams, s: FilesystemState): FilesystemPlan {
  if (p.state === 'present' && !p.fstype) throw new ModuleFailure('state is present but all of the following are missing: fstype');
  if (!s.exists) {
    if (p.state === 'absent') return { actions: [], after: '', msg: `${p.dev} does not exist` };
    throw new ModuleFailure(`Device ${p.dev} not found.`);
  }
  if (p.state === 'absent') {
    if (!s.type) return { actions: [], after: '' };
    return {
      actions: [{ kind: 'run', what: 'wipefs', argv: ['wipefs', '--all', '--', p.dev] }],
      after: '',
      diff: [{ before: `${p.dev}: ${s.type}\n`, after: `${p.dev}: (none)\n`, before_header: p.dev, after_header: p.dev }],
    };
  }
  const fstype = p.fstype!;
  const kind = FS_KINDS[fstype];
  if (!kind) throw new ModuleFailure(`fstype ${fstype} is not supported (fleet makes: ${Object.keys(FS_KINDS).join(', ')})`);
  // blkid calls ext4dev ext4.
  const same = s.type === fstype || (fstype === 'ext4dev' && s.type === 'ext4');
  if (same && !p.force) {
    if (!p.resizefs) return { actions: [], after: s.type };
    if (!kind.grow) throw new ModuleFailure(`resizefs is not supported for ${fstype} by fleet (ext2, ext3, ext4 only)`);
    if (s.devSize === undefined || s.fsSize === undefined) throw new ModuleFailure(`cannot read the sizes of ${p.dev} and its ${fstype} filesystem`);
    if (s.devSize <= s.fsSize) return { actions: [], after: s.type, msg: `${fstype} filesystem is using the whole device ${p.dev}` };
    return {
      actions: [{ kind: 'run', what: kind.grow(p.dev)[0]!, argv: kind.grow(p.dev) }],
      after: s.type,
      diff: [{ before: `${p.dev}: ${fstype}, ${s.fsSize} bytes\n`, after: `${p.dev}: ${fstype}, ${s.devSize} bytes\n`, before_header: p.dev, after_header: p.dev }],
    };
  }
  if (s.type && !p.force) throw new ModuleFailure(`'${p.dev}' is already used as ${s.type}, use force=true to overwrite`);
  if (!s.mkfs) throw new ModuleFailure(`Failed to find binary ${kind.mkfs} on the host: install the ${kind.package} package (apt-get install -y ${kind.package})`);
  const argv = [s.mkfs, ...kind.force, ...(p.opts ? shlexSplit(p.opts) : []), p.dev];
  return {
    actions: [{ kind: 'run', what: kind.mkfs, argv }],
    after: fstype,
    diff: [{ before: `${p.dev}: ${s.type || '(none)'}\n`, after: `${p.dev}: ${fstype}\n`, before_header: p.dev, after_header: p.dev }],
  };
}

async function probe(ctx: ModuleContext, p: FilesystemParams): Promise<FilesystemState> {
  const r = await ctx.run(filesystemProbeScript(p));
  if (r.rc !== 0) throw new ModuleFailure(`cannot probe ${p.dev}: ${r.stderr.toString('utf8').trim() || `exit code ${r.rc}`}`);
  return parseFilesystemProbe(r.stdout.toString('utf8'));
}

async function apply(ctx: ModuleContext, _p: FilesystemParams, plan: Plan<Step>): Promise<ModuleResult> {
  if (!plan.actions.length) return { changed: false, ...(plan.msg ? { msg: plan.msg } : {}) };
  const out = await runSteps(ctx, plan.actions);
  if (!out.ok) return { changed: false, failed: true, msg: stepsFailureMessage(out.failed!), rc: out.failed!.rc, err: out.failed!.stderr };
  return { changed: true };
}

export const filesystem: ModuleDefinition<FilesystemParams, FilesystemState, Step> = {
  name: 'filesystem',
  aliases: ['community.general.filesystem', 'community.general.system.filesystem'],
  params: {
    dev: { type: 'path', required: true, aliases: ['device'] },
    fstype: { type: 'str', aliases: ['type'], choices: Object.keys(FS_KINDS) },
    force: { type: 'bool', default: false },
    resizefs: { type: 'bool', default: false },
    opts: { type: 'str' },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
  },
  probe,
  plan: planFilesystem,
  apply,
};
