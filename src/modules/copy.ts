import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import type { FileDiff, ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { findLocal } from './util/local-files.js';
import {
  attrChanges,
  attrCommands,
  attrDiff,
  defaultMode,
  formatMode,
  idsToResolve,
  MAX_DIFF_SIZE,
  ModuleFailure,
  parseMode,
  parseProbe,
  probeScript,
  type AttrChange,
  type ProbeOptions,
  type ProbePath,
  type ProbeResult,
  type RemoteFile,
} from './util/file-attrs.js';
import { md5, parseWrite, sha1, writeScript, type WriteDirs, type WriteItem } from './util/file-write.js';
import { remotePathWord } from './util/remote-path.js';
import { pyJsonDumps } from '../template/pyjson.js';
import { pyStr } from '../template/python.js';

/**
 * copy: controller files (src, found in role files/, playbook files/, playbook dir), a directory
 * tree, inline `content`, or a file on the host itself (remote_src) to `dest`, atomically. ONE round
 * trip probes every destination (type, sha1, mode, owner; content too with --diff), ONE writes every
 * changed file (all contents on that command's stdin) and reads the result's stat.
 */
export interface CopyParams {
  src?: string;
  /** Text as it is; a mapping or list as Ansible's copy action writes it: json.dumps of it. */
  content?: unknown;
  dest: string;
  remote_src: boolean;
  mode?: string | number;
  owner?: string;
  group?: string;
  backup: boolean;
  force: boolean;
  validate?: string;
  directory_mode?: string | number;
  checksum?: string;
  follow: boolean;
  local_follow: boolean;
  decrypt: boolean;
}

/** One file to put in place: where from and where to. */
export interface CopyItem {
  dest: string;
  /** The controller path (shown as the diff's `after:` header); undefined for content. */
  src?: string;
  /** The bytes (controller src or content); undefined with remote_src. */
  content?: Buffer;
  /** The source file's permission bits (mode: preserve). */
  srcMode?: number;
  /** remote_src: the source on the host, as probed. */
  remote?: RemoteFile;
  /** The destination, as probed. */
  current: RemoteFile;
}

export interface CopyState {
  items: CopyItem[];
  /** Directories the copy needs (tree copies, dest ending in /), as probed. */
  dirs: RemoteFile[];
  /** The destination's parent directory, for a single file. */
  parent?: RemoteFile;
  ids: Pick<ProbeResult, 'uids' | 'gids'>;
  umask: number;
  /** A tree copy: the result names the directory. */
  tree: boolean;
  /** The dest the result names. */
  dest: string;
}

export type CopyAction = { kind: 'write'; item: WriteItem; src?: string } | { kind: 'attrs'; dest: string; command: string } | { kind: 'mkdir'; dir: WriteDirs };

export interface CopyPlan extends Plan<CopyAction> {
  items: { dest: string; sha1?: string; size?: number; src?: string; current: RemoteFile; content?: Buffer }[];
  dest: string;
  tree: boolean;
  /** remote_src directories: the `dest` Ansible reports (dest/basename(src) where dest was a directory). */
  resultDest?: string;
}

function localTree(root: string): { rel: string; dir: boolean }[] {
  const out: { rel: string; dir: boolean }[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = statSync(join(root, r));
      if (st.isDirectory()) {
        out.push({ rel: r, dir: true });
        walk(r);
      } else out.push({ rel: r, dir: false });
    }
  };
  walk('');
  return out;
}

/** Where a single file lands: dest, or dest/basename(src) when dest is (or names) a directory. */
function resolveDest(dest: string, srcName: string | undefined, destInfo: RemoteFile): string {
  if (srcName && (dest.endsWith('/') || destInfo.type === 'directory')) return posix.join(dest, srcName);
  return dest;
}

