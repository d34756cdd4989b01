/**
 * The core modules that touch hosts — stat, wait_for, setup, script — against real lab nodes over
 * SSH, through runModule (check mode too), counting round trips.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runModule } from '../src/executor/run-module.js';
import { labExec, type LabInfo } from '../src/lab/index.js';
import { getModule, validateParams, type ModuleResult } from '../src/modules/index.js';
import { createConnection, type Connection, type ConnectionSpec } from '../src/transport/index.js';
import { useLab } from './helpers/lab.js';

function specFor(lab: LabInfo, index: number, user = 'root'): ConnectionSpec {
  const node = lab.nodes[index]!;
  return {
    host: node.name,
    kind: 'ssh',
    address: node.address,
    port: 22,
    user,
    privateKeyFiles: [lab.privateKeyPath],
    knownHostsFiles: [lab.knownHostsPath],
    hostKeyChecking: 'strict',
    timeoutSec: 5,
    agent: '',
    sshConfigFile: false,
  };
}

/** Wraps a connection to count the commands (round trips) a module makes. */
class Counting implements Connection {
  runs = 0;
  constructor(private readonly inner: Connection) {}
  get host() {
    return this.inner.host;
  }
  connect() {
    return this.inner.connect();
  }
  run(...a: Parameters<Connection['run']>) {
    this.runs++;
    return this.inner.run(...a);
  }
  put(...a: Parameters<Connection['put']>) {
    this.runs++;
    return this.inner.put(...a);
  }
  get(...a: Parameters<Connection['get']>) {
    this.runs++;
    return this.inner.get(...a);
  }
  close() {
    return this.inner.close();
  }
}

