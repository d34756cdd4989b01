import { posix } from 'node:path';
import { shQuote } from '../util/shlex.js';
import type { FileDiff, ModuleContext, ModuleDefinition, ModuleResult, Plan, PredictedState } from './types.js';
import {
  attrChanges,
  attrCommands,
  defaultMode,
  formatMode,
  idsToResolve,
  ModuleFailure,
  parseProbe,
  probeScript,
  type AttrChange,
  type AttrParams,
  type ProbeResult,
  type RemoteFile,
} from './util/file-attrs.js';
import { remotePathWord } from './util/remote-path.js';

/**
 * file: the state of a path — file, directory, link, hard, touch or absent — with its mode (octal
 * or symbolic), owner, group and times. ONE round trip reads everything `plan` needs (the path with
 * and without following links, the link source, owner/group ids, the umask, the tree under a
 * `recurse` directory, the wanted times as epochs); ONE more applies the plan and reads the path's
 * final state for the result.
 */
export interface FileParams {
  path: string;
  state?: 'file' | 'directory' | 'link' | 'hard' | 'touch' | 'absent';
  mode?: string | number;
  owner?: string;
  group?: string;
  recurse: boolean;
  src?: string;
  force: boolean;
  follow: boolean;
  modification_time?: string;
  modification_time_format: string;
  access_time?: string;
  access_time_format: string;
}

export interface TreeEntry {
  type: 'file' | 'directory' | 'link' | 'other';
  mode: number;
  uid: number;
  gid: number;
}

export interface FileState {
  /** The path itself (a symlink is a link). */
  lst: RemoteFile;
  /** The path, following a symlink. */
  tgt: RemoteFile;
  /** link/hard: the source, resolved against the path's directory when relative. */
  src?: RemoteFile;
  ids: Pick<ProbeResult, 'uids' | 'gids'>;
  umask: number;
  /** recurse: everything below the directory. */
  entries?: TreeEntry[];
  /** The directory at the path has entries. */
  dirNotEmpty?: boolean;
  /** modification_time / access_time as epochs (seconds), when given as a time. */
  mtime?: number;
  atime?: number;
}

export interface FileAction {
  kind: 'remove' | 'mkdir' | 'touch' | 'link' | 'hard' | 'attrs' | 'recurse' | 'times';
  command: string;
}

export interface FilePlan extends Plan<FileAction> {
  state: string;
  /** The path the result describes (the target of a followed link). */
  path: string;
  src?: string;
  /** The path as probed (not following a link): with no actions, what the result describes. */
  current: RemoteFile;
}

type PrevState = 'absent' | 'file' | 'hard' | 'directory' | 'link' | 'other';

/** Ansible's get_state: what the path is now. */
export function prevState(f: RemoteFile): PrevState {
  if (!f.exists) return 'absent';
  if (f.isLink) return 'link';
  if (f.type === 'directory') return 'directory';
  if (f.type === 'file') return f.nlink > 1 ? 'hard' : 'file';
  return 'other';
}

/** Python strftime-style format (`%Y%m%d%H%M.%S`) → "YYYY-MM-DD HH:MM:SS" for date -d. */
export function timeToDateString(value: string, format: string): string {
  const parts: Record<string, string> = { Y: '1970', m: '01', d: '01', H: '00', M: '00', S: '00' };
  const order: string[] = [];
  let re = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '%' && i + 1 < format.length) {
      const k = format[++i]!;
      if (k === 'Y') re += '(\\d{4})';
      else if ('mdHMS'.includes(k)) re += '(\\d{1,2})';
      else if (k === 'y') re += '(\\d{2})';
      else if (k === '%') {
        re += '%';
        continue;
      } else throw new ModuleFailure(`Error while obtaining timestamp for time ${value} using format ${format}: %${k} is not supported`);
      order.push(k);
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const m = new RegExp(`^${re}$`).exec(value);
  if (!m) throw new ModuleFailure(`Error while obtaining timestamp for time ${value} using format ${format}`);
  order.forEach((k, i) => {
    const v = m[i + 1]!;
    if (k === 'y') parts.Y = String(Number(v) < 69 ? 2000 + Number(v) : 1900 + Number(v));
    else parts[k] = v.padStart(2, '0');
  });
  return `${parts.Y}-${parts.m}-${parts.d} ${parts.H}:${parts.M}:${parts.S}`;
}