/** What Ansible's copy action writes for `content`: a mapping or list as json.dumps, anything else as Python's str. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content) || (content !== null && typeof content === 'object')) return pyJsonDumps(content);
  return pyStr(content);
}

async function probe(ctx: ModuleContext, p: CopyParams): Promise<CopyState> {
  // As Ansible's copy action: an empty src is no src.
  if ((p.src === undefined || p.src === '') && p.content === undefined) throw new ModuleFailure('src (or content) is required');
  if (!p.dest) throw new ModuleFailure('dest is required');
  if (p.src !== undefined && p.src !== '' && p.content !== undefined) throw new ModuleFailure('src and content are mutually exclusive');
  const opts = { checksum: true, ...(ctx.diffMode ? { content: MAX_DIFF_SIZE } : {}), ...idsToResolve(p), ...(ctx.predicted ? { predicted: ctx.predicted } : {}) };
  // Local sources, read on the controller.
  const sources: Source[] = [];
  let tree = false;
  let srcName: string | undefined;
  if (p.content !== undefined) {
    if (p.dest.endsWith('/')) throw new ModuleFailure('can not use content with a dir as dest');
    sources.push({ rel: '', content: Buffer.from(contentText(p.content), 'utf8') });
  } else if (!p.remote_src) {
    const src = p.src!;
    const asDir = findLocal(ctx.searchPaths, 'files', src.replace(/\/+$/, '') || '/', 'dir');
    if (asDir.path) {
      tree = true;
      // A trailing slash copies the directory's contents; without it, the directory itself.
      const prefix = src.endsWith('/') ? '' : basename(asDir.path);
      if (prefix) sources.push({ rel: prefix, dir: true });
      for (const e of localTree(asDir.path)) {
        const rel = prefix ? `${prefix}/${e.rel}` : e.rel;
        if (e.dir) sources.push({ rel, dir: true });
        else {
          const full = join(asDir.path, e.rel);
          sources.push({ rel, src: full, content: readFileSync(full), mode: statSync(full).mode & 0o7777 });
        }
      }
    } else {
      const found = findLocal(ctx.searchPaths, 'files', src);
      if (!found.path) throw new ModuleFailure(`Could not find or access '${src}'\nSearched in:\n${found.tried.map((t) => `\t${t}`).join('\n')}`);
      srcName = basename(found.path);
      sources.push({ rel: '', src: found.path, content: readFileSync(found.path), mode: statSync(found.path).mode & 0o7777 });
    }
  } else {
    srcName = posix.basename(p.src!);
    const listing = await remoteDirListing(ctx, p.src!);
    if (listing) {
      tree = true;
      // As for a controller directory: `src/` copies the contents, `src` the directory itself.
      const srcRoot = p.src!.replace(/\/+$/, '') || '/';
      const prefix = p.src!.endsWith('/') ? '' : posix.basename(srcRoot);
      if (prefix) sources.push({ rel: prefix, dir: true });
      for (const e of listing) {
        const rel = prefix ? `${prefix}/${e.rel}` : e.rel;
        sources.push(e.dir ? { rel, dir: true } : { rel, remote: posix.join(srcRoot, e.rel) });
      }
    }
  }

  if (!tree) {
    const s = sources[0];
    return probeSingle(ctx, p, s ? { ...(s.src !== undefined ? { src: s.src } : {}), ...(s.content ? { content: s.content } : {}), ...(s.mode !== undefined ? { mode: s.mode } : {}) } : {}, srcName);
  }
  return probeTree(ctx, p, sources, opts);
}

/** A single file's state (controller bytes, or remote_src): ONE round trip. */
export async function probeSingle(ctx: ModuleContext, p: CopyParams, source: { src?: string; content?: Buffer; mode?: number }, srcName: string | undefined): Promise<CopyState> {
  const opts = { checksum: true, ...(ctx.diffMode ? { content: MAX_DIFF_SIZE } : {}), ...idsToResolve(p), ...(ctx.predicted ? { predicted: ctx.predicted } : {}) };
  {
    // ONE round trip: dest (following links: is it a directory?), dest/basename(src), the parent,
    // and the remote source.
    const paths: ProbePath[] = [{ path: p.dest, follow: true }];
    if (srcName) paths.push({ path: posix.join(p.dest, srcName), follow: p.follow });
    paths.push({ path: posix.dirname(p.dest.replace(/\/+$/, '')) || '/', follow: true });
    if (p.remote_src) paths.push({ path: p.src!, follow: true });
    const r = await ctx.run(probeScript(paths, opts));
    if (r.rc !== 0) throw new ModuleFailure(`cannot read the state of ${p.dest}: ${r.stderr.toString('utf8').trim()}`);
    const pr = parseProbe(paths, r.stdout, opts);
    const destInfo = pr.files[0]!;
    const dest = resolveDest(p.dest, srcName, destInfo);
    const current = dest === p.dest ? (p.follow || !destInfo.isLink ? destInfo : { ...destInfo, exists: true, type: 'link' as const }) : pr.files[1]!;
    const parent = dest === p.dest ? pr.files[srcName ? 2 : 1]! : destInfo;
    const item: CopyItem = { dest, current };
    if (p.remote_src) {
      const remote = pr.files[pr.files.length - 1]!;
      if (!remote.exists) throw new ModuleFailure(`Source ${p.src} not found`);
      if (remote.type === 'directory') throw new ModuleFailure(`remote_src with a directory is not supported by fleet's copy yet: ${p.src}`);
      item.remote = remote;
      item.src = p.src!;
      item.srcMode = remote.mode;
    } else {
      if (source.src !== undefined) item.src = source.src;
      item.content = source.content ?? Buffer.alloc(0);
      if (source.mode !== undefined) item.srcMode = source.mode;
    }
    const state: CopyState = { items: [item], dirs: [], ids: pr, umask: pr.umask, tree: false, dest };
    if (p.dest.endsWith('/') && !destInfo.exists) state.dirs.push({ ...destInfo, path: p.dest.replace(/\/+$/, '') });
    else state.parent = parent;
    return state;
  }
}

