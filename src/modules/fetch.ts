import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { remotePathWord } from './util/remote-path.js';

/**
 * fetch: copies a file from the host to the controller, into `dest/<inventory_hostname>/<src>`, or
 * into `dest` itself with `flat`. ONE round trip to probe (the remote file's type and sha1), ONE to
 * read it; the controller write is atomic (temporary file in the same directory, then rename).
 * Changed only when the local copy differs (sha1).
 */
export interface FetchParams {
  src: string;
  dest: string;
  flat: boolean;
  fail_on_missing: boolean;
  validate_checksum: boolean;
}

export interface FetchState {
  /** The controller path the file goes to. */
  dest: string;
  /** The remote path (with ~ expanded by the host's shell). */
  remote: string;
  kind: 'file' | 'missing' | 'directory' | 'unreadable' | 'other';
  remoteChecksum?: string;
  /** sha1 of the controller's copy, when there is one. */
  localChecksum?: string;
  /** A directory sits where the local copy should go. */
  localIsDir?: boolean;
}

export interface FetchAction {
  kind: 'fetch';
  remote: string;
  dest: string;
  checksum?: string;
}

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

/** Ansible's dest: flat → dest (a trailing / appends the file name), else dest/host/src. */
export function fetchDest(p: Pick<FetchParams, 'src' | 'dest' | 'flat'>, host: string, baseDir: string): string {
  let dest = p.dest;
  if (!isAbsolute(dest)) dest = resolve(baseDir, dest);
  if (p.flat) return p.dest.endsWith('/') ? join(dest, basename(p.src)) : dest;
  const src = p.src.replace(/^\/+/, '');
  return join(dest, host, src);
}

/** The playbook's directory (the last search path), against which a relative dest is resolved. */
function baseDir(ctx: ModuleContext): string {
  const paths = ctx.searchPaths ?? [];
  const last = paths[paths.length - 1];
  return last ?? process.cwd();
}

export function probeScript(src: string): string {
  const w = remotePathWord(src);
  return [
    `p=${w}`,
    `printf '%s\\0' "$p"`,
    `if [ -d "$p" ]; then echo directory`,
    `elif [ ! -e "$p" ]; then echo missing`,
    `elif [ ! -f "$p" ]; then echo other`,
    `elif [ ! -r "$p" ]; then echo unreadable`,
    `else c=$(sha1sum < "$p") || exit 3; echo "file \${c%% *}"; fi`,
  ].join('\n');
}

async function probe(ctx: ModuleContext, p: FetchParams): Promise<FetchState> {
  const dest = fetchDest(p, ctx.host, baseDir(ctx));
  const r = await ctx.run(probeScript(p.src));
  if (r.rc !== 0) throw new Error(`fetch: cannot read the state of ${p.src}: ${r.stderr.toString('utf8').trim() || `exit code ${r.rc}`}`);
  const [remote, rest = ''] = r.stdout.toString('utf8').split('\0');
  const [kind, checksum] = rest.trim().split(' ');
  const state: FetchState = { dest, remote: remote || p.src, kind: (kind as FetchState['kind']) || 'missing', ...(checksum ? { remoteChecksum: checksum } : {}) };
  try {
    state.localChecksum = sha1(await readFile(dest));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') state.localIsDir = true;
  }
  return state;
}

export interface FetchPlan extends Plan<FetchAction> {
  result: ModuleResult;
}

export function planFetch(p: FetchParams, s: FetchState): FetchPlan {
  const base = { file: p.src, dest: s.dest };
  const missing = (msg: string): FetchPlan => {
    if (p.fail_on_missing) throw new Error(msg);
    return { actions: [], msg, result: { changed: false, msg, ...base } };
  };
  if (s.kind === 'missing') return missing('the remote file does not exist, not transferring, ignored');
  if (s.kind === 'directory') throw new Error('remote file is a directory, fetch cannot work on directories');
  if (s.kind === 'unreadable') return missing('no read permission on remote file, not transferring, ignored');
  if (s.kind === 'other') throw new Error(`remote file ${p.src} is not a regular file`);
  if (s.localIsDir) throw new Error(`dest ${s.dest} is an existing directory, use a trailing slash if you want to fetch src into that directory`);
  const result: ModuleResult = { changed: false, ...base, checksum: s.remoteChecksum, remote_checksum: s.remoteChecksum, md5sum: null, remote_md5sum: null };
  if (s.localChecksum === s.remoteChecksum) return { actions: [], result };
  return {
    actions: [{ kind: 'fetch', remote: s.remote, dest: s.dest, ...(s.remoteChecksum ? { checksum: s.remoteChecksum } : {}) }],
    result: { ...result, changed: true },
  };
}

/** Writes a controller file atomically: a temporary file next to it, then rename. */
export async function writeLocalAtomic(path: string, content: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.fleet-tmp-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(tmp, content, { mode: 0o644 });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

async function apply(ctx: ModuleContext, p: FetchParams, plan: Plan<FetchAction>): Promise<ModuleResult> {
  const fp = plan as FetchPlan;
  const result: ModuleResult = { ...fp.result };
  for (const a of plan.actions) {
    const r = await ctx.run(`cat -- ${remotePathWord(a.remote)}`);
    if (r.rc !== 0) return { ...result, changed: false, failed: true, msg: `cannot read ${p.src}: ${r.stderr.toString('utf8').trim()}` };
    const got = sha1(r.stdout);
    if (p.validate_checksum && a.checksum && got !== a.checksum) {
      return { ...result, changed: false, failed: true, msg: 'checksum mismatch', checksum: got };
    }
    await writeLocalAtomic(a.dest, r.stdout);
    result.checksum = got;
  }
  return result;
}

export const fetch: ModuleDefinition<FetchParams, FetchState, FetchAction> = {
  name: 'fetch',
  aliases: ['ansible.builtin.fetch', 'ansible.legacy.fetch'],
  params: {
    src: { type: 'str', required: true },
    dest: { type: 'str', required: true },
    flat: { type: 'bool', default: false },
    fail_on_missing: { type: 'bool', default: true },
    validate_checksum: { type: 'bool', default: true },
  },
  probe,
  plan: planFetch,
  apply,
};
