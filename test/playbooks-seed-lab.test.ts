/**
 * Acceptance of the Modules II issue: the seed-style playbooks on a 5-node lab, end to end, as the
 * seed cluster ran them (mount the data volume, clone the code, the virtualenvs, Redis, firewalld
 * and node-exporter, open the ports), with real apt from Debian's registry, a real git daemon on the
 * host node and loop devices as the clients' data volumes. Then every playbook again: every task
 * ok, nothing changed.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labClientVolumes, labExec, type LabNode } from '../src/lab/index.js';
import { useLab } from './helpers/lab.js';
import { play, type PlayRun } from './helpers/play.js';

const ROOT = resolve(__dirname, '..');
const SEED = ['mount_file_system', 'clone_repository', 'new_venv_host', 'new_venv_clusters', 'install_required_software', 'firewalld_open_port'];
const PORTS = ['3000/tcp', '4505/tcp', '4506/tcp', '6379/tcp', '9090/tcp', '9100/tcp', '9418/tcp', '9464/tcp'];

const PREDICTABLE = ['mount_file_system', 'clone_repository', 'new_venv_host', 'new_venv_clusters'];

/** `task|host` of every changed result, sorted. */
function changedTasks(run: PlayRun): string[] {
  return [...run.statuses].filter(([, status]) => status === 'changed').map(([key]) => key).sort();
}

/** Per host: the sum of the recap over several runs. */
function totals(runs: PlayRun[]): Record<string, { ok: number; changed: number; failed: number; unreachable: number }> {
  const out: Record<string, { ok: number; changed: number; failed: number; unreachable: number }> = {};
  for (const r of runs) {
    for (const [host, s] of Object.entries(r.stats)) {
      const t = (out[host] ??= { ok: 0, changed: 0, failed: 0, unreachable: 0 });
      t.ok += s.ok;
      t.changed += s.changed;
      t.failed += s.failed;
      t.unreachable += s.unreachable;
    }
  }
  return out;
}

/** Every failed or changed task of a run, as `playbook: task on host: msg` lines. */
function notOk(name: string, run: PlayRun, status: 'failed' | 'changed'): string[] {
  return run.events
    .filter((e) => e.type === 'host_result' && (status === 'failed' ? e.status === 'failed' || e.status === 'unreachable' : e.status === 'changed'))
    .map((e) => {
      const r = e as { task: { name: string }; host: string; result: Record<string, unknown> };
      return `${name}: ${r.task.name} on ${r.host}: ${String(r.result.msg ?? '').slice(0, 300)}`;
    });
}

