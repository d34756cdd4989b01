import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { Client } from 'ssh2';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LabError } from '../src/errors.js';
import { SSHD_START, labDown, labExec, labStatus, labUp, type LabInfo, type LabNode } from '../src/lab/index.js';
import { isLabLink, isLabNetns, labTag, nodeMac, vethName, bridgeName } from '../src/lab/names.js';
import { inventoryFile } from '../src/lab/render.js';
import { routedPrefixes } from '../src/lab/subnet.js';
import { missingTools } from '../src/lab/tools.js';
import { accountFiles, freeIds } from '../src/lab/users.js';
import type { LabState } from '../src/lab/types.js';
import { describeLab, labUnavailable } from './helpers/lab.js';

const run = promisify(execFile);
const NAME = 't-lab';

async function sh(file: string, args: string[]): Promise<{ rc: number; stdout: string; stderr: string }> {
  try {
    const r = await run(file, args, { timeout: 20_000 });
    return { rc: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { rc: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

function ssh(info: LabInfo, user: string, node: LabNode, command: string): Promise<{ rc: number; stdout: string; stderr: string }> {
  return sh('ssh', [
    '-F', '/dev/null',
    '-i', info.privateKeyPath,
    '-o', `UserKnownHostsFile=${info.knownHostsPath}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=5',
    `${user}@${node.address}`,
    command,
  ]);
}

async function exec(node: LabNode, argv: string[], input?: string): Promise<string> {
  const r = await labExec(node, argv, { name: NAME, input });
  expect(r.rc, `${argv.join(' ')} on ${node.name}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

function passwordLogin(address: string, user: string, password: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('ready', () =>
      c.exec(command, (err, stream) => {
        if (err) return reject(err);
        let out = '';
        stream.on('data', (b: Buffer) => (out += b.toString()));
        stream.stderr.on('data', () => undefined);
        stream.on('close', () => {
          c.end();
          resolve(out);
        });
      }),
    )
      .on('error', reject)
      .connect({ host: address, port: 22, username: user, password, readyTimeout: 10_000 });
  });
}

describe('lab pieces (no root needed)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('refuses to run without root, saying so', async () => {
    vi.spyOn(process as { getuid: () => number }, 'getuid').mockReturnValue(1000);
    await expect(labUp(1, { name: 't-noroot' })).rejects.toThrow(process.platform === 'linux' ? /needs root/ : /needs Linux/);
    await expect(labDown({ name: 't-noroot' })).rejects.toThrow(LabError);
  });

  it('names the apt command for missing tools', () => {
    const e = missingTools(['sshd', 'ip', 'iptables', 'sudo']);
    expect(e).toBeInstanceOf(LabError);
    expect(e.message).toContain('apt-get install -y openssh-server iproute2 iptables sudo');
  });

  it('keeps link names within 15 characters and apart between labs', () => {
    const tag = labTag('a-rather-long-lab-name-for-tests');
    expect(vethName(tag, 200).length).toBeLessThanOrEqual(15);
    expect(bridgeName(tag).length).toBeLessThanOrEqual(15);
    expect(isLabLink(tag, vethName(tag, 7))).toBe(true);
    expect(isLabLink(tag, `${tag}n7x`)).toBe(false);
    expect(isLabNetns('a', 'fleetlab-a-node3')).toBe(true);
    expect(isLabNetns('a', 'fleetlab-a-b-node3')).toBe(false);
    expect(isLabNetns('a-node1', 'fleetlab-a-node1')).toBe(false);
    expect(nodeMac('fl0a1b2c', 258)).toBe('02:0a:1b:2c:01:02');
  });

  it('reads routed prefixes, default routes left out', () => {
    expect(routedPrefixes('default via 192.0.2.1 dev eth0\n192.0.2.0/24 dev eth0 proto kernel\nlocal 10.213.7.1 dev br table local\nbroadcast 10.213.7.255 dev br')).toEqual([
      { base: 0xc0000200, len: 24 },
      { base: 0x0ad50701, len: 32 },
      { base: 0x0ad507ff, len: 32 },
    ]);
  });

  it('adds the lab users to copies of the account files, replacing same-named ones', () => {
    const host = { passwd: 'root:x:0:0::/root:/bin/bash\nme:x:1000:1000::/home/me:/bin/sh\nfleet:x:1500:1500::/x:/bin/sh\n', group: 'root:x:0:\nme:x:1000:\n', shadow: 'root:*:1:0:99999:7:::\n', gshadow: 'root:*::\n' };
    const ids = freeIds(host.passwd, host.group, 2, ['fleet', 'deploy']);
    expect(ids).toEqual([1001, 1002]);
    const files = accountFiles(host, [{ name: 'fleet', uid: 1001, hash: '$6$x$y' }, { name: 'deploy', uid: 1002, hash: '*' }], 20000);
    expect(files.passwd.split('\n').filter((l) => l.startsWith('fleet:'))).toEqual(['fleet:x:1001:1001:fleet lab user:/home/fleet:/bin/bash']);
    expect(files.shadow).toContain('fleet:$6$x$y:20000:0:99999:7:::\ndeploy:*:20000:0:99999:7:::\n');
    expect(files.group).toContain('deploy:x:1002:\n');
  });

  it('writes the inventory in the seed project shape', () => {
    const state: LabState = {
      version: 1, name: 'x', tag: 'fl000000', bridge: 'fl000000br', prefix: '10.213.9', subnet: '10.213.9.0/24', gateway: '10.213.9.1',
      nodes: [1, 2, 3].map((i) => ({ name: `node${i}`, index: i, address: `10.213.9.${10 + i}`, netns: `fleetlab-x-node${i}`, veth: `fl000000n${i}`, hostKeys: [] })),
    };
    expect(inventoryFile(state, '/k/id_ed25519', '/k/known_hosts').split('\n').slice(1).join('\n')).toBe(
      [
        '[host]', 'node1 ansible_host=10.213.9.11', '', '[clients]', 'node2 ansible_host=10.213.9.12', 'node3 ansible_host=10.213.9.13', '',
        '[all:vars]', 'ansible_user=root', 'ansible_ssh_private_key_file=/k/id_ed25519',
        "ansible_ssh_common_args='-o UserKnownHostsFile=/k/known_hosts -o StrictHostKeyChecking=yes'", '',
      ].join('\n'),
    );
  });
});

if (labUnavailable() && !process.env.CI) console.warn(`!!! lab tests skipped: ${labUnavailable()}`);

describeLab('lab', () => {
  let info: LabInfo;
  const marker = `m-${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    await labDown({ name: NAME });
    info = await labUp(3, { name: NAME });
  }, 120_000);

  afterAll(async () => {
    await labDown({ name: NAME });
  }, 60_000);

  it('starts three nodes with their own names, addresses and /etc/hosts listing every node', async () => {
    expect(info.name).toBe(NAME);
    expect(info.nodes.map((n) => n.name)).toEqual(['node1', 'node2', 'node3']);
    expect(new Set(info.nodes.map((n) => n.address)).size).toBe(3);
    expect(info.subnet).toMatch(/^10\.213\.\d+\.0\/24$/);
    for (const node of info.nodes) {
      expect(node.address.startsWith(info.subnet.replace(/0\/24$/, ''))).toBe(true);
      expect((await exec(node, ['hostname'])).trim()).toBe(node.name);
      expect((await exec(node, ['cat', '/etc/hostname'])).trim()).toBe(node.name);
      expect(await exec(node, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'])).toContain(` ${node.address}/24 `);
      for (const other of info.nodes) {
        expect((await exec(node, ['getent', 'hosts', other.name])).trim().split(/\s+/)).toEqual([other.address, other.name]);
      }
    }
  });

  it('gives every node its own copy-on-write /tmp, /root and /etc', async () => {
    const [a, b] = info.nodes as [LabNode, LabNode];
    for (const dir of ['/tmp', '/root', '/etc']) {
      const path = `${dir}/${marker}`;
      await exec(a, ['sh', '-c', 'cat > "$1"', 'sh', path], 'node1 was here\n');
      expect(await exec(a, ['cat', path])).toBe('node1 was here\n');
      expect(existsSync(path), `${path} leaked to the host`).toBe(false);
      expect((await labExec(b, ['test', '-e', path], { name: NAME })).rc, `${path} leaked to node2`).toBe(1);
    }
    expect((await labExec(a, ['test', '-e', info.privateKeyPath], { name: NAME })).rc, 'the lab state dir is visible in a node').toBe(1);
    expect(await exec(a, ['ls', '-A', '/run'])).not.toContain('fleet-lab');
  });

  it('runs each node in its own pid namespace under an init that reaps orphans', async () => {
    const node = info.nodes[0] as LabNode;
    const ps = await exec(node, ['ps', '-eo', 'pid=,comm=']);
    const procs = ps.trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(procs[0]).toEqual(['1', 'fleet-lab-init']);
    expect(procs.map((p) => p[1])).toContain('sshd');
    expect(procs.length).toBeLessThan(8);
    expect(procs.map((p) => p[1])).not.toContain('node');
    await exec(node, ['sh', '-c', '(sleep 0.1 &) ; (true &) ; exit 0']);
    await new Promise((r) => setTimeout(r, 400));
    expect(await exec(node, ['ps', '-eo', 'stat='])).not.toMatch(/^Z/m);
  });

  it('serves ssh with the lab key and known_hosts (strict), as root, deploy and fleet', async () => {
    for (const node of info.nodes) {
      const r = await ssh(info, 'root', node, 'hostname');
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe(node.name);
    }
    const node = info.nodes[1] as LabNode;
    const [deploy, fleetNoPw, fleetPw, fleetNotCached, fleetLogin, sshdConfig] = await Promise.all([
      ssh(info, 'deploy', node, 'id -un && sudo -n true && sudo -n id -u'),
      ssh(info, 'fleet', node, 'sudo -n true'),
      ssh(info, 'fleet', node, "echo fleet | sudo -S -p '' id -u"),
      ssh(info, 'fleet', node, "echo fleet | sudo -S -p '' true && sudo -n true"),
      passwordLogin(node.address, 'fleet', 'fleet', 'id -un'),
      labExec(node, ['/usr/sbin/sshd', '-T'], { name: NAME }),
    ]);
    expect(deploy.stdout.split('\n')).toEqual(['deploy', '0', '']);
    expect(fleetNoPw.rc).not.toBe(0);
    expect(fleetNoPw.stderr).toMatch(/password is required/);
    expect(fleetPw.stdout.trim()).toBe('0');
    expect(fleetNotCached.stderr, 'sudo must not cache the password').toMatch(/password is required/);
    expect(fleetLogin.trim()).toBe('fleet');
    for (const setting of ['permitrootlogin without-password', 'passwordauthentication yes', 'usedns no', 'port 22']) {
      expect(sshdConfig.stdout.split('\n')).toContain(setting);
    }
  });

  it('writes the inventory and a known_hosts with fresh keys per node, not the host machine’s', async () => {
    const inventory = await readFile(info.inventoryPath, 'utf8');
    const [n1, n2, n3] = info.nodes as [LabNode, LabNode, LabNode];
    expect(inventory).toContain(`[host]\nnode1 ansible_host=${n1.address}\n`);
    expect(inventory).toContain(`[clients]\nnode2 ansible_host=${n2.address}\nnode3 ansible_host=${n3.address}\n`);
    expect(inventory).toContain(`[all:vars]\nansible_user=root\nansible_ssh_private_key_file=${info.privateKeyPath}\n`);
    expect(inventory).toContain(`ansible_ssh_common_args='-o UserKnownHostsFile=${info.knownHostsPath} -o StrictHostKeyChecking=yes'`);
    expect(existsSync(`${info.privateKeyPath}.pub`)).toBe(true);

    const known = (await readFile(info.knownHostsPath, 'utf8')).trim().split('\n');
    expect(known).toHaveLength(6);
    for (const n of info.nodes) expect(known.filter((l) => l.startsWith(`${n.name},${n.address} `)).map((l) => l.split(' ')[1]).sort()).toEqual(['ecdsa-sha2-nistp256', 'ssh-ed25519']);
    expect(new Set(known.map((l) => l.split(' ')[2])).size).toBe(6);
    for (const f of ['/etc/ssh/ssh_host_ed25519_key.pub', '/etc/ssh/ssh_host_ecdsa_key.pub']) {
      if (existsSync(f)) expect(known.join('\n')).not.toContain(readFileSync(f, 'utf8').split(' ')[1]);
    }
    expect((await labExec(n1, ['test', '-e', '/etc/ssh/ssh_host_rsa_key'], { name: NAME })).rc).toBe(1);
    const hostId = await sh('id', ['-u', 'deploy']);
    expect(hostId.rc, 'the deploy user leaked into the host').not.toBe(0);
  });

  it('labExec feeds stdin and reports exit code, stdout and stderr; knows a LabNode’s lab', async () => {
    const node = info.nodes[2] as LabNode;
    expect(await labExec(node, ['sh', '-c', 'cat; echo oops >&2; exit 3'], { name: NAME, input: 'abc' })).toEqual({ rc: 3, stdout: 'abc', stderr: 'oops\n' });
    expect((await labExec(node, ['hostname'])).stdout.trim()).toBe('node3');
    await expect(labExec('node9', ['true'], { name: NAME })).rejects.toThrow(LabError);
    const started = Date.now();
    expect((await labExec(node, ['sleep', '30'], { name: NAME, timeoutMs: 300 })).rc).toBe(137);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await exec(node, ['ps', '-eo', 'comm='])).not.toContain('sleep');
  });

  it('is idempotent: up again keeps the running nodes, up 5 adds two', async () => {
    const known = await readFile(info.knownHostsPath, 'utf8');
    const again = await labUp(3, { name: NAME });
    expect(again).toEqual(info);
    expect(await readFile(info.knownHostsPath, 'utf8')).toBe(known);
    expect(await exec(info.nodes[0] as LabNode, ['cat', `/tmp/${marker}`])).toBe('node1 was here\n');

    const five = await labUp(5, { name: NAME });
    expect(five.nodes.map((n) => n.name)).toEqual(['node1', 'node2', 'node3', 'node4', 'node5']);
    expect(five.nodes.slice(0, 3)).toEqual(info.nodes);
    expect(await exec(five.nodes[0] as LabNode, ['cat', `/tmp/${marker}`])).toBe('node1 was here\n');
    const node5 = five.nodes[4] as LabNode;
    expect((await exec(five.nodes[0] as LabNode, ['getent', 'hosts', 'node5'])).split(/\s+/)[0]).toBe(node5.address);
    expect((await ssh(five, 'root', node5, 'getent hosts node1')).stdout.split(/\s+/)[0]).toBe(five.nodes[0]?.address);
    expect(await readFile(five.inventoryPath, 'utf8')).toContain(`node5 ansible_host=${node5.address}`);
    info = five;
  });

  it('labStatus reports each node; a killed sshd can be restarted, or up rebuilds the node', async () => {
    const status = await labStatus({ name: NAME });
    expect(status?.info).toEqual(info);
    expect(status?.running).toEqual({ node1: true, node2: true, node3: true, node4: true, node5: true });

    const node4 = info.nodes[3] as LabNode;
    await exec(node4, ['pkill', '-x', 'sshd']);
    expect((await labStatus({ name: NAME }))?.running.node4).toBe(false);
    await exec(node4, [...SSHD_START]);
    expect((await ssh(info, 'root', node4, 'hostname')).stdout.trim()).toBe('node4');
    expect(await exec(node4, ['ps', '-o', 'ppid=', '-C', 'sshd'])).toMatch(/^\s*1$/m);

    const node5 = info.nodes[4] as LabNode;
    await exec(node5, ['pkill', '-x', 'sshd']);
    expect((await labStatus({ name: NAME }))?.running.node5).toBe(false);
    await labUp(5, { name: NAME });
    expect((await labStatus({ name: NAME }))?.running.node5).toBe(true);
    expect((await ssh(await labUp(5, { name: NAME }), 'root', node5, 'hostname')).stdout.trim()).toBe('node5');
  });

  it('a replaced host key fails strict checking, and up rebuilds that node', async () => {
    const node3 = info.nodes[2] as LabNode;
    await exec(node3, ['sh', '-c', "rm -f /etc/ssh/ssh_host_*; ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key && pkill -x sshd && /usr/sbin/sshd -E /var/log/sshd.log"]);
    const refused = await ssh(info, 'root', node3, 'true');
    expect(refused.rc).not.toBe(0);
    expect(refused.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED/);
    expect((await ssh(await labUp(5, { name: NAME }), 'root', node3, 'hostname')).stdout.trim()).toBe('node3');
  });

  it('rejects bad counts and names', async () => {
    await expect(labUp(0, { name: NAME })).rejects.toThrow(LabError);
    await expect(labUp(2.5, { name: NAME })).rejects.toThrow(LabError);
    await expect(labUp(1, { name: 'Bad Name' })).rejects.toThrow(/invalid lab name/);
  });

  it('down leaves no netns, links, mounts, processes or iptables rules; down again is a no-op', async () => {
    await exec(info.nodes[0] as LabNode, ['sh', '-c', 'sleep 300 > /dev/null 2>&1 &']);
    const pids = (await Promise.all(info.nodes.map((n) => sh('ip', ['netns', 'pids', n.netns])))).flatMap((r) => r.stdout.split('\n').filter(Boolean).map(Number));
    // per node at least unshare, init and sshd; node1 also the sleep
    expect(pids.length).toBeGreaterThanOrEqual(info.nodes.length * 3 + 1);

    await labDown({ name: NAME });

    expect((await sh('ip', ['netns', 'list'])).stdout).not.toContain(`fleetlab-${NAME}-`);
    const links = (await sh('ip', ['-o', 'link', 'show'])).stdout;
    expect(links).not.toContain(info.bridge);
    expect(links).not.toMatch(new RegExp(`${info.bridge.slice(0, 8)}n\\d+`));
    const mounts = await readFile('/proc/mounts', 'utf8');
    expect(mounts).not.toContain(info.dir);
    expect(mounts).not.toContain(`fleetlab-${NAME}-`);
    expect((await sh('iptables', ['-w', '-t', 'nat', '-S'])).stdout).not.toContain(`fleet-lab:${NAME}`);
    expect((await sh('iptables', ['-w', '-S'])).stdout).not.toContain(`fleet-lab:${NAME}`);
    for (const pid of pids) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
      expect(stat, `pid ${pid} of the lab still exists`).toBeNull();
    }
    expect(existsSync(info.dir)).toBe(false);
    expect(await labStatus({ name: NAME })).toBeNull();
    await expect(labExec('node1', ['true'], { name: NAME })).rejects.toThrow(/not up/);

    await labDown({ name: NAME });
    expect(await labStatus({ name: NAME })).toBeNull();
  });
});