describe('core modules on lab nodes', () => {
  const lab = useLab(2, 't-modcore');
  const open: Connection[] = [];
  const conns = new Map<string, Connection>();
  const conn = (index = 0, user = 'root'): Connection => {
    const key = `${index}/${user}`;
    let c = conns.get(key);
    if (!c) {
      c = createConnection(specFor(lab(), index, user));
      conns.set(key, c);
      open.push(c);
    }
    return c;
  };
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
  });
  const sh = async (cmd: string, index = 0) => {
    const r = await labExec(lab().nodes[index]!, ['sh', '-c', cmd]);
    expect(r.rc, r.stderr).toBe(0);
    return r.stdout;
  };

  async function run(
    name: string,
    args: Record<string, unknown>,
    o: { checkMode?: boolean; index?: number; user?: string; become?: boolean; becomeUser?: string; searchPaths?: string[] } = {},
  ): Promise<{ result: ModuleResult; runs: number; ms: number }> {
    const module = getModule(name);
    const connection = new Counting(conn(o.index ?? 0, o.user ?? 'root'));
    await connection.connect();
    const start = Date.now();
    const result = await runModule({
      module,
      params: validateParams(module.name, module.params, args, module),
      connection,
      host: connection.host,
      become: o.become ?? false,
      ...(o.becomeUser ? { becomeUser: o.becomeUser } : {}),
      checkMode: o.checkMode ?? false,
      ...(o.searchPaths ? { searchPaths: o.searchPaths } : {}),
    });
    return { result, runs: connection.runs, ms: Date.now() - start };
  }

  describe('stat', () => {
    it('reads a file in one round trip: mode, owner, size, checksum, mime', async () => {
      const content = 'hello fleet\n';
      await sh(`printf 'hello fleet\\n' > /tmp/st.txt && chown deploy:deploy /tmp/st.txt && chmod 0640 /tmp/st.txt`);
      const { result, runs } = await run('stat', { path: '/tmp/st.txt' });
      expect(runs).toBe(1);
      expect(result.changed).toBe(false);
      expect(result.stat).toMatchObject({
        exists: true,
        path: '/tmp/st.txt',
        mode: '0640',
        isreg: true,
        isdir: false,
        islnk: false,
        size: content.length,
        pw_name: 'deploy',
        gr_name: 'deploy',
        rusr: true,
        wusr: true,
        rgrp: true,
        roth: false,
        readable: true,
        writeable: true,
        executable: false,
        checksum: createHash('sha1').update(content).digest('hex'),
        mimetype: 'text/plain',
        charset: 'us-ascii',
        nlink: 1,
      });
      const st = result.stat as Record<string, number>;
      expect(st.mtime).toBeGreaterThan(Date.now() / 1000 - 3600);
      expect(Number.isInteger(st.uid) && Number.isInteger(st.inode)).toBe(true);
      const md5 = await run('stat', { path: '/tmp/st.txt', checksum_algorithm: 'sha256', get_mime: false });
      expect((md5.result.stat as Record<string, unknown>).checksum).toBe(createHash('sha256').update(content).digest('hex'));
      expect(md5.result.stat).not.toHaveProperty('mimetype');
    });
    it('reports a missing path, a directory, a symlink with and without follow', async () => {
      await sh('mkdir -p /tmp/std && ln -sfn /tmp/st.txt /tmp/st.lnk');
      expect((await run('stat', { path: '/tmp/nothing-here' })).result).toEqual({ changed: false, stat: { exists: false } });
      expect((await run('stat', { path: '/tmp/std' })).result.stat).toMatchObject({ exists: true, isdir: true, mode: '0755' });
      const link = (await run('stat', { path: '/tmp/st.lnk' })).result.stat as Record<string, unknown>;
      expect(link).toMatchObject({ islnk: true, isreg: false, lnk_target: '/tmp/st.txt', lnk_source: '/tmp/st.txt' });
      expect(link).not.toHaveProperty('checksum');
      const followed = (await run('stat', { path: '/tmp/st.lnk', follow: true })).result.stat as Record<string, unknown>;
      expect(followed).toMatchObject({ islnk: false, isreg: true, mode: '0640' });
      expect(followed).not.toHaveProperty('lnk_target');
      expect(followed.checksum).toBe(createHash('sha1').update('hello fleet\n').digest('hex'));
    });
    it('expands ~ for the connecting (or become) user and tests access as that user', async () => {
      await sh('printf x > /tmp/rootonly && chmod 0600 /tmp/rootonly');
      expect((await run('stat', { path: '~' })).result.stat).toMatchObject({ path: '/root', isdir: true });
      expect((await run('stat', { path: '~', get_checksum: false }, { user: 'deploy' })).result.stat).toMatchObject({ path: '/home/deploy', pw_name: 'deploy' });
      const denied = (await run('stat', { path: '/tmp/rootonly' }, { user: 'deploy' })).result.stat as Record<string, unknown>;
      expect(denied).toMatchObject({ exists: true, readable: false, writeable: false });
      expect(denied).not.toHaveProperty('checksum');
      expect((await run('stat', { path: '/tmp/rootonly' }, { user: 'deploy', become: true })).result.stat).toMatchObject({ readable: true, checksum: expect.any(String) });
    });
    it('gives the full result in check mode', async () => {
      const { result } = await run('stat', { path: '/tmp/st.txt' }, { checkMode: true });
      expect(result.stat).toMatchObject({ exists: true, mode: '0640' });
    });
  });

  describe('wait_for', () => {
    it('sees sshd listening, on loopback and on another node, in one round trip', async () => {
      const local = await run('wait_for', { port: 22, timeout: 10 });
      expect(local.runs).toBe(1);
      expect(local.result).toMatchObject({ changed: false, state: 'started', port: 22, elapsed: 0 });
      expect(local.result.failed).toBeUndefined();
      const other = await run('wait_for', { host: lab().nodes[1]!.address, port: 22, timeout: 10 });
      expect(other.result).toMatchObject({ state: 'started', port: 22 });
    });
    it('matches a regex in what the port sends and returns its groups', async () => {
      const { result } = await run('wait_for', { port: 22, search_regex: 'OpenSSH_(?P<version>[0-9.]+)', timeout: 10 });
      expect(result.failed).toBeUndefined();
      expect(result.match_groupdict).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+/) });
      expect(result.match_groups).toEqual([expect.stringMatching(/^\d/)]);
    });
    it('times out on a closed port with Ansible\'s message; stopped succeeds at once', async () => {
      const closed = await run('wait_for', { port: 2, timeout: 2, connect_timeout: 1 });
      expect(closed.result).toMatchObject({ failed: true, msg: 'Timeout when waiting for 127.0.0.1:2', elapsed: 2 });
      expect(closed.ms).toBeGreaterThanOrEqual(1900);
      expect(closed.ms).toBeLessThan(6000);
      expect(closed.runs).toBe(1);
      const stopped = await run('wait_for', { port: 2, state: 'stopped', timeout: 5 });
      expect(stopped.result).toMatchObject({ state: 'stopped', elapsed: 0 });
      const notStopped = await run('wait_for', { port: 22, state: 'stopped', timeout: 1, msg: 'sshd still up' });
      expect(notStopped.result).toMatchObject({ failed: true, msg: 'sshd still up' });
    });
    it('waits for a file to appear with content, and to go away', async () => {
      await sh('rm -f /tmp/wf.ready; (sleep 1; echo "ready port=8080" > /tmp/wf.ready; sleep 1; rm -f /tmp/wf.ready) >/dev/null 2>&1 &');
      const appear = await run('wait_for', { path: '/tmp/wf.ready', search_regex: 'port=(\\d+)', timeout: 10 });
      expect(appear.result).toMatchObject({ state: 'started', path: '/tmp/wf.ready', match_groups: ['8080'] });
      expect(appear.result.failed).toBeUndefined();
      expect(appear.ms).toBeGreaterThanOrEqual(500);
      expect(appear.runs).toBe(1);
      const gone = await run('wait_for', { path: '/tmp/wf.ready', state: 'absent', timeout: 10 });
      expect(gone.result).toMatchObject({ state: 'absent' });
      expect(gone.result.failed).toBeUndefined();
      const never = await run('wait_for', { path: '/tmp/wf.never', timeout: 1 });
      expect(never.result).toMatchObject({ failed: true, msg: 'Timeout when waiting for file /tmp/wf.never' });
    });
    it('sleeps for timeout when given nothing to wait for, with delay, in check mode too', async () => {
      const { result, ms } = await run('wait_for', { timeout: 1, delay: 1 }, { checkMode: true });
      expect(result).toMatchObject({ changed: false, elapsed: 2 });
      expect(ms).toBeGreaterThanOrEqual(1900);
    });
  });

  describe('setup', () => {
    it('gathers facts in one round trip with Ansible names', async () => {
      const node = lab().nodes[0]!;
      const { result, runs, ms } = await run('setup', {});
      expect(runs).toBe(1);
      expect(ms).toBeLessThan(5000);
      const f = result.ansible_facts as Record<string, unknown>;
      expect(f).toMatchObject({
        ansible_hostname: node.name,
        ansible_nodename: node.name,
        ansible_system: 'Linux',
        ansible_distribution: 'Debian',
        ansible_os_family: 'Debian',
        ansible_pkg_mgr: 'apt',
        ansible_service_mgr: 'sysvinit',
        ansible_user_id: 'root',
        ansible_user_dir: '/root',
        ansible_default_ipv4: { address: node.address, interface: 'eth0' },
        ansible_eth0: { device: 'eth0', active: true, ipv4: { address: node.address, netmask: '255.255.255.0' } },
        ansible_all_ipv4_addresses: [node.address],
        ansible_interfaces: expect.arrayContaining(['eth0', 'lo']),
        gather_subset: ['all'],
        module_setup: true,
      });
      expect(f.ansible_processor_vcpus).toBeGreaterThan(0);
      expect(f.ansible_memtotal_mb).toBeGreaterThan(0);
      expect(f.ansible_distribution_major_version).toMatch(/^\d+$/);
      expect((f.ansible_env as Record<string, string>).HOME).toBe('/root');
      expect(Math.abs(Number((f.ansible_date_time as Record<string, string>).epoch) - Date.now() / 1000)).toBeLessThan(60);
    });
    it('honours gather_subset and filter, runs in check mode, and as the become user', async () => {
      const min = (await run('setup', { gather_subset: '!all', filter: 'ansible_user*' }, { checkMode: true })).result.ansible_facts as Record<string, unknown>;
      expect(min.ansible_user_id).toBe('root');
      expect(min).not.toHaveProperty('ansible_hostname');
      expect(min).not.toHaveProperty('ansible_eth0');
      const asDeploy = (await run('setup', { gather_subset: ['!all'], filter: ['ansible_user_id', 'ansible_user_dir'] }, { user: 'deploy' })).result.ansible_facts;
      expect(asDeploy).toMatchObject({ ansible_user_id: 'deploy', ansible_user_dir: '/home/deploy' });
      const become = (await run('setup', { gather_subset: ['!all'], filter: ['ansible_user_id'] }, { user: 'deploy', become: true })).result.ansible_facts;
      expect(become).toMatchObject({ ansible_user_id: 'root' });
    });
  });

  describe('script', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-modcore-script-'));
    mkdirSync(join(dir, 'files'));
    writeFileSync(
      join(dir, 'files', 'report.sh'),
      '#!/bin/sh\necho "me=$(id -un) args=$# first=$1 second=$2"\necho "pwd=$(pwd)"\necho "oops" >&2\necho "$0" > /tmp/script-path\ntouch /tmp/script-ran\nexit "${3:-0}"\n',
    );
    writeFileSync(join(dir, 'noexec.py'), 'import sys\nprint("python", sys.argv[1:])\n');
    const searchPaths = [join(dir, 'files'), dir];

    it('copies, runs and removes the script in one round trip, with shell-processed arguments', async () => {
      await sh('rm -f /tmp/script-ran /tmp/script-path');
      const { result, runs } = await run('script', { _raw_params: 'report.sh "a b" $HOME', chdir: '/etc' }, { searchPaths });
      expect(runs).toBe(1);
      expect(result).toMatchObject({ changed: true, rc: 0, stdout: 'me=root args=2 first=a b second=/root\npwd=/etc\n', stderr: 'oops\n', stdout_lines: ['me=root args=2 first=a b second=/root', 'pwd=/etc'], stderr_lines: ['oops'] });
      expect(result.failed).toBeUndefined();
      const path = (await sh('cat /tmp/script-path')).trim();
      expect(path).toMatch(/\/\.ansible\/tmp\/fleet-script-[^/]+\/report\.sh$/);
      expect(await sh(`[ -e '${path}' ] && echo still there || echo removed`)).toBe('removed\n');
    });
    it('fails on a non-zero exit and runs with executable, as the become user', async () => {
      const bad = await run('script', { cmd: 'report.sh a b 3' }, { searchPaths });
      expect(bad.result).toMatchObject({ changed: true, failed: true, rc: 3, msg: 'non-zero return code' });
      // The node has python3 (the host's image, which runs Ansible): executable runs the script with it.
      expect(await sh('command -v python3')).toMatch(/\/python3\n$/);
      const py = await run('script', { _raw_params: 'noexec.py x y', executable: 'python3' }, { searchPaths });
      expect(py.result).toMatchObject({ rc: 0, stdout: "python ['x', 'y']\n" });
      // An executable the node lacks is still the one used: the shell's 127, naming it.
      const missing = await run('script', { _raw_params: 'noexec.py x y', executable: 'fleet-no-such-interpreter' }, { searchPaths });
      expect(missing.result).toMatchObject({ failed: true, rc: 127 });
      expect(missing.result.stderr).toMatch(/fleet-no-such-interpreter/);
      const viaSh = await run('script', { _raw_params: 'noexec.py', executable: 'cat' }, { searchPaths });
      expect(viaSh.result.stdout).toContain('import sys');
      const deploy = await run('script', { _raw_params: 'report.sh' }, { searchPaths, user: 'root', become: true, becomeUser: 'deploy' });
      expect(deploy.result.stdout).toMatch(/^me=deploy /);
    });
    it('skips with creates/removes (one more round trip) and does not run in check mode', async () => {
      await sh('rm -f /tmp/script-ran; touch /tmp/script-marker');
      const created = await run('script', { _raw_params: 'report.sh', creates: '/tmp/script-marker' }, { searchPaths });
      expect(created.result).toEqual({ changed: false, skipped: true, msg: '/tmp/script-marker exists, matching creates option' });
      expect(created.runs).toBe(1);
      const removed = await run('script', { _raw_params: 'report.sh', removes: '/tmp/script-none' }, { searchPaths });
      expect(removed.result).toMatchObject({ skipped: true, msg: '/tmp/script-none does not exist, matching removes option' });
      const check = await run('script', { _raw_params: 'report.sh', removes: '/tmp/script-marker' }, { searchPaths, checkMode: true });
      expect(check.result.changed).toBe(true);
      expect(await sh('[ -e /tmp/script-ran ] && echo ran || echo not run')).toBe('not run\n');
      const runs = await run('script', { _raw_params: 'report.sh', removes: '/tmp/script-marker' }, { searchPaths });
      expect(runs.runs).toBe(2);
      expect(runs.result).toMatchObject({ changed: true, rc: 0 });
    });
    it('fails clearly when the script is not on the controller', async () => {
      // runModule throws; the executor turns the error into this host's failure (check mode too).
      await expect(run('script', { _raw_params: 'missing.sh' }, { searchPaths })).rejects.toThrow(/Could not find or access 'missing.sh'/);
      await expect(run('script', { _raw_params: 'missing.sh' }, { searchPaths, checkMode: true })).rejects.toThrow(/Could not find or access 'missing.sh'/);
    });
  });
});
