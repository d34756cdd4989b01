import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useLab } from './helpers/lab.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function fleet(args: string[], input?: string, cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 << 20, ...(cwd ? { cwd } : {}) }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

describe('fleet run on the lab', () => {
  const lab = useLab(5, 't-cli');

  it('prints five distinct hostnames for -a hostname', async () => {
    const r = await fleet(['run', 'all', '-i', lab().inventoryPath, '-a', 'hostname']);
    expect(r.code, r.stderr).toBe(0);
    const names = [...r.stdout.matchAll(/^(node\d+) \| CHANGED \| rc=0 >>\n(\S+)$/gm)].map((m) => [m[1], m[2]]);
    expect(names).toHaveLength(5);
    for (const [host, printed] of names) expect(printed).toBe(host);
    expect(new Set(names.map((n) => n[1])).size).toBe(5);
  });

  it('reports rc=3 and stderr 42 per host for a failing shell command, exit code 2', async () => {
    const r = await fleet(['run', 'all', '-i', lab().inventoryPath, '-m', 'shell', '-a', 'echo $((6*7)) >&2; exit 3']);
    expect(r.code).toBe(2);
    const blocks = [...r.stdout.matchAll(/^(node\d) \| FAILED \| rc=3 >>\n42non-zero return code$/gm)];
    expect(blocks.map((b) => b[1]).sort()).toEqual(['node1', 'node2', 'node3', 'node4', 'node5']);
  });

  it('gives scripts one JSON document with --output json', async () => {
    const r = await fleet(['run', 'clients', '-i', lab().inventoryPath, '-m', 'shell', '-a', 'printf "%s" "$(hostname)"; echo err >&2', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const hosts = doc.plays[0].tasks[0].hosts;
    expect(Object.keys(hosts).sort()).toEqual(['node2', 'node3', 'node4', 'node5']);
    for (const [name, result] of Object.entries<Record<string, unknown>>(hosts)) {
      expect(result).toMatchObject({ rc: 0, stdout: name, stderr: 'err', changed: true });
    }
    expect(doc.stats.node2).toMatchObject({ ok: 1, changed: 1, failures: 0, unreachable: 0 });
  });

  it('honours --limit, patterns and --one-line', async () => {
    const r = await fleet(['run', 'all:!host', '-i', lab().inventoryPath, '-l', 'node1,node2,node3', '-a', 'hostname', '-o']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(['node2 | CHANGED | rc=0 | (stdout) node2', 'node3 | CHANGED | rc=0 | (stdout) node3']);
  });

  it('says so when a pattern matches nothing', async () => {
    const r = await fleet(['run', 'nosuchgroup', '-i', lab().inventoryPath, '-a', 'true']);
    expect(r.stderr).toMatch(/Could not match supplied host pattern, ignoring: nosuchgroup/);
    expect(r.stderr).toMatch(/No hosts matched, nothing to do/);
    expect(r.stdout).toBe('');
  });

  it('reports an unreachable host while every other host goes on, exit code 4', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-cli-'));
    const base = readFileSync(lab().inventoryPath, 'utf8');
    const dead = lab().subnet.replace(/\.0\/24$/, '.250');
    const inv = join(dir, 'inv.ini');
    writeFileSync(inv, base.replace('[clients]', `[clients]\nghost ansible_host=${dead}`));
    const started = Date.now();
    const r = await fleet(['run', 'all', '-i', inv, '-a', 'true', '-T', '2', '-o']);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/^ghost \| UNREACHABLE!: .+/m);
    expect(r.stdout.match(/^node\d \| CHANGED \| rc=0/gm)).toHaveLength(5);
  });

  it('becomes root with sudo, without and with a password (read from stdin), and fails clearly on a wrong one', async () => {
    const inv = lab().inventoryPath;
    const nopass = await fleet(['run', 'clients', '-i', inv, '-e', 'ansible_user=deploy', '-b', '-a', 'whoami', '-o']);
    expect(nopass.code, nopass.stdout + nopass.stderr).toBe(0);
    expect(nopass.stdout.match(/\(stdout\) root$/gm)).toHaveLength(4);

    const withPass = await fleet(['run', 'node2', '-i', inv, '-e', 'ansible_user=fleet', '-b', '-K', '-a', 'id -un', '-o'], 'fleet\n');
    expect(withPass.code, withPass.stdout + withPass.stderr).toBe(0);
    expect(withPass.stdout).toMatch(/^node2 \| CHANGED \| rc=0 \| \(stdout\) root$/m);

    const wrong = await fleet(['run', 'node2:node3', '-i', inv, '-e', 'ansible_user=fleet', '-b', '-K', '-a', 'id -un', '-o'], 'not-the-password\n');
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toMatch(/^node2 \| FAILED! => .*incorrect sudo password/im);
    expect(wrong.stdout).toMatch(/^node3 \| FAILED! => .*incorrect sudo password/im);
    expect(wrong.stdout + wrong.stderr).not.toContain('not-the-password');
  });

  it('lists the lab inventory as ansible-inventory does', async () => {
    const r = await fleet(['inventory', '-i', lab().inventoryPath, '--list']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.all.children).toEqual(expect.arrayContaining(['ungrouped', 'host', 'clients']));
    expect(doc.host.hosts).toEqual(['node1']);
    expect(doc.clients.hosts).toEqual(['node2', 'node3', 'node4', 'node5']);
    expect(doc._meta.hostvars.node3.ansible_host).toBe(lab().nodes[2]!.address);
  });

  it('templates -a per host with extra vars, -e @file, inventory, group_vars/host_vars and magic vars', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-cli-'));
    const inv = join(dir, 'inventory', 'hosts.ini');
    mkdirSync(join(dir, 'inventory', 'group_vars'), { recursive: true });
    mkdirSync(join(dir, 'host_vars'));
    writeFileSync(inv, readFileSync(lab().inventoryPath, 'utf8').replace(/^(node2 .*)$/m, '$1 inline=i2'));
    writeFileSync(join(dir, 'inventory', 'group_vars', 'clients.yml'), 'role: client\n');
    // host_vars beside the current directory, as `ansible` reads them (its playbook dir is the cwd).
    writeFileSync(join(dir, 'host_vars', 'node2.yml'), 'own: "{{ inventory_hostname_short }}-own"\n');
    writeFileSync(join(dir, 'extra.yml'), 'from_file: f\n');
    const args = ['run', 'clients', '-i', inv, '-e', 'x=1', '-e', '@extra.yml', '-m', 'shell'];
    const r = await fleet([...args, '-a', 'echo {{ inventory_hostname }} {{ x }} {{ from_file }} {{ role }} {{ group_names | join(",") }} {{ inline | default("-") }}'], undefined, dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const host of ['node2', 'node3', 'node4', 'node5']) {
      expect(r.stdout).toContain(`${host} | CHANGED | rc=0 >>\n${host} 1 f client clients ${host === 'node2' ? 'i2' : '-'}\n`);
    }

    // A variable only node2 has: node2 goes on, every other host fails alone, as under ansible (rc=-1, exit 2).
    const undef = await fleet([...args, '-a', 'echo {{ own }}'], undefined, dir);
    expect(undef.code).toBe(2);
    expect(undef.stdout).toContain('node2 | CHANGED | rc=0 >>\nnode2-own\n');
    const failed = [...undef.stdout.matchAll(/^(node\d) \| FAILED \| rc=-1 >>\n'own' is undefined/gm)].map((m) => m[1]);
    expect(failed.sort()).toEqual(['node3', 'node4', 'node5']);

    // debug shows its msg alone: no internal keys, no changed/failed.
    const dbg = await fleet(['run', 'node3', '-i', inv, '-m', 'debug', '-a', 'msg="{{ inventory_hostname }} {{ ansible_play_hosts }} {{ playbook_dir }}"'], undefined, dir);
    expect(dbg.code, dbg.stderr).toBe(0);
    expect(dbg.stdout).toBe(`node3 | SUCCESS => {\n    "msg": "node3 ['node3'] ${dir}"\n}\n`);
  });

  it('rejects an unknown module before touching any host, suggesting the closest', async () => {
    const r = await fleet(['run', 'all', '-i', lab().inventoryPath, '-m', 'shel', '-a', 'true']);
    // ansible exits 2 for an unknown module in ad hoc (4 is for a playbook that cannot be parsed).
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown module "shel" \(did you mean "shell"\?\)/);
    expect(r.stdout).toBe('');
  });
});