const isTime = (v: string | undefined): v is string => v !== undefined && v !== null && v !== 'now' && v !== 'preserve';

function srcPath(p: FileParams, linkTarget?: string): string | undefined {
  const src = p.src ?? linkTarget;
  if (src === undefined) return undefined;
  return src.startsWith('/') || src.startsWith('~') ? src : posix.join(posix.dirname(p.path), src);
}

function wantedState(p: FileParams, lst: RemoteFile): NonNullable<FileParams['state']> {
  if (p.state) return p.state;
  const prev = prevState(lst);
  if (prev === 'absent') return p.recurse ? 'directory' : 'file';
  if (prev === 'link') return 'link';
  if (prev === 'directory') return 'directory';
  return 'file';
}

const ENTRY_TYPES: Record<number, TreeEntry['type']> = { 0o100000: 'file', 0o040000: 'directory', 0o120000: 'link' };

export function fileProbeScript(p: FileParams): { script: string; paths: { path: string; follow: boolean }[] } {
  const paths = [
    { path: p.path, follow: false },
    { path: p.path, follow: true },
  ];
  if (p.src !== undefined) paths.push({ path: srcPath(p)!, follow: p.state !== 'link' || p.follow });
  const P = remotePathWord(p.path);
  const extra: string[] = [
    // The current link target as the default src (state=link without src).
    `[ -L ${P} ] && [ -e ${P} ] && printf 'L\\n'`,
  ];
  // Whether a directory holds entries matters only to replace it by a link (two processes: only then).
  if (p.state === 'link' || p.state === 'hard') extra.push(`[ -d ${P} ] && [ ! -L ${P} ] && [ -n "$(ls -A -- ${P} 2>/dev/null | head -n1)" ] && printf 'E\\n'`);
  if (p.recurse) extra.push(`[ -d ${P} ] && find ${P} -mindepth 1 -exec stat -c 'R %f|%u|%g' -- {} + 2>/dev/null`);
  if (isTime(p.modification_time)) extra.push(`t=$(date -d ${shQuote(timeToDateString(p.modification_time, p.modification_time_format))} +%s) && printf 'T %s\\n' "$t"`);
  if (isTime(p.access_time)) extra.push(`t=$(date -d ${shQuote(timeToDateString(p.access_time, p.access_time_format))} +%s) && printf 'A %s\\n' "$t"`);
  extra.push(':');
  return { script: probeScript(paths, { ...idsToResolve(p) }, extra.join('\n')), paths };
}

export function parseFileProbe(p: FileParams, paths: { path: string; follow: boolean }[], out: Buffer | string, predicted?: PredictedState): FileState {
  const r = parseProbe(paths, out, { ...idsToResolve(p), ...(predicted ? { predicted } : {}) });
  const state: FileState = { lst: r.files[0]!, tgt: r.files[1]!, ids: r, umask: r.umask };
  if (r.files[2]) state.src = r.files[2];
  for (const line of r.extra.split('\n')) {
    if (line === 'E') state.dirNotEmpty = true;
    else if (line.startsWith('R ')) {
      const [raw, uid, gid] = line.slice(2).split('|');
      const m = parseInt(raw ?? '0', 16);
      (state.entries ??= []).push({ type: ENTRY_TYPES[m & 0o170000] ?? 'other', mode: m & 0o7777, uid: Number(uid), gid: Number(gid) });
    } else if (line.startsWith('T ')) state.mtime = Number(line.slice(2));
    else if (line.startsWith('A ')) state.atime = Number(line.slice(2));
  }
  if (p.recurse) state.entries ??= [];
  return state;
}

