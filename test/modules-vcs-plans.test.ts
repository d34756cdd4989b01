/** Pure plans of git and pip (state fixtures + params → actions), and the PEP 440 helpers. */
import { describe, expect, it } from 'vitest';
import { gitProbeScript, gitSshCommand, parseGitState, planGit, type GitParams, type GitState } from '../src/modules/git.js';
import { parsePipState, pipProbeScript, planPip, type PipParams, type PipState } from '../src/modules/pip.js';
import { parseRequirement, requirementLines, satisfies } from '../src/modules/util/pep440.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const T = 'c'.repeat(40);
const LS = `ref: refs/heads/main\tHEAD\n${B}\tHEAD\n${B}\trefs/heads/main\n${A}\trefs/heads/old\n${'d'.repeat(40)}\trefs/tags/v1\n${T}\trefs/tags/v1^{}`;

const gp = (o: Partial<GitParams> = {}): GitParams => ({ repo: 'root@n1:/srv/repo.git', dest: '/data/code', version: 'HEAD', update: true, force: false, clone: true, accept_hostkey: false, remote: 'origin', bare: false, single_branch: false, ...o });
const missing: GitState = { exists: false, empty: false, isRepo: false, localMods: false, lsRemote: LS };
const repoAt = (head: string, o: Partial<GitState> = {}): GitState => ({ exists: true, empty: false, isRepo: true, head, localMods: false, remoteUrl: 'root@n1:/srv/repo.git', lsRemote: LS, ...o });
const argvs = (p: ReturnType<typeof planGit>) => p.actions.map((a) => (a.argv ?? [a.script]).join(' '));

