/**
 * Pure plans of the account modules (user, group, authorized_key, openssh_keypair, known_hosts):
 * probed state + parameters → actions and diff. No host is touched.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getModule, validateParams } from '../src/modules/index.js';
import { planAuthorizedKey, parseKeyLine, parseKeyOptions, type AuthorizedKeyParams, type AuthorizedKeyState } from '../src/modules/authorized_key.js';
import { planGroup, parseGroupLine, type GroupParams } from '../src/modules/group.js';
import { hashHost, newKnownHosts, planKnownHosts, type KnownHostsParams } from '../src/modules/known_hosts.js';
import { parseKeypairState, parseListLine, planKeypair, type KeypairParams, type KeypairState } from '../src/modules/openssh_keypair.js';
import { parseUserState, planUser, type UserParams, type UserState } from '../src/modules/user.js';
import { idGroups, NSS_FNS } from '../src/modules/util/nss.js';
import type { Step } from '../src/modules/util/run-steps.js';

function params<P>(module: string, args: Record<string, unknown>): P {
  const m = getModule(module);
  return validateParams(m.name, m.params, args) as P;
}
const argvs = (actions: Step[]) => actions.map((a) => a.argv ?? a.what);

describe('group plan', () => {
  const absent = parseGroupLine('');
  const present = parseGroupLine('devs:x:1500:alice,bob\n');
  it('creates a missing group with gid and system', () => {
    const p = params<GroupParams>('group', { name: 'devs', gid: 1500, system: true });
    const plan = planGroup(p, absent);
    expect(argvs(plan.actions)).toEqual([['groupadd', '-g', '1500', '-r', 'devs']]);
    expect(plan.diff![0]!.before).toBe('name: devs\nstate: absent\n');
    expect(plan.diff![0]!.after).toBe('name: devs\nstate: present\ngid: 1500\n');
  });
  it('non_unique needs a gid, as Ansible requires', () => {
    expect(() => planGroup(params<GroupParams>('group', { name: 'foo', non_unique: true }), absent)).toThrow('non_unique is True but all of the following are missing: gid');
    expect(argvs(planGroup(params<GroupParams>('group', { name: 'foo', gid: 1500, non_unique: true }), absent).actions)).toEqual([['groupadd', '-g', '1500', '-o', 'foo']]);
  });
  it('is ok when the group exists (gid equal or not asked)', () => {
    expect(planGroup(params<GroupParams>('group', { name: 'devs' }), present).actions).toEqual([]);
    expect(planGroup(params<GroupParams>('group', { name: 'devs', gid: '1500' }), present).actions).toEqual([]);
  });
  it('changes the gid with groupmod, removes with groupdel', () => {
    expect(argvs(planGroup(params<GroupParams>('group', { name: 'devs', gid: 1600 }), present).actions)).toEqual([['groupmod', '-g', '1600', 'devs']]);
    expect(argvs(planGroup(params<GroupParams>('group', { name: 'devs', state: 'absent' }), present).actions)).toEqual([['groupdel', 'devs']]);
    expect(planGroup(params<GroupParams>('group', { name: 'devs', state: 'absent' }), absent).actions).toEqual([]);
  });
  it('refuses a name that would split a line of /etc/group or pass for an option', () => {
    expect(() => planGroup(params<GroupParams>('group', { name: '-fevil' }), absent)).toThrow('the group name "-fevil" starts with "-", which the account tools would read as an option (and refuse as a name): give a name starting with a letter or "_"');
    expect(() => planGroup(params<GroupParams>('group', { name: 'a\nroot', state: 'absent' }), present)).toThrow('the group name "a\\nroot" contains a newline, NUL or \':\', which would split its line in /etc/group: give a plain name');
  });
  it('rejects bad parameters before any host', () => {
    expect(() => params('group', { name: 'x', state: 'gone' })).toThrow(/^value of state must be one of: absent, present, got: gone$/);
    expect(() => params('group', { name: 'x', gid: 'abc' })).toThrow(/gid must be an integer/);
    expect(() => params('group', { nmae: 'x' })).toThrow(/^Unsupported parameters for \(group\) module: nmae\./);
  });
});

describe('user plan', () => {
  const groups = (names: Record<string, number>) =>
    Object.values(names).length ? Object.fromEntries(Object.entries(names).map(([n, g]) => [`group:${n}`, `${n}:x:${g}:`])) : {};
  const out = (fields: Record<string, string>) => Object.entries(fields).map(([k, v]) => `${k}\0${v}\0`).join('');
  const existing = (p: UserParams, extra: Record<string, string> = {}): UserState =>
    parseUserState(
      p,
      out({
        passwd: 'alice:x:1001:1001:Alice:/home/alice:/bin/sh',
        primary: 'alice',
        groups: 'alice adm',
        shadow: '$6$old$hash',
        homeexists: '1',
        ...groups({ alice: 1001, adm: 4, sudo: 27, staff: 50 }),
        ...extra,
      }),
    );
  const missing = (p: UserParams): UserState => parseUserState(p, out(groups({ adm: 4, sudo: 27, staff: 50 })));

  it('creates a user with every attribute; the password goes to chpasswd on stdin', () => {
    const p = params<UserParams>('user', { name: 'alice', uid: 1001, group: 'staff', groups: 'adm,sudo', shell: '/bin/bash', home: '/srv/alice', comment: 'Alice', system: true, password: '$6$x$y' });
    const plan = planUser(p, missing(p));
    expect(argvs(plan.actions)).toEqual([
      ['useradd', '-u', '1001', '-g', 'staff', '-G', 'adm,sudo', '-c', 'Alice', '-d', '/srv/alice', '-s', '/bin/bash', '-r', '-m', 'alice'],
      ['chpasswd', '-e'],
    ]);
    expect(plan.passwordLine).toBe('alice:$6$x$y\n');
    const text = JSON.stringify(plan.diff);
    expect(text).not.toContain('$6$x$y');
    expect(plan.diff![0]!.after).toContain('password: <hidden>');
    expect(plan.diff![0]!.after).toContain('groups: adm,sudo');
  });
  it('create_home false gives -M; an existing group of the user name gives -N', () => {
    const p = params<UserParams>('user', { name: 'bob', createhome: false });
    const s = parseUserState(p, out(groups({ bob: 1200 })));
    expect(argvs(planUser(p, s).actions)).toEqual([['useradd', '-N', '-M', 'bob']]);
  });
  it('is ok when every attribute matches (groups as list or string, primary group excluded)', () => {
    const p = params<UserParams>('user', { name: 'alice', uid: 1001, group: 'alice', groups: ['adm', 'alice'], shell: '/bin/sh', home: '/home/alice', comment: 'Alice', password: '$6$old$hash' });
    const plan = planUser(p, existing(p));
    expect(plan.actions).toEqual([]);
    expect(plan.diff).toBeUndefined();
  });
  it('modifies only what differs, with usermod', () => {
    const p = params<UserParams>('user', { name: 'alice', uid: 1005, shell: '/bin/bash', comment: 'A.' });
    expect(argvs(planUser(p, existing(p)).actions)).toEqual([['usermod', '-u', '1005', '-c', 'A.', '-s', '/bin/bash', 'alice']]);
  });
  it('groups: replaced without append, added with append', () => {
    const p = params<UserParams>('user', { name: 'alice', groups: 'sudo' });
    expect(argvs(planUser(p, existing(p)).actions)).toEqual([['usermod', '-G', 'sudo', 'alice']]);
    const a = params<UserParams>('user', { name: 'alice', groups: 'sudo', append: true });
    const plan = planUser(a, existing(a));
    expect(argvs(plan.actions)).toEqual([['usermod', '-a', '-G', 'sudo', 'alice']]);
    expect(plan.diff![0]!.after).toContain('groups: adm,sudo');
    const same = params<UserParams>('user', { name: 'alice', groups: 'adm', append: true });
    expect(planUser(same, existing(same)).actions).toEqual([]);
    const none = params<UserParams>('user', { name: 'alice', groups: '' });
    expect(argvs(planUser(none, existing(none)).actions)).toEqual([['usermod', '-G', '', 'alice']]);
  });
  it('a missing group fails with Ansible\'s message', () => {
    const p = params<UserParams>('user', { name: 'alice', groups: 'nosuch' });
    expect(() => planUser(p, existing(p))).toThrow('Group nosuch does not exist');
  });
  it('password: changed when the hash differs (always), never on_create; never in the diff', () => {
    const p = params<UserParams>('user', { name: 'alice', password: '$6$new$hash' });
    const plan = planUser(p, existing(p));
    expect(argvs(plan.actions)).toEqual([['chpasswd', '-e']]);
    expect(plan.diff![0]!.after).toContain('password: <hidden> (changed)');
    expect(JSON.stringify(plan.diff)).not.toContain('$6$');
    const o = params<UserParams>('user', { name: 'alice', password: '$6$new$hash', update_password: 'on_create' });
    expect(planUser(o, existing(o)).actions).toEqual([]);
    expect(getModule('user').params.password!.noLog).toBe(true);
  });
  it('home: -d, with -m when move_home; a missing home directory is created', () => {
    const p = params<UserParams>('user', { name: 'alice', home: '/srv/a', move_home: true });
    expect(argvs(planUser(p, existing(p)).actions)).toEqual([['usermod', '-d', '/srv/a', '-m', 'alice']]);
    const q = params<UserParams>('user', { name: 'alice' });
    const s = existing(q);
    s.homeExists = false;
    expect(argvs(planUser(q, s).actions)).toEqual(['create home directory']);
    expect(planUser(params<UserParams>('user', { name: 'alice', create_home: false }), s).actions).toEqual([]);
  });
  it('absent: userdel with -r (remove) and -f (force); nothing for a missing user', () => {
    const p = params<UserParams>('user', { name: 'alice', state: 'absent', remove: true, force: true });
    expect(argvs(planUser(p, existing(p)).actions)).toEqual([['userdel', '-f', '-r', 'alice']]);
    expect(planUser(p, missing(p)).actions).toEqual([]);
  });
  it('refuses a password or name that would split a line of /etc/shadow or pass for an option; never echoes the password', () => {
    const ok = params<UserParams>('user', { name: 'alice', password: '$6$s$h' });
    expect(planUser(ok, existing(ok)).passwordLine).toBe('alice:$6$s$h\n');
    for (const password of ['$6$s$h\nroot:$6$x$y', '$6$s$h\rx', '$6$s$h\0', '$6$s:h']) {
      const p = params<UserParams>('user', { name: 'alice', password });
      let msg = '';
      try {
        planUser(p, existing(p));
      } catch (e) {
        msg = (e as Error).message;
      }
      expect(msg).toBe("password contains a newline, NUL or ':', which would split its line in /etc/shadow (and could write another account's entry): give a crypt hash such as the one password_hash produces");
    }
    const refused = (args: Record<string, unknown>) => () => planUser(params<UserParams>('user', args), missing(params<UserParams>('user', args)));
    expect(refused({ name: 'root\nx' })).toThrow('the user name "root\\nx" contains a newline, NUL or \':\', which would split its line in /etc/passwd: give a plain name');
    expect(refused({ name: 'a:b' })).toThrow('contains a newline, NUL or');
    expect(refused({ name: '-oevil', state: 'absent' })).toThrow('the user name "-oevil" starts with "-", which the account tools would read as an option (and refuse as a name): give a name starting with a letter or "_"');
    expect(refused({ name: 'alice', groups: ['adm', '-x'] })).toThrow('the group name "-x" starts with "-"');
    expect(refused({ name: 'alice', group: 'g:1' })).toThrow('the group name "g:1" contains');
  });
  it('rejects bad parameters', () => {
    expect(() => params('user', { name: 'a', update_password: 'sometimes' })).toThrow(/update_password must be one of/);
    expect(() => params('user', { name: 'a', uid: 'x' })).toThrow(/uid must be an integer/);
  });
});

const ED = 'AAAAC3NzaC1lZDI1NTE5AAAAIDtsoZDYhKY0AoHedEn8Y8oCEo7o7ZwJeKUcrjqYj9Z+';
const ED2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIIJ3bbrR0ZhfP3vfGPb6oqh3cHD3VVM1bOBeGfnRbNdx';

describe('authorized_key plan', () => {
  const state = (content?: string): AuthorizedKeyState => ({ userExists: true, uid: 1000, gid: 1000, keyfile: '/home/u/.ssh/authorized_keys', ...(content !== undefined ? { content } : {}) });
  const ak = (args: Record<string, unknown>) => params<AuthorizedKeyParams>('authorized_key', { user: 'u', ...args });

  it('parses key lines with options and comments', () => {
    expect(parseKeyLine(`no-pty,command="echo a,b" ssh-ed25519 ${ED} me@x y`)).toEqual({ blob: ED, type: 'ssh-ed25519', options: [['no-pty', null], ['command', '"echo a,b"']], comment: 'me@x y', rank: 0 });
    expect(parseKeyLine('# comment')).toBeNull();
    expect(parseKeyOptions('from="10.0.0.1,10.0.0.2",no-agent-forwarding')).toEqual([['from', '"10.0.0.1,10.0.0.2"'], ['no-agent-forwarding', null]]);
  });
  it('adds a key to a missing file: mode 0600, owner, manage_dir', () => {
    const plan = planAuthorizedKey(ak({ key: `ssh-ed25519 ${ED} me` }), state());
    expect(plan.content).toBe(`ssh-ed25519 ${ED} me\n`);
    expect(plan.actions[0]!.script).toContain('chmod 0600 "$t"');
    expect(plan.actions[0]!.script).toContain('chown 1000:1000 "$t"');
    expect(plan.actions[0]!.script).toContain('mkdir -m 0700');
    expect(plan.diff![0]).toMatchObject({ before: '', after: `ssh-ed25519 ${ED} me\n`, before_header: '/home/u/.ssh/authorized_keys' });
    expect(planAuthorizedKey(ak({ key: `ssh-ed25519 ${ED} me`, manage_dir: false }), state()).actions[0]!.script).not.toContain('chmod 0700');
  });
  it('is ok when the key is there (same options and comment)', () => {
    expect(planAuthorizedKey(ak({ key: `ssh-ed25519 ${ED} me` }), state(`# keys\nssh-ed25519 ${ED} me\n`)).actions).toEqual([]);
  });
  it('a different comment or options rewrites the key, after the other keys', () => {
    const plan = planAuthorizedKey(ak({ key: `ssh-ed25519 ${ED} new` }), state(`ssh-ed25519 ${ED} me\nssh-ed25519 ${ED2} other\n`));
    expect(plan.content).toBe(`ssh-ed25519 ${ED2} other\nssh-ed25519 ${ED} new\n`);
    const opt = planAuthorizedKey(ak({ key: `ssh-ed25519 ${ED} me`, key_options: 'no-pty,from="10.0.0.1"' }), state(`ssh-ed25519 ${ED} me\n`));
    expect(opt.content).toBe(`no-pty,from="10.0.0.1" ssh-ed25519 ${ED} me\n`);
    const c = planAuthorizedKey(ak({ key: `ssh-ed25519 ${ED} me`, comment: 'renamed' }), state(`ssh-ed25519 ${ED} me\n`));
    expect(c.content).toBe(`ssh-ed25519 ${ED} renamed\n`);
  });
  it('several keys at once, exclusive drops every other line', () => {
    const key = `ssh-ed25519 ${ED} a\nssh-ed25519 ${ED2} b\n`;
    const plan = planAuthorizedKey(ak({ key, exclusive: true }), state(`# old\nssh-rsa AAAAB3Nz other\nssh-ed25519 ${ED2} b\n`));
    expect(plan.content).toBe(`ssh-ed25519 ${ED2} b\nssh-ed25519 ${ED} a\n`);
    expect(planAuthorizedKey(ak({ key, exclusive: true }), state(`ssh-ed25519 ${ED} a\nssh-ed25519 ${ED2} b\n`)).actions).toEqual([]);
  });
  it('absent removes the key whatever its comment; ok when missing', () => {
    const plan = planAuthorizedKey(ak({ key: `ssh-ed25519 ${ED}`, state: 'absent' }), state(`ssh-ed25519 ${ED2} b\nssh-ed25519 ${ED} a\n`));
    expect(plan.content).toBe(`ssh-ed25519 ${ED2} b\n`);
    expect(planAuthorizedKey(ak({ key: `ssh-ed25519 ${ED}`, state: 'absent' }), state(`ssh-ed25519 ${ED2} b\n`)).actions).toEqual([]);
  });
  it('fails on an invalid key, an unknown user or a URL', () => {
    expect(() => planAuthorizedKey(ak({ key: 'not a key' }), state())).toThrow('invalid key specified: not a key');
    expect(() => planAuthorizedKey(ak({ key: `ssh-ed25519 ${ED}` }), { userExists: false })).toThrow(/Failed to lookup user u/);
    expect(() => planAuthorizedKey(ak({ key: 'https://github.com/x.keys' }), state())).toThrow(/URL/);
  });
});

describe('openssh_keypair plan', () => {
  const kp = (args: Record<string, unknown>) => params<KeypairParams>('openssh_keypair', { path: '/root/.ssh/k', ...args });
  const out = (fields: Record<string, string>) => Object.entries(fields).map(([k, v]) => `${k}\0${v}\0`).join('');
  const none = parseKeypairState(out({ filename: '/root/.ssh/k', dir: '1' }));
  const ed: KeypairState = parseKeypairState(
    out({
      filename: '/root/.ssh/k',
      dir: '1',
      exists: '1',
      isfile: '1',
      attrs: '600|0|root|0|root',
      list: `256 SHA256:abc fleet (ED25519)`,
      derived: `ssh-ed25519 ${ED} fleet`,
      unencrypted: '1',
      pub: `ssh-ed25519 ${ED} fleet\n`,
      pubattrs: '644|0|root|0|root',
    }),
  );
  it('parses ssh-keygen -l', () => {
    expect(parseListLine('3072 SHA256:xyz no comment (RSA)')).toEqual({ size: 3072, fingerprint: 'SHA256:xyz', comment: '', type: 'rsa' });
    expect(ed).toMatchObject({ exists: true, loadable: true, size: 256, keyType: 'ed25519', listComment: 'fleet' });
  });
  it('generates a missing key with ssh-keygen (type, size, comment, passphrase)', () => {
    const plan = planKeypair(kp({ type: 'rsa', size: 2048, comment: 'c', passphrase: 'pw' }), none);
    expect(argvs(plan.actions)).toEqual([['rm', '-f', '--', '/root/.ssh/k', '/root/.ssh/k.pub'], ['ssh-keygen', '-q', '-t', 'rsa', '-b', '2048', '-N', 'pw', '-C', 'c', '-f', '/root/.ssh/k']]);
    expect(JSON.stringify(plan.diff)).not.toContain('pw');
    expect(argvs(planKeypair(kp({ type: 'ed25519', mode: '0640', owner: 'deploy' }), none).actions).slice(1)).toEqual([
      ['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', '/root/.ssh/k'],
      ['chmod', '0640', '--', '/root/.ssh/k'],
      ['chown', 'deploy', '--', '/root/.ssh/k'],
      ['chmod', '0640', '--', '/root/.ssh/k.pub'],
      ['chown', 'deploy', '--', '/root/.ssh/k.pub'],
    ]);
  });
  it('is ok for a matching key; type/size mismatch follows regenerate', () => {
    expect(planKeypair(kp({ type: 'ed25519', comment: 'fleet' }), ed).actions).toEqual([]);
    expect(planKeypair(kp({ type: 'rsa' }), ed).regenerated).toBe(true);
    expect(planKeypair(kp({ type: 'rsa', regenerate: 'never' }), ed).actions).toEqual([]);
    expect(() => planKeypair(kp({ type: 'rsa', regenerate: 'fail' }), ed)).toThrow(/Key has wrong type and\/or size/);
    expect(planKeypair(kp({ type: 'ed25519', regenerate: 'always' }), ed).regenerated).toBe(true);
    expect(planKeypair(kp({ type: 'ed25519', force: true }), ed).regenerated).toBe(true);
  });
  it('full_idempotence also checks the passphrase', () => {
    expect(planKeypair(kp({ type: 'ed25519', regenerate: 'full_idempotence' }), ed).actions).toEqual([]);
    expect(planKeypair(kp({ type: 'ed25519', regenerate: 'full_idempotence', passphrase: 'x' }), ed).regenerated).toBe(true);
    expect(planKeypair(kp({ type: 'ed25519', passphrase: 'x' }), ed).actions).toEqual([]);
  });
  it('restores a missing or wrong .pub, applies a new comment, fixes the mode', () => {
    const noPub = { ...ed, pub: undefined } as KeypairState;
    delete noPub.pub;
    const plan = planKeypair(kp({ type: 'ed25519' }), noPub);
    expect(plan.regenerated).toBe(false);
    expect(plan.actions[0]!.script).toContain(`ssh-ed25519 ${ED} fleet`);
    expect(argvs(planKeypair(kp({ type: 'ed25519', comment: 'other' }), ed).actions)).toEqual([['ssh-keygen', '-q', '-c', '-C', 'other', '-P', '', '-f', '/root/.ssh/k']]);
    expect(argvs(planKeypair(kp({ type: 'ed25519', mode: '0400' }), ed).actions)).toEqual([['chmod', '0400', '--', '/root/.ssh/k'], ['chmod', '0400', '--', '/root/.ssh/k.pub']]);
    expect(planKeypair(kp({ type: 'ed25519', mode: 0o600 }), { ...ed, pubAttrs: { ...ed.pubAttrs!, mode: '0600' } }).actions).toEqual([]);
  });
  it('fails when the directory is missing, as community.crypto', () => {
    expect(() => planKeypair(kp({}), parseKeypairState(out({ filename: '/nope/k' })))).toThrow('The directory /nope does not exist or the file is not a directory');
  });
  it('absent removes both files', () => {
    expect(argvs(planKeypair(kp({ state: 'absent' }), ed).actions)).toEqual([['rm', '-f', '--', '/root/.ssh/k', '/root/.ssh/k.pub']]);
    expect(planKeypair(kp({ state: 'absent' }), none).actions).toEqual([]);
  });
  it('rejects bad parameters', () => {
    expect(() => kp({ type: 'rsa1' })).toThrow(/type must be one of/);
    expect(() => kp({ regenerate: 'sometimes' })).toThrow(/regenerate must be one of/);
    const m = getModule('community.crypto.openssh_keypair');
    expect(() => m.plan(kp({ type: 'ecdsa', size: 300 }), none)).toThrow(/256, 384 or 521/);
    expect(m.params.passphrase!.noLog).toBe(true);
  });
});

describe('known_hosts plan', () => {
  const kh = (args: Record<string, unknown>) => params<KnownHostsParams>('known_hosts', { name: 'node1', ...args });
  const line = `node1 ssh-ed25519 ${ED}`;
  it('adds a missing host, ok when present', () => {
    const plan = planKnownHosts(kh({ key: line }), { file: '/root/.ssh/known_hosts', dirExists: true });
    expect(plan.content).toBe(`${line}\n`);
    expect(plan.diff![0]).toMatchObject({ before: '', after: `${line}\n` });
    expect(planKnownHosts(kh({ key: line }), { file: '/f', dirExists: true, content: `other ssh-rsa AAAA\n${line}\n` }).actions).toEqual([]);
  });
  it('replaces a key of the same type; keeps other types', () => {
    const old = `node1,10.0.0.1 ssh-ed25519 ${ED2}\nnode1 ssh-rsa AAAAB3Nz\n`;
    expect(newKnownHosts(kh({ key: line }), old).content).toBe(`node1 ssh-rsa AAAAB3Nz\n${line}\n`);
  });
  it('hash_host writes a hashed host that matches on the next run', () => {
    const first = newKnownHosts(kh({ key: line, hash_host: true }), '');
    expect(first.content).toMatch(/^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /);
    expect(newKnownHosts(kh({ key: line, hash_host: true }), first.content).write).toBe(false);
    // As Ansible's module: an entry in the other form than the one asked is written again.
    expect(newKnownHosts(kh({ key: line }), first.content)).toEqual({ write: true, content: `${line}\n` });
    const rehashed = newKnownHosts(kh({ key: line, hash_host: true }), `${line}\n`);
    expect(rehashed.write).toBe(true);
    expect(rehashed.content).toMatch(new RegExp(`^\\|1\\|[^ ]+ ssh-ed25519 ${ED.replace(/[+/]/g, '\\$&')}\\n$`));
  });
  it('a comma-separated list of names fails as Ansible', () => {
    expect(() => newKnownHosts(kh({ name: 'node1,node2', key: `node1 ssh-ed25519 ${ED}` }), '')).toThrow('Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file.');
  });
  it('[host]:port names', () => {
    const k = `[node1]:2222 ssh-ed25519 ${ED}`;
    expect(newKnownHosts(kh({ name: '[node1]:2222', key: k }), `node1 ssh-ed25519 ${ED}\n`).write).toBe(true);
    expect(newKnownHosts(kh({ name: '[node1]:2222', key: k }), `${k}\n`).write).toBe(false);
  });
  it('absent: the key given, or every line of the host', () => {
    const content = `node1 ssh-ed25519 ${ED}\nnode2 ssh-ed25519 ${ED}\n${hashHost('node1', Buffer.alloc(20, 1))} ssh-rsa AAAA\n`;
    expect(newKnownHosts(kh({ state: 'absent' }), content).content).toBe(`node2 ssh-ed25519 ${ED}\n`);
    expect(newKnownHosts(kh({ state: 'absent', key: line }), content).content).toBe(`node2 ssh-ed25519 ${ED}\n${hashHost('node1', Buffer.alloc(20, 1))} ssh-rsa AAAA\n`);
    expect(newKnownHosts(kh({ state: 'absent' }), `node2 ssh-rsa AAAA\n`).write).toBe(false);
  });
  it('fails when the key names another host or is not a key', () => {
    expect(() => newKnownHosts(kh({ key: `node2 ssh-ed25519 ${ED}` }), '')).toThrow(/does not match the host field/);
    expect(() => newKnownHosts(kh({ key: 'garbage' }), '')).toThrow(/Invalid key specified/);
    expect(() => newKnownHosts(kh({}), '')).toThrow(/key parameter is missing/);
  });
});

describe('account lookups by shell builtins (util/nss.ts)', () => {
  // The functions read /etc/nsswitch.conf and /etc/DB: here, files of a temporary directory.
  const dir = mkdtempSync(join(tmpdir(), 'fleet-nss-'));
  writeFileSync(join(dir, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\nalice:x:2000:2000::/dup:/bin/sh\nlast:x:7:7::/l:/bin/sh');
  writeFileSync(join(dir, 'group'), 'root:x:0:\nalice:x:1000:\ndevs:x:1500:bob,alice\nalias:x:1500:\nops:x:1600:alice\nopsdup:x:1600:\nother:x:1700:alicex\n');
  const shells = ['dash', ...(spawnSync('busybox', ['true']).status === 0 ? ['busybox'] : [])];
  const run = (sh: string, nsswitch: string | null, body: string) => {
    const ns = join(dir, 'nsswitch.conf');
    if (nsswitch === null) rmSync(ns, { force: true });
    else writeFileSync(ns, nsswitch);
    const script = `${NSS_FNS.replaceAll('/etc/nsswitch.conf', ns).replaceAll('"/etc/$1"', `"${dir}/$1"`)}\n${body}`;
    const r = spawnSync(sh, sh === 'busybox' ? ['sh', '-c', script] : ['-c', script], { encoding: 'utf8' });
    return r.stdout;
  };
  const lookup = 'for x in alice last ghost a:b; do __ent passwd "$x"; echo "$x $? $__e"; done';
  it('files first: the first line of the file, absent when the name is not there (3: ask getent when systemd follows)', () => {
    for (const sh of shells) {
      for (const conf of ['passwd: files\ngroup: files\n', '  passwd :files # local\n', null, '# nothing about passwd\nhosts: files dns\n']) {
        expect(run(sh, conf, lookup), `${sh} ${conf}`).toBe('alice 0 alice:x:1000:1000:Alice:/home/alice:/bin/sh\nlast 0 last:x:7:7::/l:/bin/sh\nghost 2 \na:b 3 \n');
      }
      expect(run(sh, 'passwd:         files systemd\n', lookup)).toBe('alice 0 alice:x:1000:1000:Alice:/home/alice:/bin/sh\nlast 0 last:x:7:7::/l:/bin/sh\nghost 3 \na:b 3 \n');
    }
  });
  it('any other source or an action leaves every lookup to the system', () => {
    for (const sh of shells) {
      for (const conf of ['passwd: files ldap\n', 'passwd: sss files\n', 'passwd: compat\n', 'passwd: files [NOTFOUND=return] systemd\n', 'passwd: systemd files\n', 'passwd:\n']) {
        expect(run(sh, conf, lookup), `${sh} ${conf}`).toBe('alice 3 \nlast 3 \nghost 3 \na:b 3 \n');
      }
    }
  });
  it('__dump gives the whole file; idGroups answers as id -gn / id -Gn', () => {
    const d = run('dash', 'group: files systemd\n', '__dump group && printf %s "$__d"');
    expect(d).toBe(readFileSync(join(dir, 'group'), 'utf8'));
    const dent = 'for x in alias devs ghost dev a:b; do __dent "$x"; echo "$x $? $__e"; done';
    expect(run('dash', 'group: files\n', `__dump group; ${dent}`)).toBe('alias 0 alias:x:1500:\ndevs 0 devs:x:1500:bob,alice\nghost 2 \ndev 2 \na:b 3 \n');
    expect(run('dash', 'group: files systemd\n', `__dump group; ${dent}`)).toBe('alias 0 alias:x:1500:\ndevs 0 devs:x:1500:bob,alice\nghost 3 \ndev 3 \na:b 3 \n');
    // One name per gid (the first line that has it), the primary first; an unnamed gid as its number.
    expect(idGroups('alice', 1000, d)).toEqual({ primary: 'alice', groups: 'alice devs ops' });
    expect(idGroups('alice', 4242, d)).toEqual({ primary: '4242', groups: '4242 devs ops' });
    expect(idGroups('bob', 1500, d)).toEqual({ primary: 'devs', groups: 'devs' });
  });
  it('the user probe takes its groups from the group file when NSS allows', () => {
    const p = params<UserParams>('user', { name: 'alice', groups: ['ops'] });
    const grfile = readFileSync(join(dir, 'group'), 'utf8');
    const out = ['passwd', 'alice:x:1000:1000:Alice:/home/alice:/bin/sh', 'grfile', grfile, 'group:ops', 'ops:x:1600:alice', 'homeexists', '1', ''].join('\0');
    expect(parseUserState(p, out)).toMatchObject({ exists: true, primaryGroup: 'alice', groups: ['devs', 'ops'], homeExists: true, groupInfo: { ops: { name: 'ops', gid: 1600 }, alice: null } });
    const viaId = ['passwd', 'alice:x:1000:1000:Alice:/home/alice:/bin/sh', 'primary', 'alice', 'groups', 'alice devs ops', ''].join('\0');
    expect(parseUserState(p, viaId)).toMatchObject({ primaryGroup: 'alice', groups: ['devs', 'ops'] });
  });
});