async function probe(ctx: ModuleContext, p: FileParams): Promise<FileState> {
  const { script, paths } = fileProbeScript(p);
  const r = await ctx.run(script);
  if (r.rc !== 0) throw new ModuleFailure(`cannot read the state of ${p.path}: ${r.stderr.toString('utf8').trim() || `exit code ${r.rc}`}`);
  const state = parseFileProbe(p, paths, r.stdout, ctx.predicted);
  // state=link without src follows the existing link: its source is what it points to now.
  if (p.src === undefined && state.lst.isLink && state.lst.linkTarget !== undefined && wantedState(p, state.lst) === 'link') {
    const src = srcPath(p, state.lst.linkTarget)!;
    state.src = src === p.path ? state.tgt : { ...state.tgt, path: src };
  }
  return state;
}

function attrsOf(p: AttrParams & { path: string }, target: RemoteFile, ids: FileState['ids']): AttrChange {
  const change = attrChanges(p, target, ids);
  if (change.error) throw new ModuleFailure(change.error, { path: p.path });
  return change;
}

/** Times: `touch` with the wanted time or now; nothing for preserve. */
function timeActions(p: FileParams, s: FileState, target: RemoteFile, word: string, state: string, isNew: boolean): FileAction[] {
  const out: FileAction[] = [];
  const def = state === 'touch' ? 'now' : 'preserve';
  const mt = p.modification_time ?? def;
  const at = p.access_time ?? def;
  const h = !p.follow ? '-h ' : '';
  const one = (flag: 'm' | 'a', spec: string, want: number | undefined, have: number) => {
    if (spec === 'preserve') return;
    if (spec === 'now') {
      if (!isNew) out.push({ kind: 'times', command: `touch ${h}-${flag} -c -- ${word}` });
      return;
    }
    if (want !== undefined && (isNew || Math.floor(have) !== want)) out.push({ kind: 'times', command: `touch ${h}-${flag} -c -d @${want} -- ${word}` });
  };
  one('m', mt, s.mtime, target.mtime);
  one('a', at, s.atime, target.atime);
  return out;
}

function attrAction(word: string, change: AttrChange, noFollow: boolean): FileAction[] {
  if (!change.changed) return [];
  return [{ kind: 'attrs', command: attrCommands(word, change, { noFollow }) }];
}