describe('git plan', () => {
  it('clones a missing dest: before null, after the remote sha; branch, tag, depth, bare, single_branch, remote', () => {
    const head = planGit(gp(), missing);
    expect(head).toMatchObject({ before: null, after: B });
    expect(argvs(head)[1]).toBe('git clone -- root@n1:/srv/repo.git /data/code');
    expect(planGit(gp({ version: 'v1', depth: 1 }), missing)).toMatchObject({ after: T });
    expect(argvs(planGit(gp({ version: 'v1', depth: 1 }), missing))[1]).toBe('git clone --branch v1 --depth 1 -- root@n1:/srv/repo.git /data/code');
    expect(argvs(planGit(gp({ version: 'old', single_branch: true, remote: 'up' }), missing))[1]).toBe('git clone --origin up --branch old --single-branch -- root@n1:/srv/repo.git /data/code');
    expect(argvs(planGit(gp({ bare: true }), missing))[1]).toBe('git clone --bare -- root@n1:/srv/repo.git /data/code');
    const bySha = planGit(gp({ version: A }), missing);
    expect(bySha.after).toBe(A);
    expect(argvs(bySha)[2]).toBe(`git -C /data/code -c advice.detachedHead=false checkout --force --detach ${A}`);
    expect(planGit(gp(), { ...missing, exists: true, empty: true }).actions).toHaveLength(2);
  });

  it('clone=no, update=no, an up-to-date repo: nothing to do', () => {
    expect(planGit(gp({ clone: false }), { ...missing, lsRemote: undefined })).toMatchObject({ actions: [], before: null, after: null });
    expect(planGit(gp({ update: false }), repoAt(A))).toMatchObject({ actions: [], before: A, after: A });
    expect(planGit(gp(), repoAt(B))).toMatchObject({ actions: [], before: B, after: B, remoteUrlChanged: false });
    expect(planGit(gp({ version: 'v1' }), repoAt(T)).actions).toEqual([]);
    expect(planGit(gp({ version: B.slice(0, 7) }), repoAt(B, { localVersion: B })).actions).toEqual([]);
  });

  it('updates: fetch and checkout to the exact sha, remote url change, force reset', () => {
    const up = planGit(gp({ version: 'main' }), repoAt(A));
    expect(up).toMatchObject({ before: A, after: B });
    expect(argvs(up)).toEqual([
      'git -C /data/code fetch --force --tags -- origin +refs/heads/main:refs/remotes/origin/main',
      'git -C /data/code -c advice.detachedHead=false checkout --force -B main --track origin/main',
    ]);
    expect(argvs(planGit(gp({ version: 'v1', depth: 2 }), repoAt(A)))).toEqual([
      'git -C /data/code fetch --force --tags --depth 2 -- origin',
      'git -C /data/code -c advice.detachedHead=false checkout --force --detach refs/tags/v1^{commit}',
    ]);
    const moved = planGit(gp(), repoAt(B, { remoteUrl: 'https://old/x.git' }));
    expect(moved.remoteUrlChanged).toBe(true);
    expect(argvs(moved)).toEqual(['git -C /data/code remote set-url -- origin root@n1:/srv/repo.git']);
    expect(() => planGit(gp(), repoAt(A, { localMods: true }))).toThrow('Local modifications exist in the destination: /data/code (force=no).');
    expect(argvs(planGit(gp({ force: true }), repoAt(B, { localMods: true })))).toEqual(['git -C /data/code reset --hard -q HEAD']);
    expect(planGit(gp({ version: 'abc1234' }), repoAt(A))).toMatchObject({ after: null });
  });

  it('errors: git missing, dest not a repo, unknown version, unreachable remote', () => {
    expect(() => planGit(gp(), parseGitState('nogit\x001\x00'))).toThrow(/git is not installed.*apt-get install -y git/);
    expect(() => planGit(gp(), { ...missing, exists: true })).toThrow('exists but is not a git repository');
    expect(() => planGit(gp({ version: 'nope' }), missing)).toThrow('Cannot find version nope');
    expect(() => planGit(gp(), { ...missing, lsRemote: undefined, lsRemoteError: 'Permission denied' })).toThrow('Permission denied');
  });

  it('a repository or remote that looks like an option follows --, in the probe and every step', () => {
    const evil = '--upload-pack=touch /tmp/fleet-canary;:';
    expect(gitProbeScript(gp({ repo: evil }))).toContain(`git ls-remote --symref -- '--upload-pack=touch /tmp/fleet-canary;:' HEAD 2>&1 </dev/null`);
    expect(planGit(gp({ repo: evil }), missing).actions[1]!.argv).toEqual(['git', 'clone', '--', evil, '/data/code']);
    expect(planGit(gp({ repo: evil, version: 'main' }), repoAt(A, { remoteUrl: 'u' })).actions.map((a) => a.argv)).toEqual([
      ['git', '-C', '/data/code', 'remote', 'set-url', '--', 'origin', evil],
      ['git', '-C', '/data/code', 'fetch', '--force', '--tags', '--', 'origin', '+refs/heads/main:refs/remotes/origin/main'],
      ['git', '-C', '/data/code', '-c', 'advice.detachedHead=false', 'checkout', '--force', '-B', 'main', '--track', 'origin/main'],
    ]);
    expect(() => planGit(gp({ remote: '--mirror' }), repoAt(A))).toThrow('remote "--mirror" starts with "-", which git would read as an option: choose another remote name');
    expect(planGit(gp({ repo: evil, bare: true }), repoAt(A, { remoteUrl: '' })).actions.map((a) => a.argv)).toEqual([
      ['git', '--git-dir', '/data/code', 'remote', 'add', '--', 'origin', evil],
      ['git', '--git-dir', '/data/code', 'fetch', '--force', '--tags', '--', 'origin', '+refs/heads/*:refs/heads/*'],
    ]);
  });

  it('ssh command for key_file and accept_hostkey; probe output parsing', () => {
    expect(gitSshCommand({ accept_hostkey: false })).toBeUndefined();
    expect(gitSshCommand({ accept_hostkey: true, key_file: '/k' })).toBe('ssh -o BatchMode=yes -i /k -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new');
    const s = parseGitState(['exists', '1', 'isrepo', '1', 'head', A, 'mods', ' M a.txt', 'url', 'u', 'lsremote', LS, ''].join('\0'));
    expect(s).toMatchObject({ isRepo: true, head: A, localMods: true, remoteUrl: 'u' });
  });
});

const pp = (o: Partial<PipParams> = {}): PipParams => ({ state: 'present', virtualenv_command: 'virtualenv', virtualenv_site_packages: false, editable: false, ...o });
const env = (installed: Record<string, string>, o: Partial<PipState> = {}): PipState => ({ venvExists: true, installed, listText: JSON.stringify(installed), ...o });
const scripts = (p: ReturnType<typeof planPip>) => p.actions.map((a) => a.script!.split('\n').pop());

