/**
 * Transport pieces that need no host: the frame reader, quoting, ssh argument mapping, known_hosts
 * parsing and matching, ssh config look-ups, sudo failure classification.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifySudoFailure, becomeCommand } from '../src/transport/become.js';
import { buildFrame, FrameReader, shQuote } from '../src/transport/framing.js';
import {
  checkHostKey,
  entryMatches,
  fingerprint,
  hashHostName,
  knownHostName,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
} from '../src/transport/known-hosts.js';
import { parseProxyJump, resolveSshTarget } from '../src/transport/resolve.js';
import { parseSshArgs, shellSplit } from '../src/transport/ssh-args.js';
import { readSshConfig } from '../src/transport/ssh-config.js';
import { BecomeError, HostKeyError } from '../src/errors.js';

const made: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'fleet-transport-unit-'));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('FrameReader', () => {
  const token = '0123456789abcdef0123456789abcdef';
  const B = Buffer.from(`${token}B`);
  const E = Buffer.from(`${token}E`);

  it('reassembles output split at every possible byte boundary, markers included', () => {
    const body = Buffer.from([0, 1, 2, 10, 255, 0, 13, 10, 0x30]);
    const stream = Buffer.concat([Buffer.from('stray'), B, body, E, Buffer.from('17\n')]);
    for (let size = 1; size <= stream.length; size++) {
      const r = new FrameReader(B, E, true);
      let done = false;
      for (let i = 0; i < stream.length; i += size) done = r.push(stream.subarray(i, i + size));
      expect(done).toBe(true);
      expect(r.output().equals(body)).toBe(true);
      expect(r.trailerText()).toBe('17');
      expect(r.skipped).toBe(5);
    }
  });

  it('keeps a body that ends with a prefix of the end marker', () => {
    const body = Buffer.concat([Buffer.from('x'), E.subarray(0, E.length - 1)]);
    const r = new FrameReader(B, E, false);
    expect(r.push(Buffer.concat([B, body]))).toBe(false);
    expect(r.push(E)).toBe(true);
    expect(r.output().equals(body)).toBe(true);
  });

  it('an empty body is empty', () => {
    const r = new FrameReader(B, E, false);
    expect(r.push(Buffer.concat([B, E]))).toBe(true);
    expect(r.output().length).toBe(0);
  });
});

describe('buildFrame', () => {
  it('uses a new random token per command and quotes the command', () => {
    const a = buildFrame("echo 'hi'");
    const b = buildFrame("echo 'hi'");
    expect(a.token).toMatch(/^[0-9a-f]{32}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.script).toContain(`__fleet_c='echo '\\''hi'\\'''`);
    expect(a.script).toContain('</dev/null');
  });

  it('feeds stdin through a base64 here-document', () => {
    const f = buildFrame('cat', { stdin: Buffer.from([0, 255]) });
    expect(f.script).toContain(`base64 -d <<'FLEET_${f.token}' | (`);
    expect(f.script).toContain('AP8=\n');
  });

  it('refuses bad environment names and NUL bytes', () => {
    expect(() => buildFrame('true', { env: { 'A-B': '1' } })).toThrow(/invalid environment variable name/);
    expect(() => buildFrame('echo \0')).toThrow(/NUL/);
  });

  it('shQuote quotes only what needs it', () => {
    expect(shQuote('abc/def-1.2')).toBe('abc/def-1.2');
    expect(shQuote('')).toBe("''");
    expect(shQuote("a b'c")).toBe(`'a b'\\''c'`);
  });
});

describe('parseSshArgs', () => {
  it('maps the options fleet honours and reports the rest', () => {
    const r = parseSshArgs(
      `-o StrictHostKeyChecking=accept-new -o 'UserKnownHostsFile=/tmp/kh /tmp/kh2' -oConnectTimeout=7 -o ServerAliveInterval=3 ` +
        `-C -o ControlMaster=auto -o ControlPersist=60s -J jump@bastion:2200 -p2222 -i ~/.ssh/a -o IdentityFile=/k/b -l bob -vv`,
    );
    expect(r).toMatchObject({
      hostKeyChecking: 'accept-new',
      knownHostsFiles: ['/tmp/kh', '/tmp/kh2'],
      timeoutSec: 7,
      keepaliveSec: 3,
      proxyJump: 'jump@bastion:2200',
      port: 2222,
      privateKeyFiles: ['~/.ssh/a', '/k/b'],
      user: 'bob',
    });
    expect(r.ignored).toEqual(['-C', '-o ControlMaster=auto', '-o ControlPersist=60s', '-v', '-v']);
  });

  it('maps StrictHostKeyChecking words, -o Key Value and -o User/Port', () => {
    expect(parseSshArgs('-o StrictHostKeyChecking=no').hostKeyChecking).toBe('off');
    expect(parseSshArgs('-o "StrictHostKeyChecking yes"').hostKeyChecking).toBe('strict');
    expect(parseSshArgs('-o StrictHostKeyChecking=ask').hostKeyChecking).toBe('strict');
    expect(parseSshArgs('-o User=alice -o Port=2022 -o ProxyJump=a,b')).toMatchObject({ user: 'alice', port: 2022, proxyJump: 'a,b' });
  });

  it('turns a ProxyCommand of ssh -W into a ProxyJump, other ProxyCommands are ignored', () => {
    expect(parseSshArgs(`-o ProxyCommand="ssh -W %h:%p -q admin@bastion"`).proxyJump).toBe('admin@bastion');
    expect(parseSshArgs(`-o 'ProxyCommand=ssh -p 2200 -W %h:%p bastion'`).proxyJump).toBe('bastion:2200');
    const nc = parseSshArgs(`-o 'ProxyCommand=nc -X 5 -x proxy %h %p'`);
    expect(nc.proxyJump).toBeUndefined();
    expect(nc.ignored).toEqual(['-o ProxyCommand=nc -X 5 -x proxy %h %p']);
  });

  it('shellSplit handles quotes and escapes', () => {
    expect(shellSplit(`a 'b c' "d \\"e\\"" f\\ g`)).toEqual(['a', 'b c', 'd "e"', 'f g']);
  });
});

describe('ProxyJump parsing', () => {
  it('reads user, host, port, IPv6 and ssh:// forms', () => {
    expect(parseProxyJump('u@h:2200,h2,ssh://v@h3:22,[::1]:2022')).toEqual([
      { user: 'u', host: 'h', port: 2200 },
      { user: undefined, host: 'h2', port: undefined },
      { user: 'v', host: 'h3', port: 22 },
      { user: undefined, host: '::1', port: 2022 },
    ]);
    expect(parseProxyJump('none')).toEqual([]);
  });
});

// Two real key blobs (ssh-ed25519 and ecdsa) to match against.
const ED = 'AAAAC3NzaC1lZDI1NTE5AAAAIHvjKRna7mJPJ8UW9wdEnFyyLTreMUDEd+QwYdqNomv9';
const ED2 = 'AAAAC3NzaC1lZDI1NTE5AAAAILC5MWHYQoJ9kpVkrfLzqwT/F/N68Uf4Vma5b3Yn29L/';
const EC =
  'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBH77Nwiq4bYpSxUf8wWvrR8Z3Ahc2uQ9KOJ6pCcn30r+LcNKofuP95BA8UHOQY9NNeBtFce1YQiBq/mpGUSfg+A=';

describe('known_hosts', () => {
  it('parses markers, comments and several key types', () => {
    const e = parseKnownHosts(
      `# c\n\nweb1,10.0.0.1 ssh-ed25519 ${ED}\n@revoked * ssh-ed25519 ${ED2}\n@cert-authority *.example ssh-ed25519 ${ED}\nweb1 ecdsa-sha2-nistp256 ${EC} comment here\n`,
      'f',
    );
    expect(e.map((x) => [x.line, x.marker, x.keyType])).toEqual([
      [3, undefined, 'ssh-ed25519'],
      [4, 'revoked', 'ssh-ed25519'],
      [5, 'cert-authority', 'ssh-ed25519'],
      [6, undefined, 'ecdsa-sha2-nistp256'],
    ]);
  });

  it('matches hashed entries, [host]:port and patterns with negation', () => {
    expect(knownHostName('Web1', 22)).toBe('web1');
    expect(knownHostName('web1', 2222)).toBe('[web1]:2222');
    const hashed = hashHostName('[10.0.0.5]:2222');
    expect(entryMatches({ hosts: hashed }, '[10.0.0.5]:2222')).toBe(true);
    expect(entryMatches({ hosts: hashed }, '10.0.0.5')).toBe(false);
    // An entry hashed by OpenSSH's own ssh-keygen -H.
    const dir = tmp();
    const f = join(dir, 'kh');
    writeFileSync(f, `host1 ssh-ed25519 ${ED}\n[host2]:2022 ssh-ed25519 ${ED}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', f], { stdio: 'ignore' });
    const [h1, h2] = parseKnownHosts(readFileSync(f, 'utf8'), f);
    expect(h1.hosts).toMatch(/^\|1\|/);
    expect(entryMatches(h1, 'host1')).toBe(true);
    expect(entryMatches(h1, 'host2')).toBe(false);
    expect(entryMatches(h2, '[host2]:2022')).toBe(true);
    expect(entryMatches(h2, 'host2')).toBe(false);
    expect(entryMatches({ hosts: '*.example.com,!bad.example.com' }, 'a.example.com')).toBe(true);
    expect(entryMatches({ hosts: '*.example.com,!bad.example.com' }, 'bad.example.com')).toBe(false);
    expect(entryMatches({ hosts: 'web?' }, 'web1')).toBe(true);
    expect(entryMatches({ hosts: 'web?' }, 'web12')).toBe(false);
  });

  it('decides known, changed (file:line), revoked, unknown, accept-new and off', async () => {
    const dir = tmp();
    const kh = join(dir, 'known_hosts');
    writeFileSync(kh, `# header\nh1 ssh-ed25519 ${ED}\n@revoked * ssh-ed25519 ${ED2}\nh2 ecdsa-sha2-nistp256 ${EC}\n[h3]:2222 ssh-ed25519 ${ED}\n`);
    const key = (b64: string): Buffer => Buffer.from(b64, 'base64');
    const base = { port: 22, files: [kh], mode: 'strict' as const };
    expect((await checkHostKey({ ...base, host: 'h1', key: key(ED) })).status).toBe('known');
    expect((await checkHostKey({ ...base, host: 'h3', port: 2222, key: key(ED) })).status).toBe('known');
    const revoked = await checkHostKey({ ...base, host: 'h1', key: key(ED2) }).catch((e) => e);
    expect(revoked).toBeInstanceOf(HostKeyError);
    expect(revoked.message).toContain(`@revoked in ${kh}:3`);
    // h2 is known by its ecdsa key only: an ed25519 key is new for it, not changed.
    const unknown = await checkHostKey({ ...base, host: 'h2', key: key(ED) }).catch((e) => e);
    expect(unknown).toBeInstanceOf(HostKeyError);
    expect(unknown.message).toMatch(/is not known/);
    expect(unknown.context.hint).toContain(`ssh-keyscan -H h2 >> ${kh}`);
    // A different ed25519 key for h1 (where ED is on line 2) is a changed key.
    const other = Buffer.from(key(ED));
    other[other.length - 1] ^= 1;
    const changed = await checkHostKey({ ...base, host: 'h1', key: other }).catch((e) => e);
    expect(changed).toBeInstanceOf(HostKeyError);
    expect(changed.message).toContain(`Offending ssh-ed25519 key in ${kh}:2`);
    expect(changed.context.hint).toContain(`ssh-keygen -f "${kh}" -R "h1"`);
    expect(changed.message).toContain(fingerprint(other));
    // accept-new refuses a changed key too, and records a new host.
    await expect(checkHostKey({ ...base, mode: 'accept-new', host: 'h1', key: other })).rejects.toBeInstanceOf(HostKeyError);
    expect(await checkHostKey({ ...base, mode: 'accept-new', host: 'new', port: 2200, key: key(ED) })).toEqual({ status: 'added', file: kh });
    expect((await checkHostKey({ ...base, host: 'new', port: 2200, key: key(ED) })).status).toBe('known');
    expect((await checkHostKey({ ...base, mode: 'off', host: 'h1', key: other })).status).toBe('unchecked');
    // Known types first in the algorithm list.
    expect((await preferredHostKeyAlgorithms('h2', 22, [kh]))?.[0]).toBe('ecdsa-sha2-nistp256');
  });
});

describe('ssh config', () => {
  it('honours Host patterns, first value wins, IdentityFile accumulates, Include', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'extra.conf'), 'Host inc*\n  HostName 10.1.1.1\n  User incuser\n');
    const cfg = join(dir, 'config');
    writeFileSync(
      cfg,
      `Include ${dir}/*.conf\n` +
        'Host web* !web9\n  HostName 10.0.0.%h\n  User deploy\n  Port 2222\n  IdentityFile ~/.ssh/web\n  ProxyJump bastion\n' +
        '  StrictHostKeyChecking accept-new\n  UserKnownHostsFile /tmp/kh1 /tmp/kh2\n  ConnectTimeout 4\n  ServerAliveInterval 9\n' +
        'Host *\n  User nobody\n  IdentityFile ~/.ssh/all\n',
    );
    const v = readSshConfig('web1', cfg);
    expect(v).toMatchObject({
      user: 'deploy',
      port: 2222,
      proxyJump: 'bastion',
      strictHostKeyChecking: 'accept-new',
      userKnownHostsFiles: ['/tmp/kh1', '/tmp/kh2'],
      connectTimeout: 4,
      serverAliveInterval: 9,
    });
    expect(v.identityFiles).toEqual(['~/.ssh/web', '~/.ssh/all']);
    expect(readSshConfig('web9', cfg).user).toBe('nobody');
    expect(readSshConfig('inc1', cfg)).toMatchObject({ hostName: '10.1.1.1', user: 'incuser' });
    // Explicit spec values win; HostName rewrites the address.
    const t = resolveSshTarget({ host: 'w', kind: 'ssh', address: 'web1', user: 'explicit', sshConfigFile: cfg, proxyJump: 'none' });
    expect(t).toMatchObject({ address: '10.0.0.web1', user: 'explicit', port: 2222, timeoutSec: 4, keepaliveSec: 9, hostKeyChecking: 'accept-new' });
    expect(t.knownHostsFiles).toEqual(['/tmp/kh1', '/tmp/kh2', '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']);
    expect(t.jumps).toEqual([]);
    const j = resolveSshTarget({ host: 'w', kind: 'ssh', address: 'web1', sshConfigFile: cfg, timeoutSec: 3 });
    expect(j.jumps.map((h) => [h.address, h.user])).toEqual([['bastion', 'nobody']]);
    expect(j.timeoutSec).toBe(3);
  });
});

describe('sudo', () => {
  it('builds the command line without -n when a password is given, never with the password', () => {
    const p = becomeCommand({ password: 's3cret', flags: '-H -S -n' }, 'root', 'ab');
    expect(p.commandLine).not.toContain('s3cret');
    expect(p.commandLine).not.toMatch(/ -n /);
    expect(p.commandLine).toMatch(/^exec sudo -H -S -p '\[fleet-sudo-ab\] ' -u root \/bin\/sh -c /);
    expect(becomeCommand({}, 'deploy', 'ab').commandLine).toMatch(/^exec sudo -H -S -n -p/);
  });

  it('classifies what sudo says', () => {
    const plan = { prompt: '[p] ', user: 'root' };
    const c = (s: string, passwordGiven = false): BecomeError => classifySudoFailure(s, plan, { host: 'h', loginUser: 'bob', passwordGiven });
    expect(c('[p] Sorry, try again.\n[p] ').message).toBe('incorrect sudo password');
    expect(c('bob is not in the sudoers file.  This incident will be reported.').message).toMatch(/not allowed to use sudo/);
    expect(c('sudo: a password is required').message).toMatch(/requires a password for user bob/);
    expect(c('sh: 1: exec: sudo: not found').message).toMatch(/sudo is not installed/);
    expect(c('sudo: unknown user nosuch').message).toMatch(/does not exist/);
  });
});