/** The pure decision: actions, diff and the result's state. Throws ModuleFailure as Ansible fails. */
export function planFile(p: FileParams, s: FileState): FilePlan {
  const state = wantedState(p, s.lst);
  const prev = prevState(s.lst);
  const word = remotePathWord(p.path);
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  if (prev !== state && !(state === 'file' && prev === 'hard') && !(state === 'touch' && prev !== 'absent')) {
    before.state = prev;
    after.state = state;
  }
  const actions: FileAction[] = [];
  const addAttrs = (change: AttrChange) => {
    Object.assign(before, change.before);
    Object.assign(after, change.after);
  };
  let resultPath = p.path;
  let src: string | undefined;
  if (p.recurse && state !== 'directory') throw new ModuleFailure("recurse option requires state to be 'directory'", { path: p.path });
  if (p.src !== undefined && p.src !== null && p.src !== '' && state !== 'link' && state !== 'hard') {
    throw new ModuleFailure("src option requires state to be 'link' or 'hard'", { path: p.path });
  }

  switch (state) {
    case 'absent': {
      if (prev !== 'absent') actions.push({ kind: 'remove', command: `rm -rf -- ${word}` });
      break;
    }
    case 'file': {
      let target = s.lst;
      let kind = prev;
      if (prev === 'link' && p.follow) {
        target = s.tgt;
        resultPath = s.tgt.exists ? (s.lst.linkTarget ?? p.path) : p.path;
        kind = prevState({ ...s.tgt, isLink: false });
      }
      if (kind !== 'file' && kind !== 'hard') {
        throw new ModuleFailure(`file (${p.path}) is ${kind}, cannot continue`, { path: p.path, state: kind });
      }
      const change = attrsOf(p, target, s.ids);
      addAttrs(change);
      actions.push(...attrAction(word, change, false), ...timeActions(p, s, target, word, state, false));
      break;
    }
    case 'directory': {
      if (prev === 'absent') {
        const mode = defaultMode(s.umask, true);
        const fresh: RemoteFile = { ...s.lst, exists: true, type: 'directory', mode, uid: -1, gid: -1 };
        const change = attrChanges(p, fresh, s.ids);
        if (change.error) throw new ModuleFailure(change.error, { path: p.path });
        // chown only when asked (a new directory's owner is the connecting user).
        if (p.owner) change.owner = p.owner;
        if (p.group) change.group = p.group;
        delete change.before.owner;
        delete change.before.group;
        delete change.after.owner;
        delete change.after.group;
        addAttrs(change);
        // Every directory the command creates gets the attributes, as Ansible's.
        const fix = attrCommands('"$x"', change);
        actions.push({
          kind: 'mkdir',
          command: `set -- ; d=${word}; while [ ! -e "$d" ] && [ ! -L "$d" ]; do set -- "$d" "$@"; d=$(dirname -- "$d"); done; mkdir -p -- ${word}${fix ? ` && for x in "$@"; do ${fix} || exit 1; done` : ''}`,
        });
        actions.push(...timeActions(p, s, fresh, word, state, true));
        break;
      }
      let target = s.lst;
      if (prev === 'link' && p.follow && s.tgt.type === 'directory') {
        target = s.tgt;
        resultPath = s.lst.linkTarget ?? p.path;
      } else if (prev !== 'directory') {
        throw new ModuleFailure(`${p.path} already exists as a ${prev}`, { path: p.path });
      }
      const change = attrsOf(p, target, s.ids);
      addAttrs(change);
      actions.push(...attrAction(word, change, false));
      if (p.recurse && (p.mode !== undefined || p.owner || p.group)) {
        const need = (s.entries ?? []).some((e) => {
          const f: RemoteFile = { ...target, type: e.type, isLink: e.type === 'link', mode: e.mode, uid: e.uid, gid: e.gid };
          return attrChanges(p, f, s.ids).changed;
        });
        if (need) {
          const all = attrChanges({ mode: p.mode ?? null, owner: p.owner ?? null, group: p.group ?? null }, { ...target, mode: -1, uid: -1, gid: -1 }, s.ids);
          actions.push({ kind: 'recurse', command: attrCommands(`${word}/`, all, { recurse: true, noFollow: true }) });
        }
      }
      actions.push(...timeActions(p, s, target, word, state, false));
      break;
    }
    case 'touch': {
      if (prev === 'absent') {
        const fresh: RemoteFile = { ...s.lst, exists: true, type: 'file', mode: defaultMode(s.umask, false), uid: -1, gid: -1 };
        const change = attrChanges({ mode: p.mode ?? null }, fresh, s.ids);
        const own = attrsOf({ path: p.path, owner: p.owner ?? null, group: p.group ?? null, mode: null }, { ...fresh, uid: -2, gid: -2 }, s.ids);
        if (own.owner) change.owner = own.owner;
        if (own.group) change.group = own.group;
        addAttrs({ ...change, before: { ...change.before }, after: { ...change.after } });
        actions.push({ kind: 'touch', command: `touch -- ${word}` });
        actions.push(...attrAction(word, { ...change, changed: change.changed || !!own.owner || !!own.group }, false));
        actions.push(...timeActions(p, s, fresh, word, state, true));
      } else {
        const target = p.follow ? s.tgt : s.lst;
        const change = attrsOf(p, target, s.ids);
        addAttrs(change);
        actions.push(...attrAction(word, change, !p.follow && s.lst.isLink));
        actions.push(...timeActions(p, s, target, word, state, false));
      }
      break;
    }
    case 'link': {
      const want = p.src ?? (s.lst.isLink ? s.lst.linkTarget : undefined);
      if (want === undefined) throw new ModuleFailure('src is required for creating new symlinks', { path: p.path });
      src = want;
      const srcExists = !!s.src?.exists;
      if (!srcExists && !p.force && !(prev === 'link' && s.lst.linkTarget === want)) {
        throw new ModuleFailure(`src file does not exist, use "force=yes" if you really want to create the link: ${srcPath(p) ?? want}`, { path: p.path, src: want });
      }
      if (prev === 'directory') {
        if (!p.force) throw new ModuleFailure(`refusing to convert from directory to symlink for ${p.path}`, { path: p.path });
        if (s.dirNotEmpty) throw new ModuleFailure(`the directory ${p.path} is not empty, refusing to convert it`, { path: p.path });
      } else if ((prev === 'file' || prev === 'hard' || prev === 'other') && !p.force) {
        throw new ModuleFailure(`refusing to convert from ${prev} to symlink for ${p.path}`, { path: p.path });
      }
      const make = prev === 'absent' || prev !== 'link' || s.lst.linkTarget !== want;
      if (make) {
        if (prev === 'link') {
          before.src = s.lst.linkTarget;
          after.src = want;
        }
        const tmp = `${word}.fleet-ln.$$`;
        actions.push({ kind: 'link', command: `${prev === 'directory' ? `rmdir -- ${word} && ` : ''}ln -s -- ${shQuote(want)} ${tmp} && mv -Tf -- ${tmp} ${word} || { rm -f -- ${tmp}; exit 1; }` });
      }
      // Owner/group/mode: of the link itself (follow: false), or of what it points to.
      if (p.follow && s.src?.exists) {
        const change = attrsOf(p, s.src, s.ids);
        addAttrs(change);
        actions.push(...attrAction(word, change, false));
      } else if (p.owner || p.group) {
        const change = make ? { ...attrChanges({ owner: p.owner ?? null, group: p.group ?? null }, { ...s.lst, uid: -2, gid: -2 }, s.ids) } : attrsOf({ path: p.path, owner: p.owner ?? null, group: p.group ?? null }, s.lst, s.ids);
        if (change.error) throw new ModuleFailure(change.error, { path: p.path });
        if (!make) addAttrs(change);
        actions.push(...attrAction(word, change, true));
      }
      break;
    }
    case 'hard': {
      if (p.src === undefined) throw new ModuleFailure('src is required for creating new hardlinks', { path: p.path });
      src = p.src;
      if (!s.src?.exists) throw new ModuleFailure(`src does not exist: ${srcPath(p)}`, { path: p.path, src: p.src });
      const same = s.lst.exists && !s.lst.isLink && s.lst.inode === s.src.inode && s.lst.dev === s.src.dev;
      if (!same) {
        if (prev !== 'absent' && !p.force) throw new ModuleFailure(`Cannot link, ${prev === 'hard' ? 'different hard link' : prev} exists at destination`, { path: p.path, src: p.src });
        if (prev === 'directory' && s.dirNotEmpty) throw new ModuleFailure(`the directory ${p.path} is not empty, refusing to convert it`, { path: p.path });
        if (prev !== 'absent' && prev !== state) {
          before.state = prev;
          after.state = state;
        }
        if (prev === 'hard' || prev === 'file') {
          before.src = '';
          after.src = p.src;
        }
        const tmp = `${word}.fleet-ln.$$`;
        actions.push({ kind: 'hard', command: `${prev === 'directory' ? `rmdir -- ${word} && ` : ''}ln -- ${remotePathWord(srcPath(p)!)} ${tmp} && mv -Tf -- ${tmp} ${word} || { rm -f -- ${tmp}; exit 1; }` });
      }
      const change = attrsOf(p, s.src, s.ids);
      addAttrs(change);
      actions.push(...attrAction(word, change, false));
      break;
    }
  }
  // As Ansible's file module: one diff of mappings, returned whether diff mode is on or not.
  const diff: FileDiff[] = [{ before: { path: p.path, ...before }, after: { path: p.path, ...after } }];
  const leaves = ({ absent: 'absent', directory: 'directory', link: 'link' } as const)[state as 'absent' | 'directory' | 'link'] ?? 'file';
  return { actions, ...(diff.length ? { diff } : {}), state, path: resultPath, ...(src !== undefined ? { src } : {}), current: s.lst, predicts: { paths: { [resultPath]: leaves } } };
}