describe('pip plan', () => {
  it('creates a missing virtualenv (virtualenv / python3 -m venv, site packages, python) then installs', () => {
    const noVenv: PipState = { venvExists: false, venvCommandFound: true, installed: {}, listText: '' };
    const p = planPip(pp({ name: ['flask'], virtualenv: '/data/venv', virtualenv_python: 'python3.11', virtualenv_site_packages: true }), noVenv);
    expect(scripts(p)).toEqual(["virtualenv --system-site-packages -ppython3.11 /data/venv", "/data/venv/bin/pip install -- flask"]);
    expect(scripts(planPip(pp({ name: ['flask'], virtualenv: '/v', virtualenv_command: 'python3 -m venv' }), noVenv))[0]).toBe("python3 -m venv /v");
    expect(() => planPip(pp({ name: ['x'], virtualenv: '/v', virtualenv_command: 'python3 -m venv', virtualenv_python: 'python3' }), noVenv)).toThrow('virtualenv_python should not be used');
    expect(() => planPip(pp({ name: ['x'], virtualenv: '/v' }), { ...noVenv, venvCommandFound: false })).toThrow(/virtualenv is not installed.*apt-get install -y python3-virtualenv/);
  });

  it('present: nothing when every requirement is satisfied (specifiers, extras, names normalized)', () => {
    const s = env({ flask: '2.3.1', 'zope-interface': '6.0', requests: '2.31.0' });
    expect(planPip(pp({ name: ['Flask>=2,<3', 'zope.interface', 'requests[socks]~=2.30'], virtualenv: '/v' }), s).actions).toEqual([]);
    expect(planPip(pp({ name: ['flask'], version: '2.3.1' }), s).actions).toEqual([]);
    const p = planPip(pp({ name: ['flask==2.3.2', 'requests', 'redis'], virtualenv: '/v', extra_args: '--no-index', chdir: '/srv' }), s);
    expect(scripts(p)).toEqual(["/v/bin/pip install --no-index -- flask==2.3.2 redis"]);
    expect(p.actions[0]!.script).toContain("cd /srv");
    expect(scripts(planPip(pp({ name: ['./local.tar.gz'], executable: '/usr/bin/pip3' }), s))).toEqual(["/usr/bin/pip3 install -- ./local.tar.gz"]);
    expect(scripts(planPip(pp({ name: ['pkg'], editable: true }), s))[0]).toContain('install -e pkg');
  });

  it('requirements file: parsed on the controller; unreadable or options → pip decides', () => {
    const s = env({ flask: '2.3.1' }, { requirementsText: '# api\nflask>=2  # web\n\n' });
    expect(planPip(pp({ requirements: 'requirements.txt', virtualenv: '/v' }), s).actions).toEqual([]);
    expect(scripts(planPip(pp({ requirements: 'r.txt', virtualenv: '/v' }), { ...s, requirementsText: 'flask>=3\n' }))).toEqual(["/v/bin/pip install -r r.txt"]);
    expect(planPip(pp({ requirements: 'r.txt', virtualenv: '/v' }), { ...s, requirementsText: '-e git+https://x/y\n' }).actions).toHaveLength(1);
    expect(planPip(pp({ requirements: 'r.txt', virtualenv: '/v' }), env({})).actions).toHaveLength(1);
  });

  it('latest, forcereinstall, absent', () => {
    const s = env({ flask: '2.3.1', redis: '5.0' }, { outdated: ['flask'] });
    expect(scripts(planPip(pp({ name: ['flask', 'redis'], state: 'latest', virtualenv: '/v' }), s))).toEqual(["/v/bin/pip install -U -- flask"]);
    expect(planPip(pp({ name: ['redis'], state: 'latest', virtualenv: '/v' }), s).actions).toEqual([]);
    expect(planPip(pp({ name: ['redis'], state: 'latest', virtualenv: '/v' }), { ...s, outdated: undefined }).actions).toHaveLength(1);
    expect(scripts(planPip(pp({ name: ['redis'], state: 'forcereinstall', virtualenv: '/v' }), s))).toEqual(["/v/bin/pip install -U --force-reinstall -- redis"]);
    expect(scripts(planPip(pp({ name: ['Redis==5.0', 'gone'], state: 'absent', virtualenv: '/v' }), s))).toEqual(["/v/bin/pip uninstall -y -- Redis"]);
    expect(planPip(pp({ name: ['gone'], state: 'absent', virtualenv: '/v' }), s).actions).toEqual([]);
  });

  it('extra_args and virtualenv_command are split into quoted words; names follow --', () => {
    const noVenv: PipState = { venvExists: false, venvCommandFound: true, installed: {}, listText: '' };
    const p = planPip(pp({ name: ['--index-url=http://evil/', 'a b'], virtualenv: '/v', virtualenv_command: 'python3 -m venv; touch /tmp/x', extra_args: `--quiet; touch /tmp/x "--log=/tmp/a b" 'it''s'` }), noVenv);
    expect(scripts(p)).toEqual([
      "python3 -m 'venv;' touch /tmp/x /v",
      "/v/bin/pip install '--quiet;' touch /tmp/x '--log=/tmp/a b' its -- --index-url=http://evil/ 'a b'",
    ]);
    expect(p.cmd).toBe("/v/bin/pip install '--quiet;' touch /tmp/x '--log=/tmp/a b' its -- --index-url=http://evil/ 'a b'");
    expect(scripts(planPip(pp({ name: ['--pre', 'x'], editable: true }), env({})))).toEqual(["\"$(command -v pip3 || command -v pip)\" install -e --pre -e x"]);
    expect(() => planPip(pp({ name: ['x'], extra_args: `--log='/tmp/a` }), env({}))).toThrow(`extra_args: cannot split "--log='/tmp/a" into words: No closing quotation (balance the quotes)`);
    expect(() => planPip(pp({ name: ['x'], virtualenv: '/v', virtualenv_command: 'virtualenv "x' }), noVenv)).toThrow('virtualenv_command: cannot split');
    expect(() => planPip(pp({ name: ['x'], virtualenv: '/v', virtualenv_command: '  ' }), noVenv)).toThrow('virtualenv_command is empty');
    const probe = pipProbeScript(pp({ name: ['x'], state: 'latest', virtualenv: '/v', virtualenv_command: '"/opt/my venv/bin/virtualenv" -q', extra_args: '--pre;id' }));
    expect(probe).toContain("command -v '/opt/my venv/bin/virtualenv' >/dev/null");
    expect(probe).toContain("list --outdated --format=json --disable-pip-version-check '--pre;id' 2>/dev/null");
    expect(() => pipProbeScript(pp({ name: ['x'], state: 'latest', extra_args: '"' }))).toThrow('extra_args: cannot split');
  });

  it('errors and probe parsing', () => {
    expect(() => planPip(pp(), env({}))).toThrow('one of the following is required: name, requirements');
    expect(() => planPip(pp({ name: ['x'] }), { installed: {}, listText: '', noPip: true })).toThrow(/apt-get install -y python3-pip/);
    expect(() => planPip(pp({ name: ['x', 'y'], version: '1' }), env({}))).toThrow('single name');
    const s = parsePipState(['venv', '1', 'list', '[{"name":"Zope.Interface","version":"6.0"}]', 'outdated', '[]', ''].join('\0'));
    expect(s).toMatchObject({ venvExists: true, installed: { 'zope-interface': '6.0' }, outdated: [] });
  });
});

