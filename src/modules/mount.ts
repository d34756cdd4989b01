import { posix } from 'node:path';
import { shQuote } from '../util/shlex.js';
import type { ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { ModuleFailure } from './util/file-attrs.js';
import { parseWrite, writeScript, type WriteDirs, type WriteItem } from './util/file-write.js';

/**
 * mount (ansible.posix.mount): an fstab entry and the mount itself. ONE round trip reads the mount
 * table of the shell's own mount namespace (/proc/self/mounts), the fstab, whether the mount point
 * exists and what `src` and the mounted source resolve to; ONE more applies: the mount point
 * directory, the fstab written atomically (file-write.ts), then mount/umount/remount.
 */
export interface MountParams {
  path: string;
  src?: string;
  fstype?: string;
  opts?: string;
  dump?: string;
  passno?: string;
  state: 'mounted' | 'present' | 'unmounted' | 'absent' | 'remounted';
  fstab: string;
  boot: boolean;
  backup: boolean;
}

export interface MountEntry {
  src: string;
  path: string;
  fstype: string;
  opts: string;
}

export interface MountState {
  /** The fstab text ('' when missing). */
  fstab: string;
  fstabExists: boolean;
  /** Mounts at `path` now (the last one is what is seen). */
  mounted?: MountEntry;
  /** The mount point exists as a directory (or is predicted to, in check mode). */
  pathIsDir: boolean;
  pathExists: boolean;
  /** readlink -f of src / of the mounted source (block devices), for comparing them. */
  srcResolved?: string;
  mountedResolved?: string;
}

export type MountAction =
  | { kind: 'mkdir' }
  | { kind: 'fstab'; content: string }
  | { kind: 'mount' }
  | { kind: 'umount' }
  | { kind: 'remount' }
  | { kind: 'rmdir' };

/** fstab fields escape blanks and backslashes as octal (\040), as Ansible's _escape_fstab. */
export function escapeFstab(v: string): string {
  return v.replace(/\\/g, '\\134').replace(/ /g, '\\040').replace(/\t/g, '\\011').replace(/\n/g, '\\012');
}

export function unescapeOctal(v: string): string {
  return v.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** /proc/mounts → entries (octal escapes decoded). */
export function parseProcMounts(text: string): MountEntry[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.split(/\s+/))
    .filter((f) => f.length >= 4)
    .map((f) => ({ src: unescapeOctal(f[0]!), path: unescapeOctal(f[1]!), fstype: f[2]!, opts: f[3]! }));
}

function normPath(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

export interface FstabArgs {
  src: string;
  name: string;
  fstype: string;
  opts: string;
  dump: string;
  passno: string;
}

/** The values the fstab line must carry (Ansible's defaults: opts defaults, dump 0, passno 0; boot: false adds noauto). */
export function fstabArgs(p: MountParams): FstabArgs {
  let opts = p.opts ?? 'defaults';
  if (!p.boot) {
    const list = opts === 'defaults' ? [] : opts.split(',');
    if (!list.includes('noauto')) list.push('noauto');
    opts = list.join(',');
  }
  return { src: p.src ?? '', name: p.path, fstype: p.fstype ?? '', opts, dump: p.dump ?? '0', passno: p.passno ?? '0' };
}

/** Ansible's set_mount: the fstab with the entry for `name` in place; changed when anything differs. */
export function setFstab(text: string, a: FstabArgs): { text: string; changed: boolean } {
  const want = { src: escapeFstab(a.src), name: escapeFstab(a.name), fstype: a.fstype, opts: escapeFstab(a.opts), dump: a.dump, passno: a.passno };
  const newLine = `${want.src} ${want.name} ${want.fstype} ${want.opts} ${want.dump} ${want.passno}`;
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  let exists = false;
  let changed = false;
  const out: string[] = [];
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    if (!line.trim() || line.trim().startsWith('#') || f.length < 4 || f[1] !== want.name) {
      out.push(line);
      continue;
    }
    if (exists) {
      // A second entry for the same mount point: Ansible keeps the first and drops the others.
      changed = true;
      continue;
    }
    exists = true;
    const have = { src: f[0], fstype: f[2], opts: f[3], dump: f[4] ?? '0', passno: f[5] ?? '0' };
    if (have.src !== want.src || have.fstype !== want.fstype || have.opts !== want.opts || have.dump !== want.dump || have.passno !== want.passno) {
      changed = true;
      out.push(newLine);
    } else out.push(line);
  }
  if (!exists) {
    out.push(newLine);
    changed = true;
  }
  return { text: out.length ? `${out.join('\n')}\n` : '', changed };
}

/** Ansible's unset_mount: the fstab without entries for `name`. */
export function unsetFstab(text: string, name: string): { text: string; changed: boolean } {
  const esc = escapeFstab(name);
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const out = lines.filter((line) => {
    const f = line.trim().split(/\s+/);
    return !line.trim() || line.trim().startsWith('#') || f.length < 4 || f[1] !== esc;
  });
  return { text: out.length ? `${out.join('\n')}\n` : '', changed: out.length !== lines.length };
}

export interface MountPlan extends Plan<MountAction> {
  args: FstabArgs;
}

export function planMount(p: MountParams, s: MountState): MountPlan {
  const args = fstabArgs(p);
  const actions: MountAction[] = [];
  if ((p.state === 'mounted' || p.state === 'present') && (!p.src || !p.fstype)) {
    throw new ModuleFailure(`state is ${p.state} but all of the following are missing: ${[!p.src ? 'src' : '', !p.fstype ? 'fstype' : ''].filter(Boolean).join(', ')}`);
  }
  let fstab = s.fstab;
  let fstabChanged = false;
  if (p.state === 'mounted' || p.state === 'present') {
    const r = setFstab(s.fstab, args);
    fstab = r.text;
    fstabChanged = r.changed;
  } else if (p.state === 'absent') {
    const r = unsetFstab(s.fstab, p.path);
    fstab = r.text;
    fstabChanged = r.changed;
  }
  const predicts: MountPlan['predicts'] = {};
  switch (p.state) {
    case 'present':
      if (fstabChanged) actions.push({ kind: 'fstab', content: fstab });
      break;
    case 'absent':
      if (fstabChanged) actions.push({ kind: 'fstab', content: fstab });
      if (s.mounted) actions.push({ kind: 'umount' });
      if (s.pathExists) {
        actions.push({ kind: 'rmdir' });
        predicts.paths = { [p.path]: 'absent' };
      }
      break;
    case 'unmounted':
      if (s.mounted) actions.push({ kind: 'umount' });
      break;
    case 'remounted':
      if (!s.pathExists) throw new ModuleFailure(`Mount point ${p.path} does not exist`);
      actions.push({ kind: 'remount' });
      break;
    case 'mounted': {
      if (!s.pathIsDir) {
        if (s.pathExists) throw new ModuleFailure(`Mount point ${p.path} exists and is not a directory`);
        actions.push({ kind: 'mkdir' });
        predicts.paths = { [p.path]: 'directory' };
      }
      if (fstabChanged) actions.push({ kind: 'fstab', content: fstab });
      if (!s.mounted) actions.push({ kind: 'mount' });
      else {
        const otherSource = s.srcResolved !== undefined && s.mountedResolved !== undefined && s.srcResolved !== s.mountedResolved;
        if (otherSource) actions.push({ kind: 'umount' }, { kind: 'mount' });
        else if (fstabChanged) actions.push({ kind: 'remount' });
      }
      break;
    }
  }
  const diff =
    fstab !== s.fstab
      ? [{ before: s.fstab, after: fstab, before_header: p.fstab, after_header: p.fstab }]
      : [];
  const mountWord = { mount: 'mounted', umount: 'unmounted', remount: 'remounted' } as const;
  const verbs = actions.filter((a) => a.kind in mountWord).map((a) => mountWord[a.kind as keyof typeof mountWord]);
  if (verbs.length) diff.push({ before: `${p.path}: ${s.mounted ? `mounted (${s.mounted.src})` : 'not mounted'}\n`, after: `${p.path}: ${verbs[verbs.length - 1]}\n`, before_header: p.path, after_header: p.path });
  return { actions, args, ...(diff.length ? { diff } : {}), ...(predicts.paths ? { predicts } : {}), result: resultFields(p, args) };
}

function resultFields(p: MountParams, a: FstabArgs): Partial<ModuleResult> {
  return { name: p.path, src: p.src, fstype: p.fstype, opts: a.opts, dump: a.dump, passno: a.passno, fstab: p.fstab, boot: p.boot ? 'yes' : 'no' };
}

const END = '__FLEET_END__';

export function mountProbeScript(p: MountParams): string {
  const P = shQuote(p.path);
  const F = shQuote(p.fstab);
  const lines = [
    `cat /proc/self/mounts 2>/dev/null || cat /proc/mounts`,
    `echo ${END}`,
    `if [ -f ${F} ]; then echo Y; cat -- ${F}; else echo N; fi`,
    `echo ${END}`,
    `if [ -d ${P} ]; then echo D; elif [ -e ${P} ] || [ -L ${P} ]; then echo E; else echo A; fi`,
  ];
  if (p.src) {
    const src = p.src;
    const resolve = src.startsWith('UUID=') || src.startsWith('LABEL=') ? `findfs ${shQuote(src)} 2>/dev/null` : src.startsWith('/') ? `readlink -f -- ${shQuote(src)} 2>/dev/null` : '';
    if (resolve) lines.push(`r=$(${resolve}) && echo "S $r"`);
  }
  lines.push(`m=$(awk -v p=${shQuote(normPath(p.path))} '{ d=$2; gsub(/\\\\040/, " ", d); if (d == p) s=$1 } END { if (s) print s }' /proc/self/mounts 2>/dev/null)`);
  lines.push(`case "$m" in /*) r=$(readlink -f -- "$m" 2>/dev/null) && echo "M $r";; esac`);
  lines.push('exit 0');
  return lines.join('\n');
}

export function parseMountProbe(p: MountParams, out: string, predictedDir = false): MountState {
  const [mounts = '', fstabPart = '', rest = ''] = out.split(`${END}\n`);
  const at = normPath(p.path);
  const mine = parseProcMounts(mounts).filter((m) => normPath(m.path) === at);
  const fstabExists = fstabPart.startsWith('Y\n');
  const s: MountState = {
    fstab: fstabExists ? fstabPart.slice(2) : '',
    fstabExists,
    pathIsDir: false,
    pathExists: false,
  };
  if (mine.length) s.mounted = mine[mine.length - 1]!;
  for (const line of rest.split('\n')) {
    if (line === 'D') s.pathIsDir = s.pathExists = true;
    else if (line === 'E') s.pathExists = true;
    else if (line.startsWith('S ')) s.srcResolved = line.slice(2);
    else if (line.startsWith('M ')) s.mountedResolved = line.slice(2);
  }
  if (!s.pathExists && predictedDir) s.pathIsDir = s.pathExists = true;
  return s;
}

async function probe(ctx: ModuleContext, p: MountParams): Promise<MountState> {
  const r = await ctx.run(mountProbeScript(p));
  if (r.rc !== 0) throw new ModuleFailure(`cannot read the mounts of ${ctx.host}: ${r.stderr.toString('utf8').trim() || `exit code ${r.rc}`}`);
  return parseMountProbe(p, r.stdout.toString('utf8'), ctx.predicted?.path(p.path) === 'directory');
}

/** The shell commands after the fstab write: mount/umount/remount/rmdir, stopping at the first failure. */
export function mountCommands(p: MountParams, actions: readonly MountAction[]): string {
  const P = shQuote(p.path);
  const T = p.fstab !== '/etc/fstab' ? ` -T ${shQuote(p.fstab)}` : '';
  const lines: string[] = [];
  const step = (what: string, cmd: string) => lines.push(`o=$( ${cmd} 2>&1 ) || { printf 'FAIL %s\\n%s' ${shQuote(what)} "$o"; exit 3; }`);
  for (const a of actions) {
    if (a.kind === 'mount') step('mount', `mount${T} -- ${P}`);
    else if (a.kind === 'umount') step('umount', `umount -- ${P}`);
    else if (a.kind === 'rmdir') step('rmdir', `rmdir -- ${P}`);
    else if (a.kind === 'remount') {
      const o = p.opts && p.state === 'remounted' ? `remount,${p.opts}` : 'remount';
      // Ansible: a failed remount is retried as umount + mount.
      step('remount', `mount${T} -o ${shQuote(o)} -- ${P} || { umount -- ${P} && mount${T} -- ${P}; }`);
    }
  }
  return lines.join('\n');
}

async function apply(ctx: ModuleContext, p: MountParams, plan: Plan<MountAction>): Promise<ModuleResult> {
  const mp = plan as MountPlan;
  const base: ModuleResult = { changed: false, ...(mp.result ?? {}) };
  if (!mp.actions.length) return base;
  const dirs: WriteDirs[] = mp.actions.some((a) => a.kind === 'mkdir') ? [{ path: p.path }] : [];
  const items: WriteItem[] = mp.actions
    .filter((a): a is Extract<MountAction, { kind: 'fstab' }> => a.kind === 'fstab')
    .map((a) => ({ dest: p.fstab, content: Buffer.from(a.content), backup: p.backup }));
  const trailer = mountCommands(p, mp.actions);
  const r = await ctx.run(writeScript(items, dirs, trailer || ':'), { stdin: Buffer.concat(items.map((i) => i.content)) });
  const w = parseWrite(r.rc, r.stdout, r.stderr);
  const failedStep = /^FAIL (\S+)\n([\s\S]*)$/.exec(w.trailer);
  if (failedStep) return { ...base, failed: true, msg: `Error ${failedStep[1] === 'rmdir' ? 'rmdir' : failedStep[1] === 'umount' ? 'unmounting' : 'mounting'} ${p.path}: ${failedStep[2]!.trim()}` };
  if (!w.ok) return { ...base, failed: true, msg: w.msg ?? `exit code ${r.rc}` };
  const backup = w.backups[p.fstab];
  return { ...base, changed: true, ...(backup ? { backup_file: backup } : {}) };
}

export const mount: ModuleDefinition<MountParams, MountState, MountAction> = {
  name: 'mount',
  aliases: ['ansible.posix.mount', 'ansible.builtin.mount', 'ansible.legacy.mount'],
  params: {
    path: { type: 'path', required: true, aliases: ['name'] },
    src: { type: 'str' },
    fstype: { type: 'str' },
    opts: { type: 'str' },
    dump: { type: 'str' },
    passno: { type: 'str' },
    state: { type: 'str', required: true, choices: ['mounted', 'present', 'unmounted', 'absent', 'remounted'] },
    fstab: { type: 'str', default: '/etc/fstab' },
    boot: { type: 'bool', default: true },
    backup: { type: 'bool', default: false },
  },
  probe,
  plan: planMount,
  apply,
};