/** The result's description of a path after the run, as Ansible's file module returns it. */
export function describe(path: string, f: RemoteFile, state: string): Record<string, unknown> {
  if (!f.exists) return { path, state: 'absent' };
  const kind = f.isLink ? 'link' : f.type === 'directory' ? 'directory' : state === 'hard' ? 'hard' : f.type === 'file' ? 'file' : state;
  return {
    path,
    state: kind,
    mode: formatMode(f.mode),
    owner: f.owner,
    group: f.group,
    uid: f.uid,
    gid: f.gid,
    size: f.size,
    ...(f.isLink ? { src: f.linkTarget } : {}),
  };
}

async function apply(ctx: ModuleContext, p: FileParams, plan: Plan<FileAction>): Promise<ModuleResult> {
  const fp = plan as FilePlan;
  // Nothing to do: the probe already saw what the result describes (no second round trip).
  if (!fp.actions.length) {
    const result: ModuleResult = { changed: false, ...describe(p.path, fp.current, fp.state) };
    if (fp.src !== undefined && result.src === undefined) result.src = fp.src;
    return result;
  }
  const lines = fp.actions.map((a) => `( ${a.command} ) >&2 || { printf '%s\\n' ${shQuote(`${a.kind} failed`)} >&2; exit 1; }`);
  const paths = [{ path: p.path, follow: false }];
  const script = `${lines.join('\n')}\n${probeScript(paths, {})}`;
  const r = await ctx.run(script);
  if (r.rc !== 0) {
    return { changed: false, failed: true, path: p.path, msg: `${fp.state} of ${p.path} failed: ${r.stderr.toString('utf8').trim() || `exit code ${r.rc}`}` };
  }
  const after = parseProbe(paths, r.stdout).files[0]!;
  const result: ModuleResult = { changed: fp.actions.length > 0, ...describe(p.path, after, fp.state) };
  if (fp.src !== undefined && result.src === undefined) result.src = fp.src;
  if (fp.diff) result.diff = fp.diff;
  return result;
}