describe('PEP 440 basics', () => {
  it('compares versions with specifiers', () => {
    const ok = (v: string, op: string, w: string) => satisfies(v, { op: op as '==', version: w });
    expect(ok('1.0', '==', '1.0.0')).toBe(true);
    expect(ok('1.0.5', '==', '1.0.*')).toBe(true);
    expect(ok('1.1', '==', '1.0.*')).toBe(false);
    expect(ok('2.0rc1', '<', '2.0')).toBe(true);
    expect(ok('2.0.dev1', '<', '2.0a1')).toBe(true);
    expect(ok('2.0.post1', '>', '2.0')).toBe(true);
    expect(ok('1.4.5', '~=', '1.4.2')).toBe(true);
    expect(ok('1.5', '~=', '1.4.2')).toBe(false);
    expect(ok('2.2', '~=', '2.1')).toBe(true);
    expect(ok('1.0+local', '==', '1.0')).toBe(true);
    expect(ok('1!1.0', '>', '2.0')).toBe(true);
    expect(ok('10.0', '>=', '9.1')).toBe(true);
  });

  it('parses requirement lines', () => {
    expect(parseRequirement('requests[socks,security] >=2.0, <3')).toMatchObject({ name: 'requests', extras: ['socks', 'security'], specifiers: [{ op: '>=', version: '2.0' }, { op: '<', version: '3' }] });
    expect(parseRequirement('git+https://x/y.git')).toBeUndefined();
    expect(parseRequirement('foo; python_version<"3"')).toBeUndefined();
    expect(requirementLines('a\n# c\nb==1 # x\nc \\\n>=2\n')).toEqual(['a', 'b==1', 'c >=2']);
  });
});