describe('the seed playbooks on a 5-node lab', () => {
  const lab = useLab(5, 't-seed', { upTimeoutMs: 180_000 });
  const sh = async (node: LabNode, cmd: string): Promise<string> => {
    const r = await labExec(node, ['sh', '-c', cmd], { timeoutMs: 60_000 });
    if (r.rc !== 0) throw new Error(`${node.name}: ${cmd}: rc ${r.rc}: ${r.stderr}`);
    return r.stdout.trim();
  };

  it('run end to end, then again with every task ok and nothing changed', async () => {
    const info = lab();
    const [host, ...clients] = info.nodes;

    // The clients' data volumes, one loop device each: the lab inventory names each client's.
    const devices = await labClientVolumes(64, { name: info.name });
    const inventoryPath = info.inventoryPath;
    for (const node of clients) expect(readFileSync(inventoryPath, 'utf8')).toContain(`${node.name} ansible_host=${node.address} fleet_data_device=${devices[node.name]}`);

    // This project's repository, pushed over ssh to a bare repository on the host node and served
    // there by git daemon: the clients clone it as the seed's nodes cloned from GitHub.
    await sh(host!, 'rm -rf /srv/git && git init -q --bare -b main /srv/git/fleet.git');
    const sshCommand = `ssh -i ${info.privateKeyPath} -o UserKnownHostsFile=${info.knownHostsPath} -o StrictHostKeyChecking=yes -o BatchMode=yes`;
    execFileSync('git', ['push', '-q', `root@${host!.address}:/srv/git/fleet.git`, 'HEAD:refs/heads/main'], { cwd: ROOT, env: { ...process.env, GIT_SSH_COMMAND: sshCommand }, stdio: 'pipe' });
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    await sh(host!, 'git daemon --detach --reuseaddr --export-all --base-path=/srv/git --listen=0.0.0.0 --pid-file=/run/fleet-git-daemon.pid /srv/git');
    const extraVars = { fleet_repo_url: `git://${host!.name}/fleet.git`, fleet_repo_version: 'main' };

    const runAll = async (): Promise<Record<string, PlayRun>> => {
      const runs: Record<string, PlayRun> = {};
      for (const name of SEED) {
        const t = Date.now();
        runs[name] = await play(join(ROOT, 'playbooks', `${name}.yaml`), inventoryPath, { extraVars });
        console.log(`${name}: ${Date.now() - t} ms`);
        expect(notOk(name, runs[name]!, 'failed')).toEqual([]);
      }
      return runs;
    };

    // --check first, for the playbooks whose every task can be predicted before anything is
    // installed (the other two edit files and drive tools that only their packages bring, where
    // Ansible's check mode fails too): the prediction is exactly what the real run then changes.
    const predicted: Record<string, string[]> = {};
    for (const name of PREDICTABLE) {
      const check = await play(join(ROOT, 'playbooks', `${name}.yaml`), inventoryPath, { extraVars, checkMode: true });
      expect(notOk(name, check, 'failed')).toEqual([]);
      predicted[name] = changedTasks(check);
    }
    expect(await sh(clients[0]!, 'test -e /data/pipeline && echo yes || echo no')).toBe('no');

    const first = await runAll();
    for (const name of PREDICTABLE) expect(changedTasks(first[name]!), name).toEqual(predicted[name]);
    const firstTotals = totals(Object.values(first));
    for (const node of info.nodes) expect(firstTotals[node.name]!.changed, node.name).toBeGreaterThan(0);

    // The data volume: formatted and mounted on every client, in fstab; the host node has none.
    for (const node of clients) {
      const dev = devices[node.name]!;
      expect(await sh(node, `findmnt -n -o SOURCE,FSTYPE /data`)).toBe(`${dev} ext4`);
      expect(await sh(node, 'grep " /data " /etc/fstab')).toBe(`${dev} /data ext4 defaults,nofail 0 0`);
    }
    expect(await sh(host!, 'findmnt -n /data || echo none')).toBe('none');

    // The code at the pushed commit everywhere (on the clients, on their data volume).
    for (const node of info.nodes) {
      expect(await sh(node, 'git -C /data/pipeline rev-parse HEAD')).toBe(head);
      expect(await sh(node, 'test -f /data/pipeline/package.json && echo yes')).toBe('yes');
    }

    // The virtualenvs import what each role needs.
    expect(await sh(host!, "/data/venv/bin/python -c 'import flask, redis; print(\"ok\")'")).toBe('ok');
    for (const node of clients) expect(await sh(node, "/data/venv/bin/python -c 'import redis, PIL; print(\"ok\")'")).toBe('ok');

    // node-exporter answers on every node, seen from the host node across the lab's network.
    for (const node of info.nodes) {
      expect(await sh(host!, `curl -sf --max-time 5 http://${node.name}:9100/metrics | grep -c '^node_cpu_seconds_total' || true`)).not.toBe('0');
    }

    // Redis on the host node, reached from a client on the cluster address, with the AOF on.
    const ping = `import socket; s=socket.create_connection(("${host!.name}", 6379), 5); s.sendall(b"PING\\r\\nCONFIG GET appendonly\\r\\n"); import time; time.sleep(0.3); print(s.recv(200).decode().split())`;
    expect(await sh(clients[0]!, `python3 -c '${ping}'`)).toBe("['+PONG', '*2', '$10', 'appendonly', '$3', 'yes']");

    // The ports open in firewalld's permanent configuration on every node.
    for (const node of info.nodes) {
      expect((await sh(node, 'firewall-offline-cmd --zone=public --list-ports')).split(/\s+/).sort()).toEqual(PORTS);
    }

    // Again: every task ok, nothing changed, on every host.
    const second = await runAll();
    const changed = Object.entries(second).flatMap(([name, run]) => notOk(name, run, 'changed'));
    expect(changed).toEqual([]);
    for (const node of info.nodes) expect(totals(Object.values(second))[node.name]).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
    await sh(host!, 'kill $(cat /run/fleet-git-daemon.pid)');
  }, 1_200_000);
});
