/**
 * Pure plans of the module parameters real playbooks and Ansible's integration targets use: user
 * (expires, password_lock, password_expire_*, generate_ssh_key, local), group (local), tempfile,
 * wait_for drained, service's backend parameters. Probed state + parameters → actions. No host.
 */
import { describe, expect, it } from 'vitest';
import { getModule, validateParams } from '../src/modules/index.js';
import { file } from '../src/modules/file.js';
import { statFacts, statScript, type StatParams } from '../src/modules/stat.js';
import { parseLocalGroupProbe, planGroup, type GroupParams } from '../src/modules/group.js';
import { parseServiceProbe, planService, type ServiceParams } from '../src/modules/service.js';
import { planUnit } from '../src/modules/systemd.js';
import { mktempArgv, parseTempfileOutput, planTempfile, type TempfileParams } from '../src/modules/tempfile.js';
import { expiresDate, localSteps, parseUserState, planUser, sshKeygenStep, type UserParams, type UserState } from '../src/modules/user.js';
import { procNetHex } from '../src/modules/util/tcp-hex.js';
import type { Step } from '../src/modules/util/run-steps.js';
import { drainAddresses, drainNames, planWaitFor, validateWaitFor, waitForScript, type WaitForParams } from '../src/modules/wait_for.js';

