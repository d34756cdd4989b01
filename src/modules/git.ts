import { shQuote } from '../util/shlex.js';
import type { ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { EMIT_FN, parseFields } from './util/account-files.js';
import { remotePathWord } from './util/remote-path.js';
import { runSteps, stepsFailureMessage, type Step } from './util/run-steps.js';

/**
 * git: a checkout of a repository at a version (branch, tag, commit SHA, or the remote's HEAD), as
 * Ansible's git module. The probe is ONE round trip: whether git is installed, whether dest is a
 * repository, its HEAD, local modifications, the remote's URL, and `git ls-remote --symref` of the
 * wanted version, so plan (and so check mode) knows exactly whether HEAD would move.
 */
export interface GitParams {
  repo: string;
  dest: string;
  version: string;
  update: boolean;
  force: boolean;
  depth?: number;
  clone: boolean;
  accept_hostkey: boolean;
  key_file?: string;
  ssh_opts?: string;
  remote: string;
  bare: boolean;
  single_branch: boolean;
  executable?: string;
}

export interface GitState {
  /** git is not installed on the node. */
  noGit?: boolean;
  /** dest exists (file or directory). */
  exists: boolean;
  /** dest is an empty directory. */
  empty: boolean;
  /** dest is a repository (a work tree with .git, or a bare repository when `bare`). */
  isRepo: boolean;
  head?: string;
  /** `git status --porcelain --untracked-files=no` is not empty. */
  localMods: boolean;
  /** The configured URL of `remote` ('' when the remote is not configured). */
  remoteUrl?: string;
  /** The version resolved to a commit in the local repository (a short SHA, a local tag). */
  localVersion?: string;
  /** `git ls-remote --symref` lines (`sha\tref`, `ref: refs/heads/x\tHEAD`), when queried. */
  lsRemote?: string;
  lsRemoteError?: string;
}

export class GitModuleError extends Error {}

export type VersionKind = 'head' | 'branch' | 'tag' | 'sha' | 'unknown';

export interface ResolvedVersion {
  kind: VersionKind;
  /** The commit the version names, when known before fetching. */
  sha?: string;
  /** For `head`: the remote's default branch (from the symref). For `branch`: the version. */
  branch?: string;
}

function gitBin(p: GitParams): string {
  return p.executable ?? 'git';
}

/** GIT_SSH_COMMAND for key_file, accept_hostkey and ssh_opts (undefined when none is given). */
export function gitSshCommand(p: Pick<GitParams, 'key_file' | 'accept_hostkey' | 'ssh_opts'>): string | undefined {
  if (p.key_file === undefined && !p.accept_hostkey && p.ssh_opts === undefined) return undefined;
  const parts = ['ssh', '-o', 'BatchMode=yes'];
  if (p.key_file !== undefined) parts.push('-i', shQuote(p.key_file), '-o', 'IdentitiesOnly=yes');
  if (p.accept_hostkey) parts.push('-o', 'StrictHostKeyChecking=accept-new');
  if (p.ssh_opts !== undefined) parts.push(p.ssh_opts);
  return parts.join(' ');
}

/** The lines put before every command: the environment git runs with. */
export function gitEnvPrefix(p: GitParams): string {
  const lines = ['export GIT_TERMINAL_PROMPT=0 LC_ALL=C'];
  const ssh = gitSshCommand(p);
  if (ssh !== undefined) lines.push(`export GIT_SSH_COMMAND=${shQuote(ssh)}`);
  return lines.join('\n') + '\n';
}

const isHex = (v: string) => /^[0-9a-f]{4,40}$/i.test(v);

/** The probe: NUL-separated key/value pairs. */
export function gitProbeScript(p: GitParams): string {
  const g = shQuote(gitBin(p));
  const dir = p.bare ? `--git-dir="$d"` : `-C "$d"`;
  const lines = [
    EMIT_FN,
    `command -v ${g} >/dev/null 2>&1 || { o nogit 1; exit 0; }`,
    `d=${remotePathWord(p.dest)}`,
    `isrepo=0`,
    `if [ -e "$d" ] || [ -L "$d" ]; then`,
    `  o exists 1`,
    `  [ -d "$d" ] && [ -z "$(ls -A -- "$d" 2>/dev/null)" ] && o empty 1`,
    p.bare
      ? `  [ "$(${g} --git-dir="$d" rev-parse --is-bare-repository 2>/dev/null)" = true ] && isrepo=1`
      : `  [ -e "$d/.git" ] && isrepo=1`,
    `fi`,
    `if [ $isrepo = 1 ]; then`,
    `  o isrepo 1`,
    `  o head "$(${g} ${dir} rev-parse --verify -q HEAD 2>/dev/null)"`,
    p.bare ? ':' : `  o mods "$(${g} -C "$d" status --porcelain --untracked-files=no 2>/dev/null | head -n 5)"`,
    `  o url "$(${g} ${dir} config --get ${shQuote(`remote.${p.remote}.url`)} 2>/dev/null)"`,
    `  o localver "$(${g} ${dir} rev-parse --verify -q ${shQuote(`${p.version}^{commit}`)} 2>/dev/null)"`,
    `fi`,
  ];
  // The remote is asked only when its answer can matter: a clone to make, or an update to decide.
  const ask = `{ [ $isrepo = 1 ] && ${p.update ? 'true' : 'false'}; } || { [ $isrepo = 0 ] && ${p.clone ? 'true' : 'false'}; }`;
  const patterns = p.version === 'HEAD' ? ['HEAD'] : ['HEAD', p.version, `${p.version}^{}`];
  lines.push(
    `if ${ask}; then`,
    // stderr joins stdout (ssh's warnings are ignored by the parser; an error needs its message).
    `  if ls=$(${g} ls-remote --symref -- ${shQuote(p.repo)} ${patterns.map(shQuote).join(' ')} 2>&1 </dev/null); then o lsremote "$ls"; else o lserr "$ls"; fi`,
    `fi`,
  );
  lines.push('exit 0');
  return lines.join('\n');
}

export function parseGitState(out: string): GitState {
  const f = parseFields(out);
  if (f.nogit === '1') return { noGit: true, exists: false, empty: false, isRepo: false, localMods: false };
  return {
    exists: f.exists === '1',
    empty: f.empty === '1',
    isRepo: f.isrepo === '1',
    ...(f.head ? { head: f.head } : {}),
    localMods: !!f.mods,
    ...(f.isrepo === '1' ? { remoteUrl: f.url ?? '' } : {}),
    ...(f.localver ? { localVersion: f.localver } : {}),
    ...(f.lsremote !== undefined ? { lsRemote: f.lsremote } : {}),
    ...(f.lserr !== undefined ? { lsRemoteError: f.lserr.trim() } : {}),
  };
}

/** What `version` names, from ls-remote's answer (and the local repository for short SHAs). */
export function resolveVersion(version: string, s: GitState): ResolvedVersion {
  const refs = new Map<string, string>();
  let headBranch: string | undefined;
  for (const line of (s.lsRemote ?? '').split('\n')) {
    const sym = /^ref: refs\/heads\/(\S+)\tHEAD$/.exec(line);
    if (sym) headBranch = sym[1];
    const m = /^([0-9a-f]{40,64})\t(\S+)$/.exec(line);
    if (m) refs.set(m[2]!, m[1]!);
  }
  if (version === 'HEAD') {
    const sha = refs.get('HEAD');
    return { kind: 'head', ...(sha ? { sha } : {}), ...(headBranch ? { branch: headBranch } : {}) };
  }
  const branch = refs.get(`refs/heads/${version}`);
  if (branch) return { kind: 'branch', sha: branch, branch: version };
  const tag = refs.get(`refs/tags/${version}^{}`) ?? refs.get(`refs/tags/${version}`);
  if (tag) return { kind: 'tag', sha: tag };
  if (/^[0-9a-f]{40}$/i.test(version) || /^[0-9a-f]{64}$/i.test(version)) return { kind: 'sha', sha: version.toLowerCase() };
  if (isHex(version)) return { kind: 'sha', ...(s.localVersion ? { sha: s.localVersion } : {}) };
  if (s.localVersion) return { kind: 'sha', sha: s.localVersion };
  return { kind: 'unknown' };
}

export interface GitPlan extends Plan<Step> {
  before: string | null;
  /** The commit HEAD will be at, when known before running. */
  after: string | null;
  remoteUrlChanged?: boolean;
  localModsReset: boolean;
  /** A short SHA only resolvable after fetching: the apply reads HEAD back to decide `changed`. */
  current: GitState;
}

function gitArgv(p: GitParams, ...args: string[]): string[] {
  return [gitBin(p), ...args];
}

/** Steps that put the work tree at the version (after a clone or fetch). */
function switchSteps(p: GitParams, v: ResolvedVersion): Step[] {
  if (p.bare) return [];
  const c = (...a: string[]) => gitArgv(p, '-C', p.dest, '-c', 'advice.detachedHead=false', ...a);
  const branch = v.kind === 'branch' || v.kind === 'head' ? v.branch : undefined;
  if (branch) return [{ kind: 'run', what: `git checkout ${branch}`, argv: c('checkout', '--force', '-B', branch, '--track', `${p.remote}/${branch}`) }];
  const target = v.kind === 'head' ? `${p.remote}/HEAD` : v.kind === 'tag' ? `refs/tags/${p.version}^{commit}` : p.version;
  return [{ kind: 'run', what: `git checkout ${p.version}`, argv: c('checkout', '--force', '--detach', target) }];
}

export function planGit(p: GitParams, s: GitState): GitPlan {
  const base = { current: s, localModsReset: false };
  // checkout's --track takes the remote's branch as a separate word: one starting with '-' would be read as an option.
  if (p.remote.startsWith('-')) throw new GitModuleError(`remote ${JSON.stringify(p.remote)} starts with "-", which git would read as an option: choose another remote name`);
  if (s.noGit) throw new GitModuleError('git is not installed on this host: install it first (apt-get install -y git, or a package task with name: git)');
  if (!s.isRepo) {
    if (!p.clone) return { ...base, actions: [], before: null, after: null, msg: `${p.dest} is not a repository and clone is false` };
    if (s.exists && !s.empty) {
      throw new GitModuleError(`${p.dest} exists but is not a git repository${p.bare ? ' (a bare one)' : ''}: remove it or choose another dest`);
    }
    if (s.lsRemoteError !== undefined) throw new GitModuleError(`cannot read ${p.repo}: ${s.lsRemoteError}`);
    const v = resolveVersion(p.version, s);
    if (v.kind === 'unknown') throw new GitModuleError(`Cannot find version ${p.version} in ${p.repo} (not a branch, tag or commit)`);
    const args = ['clone'];
    if (p.bare) args.push('--bare');
    if (p.remote !== 'origin') args.push('--origin', p.remote);
    const named = v.kind === 'branch' || v.kind === 'tag';
    if (named && !p.bare) args.push('--branch', p.version);
    if (p.depth !== undefined && p.depth >= 1 && (named || v.kind === 'head')) args.push('--depth', String(p.depth));
    if (p.single_branch) args.push('--single-branch');
    args.push('--', p.repo, p.dest);
    const actions: Step[] = [
      { kind: 'run', what: 'mkdir', script: `mkdir -p -- "$(dirname -- ${remotePathWord(p.dest)})"` },
      { kind: 'run', what: 'git clone', argv: gitArgv(p, ...args) },
    ];
    if (v.kind === 'sha') actions.push(...switchSteps(p, v));
    return {
      ...base,
      actions,
      before: null,
      after: v.sha ?? null,
      predicts: { paths: { [p.dest]: 'directory' } },
      diff: [{ before: '', after: `${v.sha ?? p.version}\n`, before_header: p.dest, after_header: `${p.dest} (cloned)` }],
    };
  }

  const before = s.head ?? null;
  if (!p.update) return { ...base, actions: [], before, after: before };
  if (s.localMods && !p.force && !p.bare) {
    throw new GitModuleError(`Local modifications exist in the destination: ${p.dest} (force=no).`);
  }
  if (s.lsRemoteError !== undefined) throw new GitModuleError(`cannot read ${p.repo}: ${s.lsRemoteError}`);
  const v = resolveVersion(p.version, s);
  if (v.kind === 'unknown') throw new GitModuleError(`Cannot find version ${p.version} in ${p.repo} (not a branch, tag or commit)`);
  const actions: Step[] = [];
  const dirArgs = p.bare ? ['--git-dir', p.dest] : ['-C', p.dest];
  const localModsReset = s.localMods && p.force && !p.bare;
  if (localModsReset) actions.push({ kind: 'run', what: 'git reset', argv: gitArgv(p, '-C', p.dest, 'reset', '--hard', '-q', 'HEAD') });
  const remoteUrlChanged = s.remoteUrl !== p.repo;
  if (remoteUrlChanged) {
    actions.push(
      s.remoteUrl
        ? { kind: 'run', what: 'git remote set-url', argv: gitArgv(p, ...dirArgs, 'remote', 'set-url', '--', p.remote, p.repo) }
        : { kind: 'run', what: 'git remote add', argv: gitArgv(p, ...dirArgs, 'remote', 'add', '--', p.remote, p.repo) },
    );
  }
  const atVersion = v.sha !== undefined ? before === v.sha : before !== null && isHex(p.version) && before.startsWith(p.version.toLowerCase());
  // A branch checkout must also be on that branch: a detached HEAD at the same commit is fine (as Ansible).
  if (!atVersion) {
    const fetch = gitArgv(p, ...dirArgs, 'fetch', '--force', '--tags');
    if (p.depth !== undefined && p.depth >= 1) fetch.push('--depth', String(p.depth));
    fetch.push('--', p.remote);
    if (p.bare) fetch.push('+refs/heads/*:refs/heads/*');
    else if (v.branch) fetch.push(`+refs/heads/${v.branch}:refs/remotes/${p.remote}/${v.branch}`);
    if (v.kind === 'head' && !p.bare) fetch.push(`+HEAD:refs/remotes/${p.remote}/HEAD`);
    actions.push({ kind: 'run', what: 'git fetch', argv: fetch }, ...switchSteps(p, v));
  }
  const after = atVersion ? before : (v.sha ?? null);
  const diff = atVersion ? undefined : [{ before: `${before ?? ''}\n`, after: `${after ?? p.version}\n`, before_header: p.dest, after_header: p.dest }];
  return { ...base, actions, before, after, remoteUrlChanged, localModsReset, ...(diff ? { diff } : {}) };
}

function planResult(plan: GitPlan): Partial<ModuleResult> {
  return { before: plan.before, after: plan.after, ...(plan.remoteUrlChanged !== undefined ? { remote_url_changed: plan.remoteUrlChanged } : {}) };
}

/** Runs commands with git's environment (key_file, accept_hostkey) in front. */
function withGitEnv(ctx: ModuleContext, p: GitParams): ModuleContext {
  const prefix = gitEnvPrefix(p);
  return { ...ctx, run: (command, options) => ctx.run(prefix + command, options) };
}

export const git: ModuleDefinition<GitParams, GitState, Step> = {
  name: 'git',
  aliases: ['ansible.builtin.git', 'ansible.legacy.git'],
  params: {
    repo: { type: 'str', required: true, aliases: ['name'] },
    dest: { type: 'path', required: true },
    version: { type: 'str', default: 'HEAD' },
    update: { type: 'bool', default: true },
    force: { type: 'bool', default: false },
    depth: { type: 'int' },
    clone: { type: 'bool', default: true },
    accept_hostkey: { type: 'bool', default: false },
    key_file: { type: 'path' },
    ssh_opts: { type: 'str' },
    remote: { type: 'str', default: 'origin' },
    bare: { type: 'bool', default: false },
    single_branch: { type: 'bool', default: false },
    executable: { type: 'path' },
  },
  probe: async (ctx, p) => {
    const r = await withGitEnv(ctx, p).run(gitProbeScript(p));
    return parseGitState(r.stdout.toString('utf8'));
  },
  plan: (p, s) => {
    const plan = planGit(p, s);
    return { ...plan, result: planResult(plan) };
  },
  apply: async (ctx, p, plan) => {
    const gp = plan as GitPlan;
    const base = planResult(gp);
    if (!gp.actions.length) return { changed: false, ...base };
    const dir = p.bare ? `--git-dir=${remotePathWord(p.dest)}` : `-C ${remotePathWord(p.dest)}`;
    const readBack = `${EMIT_FN}\no head "$(${shQuote(gitBin(p))} ${dir} rev-parse --verify -q HEAD 2>/dev/null)"`;
    const out = await runSteps(withGitEnv(ctx, p), gp.actions, readBack);
    if (!out.ok) return { changed: gp.before === null ? false : gp.localModsReset, ...base, failed: true, msg: stepsFailureMessage(out.failed!) };
    const after = parseFields(out.stdout).head || null;
    const changed = gp.before === null || after !== gp.before || gp.localModsReset || !!gp.remoteUrlChanged;
    return { changed, ...base, after };
  },
};