type Source = { rel: string; src?: string; content?: Buffer; mode?: number; dir?: boolean; remote?: string };

/**
 * remote_src: the directories and files under `src` on the host (links followed, as Ansible's
 * local_follow default), or undefined when src is not a directory. Paths are relative, sorted.
 */
async function remoteDirListing(ctx: ModuleContext, src: string): Promise<{ rel: string; dir: boolean }[] | undefined> {
  const s = remotePathWord(src);
  const r = await ctx.run(`if [ -d ${s} ]; then cd -- ${s} && find -L . -mindepth 1 \\( -type d -printf 'd%P\\0' \\) -o \\( -type f -printf 'f%P\\0' \\); else printf 'notdir'; fi`);
  const out = r.stdout.toString('utf8');
  if (out === 'notdir') return undefined;
  if (r.rc !== 0) throw new ModuleFailure(`cannot list ${src}: ${r.stderr.toString('utf8').trim()}`);
  return out
    .split('\0')
    .filter(Boolean)
    .map((e) => ({ rel: e.slice(1), dir: e[0] === 'd' }))
    .sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

async function probeTree(ctx: ModuleContext, p: CopyParams, sources: Source[], opts: ProbeOptions): Promise<CopyState> {
  // A tree: the dest directory, every directory and every file under it.
  const root = p.dest.replace(/\/+$/, '') || '/';
  const dirPaths = [root, ...sources.filter((s) => s.dir).map((s) => posix.join(root, s.rel))];
  const files = sources.filter((s) => !s.dir);
  const remotes = files.filter((s) => s.remote !== undefined);
  const paths: ProbePath[] = [
    ...dirPaths.map((path) => ({ path, follow: true })),
    ...files.map((s) => ({ path: posix.join(root, s.rel), follow: p.follow })),
    // remote_src: the sources on the host, for their checksums and modes.
    ...remotes.map((s) => ({ path: s.remote!, follow: true })),
  ];
  const r = await ctx.run(probeScript(paths, opts));
  if (r.rc !== 0) throw new ModuleFailure(`cannot read the state of ${p.dest}: ${r.stderr.toString('utf8').trim()}`);
  const pr = parseProbe(paths, r.stdout, opts);
  const dirs = pr.files.slice(0, dirPaths.length);
  const remoteInfo = new Map(remotes.map((s, i) => [s.remote!, pr.files[dirPaths.length + files.length + i]!]));
  const items: CopyItem[] = files.map((s, i) => {
    const current = pr.files[dirPaths.length + i]!;
    const dest = posix.join(root, s.rel);
    if (s.remote !== undefined) {
      const remote = remoteInfo.get(s.remote)!;
      return { dest, src: s.remote, remote, srcMode: remote.mode, current };
    }
    return { dest, src: s.src!, content: s.content!, srcMode: s.mode!, current };
  });
  return { items, dirs, ids: pr, umask: pr.umask, tree: true, dest: root };
}

function isText(b: Buffer): boolean {
  return b.length <= MAX_DIFF_SIZE && !b.includes(0);
}

/** The content diff Ansible shows: `before: DEST` / `after: SRC` (content: `after: dynamically generated`). */
function contentDiff(item: CopyItem, after: Buffer | undefined): FileDiff | undefined {
  if (!after || !isText(after)) return undefined;
  if (item.current.exists && !item.current.content) return undefined;
  return {
    before: item.current.exists ? item.current.content!.toString('utf8') : '',
    after: after.toString('utf8'),
    before_header: item.dest,
    after_header: item.src ?? 'dynamically generated',
  };
}

export function planCopy(p: CopyParams, s: CopyState): CopyPlan {
  const actions: CopyAction[] = [];
  const diff: FileDiff[] = [];
  const planned: CopyPlan['items'] = [];
  if (p.validate !== undefined && !p.validate.includes('%s')) throw new ModuleFailure(`validate must contain %s: ${p.validate}`);
  if (s.parent && (!s.parent.exists || s.parent.type !== 'directory')) {
    throw new ModuleFailure(`Destination directory ${s.parent.path} does not exist`, { dest: s.dest });
  }
  const dirMode = p.directory_mode !== undefined ? parseMode(p.directory_mode, defaultMode(s.umask, true), true) : undefined;
  for (const d of s.dirs) {
    if (d.exists && d.type !== 'directory') throw new ModuleFailure(`Cannot copy a directory to ${d.path}: it exists as a ${d.type}`, { dest: s.dest });
    if (!d.exists) {
      actions.push({ kind: 'mkdir', dir: { path: d.path, ...(dirMode !== undefined ? { mode: dirMode } : {}), ...(p.owner ? { owner: p.owner } : {}), ...(p.group ? { group: p.group } : {}) } });
      diff.push(...attrDiff(d.path, { state: 'absent' }, { state: 'directory' }));
    }
  }
  for (const item of s.items) {
    const cur = item.current;
    const content = item.content;
    const srcSha1 = content ? sha1(content) : item.remote?.checksum;
    if (p.checksum && srcSha1 && p.checksum !== srcSha1) {
      throw new ModuleFailure(`Copied file does not match the expected checksum. Transfer failed.`, { checksum: srcSha1, expected_checksum: p.checksum });
    }
    const size = content ? content.length : item.remote?.size;
    planned.push({ dest: item.dest, ...(srcSha1 ? { sha1: srcSha1 } : {}), ...(size !== undefined ? { size } : {}), ...(item.src ? { src: item.src } : {}), current: cur, ...(content ? { content } : {}) });
    if (cur.exists && cur.type === 'directory') throw new ModuleFailure(`dest ${item.dest} is a directory`, { dest: item.dest });
    if (cur.exists && !p.force) continue;
    // A file copied from a directory on the host keeps its source's mode (Ansible's copymode).
    const implied = p.mode === undefined && s.tree && item.remote !== undefined;
    const modeSpec = p.mode === 'preserve' || implied ? item.srcMode : p.mode;
    const ids = s.ids;
    const checkOwner = attrChanges({ owner: p.owner ?? null, group: p.group ?? null }, cur.exists ? cur : { ...cur, uid: -2, gid: -2 }, ids);
    if (checkOwner.error) throw new ModuleFailure(checkOwner.error, { dest: item.dest });
    if (!cur.exists || cur.type !== 'file' || cur.checksum !== srcSha1) {
      const base = cur.exists && cur.type === 'file' ? cur.mode : defaultMode(s.umask, false);
      const mode = modeSpec !== undefined && modeSpec !== null ? parseMode(modeSpec, base, false) : undefined;
      const w: WriteItem = {
        dest: item.dest,
        content: content ?? Buffer.alloc(0),
        ...(item.remote ? { remoteSrc: item.remote.path, ...(item.remote.checksum ? { expectSha1: item.remote.checksum } : {}) } : {}),
        ...(mode !== undefined ? { mode } : {}),
        ...(p.owner ? { owner: p.owner } : {}),
        ...(p.group ? { group: p.group } : {}),
        ...(p.backup ? { backup: true } : {}),
        ...(p.validate ? { validate: p.validate } : {}),
      };
      actions.push({ kind: 'write', item: w, ...(item.src ? { src: item.src } : {}) });
      const d = contentDiff(item, content ?? item.remote?.content);
      if (d) diff.push(d);
      else if (!cur.exists) diff.push(...attrDiff(item.dest, { state: 'absent' }, { state: 'file' }));
      if (cur.exists && mode !== undefined && mode !== cur.mode) diff.push(...attrDiff(item.dest, { mode: formatMode(cur.mode) }, { mode: formatMode(mode) }));
      continue;
    }
    // Same content: only the attributes, as Ansible's copy hands over to file.
    const change: AttrChange = attrChanges({ mode: implied ? null : (modeSpec ?? null), owner: p.owner ?? null, group: p.group ?? null }, cur, ids);
    if (change.changed) {
      actions.push({ kind: 'attrs', dest: item.dest, command: attrCommands(remotePathWord(item.dest), change) });
      diff.push(...attrDiff(item.dest, change.before, change.after));
    }
  }
  const predicts = { paths: Object.fromEntries([...s.dirs.map((d) => [d.path, 'directory'] as const), ...planned.map((i) => [i.dest, 'file'] as const)]) };
  let resultDest: string | undefined;
  if (s.tree && p.remote_src) {
    const root = s.dirs[0];
    const base = posix.basename(p.src!.endsWith('/') ? '' : p.src!);
    resultDest = root?.exists && root.type === 'directory' ? (p.dest.endsWith('/') ? p.dest + base : `${p.dest}/${base}`) : p.dest;
  }
  return { actions, ...(diff.length ? { diff } : {}), items: planned, dest: s.dest, tree: s.tree, predicts, ...(resultDest !== undefined ? { resultDest, result: { dest: resultDest, src: p.src } } : {}) };
}

function resultFor(p: CopyParams, plan: CopyPlan, after: RemoteFile | undefined, changed: boolean, backups: Record<string, string>): ModuleResult {
  if (plan.tree) return { changed, dest: plan.resultDest !== undefined ? plan.resultDest : plan.dest.endsWith('/') ? plan.dest : `${plan.dest}/`, src: p.src };
  const item = plan.items[0]!;
  const result: ModuleResult = { changed, dest: item.dest };
  if (item.src !== undefined) result.src = item.src;
  if (item.sha1) result.checksum = item.sha1;
  if (item.content) result.md5sum = md5(item.content);
  if (after?.exists) {
    Object.assign(result, { size: after.size, mode: formatMode(after.mode), owner: after.owner, group: after.group, uid: after.uid, gid: after.gid, state: after.type === 'directory' ? 'directory' : 'file' });
  }
  const b = backups[item.dest];
  if (b) result.backup_file = b;
  return result;
}

async function apply(ctx: ModuleContext, p: CopyParams, plan: Plan<CopyAction>): Promise<ModuleResult> {
  const cp = plan as CopyPlan;
  // Nothing to do: the probe already saw the destination (no second round trip).
  if (!cp.actions.length) return resultFor(p, cp, cp.tree ? undefined : cp.items[0]!.current, false, {});
  const writes = cp.actions.filter((a): a is Extract<CopyAction, { kind: 'write' }> => a.kind === 'write').map((a) => a.item);
  const dirs = cp.actions.filter((a): a is Extract<CopyAction, { kind: 'mkdir' }> => a.kind === 'mkdir').map((a) => a.dir);
  const attrs = cp.actions.filter((a): a is Extract<CopyAction, { kind: 'attrs' }> => a.kind === 'attrs');
  const statPaths: ProbePath[] = cp.tree ? [] : [{ path: cp.items[0]!.dest, follow: true }];
  const trailer = [
    ...attrs.map((a) => `${a.command} || { printf 'attrs failed: %s\\n' ${remotePathWord(a.dest)} >&2; exit 1; }`),
    statPaths.length ? probeScript(statPaths, {}) : '',
  ]
    .filter(Boolean)
    .join('\n');
  const stdin = Buffer.concat(writes.map((w) => w.content));
  const r = await ctx.run(writeScript(writes, dirs, trailer || ':'), { stdin });
  const out = parseWrite(r.rc, r.stdout, r.stderr);
  if (!out.ok) {
    const fail: ModuleResult = { changed: false, failed: true, msg: out.msg ?? 'copy failed', dest: out.failedDest ?? cp.dest };
    if (out.validateRc !== undefined) Object.assign(fail, { rc: out.validateRc, stdout: out.validateOutput, stderr: '' });
    if (Object.keys(out.backups).length) fail.backup_file = Object.values(out.backups)[0];
    return fail;
  }
  const after = statPaths.length ? parseProbe(statPaths, out.trailer).files[0] : undefined;
  const result = resultFor(p, cp, after, cp.actions.length > 0, out.backups);
  if (ctx.diffMode && cp.diff) result.diff = cp.diff;
  return result;
}

export const copy: ModuleDefinition<CopyParams, CopyState, CopyAction> = {
  name: 'copy',
  aliases: ['ansible.builtin.copy', 'ansible.legacy.copy'],
  params: {
    src: { type: 'path' },
    content: { type: 'raw' },
    // Not required by the schema: Ansible's copy action says "dest is required" itself.
    dest: { type: 'path' },
    remote_src: { type: 'bool', default: false },
    mode: { type: 'raw' },
    owner: { type: 'str' },
    group: { type: 'str' },
    backup: { type: 'bool', default: false },
    force: { type: 'bool', default: true, aliases: ['thirsty'] },
    validate: { type: 'str' },
    directory_mode: { type: 'raw' },
    checksum: { type: 'str' },
    follow: { type: 'bool', default: false },
    local_follow: { type: 'bool', default: true },
    decrypt: { type: 'bool', default: true },
    unsafe_writes: { type: 'bool', default: false },
    attributes: { type: 'str', aliases: ['attr'] },
    selevel: { type: 'str' },
    serole: { type: 'str' },
    setype: { type: 'str' },
    seuser: { type: 'str' },
  },
  probe,
  plan: planCopy,
  apply,
};