function params<P>(module: string, args: Record<string, unknown>): P {
  const m = getModule(module);
  return validateParams(m.name, m.params, args) as P;
}
const fields = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k}\0${v}\0`).join('');
const argvs = (actions: Step[]) => actions.map((a) => a.argv ?? a.what);

describe('user: expires, password_lock, password ages', () => {
  // shadow after the name and hash: lastchg:min:max:warn:inactive:expire:reserved
  const existing = (p: UserParams, shadow: string, rest: string): UserState =>
    parseUserState(
      p,
      fields({ passwd: 'alice:x:1001:1001::/home/alice:/bin/sh', primary: 'alice', groups: 'alice', shadow, shadowrest: rest, homeexists: '1', 'group:alice': 'alice:x:1001:' }),
    );
  const missing = (p: UserParams): UserState => parseUserState(p, fields({}));

  it('expires is a UTC date for useradd/usermod; a negative one removes it, as Ansible', () => {
    expect(expiresDate(1893456000)).toBe('2030-01-01');
    expect(expiresDate(1893456000.9)).toBe('2030-01-01');
    expect(expiresDate(-1)).toBe('');
    const p = params<UserParams>('user', { name: 'alice', expires: '1893456000' });
    expect(argvs(planUser(p, missing(p)).actions)).toEqual([['useradd', '-e', '2030-01-01', '-m', 'alice']]);
    // Same day (21915 days since the epoch): nothing; another day or none: usermod -e.
    expect(planUser(p, existing(p, '$6$h', '20000:0:99999:7::21915:')).actions).toEqual([]);
    expect(argvs(planUser(p, existing(p, '$6$h', '20000:0:99999:7::21916:')).actions)).toEqual([['usermod', '-e', '2030-01-01', 'alice']]);
    expect(argvs(planUser(p, existing(p, '$6$h', '20000:0:99999:7:::')).actions)).toEqual([['usermod', '-e', '2030-01-01', 'alice']]);
    const never = params<UserParams>('user', { name: 'alice', expires: -1 });
    expect(argvs(planUser(never, existing(never, '$6$h', '20000:0:99999:7::21915:')).actions)).toEqual([['usermod', '-e', '', 'alice']]);
    expect(planUser(never, existing(never, '$6$h', '20000:0:99999:7:::')).actions).toEqual([]);
    expect(() => params('user', { name: 'a', expires: 'soon' })).toThrow(/expires must be a number/);
  });

  it('password_lock locks and unlocks with usermod; a new hash carries the lock itself', () => {
    const lock = params<UserParams>('user', { name: 'alice', password_lock: true, expires: 1893456000 });
    const locking = planUser(lock, existing(lock, '$6$h', '1::::::'));
    expect(argvs(locking.actions)).toEqual([['usermod', '-e', '2030-01-01', '-L', 'alice']]);
    expect(locking.diff![0]!.before).toContain('expires: never\npassword_locked: false\n');
    expect(locking.diff![0]!.after).toContain('expires: 2030-01-01\npassword_locked: true\n');
    expect(planUser(lock, existing(lock, '!$6$h', '1:::::21915:')).actions).toEqual([]);
    const unlock = params<UserParams>('user', { name: 'alice', password_lock: false });
    expect(argvs(planUser(unlock, existing(unlock, '!$6$h', '1::::::')).actions)).toEqual([['usermod', '-U', 'alice']]);
    expect(planUser(unlock, existing(unlock, '$6$h', '1::::::')).actions).toEqual([]);
    // The hash compared without the lock mark; a changed hash goes locked through chpasswd.
    const both = params<UserParams>('user', { name: 'alice', password: '$6$new', password_lock: true });
    const plan = planUser(both, existing(both, '$6$old', '1::::::'));
    expect(argvs(plan.actions)).toEqual([['chpasswd', '-e']]);
    expect(plan.passwordLine).toBe('alice:!$6$new\n');
    expect(planUser(both, existing(both, '!$6$new', '1::::::')).actions).toEqual([]);
    // A new user: the lock in the hash given to chpasswd.
    expect(planUser(both, missing(both)).passwordLine).toBe('alice:!$6$new\n');
  });

  it('password_expire_min/max through chage when they differ', () => {
    const p = params<UserParams>('user', { name: 'alice', password_expire_min: 1, password_expire_max: 90 });
    expect(argvs(planUser(p, existing(p, '$6$h', '20000:0:99999:7:::')).actions)).toEqual([['chage', '-m', '1', '-M', '90', 'alice']]);
    expect(argvs(planUser(p, existing(p, '$6$h', '20000:1:99999:7:::')).actions)).toEqual([['chage', '-M', '90', 'alice']]);
    expect(planUser(p, existing(p, '$6$h', '20000:1:90:7:::')).actions).toEqual([]);
  });
});

describe('user: generate_ssh_key', () => {
  const withKey = (p: UserParams, key: Record<string, string>): UserState =>
    parseUserState(p, fields({ passwd: 'alice:x:1001:1001::/home/alice:/bin/sh', primary: 'alice', groups: 'alice', homeexists: '1', 'group:alice': 'alice:x:1001:', ...key }));

  it('makes a missing key after the account exists; an existing one is kept with Ansible\'s warning', () => {
    const p = params<UserParams>('user', { name: 'alice', generate_ssh_key: true, ssh_key_type: 'ed25519' });
    const none = planUser(p, withKey(p, { keyfile: '/home/alice/.ssh/id_ed25519' }));
    expect(none.actions.map((a) => a.what)).toEqual(['ssh-keygen']);
    expect(none.result).toEqual({ ssh_key_file: '/home/alice/.ssh/id_ed25519', ssh_fingerprint: '', ssh_public_key: null });
    const have = planUser(p, withKey(p, { keyfile: '/home/alice/.ssh/id_ed25519', keyexists: '1', keypub: 'ssh-ed25519 AAAA c\n', keyfp: '256 SHA256:x c (ED25519)\n' }));
    expect(have.actions).toEqual([]);
    expect(have.warnings).toEqual(['Found existing ssh key private file "/home/alice/.ssh/id_ed25519", no force, so skipping ssh-keygen generation']);
    expect(have.result).toMatchObject({ ssh_public_key: 'ssh-ed25519 AAAA c', ssh_fingerprint: '256 SHA256:x c (ED25519)' });
    // force regenerates.
    const force = params<UserParams>('user', { name: 'alice', generate_ssh_key: true, force: true });
    expect(planUser(force, withKey(force, { keyfile: '/home/alice/.ssh/id_rsa', keyexists: '1' })).actions.map((a) => a.what)).toEqual(['ssh-keygen']);
  });

  it('keeps the passphrase off every command line: read from stdin, handed over by SSH_ASKPASS', () => {
    const p = params<UserParams>('user', { name: 'alice', generate_ssh_key: true, ssh_key_passphrase: 'sekrit-words', ssh_key_bits: 4096, ssh_key_comment: 'me' });
    const step = sshKeygenStep(p, false);
    expect(step.usesStdin).toBe(true);
    expect(step.script).not.toContain('sekrit');
    expect(step.script).toContain('SSH_ASKPASS_REQUIRE=force');
    expect(step.script).toContain("ssh-keygen -q -t rsa -b 4096 -C me");
    expect(getModule('user').params.ssh_key_passphrase!.noLog).toBe(true);
    // Without a passphrase: -N '' and no stdin.
    const plain = sshKeygenStep(params<UserParams>('user', { name: 'alice', generate_ssh_key: true }), true);
    expect(plain.usesStdin).toBeUndefined();
    expect(plain.script).toContain("-N ''");
    expect(plain.script).toContain('ansible-generated on $(hostname)');
    expect(plain.script).toContain('rm -f -- "$kf" "$kf.pub"');
  });

  it('the key is made before chpasswd, which reads the rest of stdin', () => {
    const p = params<UserParams>('user', { name: 'bob', generate_ssh_key: true, password: '$6$x', ssh_key_passphrase: 'abcdefgh' });
    const plan = planUser(p, parseUserState(p, fields({ keyfile: '/home/bob/.ssh/id_rsa' })));
    expect(plan.actions.map((a) => a.what)).toEqual(['useradd', 'ssh-keygen', 'chpasswd']);
  });
});

describe('user and group: local', () => {
  it('user: libuser programs with their own options; a missing one fails as Ansible', () => {
    const p = params<UserParams>('user', { name: 'carol', local: true, groups: ['adm'], expires: 86400 * 100, comment: 'C' });
    const s = parseUserState(p, fields({ 'group:adm': 'adm:x:4:', 'group:carol': 'carol:x:1500:' }));
    expect(argvs(planUser(p, s).actions)).toEqual([
      ['luseradd', '-n', '-c', 'C', 'carol'],
      ['lgroupmod', '-M', 'carol', 'adm'],
      ['lchage', '-E', '100', 'carol'],
    ]);
    expect(argvs(localSteps(p, [{ kind: 'run', what: 'userdel', argv: ['userdel', '-f', '-r', 'carol'] }]))).toEqual([['luserdel', '-r', 'carol']]);
    const gone = parseUserState(p, fields({ missingtool: 'luseradd', path: '/usr/bin:/bin' }));
    expect(() => planUser(p, gone)).toThrow('Failed to find required executable "luseradd" in paths: /usr/bin:/bin');
  });

  it('group: lgroupadd/lgroupmod/lgroupdel; missing programs and a taken gid fail as Ansible', () => {
    const p = params<GroupParams>('group', { name: 'devs', local: true, gid: 1600 });
    expect(argvs(planGroup(p, parseLocalGroupProbe('')).actions)).toEqual([['lgroupadd', '-g', '1600', 'devs']]);
    expect(argvs(planGroup(p, parseLocalGroupProbe('devs:x:1500:\n')).actions)).toEqual([['lgroupmod', '-g', '1600', 'devs']]);
    expect(planGroup(p, parseLocalGroupProbe('devs:x:1600:\n')).actions).toEqual([]);
    expect(() => planGroup(p, parseLocalGroupProbe('#missing lgroupadd\n#path /bin\n'))).toThrow('Failed to find required executable "lgroupadd" in paths: /bin');
    // Ansible's group module runs lgroupmod for an existing group even when nothing changes.
    expect(() => planGroup(p, parseLocalGroupProbe('devs:x:1600:\n#missing lgroupmod\n#path /bin\n'))).toThrow('"lgroupmod"');
    expect(() => planGroup(p, parseLocalGroupProbe('#gidowner ops\n'))).toThrow("GID '1600' already exists with group 'ops'");
    const gone = params<GroupParams>('group', { name: 'devs', local: true, state: 'absent' });
    expect(argvs(planGroup(gone, parseLocalGroupProbe('devs:x:1500:\n')).actions)).toEqual([['lgroupdel', 'devs']]);
  });
});

describe('tempfile', () => {
  it('mktemp with Ansible\'s defaults, prefix, suffix and path; skipped in check mode', () => {
    expect(mktempArgv(params<TempfileParams>('tempfile', {}))).toEqual(['mktemp', '--tmpdir', '--', 'ansible.XXXXXXXX']);
    expect(mktempArgv(params<TempfileParams>('tempfile', { state: 'directory', path: '/srv/t', prefix: 'hello.', suffix: '.bye' }))).toEqual([
      'mktemp',
      '-d',
      '--tmpdir=/srv/t',
      '--suffix=.bye',
      '--',
      'hello.XXXXXXXX',
    ]);
    expect(() => mktempArgv(params<TempfileParams>('tempfile', { suffix: 'a/b' }))).toThrow('suffix must not contain "/"');
    const p = params<TempfileParams>('tempfile', {});
    // No check branch of its own: the plan says what check mode reports (skipped, as Ansible's).
    expect(planTempfile(p)).toMatchObject({ actions: [{ kind: 'mktemp' }], checkResult: { changed: false, skipped: true, msg: 'remote module (tempfile) does not support check mode' } });
    expect(parseTempfileOutput('/tmp/ansible.abc\n0\n0\nroot\nroot\n600\n0', 'file')).toEqual({ path: '/tmp/ansible.abc', uid: 0, gid: 0, owner: 'root', group: 'root', mode: '0600', size: 0, state: 'file' });
    expect(() => params('tempfile', { state: 'link' })).toThrow(/^value of state must be one of: directory, file, got: link$/);
  });
});

describe('wait_for drained', () => {
  const wp = (args: Record<string, unknown>) => params<WaitForParams>('wait_for', args);

  it('addresses as /proc/net/tcp prints them, IPv4 also IPv4-mapped', () => {
    expect(procNetHex('127.0.0.1')).toBe('4:0100007F');
    expect(procNetHex('::1')).toBe('6:00000000000000000000000001000000');
    expect(procNetHex('::ffff:0.0.0.0')).toBe('6:0000000000000000FFFF000000000000');
    expect(procNetHex('localhost')).toBeUndefined();
    const p = wp({ host: '0.0.0.0', port: 22, state: 'drained', exclude_hosts: ['10.0.0.1', 'gw'] });
    expect(drainNames(p)).toEqual(['gw']);
    expect(drainAddresses(p, { gw: ['10.0.0.254'] })).toEqual({
      ips: ['4:00000000', '6:0000000000000000FFFF000000000000'],
      exclude: ['4:0100000A', '6:0000000000000000FFFF00000100000A', '4:FE00000A', '6:0000000000000000FFFF0000FE00000A'],
    });
    const script = waitForScript(p, drainAddresses(p, { gw: [] }));
    expect(script).toContain('PHEX=0016');
    expect(script).toContain("STATES=' 01 04 05 03 02 06 '");
  });

  it('refuses what Ansible refuses, and times out with its message', () => {
    expect(validateWaitFor(wp({ path: '/tmp', state: 'drained' }))).toBe('state=drained should only be used for checking a port in the wait_for module');
    expect(validateWaitFor(wp({ port: 22, exclude_hosts: ['a'] }))).toBe('exclude_hosts should only be with state=drained');
    expect(validateWaitFor(wp({ port: 22, state: 'drained', active_connection_states: ['CLOSING'] }))).toBe('unknown active_connection_state (CLOSING) defined');
    const p = wp({ host: '0.0.0.0', port: 8000, state: 'drained' });
    expect(planWaitFor(p, { status: 'timeout', elapsedMs: 2000 }).result).toMatchObject({ failed: true, msg: 'Timeout when waiting for 0.0.0.0:8000 to drain', elapsed: 2 });
    expect(planWaitFor(p, { status: 'ok', elapsedMs: 0 }).result).toMatchObject({ state: 'drained', port: 8000 });
  });
});

describe('service: the backend\'s parameters', () => {
  const sp = (args: Record<string, unknown>) => params<ServiceParams>('service', args);
  const sysv = (p: ServiceParams, o: Record<string, string>, backend = 'service') =>
    parseServiceProbe(p, fields({ mgr: 'sysv', servicecmd: '1', script: '1', ...o }), 'h1', false, backend);
  const systemd = (p: ServiceParams) => parseServiceProbe(p, fields({ mgr: 'systemd', systemd: '1', load: 'loaded', active: 'inactive', enabled: 'disabled' }), 'h1', false);

  it('systemd parameters on a host without systemd: dropped with Ansible\'s warning under use: auto', () => {
    const p = sp({ name: 'redis', state: 'started', daemon_reload: true, no_block: true });
    const plan = planService(p, sysv(p, { status: '3', slinks: '4', links: '7' }));
    expect(plan.actions.map((a) => a.what)).toEqual(['service redis start']);
    expect(plan.result!.warnings).toEqual(['Ignoring "daemon_reload" as it is not used in "service"', 'Ignoring "no_block" as it is not used in "service"']);
    // masked and scope change what the task means: refused, as Ansible's module refuses them.
    const masked = sp({ name: 'redis', masked: true });
    expect(() => planService(masked, sysv(masked, { status: '3' }))).toThrow('Unsupported parameters for (ansible.legacy.service) module: masked.');
    // use naming the init backend: Ansible's failure, with that module's supported list.
    const forced = sp({ name: 'redis', state: 'started', daemon_reload: true, use: 'sysvinit' });
    expect(() => planService(forced, sysv(forced, { status: '3' }, 'sysvinit'))).toThrow(
      'Unsupported parameters for (ansible.legacy.sysvinit) module: daemon_reload. Supported parameters include: arguments, daemonize, enabled, name, pattern, runlevels, sleep, state (args, service).',
    );
  });

  it('init-script parameters on systemd: dropped with the warning, as Ansible\'s service action does', () => {
    const p = sp({ name: 'nginx', state: 'started', pattern: 'nginx', sleep: 2, daemon_reload: true, scope: 'user', no_block: true });
    const plan = planService(p, systemd(p));
    expect(plan.result!.warnings).toEqual(['Ignoring "pattern" as it is not used in "systemd"', 'Ignoring "sleep" as it is not used in "systemd"']);
    expect(plan.unit!.daemonReload).toBe(true);
    expect(plan.unit!.scope).toEqual(['--user']);
    expect(plan.actions.map((a) => a.argv)).toEqual([['systemctl', '--user', '--no-block', 'start', '--', 'nginx']]);
    // daemon_reload alone is a valid service task on systemd.
    const reload = sp({ name: 'nginx', daemon_reload: true });
    expect(planService(reload, systemd(reload)).unit!.daemonReload).toBe(true);
  });

  it('systemd: daemon_reexec, force for enable and mask', () => {
    const base = { running: true, load: 'loaded', active: 'active', enabled: 'disabled' };
    const plan = planUnit({ name: 'a', enabled: true, daemon_reload: false, daemon_reexec: true, force: true }, base);
    expect(plan.daemonReexec).toBe(true);
    expect(plan.actions.map((a) => a.argv)).toEqual([['systemctl', 'enable', '--force', '--', 'a']]);
    expect(() => params('systemd', { name: 'a', scope: 'world' })).toThrow(/^value of scope must be one of: global, system, user, got: world$/);
  });

  // Each wanted state against what runs now: exactly the one command Ansible's module runs, or none (then ok).
  it.each([
    ['started', true, [], 'started'],
    ['started', false, ['start'], 'started'],
    ['stopped', true, ['stop'], 'stopped'],
    ['stopped', false, [], 'stopped'],
    ['restarted', true, ['restart'], 'started'],
    ['restarted', false, ['restart'], 'started'],
    ['reloaded', true, ['reload'], 'started'],
    ['reloaded', false, ['start'], 'started'],
  ])('init script: state %s while running=%s runs %j and ends %s', (state, running, verbs, ends) => {
    const p = sp({ name: 'demo', state });
    const plan = planService(p, sysv(p, { status: running ? '0' : '3' }));
    expect(plan.actions.map((a) => a.argv)).toEqual((verbs as string[]).map((v) => ['service', 'demo', v]));
    expect(plan.result).toEqual({ name: 'demo', state: ends });
  });

  it.each([
    ['started', true, []],
    ['started', false, ['start']],
    ['stopped', true, ['stop']],
    ['stopped', false, []],
    ['restarted', true, ['restart']],
    ['restarted', false, ['start']],
    ['reloaded', true, ['reload']],
    ['reloaded', false, ['start']],
  ])('systemd: state %s while active=%s runs %j', (state, active, verbs) => {
    const p = sp({ name: 'demo', state });
    const s = parseServiceProbe(p, fields({ mgr: 'systemd', systemd: '1', load: 'loaded', active: active ? 'active' : 'inactive', enabled: 'enabled' }), 'h1', false);
    expect(planService(p, s).actions.map((a) => a.argv)).toEqual((verbs as string[]).map((v) => ['systemctl', v, '--', 'demo']));
  });

  it('init scripts: runlevels for enabled, sleep between stop and start of a restart', () => {
    const p = sp({ name: 'demo', enabled: true, runlevels: [2, 3] });
    expect(planService(p, sysv(p, { status: '0', slinks: '1', links: '5', slevels: '2 ' })).actions.map((a) => a.what)).toEqual(['update-rc.d demo enable']);
    expect(planService(p, sysv(p, { status: '0', slinks: '2', links: '5', slevels: '2 3 ' })).actions).toEqual([]);
    const off = sp({ name: 'demo', enabled: false, runlevels: ['3'] });
    expect(planService(off, sysv(off, { status: '0', slinks: '2', links: '5', slevels: '2 3 ' })).actions.map((a) => a.argv)).toEqual([['update-rc.d', 'demo', 'disable', '3']]);
    const r = sp({ name: 'demo', state: 'restarted', sleep: 2 });
    expect(planService(r, sysv(r, { status: '0' })).actions.map((a) => a.argv)).toEqual([
      ['service', 'demo', 'stop'],
      ['sleep', '2'],
      ['service', 'demo', 'start'],
    ]);
  });
});

describe('what the file and stat targets call', () => {
  it('file _diff_peek answers appears_binary and changes nothing', async () => {
    const p = params<Record<string, unknown>>('file', { path: '/x', _diff_peek: true });
    const commands: string[] = [];
    const ctx = { run: async (c: string) => (commands.push(c), { rc: 0, stdout: Buffer.from('binary\n'), stderr: Buffer.alloc(0) }) } as never;
    const s = await file.probe(ctx, p as never);
    const plan = file.plan(p as never, s);
    expect(plan.actions).toEqual([]);
    expect(await file.apply(ctx, p as never, plan)).toEqual({ changed: false, path: '/x', appears_binary: true });
    expect(commands[0]).toContain('head -c 8192');
  });
  it('stat get_md5 adds md5 for a regular readable file', () => {
    const p = params<StatParams>('stat', { path: '/x', get_md5: true });
    expect(statScript(p)).toContain('md5sum');
    expect(statScript(params<StatParams>('stat', { path: '/x' }))).not.toContain('md5sum');
    const facts = statFacts({ exists: '1', path: '/x', stat: '81a4|1|0|0|root|root|2|5|1|0|4096|0|0|1|2|3', md5: 'abc' }, p) as Record<string, unknown>;
    expect(facts.md5).toBe('abc');
  });
});