export const file: ModuleDefinition<FileParams & { _diff_peek?: boolean }, FileState | { diffPeek: boolean }, FileAction> = {
  name: 'file',
  aliases: ['ansible.builtin.file', 'ansible.legacy.file'],
  diffAsOne: true,
  diffAlways: true,
  params: {
    path: { type: 'path', required: true, aliases: ['dest', 'name'] },
    state: { type: 'str', choices: ['file', 'directory', 'link', 'hard', 'touch', 'absent'] },
    mode: { type: 'raw' },
    owner: { type: 'str' },
    group: { type: 'str' },
    recurse: { type: 'bool', default: false },
    src: { type: 'path' },
    force: { type: 'bool', default: false },
    follow: { type: 'bool', default: true },
    modification_time: { type: 'str' },
    modification_time_format: { type: 'str', default: '%Y%m%d%H%M.%S' },
    access_time: { type: 'str' },
    access_time_format: { type: 'str', default: '%Y%m%d%H%M.%S' },
    // Accepted, as Ansible's common file arguments, and ignored.
    unsafe_writes: { type: 'bool', default: false },
    attributes: { type: 'str', aliases: ['attr'] },
    selevel: { type: 'str' },
    serole: { type: 'str' },
    setype: { type: 'str' },
    seuser: { type: 'str' },
    // Internal to Ansible's action plugins (their tests call it): does the file look binary?
    _diff_peek: { type: 'bool' },
  },
  probe: async (ctx, p) => (p._diff_peek !== undefined ? { diffPeek: await appearsBinary(ctx, p.path) } : probe(ctx, p)),
  plan: (p, s) => ('diffPeek' in s ? { actions: [], result: { path: p.path, appears_binary: s.diffPeek } } : planFile(p, s)),
  apply: async (ctx, p, plan) => (p._diff_peek !== undefined ? { changed: false, ...plan.result } : apply(ctx, p, plan)),
};

/** Ansible's diff peek: a NUL byte in the first 8192 bytes (false when the file cannot be read). */
async function appearsBinary(ctx: ModuleContext, path: string): Promise<boolean> {
  const f = remotePathWord(path);
  const r = await ctx.run(`a=$(head -c 8192 -- ${f} 2>/dev/null | wc -c); b=$(head -c 8192 -- ${f} 2>/dev/null | tr -d '\\000' | wc -c); [ "$a" != "$b" ] && echo binary; exit 0`);
  return r.stdout.toString('utf8').trim() === 'binary';
}
