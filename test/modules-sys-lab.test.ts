/**
 * System modules on real lab nodes: the seed's mount_file_system.yaml on a loop device attached as
 * node2's data volume (format + mount, idempotent, check mode), firewalld offline (installed with
 * apt-get in the node when the host lacks it), sysctl with a per-netns key, cron, hostname.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labAttachVolume, labExec, volumeDir } from '../src/lab/index.js';
import { describeLab, useLab } from './helpers/lab.js';
import { play, playbookWriter, recap, resultOf } from './helpers/play.js';

const playbook = playbookWriter('fleet-modsys-');


const MOUNT_PLAYBOOK = resolve('playbooks/mount_file_system.yaml');

describe('system modules on lab nodes', () => {
  const lab = useLab(2, 't-modsys');
  const sh = async (index: number, cmd: string) => {
    const r = await labExec(lab().nodes[index]!, ['sh', '-c', cmd]);
    if (r.rc !== 0) throw new Error(`${cmd}: ${r.stderr}`);
    return r.stdout.trim();
  };

  it('mount_file_system.yaml: check mode predicts, formats + mounts, then nothing to do', async () => {
    const { inventoryPath, nodes } = lab();
    const vol = await labAttachVolume(nodes[1]!, 64);
    expect(vol.device).toMatch(/^\/dev\/loop\d+$/);
    const extraVars = { fleet_data_device: vol.device };

    const check = await play(MOUNT_PLAYBOOK, inventoryPath, { extraVars, checkMode: true, diffMode: true });
    expect(recap(check.stats.node2)).toEqual({ ok: 3, changed: 3 });
    expect(resultOf(check, 'mounted and in fstab', 'node2').changed).toBe(true);
    expect(await sh(1, `blkid -c /dev/null ${vol.device} || echo none`)).toBe('none');
    expect(await sh(1, 'test -e /data && echo yes || echo no')).toBe('no');

    const first = await play(MOUNT_PLAYBOOK, inventoryPath, { extraVars });
    expect(recap(first.stats.node2)).toEqual({ ok: 3, changed: 3 });
    expect(await sh(1, `blkid -c /dev/null -o value -s TYPE ${vol.device}`)).toBe('ext4');
    const mounts = await sh(1, 'cat /proc/self/mounts');
    expect(mounts).toContain(`${vol.device} /data ext4`);
    expect(await sh(1, 'grep " /data " /etc/fstab')).toBe(`${vol.device} /data ext4 defaults,nofail 0 0`);
    // Only node2 (clients) was touched; the host's mount table never sees the node's mount.
    expect(await sh(0, 'grep -c " /data " /proc/self/mounts || true')).toBe('0');

    const second = await play(MOUNT_PLAYBOOK, inventoryPath, { extraVars });
    expect(recap(second.stats.node2)).toEqual({ ok: 3 });
    const again = await play(MOUNT_PLAYBOOK, inventoryPath, { extraVars, checkMode: true });
    expect(recap(again.stats.node2)).toEqual({ ok: 3 });

    // Another fstype on a formatted device fails as Ansible does, without force.
    const other = playbook(
      'fs-other.yaml',
      `- hosts: node2\n  gather_facts: false\n  tasks:\n    - name: xfs over ext4\n      community.general.filesystem: { dev: "${vol.device}", fstype: ext2 }\n`,
    );
    const r = await play(other, inventoryPath);
    const res = resultOf(r, 'xfs over ext4', 'node2');
    expect(res.status).toBe('failed');
    expect(String(res.msg)).toContain(`'${vol.device}' is already used as ext4, use force=true to overwrite`);

    // unmounted, then absent: fstab line and mount point go.
    const down = playbook(
      'umount.yaml',
      `- hosts: node2\n  gather_facts: false\n  tasks:\n    - name: unmounted\n      ansible.posix.mount: { path: /data, state: unmounted }\n    - name: absent\n      ansible.posix.mount: { path: /data, state: absent }\n`,
    );
    const d = await play(down, inventoryPath);
    expect(resultOf(d, 'unmounted', 'node2').changed).toBe(true);
    expect(resultOf(d, 'absent', 'node2').changed).toBe(true);
    expect(await sh(1, 'grep -c " /data " /proc/self/mounts /etc/fstab | tr "\\n" " "')).toBe('/proc/self/mounts:0 /etc/fstab:0');
    expect(await sh(1, 'test -e /data && echo yes || echo no')).toBe('no');
  }, 120_000);

  /**
   * firewalld and cron (for crontab) on node1: the host's image, or apt-get inside the node, which
   * reaches Debian through the lab's NAT (docs/lab.md). Not reaching it is a failure, never a skip.
   */
  async function ensurePackages(): Promise<void> {
    const have = await labExec(lab().nodes[0]!, ['sh', '-c', 'command -v firewall-offline-cmd && command -v crontab']);
    if (have.rc === 0) return;
    const up = await labExec(lab().nodes[0]!, ['sh', '-c', 'DEBIAN_FRONTEND=noninteractive apt-get update -q 2>&1'], { timeoutMs: 240_000 });
    if (up.rc !== 0 || /Failed to fetch|Temporary failure|Could not resolve|Unable to connect/i.test(up.stdout)) {
      throw new Error(`apt-get update in the lab node cannot reach Debian's archive through the lab's NAT: ${up.stdout.split('\n').filter((l) => /Err|fail/i.test(l)).slice(0, 3).join(' | ') || `rc ${up.rc}`}`);
    }
    const inst = await labExec(lab().nodes[0]!, ['sh', '-c', 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends firewalld cron 2>&1 | tail -n 20'], { timeoutMs: 400_000 });
    const ok = await labExec(lab().nodes[0]!, ['sh', '-c', 'command -v firewall-offline-cmd && command -v crontab']);
    if (ok.rc !== 0) throw new Error(`apt-get install firewalld cron failed in the node:\n${inst.stdout}${inst.stderr}`);
  }

  it('firewalld offline: missing tool error, port enabled permanent, idempotent, check mode predicts', async () => {
    const { inventoryPath } = lab();
    const pb = playbook(
      'fw.yaml',
      `- hosts: node1\n  gather_facts: false\n  tasks:\n    - name: port\n      ansible.posix.firewalld: { port: 4505/tcp, zone: public, permanent: true, immediate: false, state: enabled }\n    - name: service\n      ansible.posix.firewalld: { service: http, permanent: true, state: enabled }\n`,
    );
    // Without firewalld (removed from the node when the host's image has it): a clear error naming the package.
    await sh(0, 'if dpkg-query -W -f="${db:Status-Abbrev}" firewalld 2>/dev/null | grep -q "^ii"; then DEBIAN_FRONTEND=noninteractive apt-get purge -y -q firewalld >/dev/null; fi');
    expect((await labExec(lab().nodes[0]!, ['sh', '-c', 'command -v firewall-cmd || command -v firewall-offline-cmd'])).rc).not.toBe(0);
    const missing = await play(pb, inventoryPath);
    const res = resultOf(missing, 'port', 'node1');
    expect(res.status).toBe('failed');
    expect(String(res.msg)).toContain('apt-get install -y firewalld');
    const t0 = Date.now();
    await ensurePackages();
    console.log(`packages ready in ${Date.now() - t0} ms`);

    const check = await play(pb, inventoryPath, { checkMode: true });
    expect(recap(check.stats.node1)).toEqual({ ok: 2, changed: 2 });
    expect(String(resultOf(check, 'port', 'node1').msg)).toContain('Permanent operation, Changed port 4505/tcp to enabled');
    const first = await play(pb, inventoryPath);
    expect(recap(first.stats.node1)).toEqual({ ok: 2, changed: 2 });
    expect(await sh(0, 'firewall-offline-cmd --zone=public --list-ports')).toContain('4505/tcp');
    expect(await sh(0, 'firewall-offline-cmd --zone=public --list-services')).toContain('http');
    const second = await play(pb, inventoryPath);
    expect(recap(second.stats.node1)).toEqual({ ok: 2 });
    // The seed's playbook: every port of the list, on every node that has firewalld (node1).
    const seed = await play(resolve('playbooks/firewalld_open_port.yaml'), inventoryPath, { limit: ['node1'] });
    expect(recap(seed.stats.node1)).toEqual({ ok: 1, changed: 1 });
    expect((await sh(0, 'firewall-offline-cmd --zone=public --list-ports')).split(/\s+/).sort()).toEqual(['3000/tcp', '4505/tcp', '4506/tcp', '6379/tcp', '9090/tcp', '9100/tcp', '9418/tcp', '9464/tcp']);
    // Disabled again; immediate without a running daemon fails as Ansible does.
    const off = playbook(
      'fw-off.yaml',
      `- hosts: node1\n  gather_facts: false\n  tasks:\n    - name: turn off\n      ansible.posix.firewalld: { port: 4505/tcp, zone: public, permanent: true, state: disabled }\n    - name: immediate\n      ansible.posix.firewalld: { port: 1/tcp, immediate: true, state: enabled }\n      ignore_errors: true\n`,
    );
    const o = await play(off, inventoryPath);
    expect(resultOf(o, 'turn off', 'node1').changed).toBe(true);
    expect(String(resultOf(o, 'immediate', 'node1').msg)).toContain('unable to perform immediate actions without a running firewall daemon');
    expect(await sh(0, 'firewall-offline-cmd --zone=public --list-ports')).not.toContain('4505/tcp');
  }, 600_000);

  it('sysctl: a per-netns key in its own file, set and reloaded, idempotent', async () => {
    const { inventoryPath } = lab();
    const before = await sh(1, 'sysctl -n net.ipv4.tcp_syncookies');
    const want = before === '1' ? '2' : '1';
    const fwdBefore = await sh(1, 'sysctl -n net.ipv4.ip_forward');
    const fwd = fwdBefore === '1' ? '0' : '1';
    const pb = playbook(
      'sysctl.yaml',
      `- hosts: node2\n  gather_facts: false\n  tasks:\n    - name: forward\n      ansible.posix.sysctl: { name: net.ipv4.ip_forward, value: "${fwd}", sysctl_file: /etc/sysctl.d/90-fleet.conf, sysctl_set: true }\n    - name: syncookies\n      ansible.posix.sysctl: { name: net/ipv4/tcp_syncookies, value: "${want}", sysctl_file: /etc/sysctl.d/90-fleet.conf, reload: true }\n`,
    );
    const check = await play(pb, inventoryPath, { checkMode: true });
    expect(recap(check.stats.node2)).toEqual({ ok: 2, changed: 2 });
    expect(await sh(1, 'sysctl -n net.ipv4.ip_forward')).toBe(fwdBefore);
    const first = await play(pb, inventoryPath);
    expect(recap(first.stats.node2)).toEqual({ ok: 2, changed: 2 });
    expect(await sh(1, 'sysctl -n net.ipv4.ip_forward')).toBe(fwd);
    expect(await sh(1, 'sysctl -n net.ipv4.tcp_syncookies')).toBe(want);
    expect(await sh(1, 'cat /etc/sysctl.d/90-fleet.conf')).toBe(`net.ipv4.ip_forward=${fwd}\nnet/ipv4/tcp_syncookies=${want}`);
    // Per netns: node1 is untouched.
    expect(await sh(0, 'sysctl -n net.ipv4.ip_forward')).toBe(fwdBefore);
    const second = await play(pb, inventoryPath);
    expect(recap(second.stats.node2)).toEqual({ ok: 2 });
    const absent = playbook('sysctl-absent.yaml', `- hosts: node2\n  gather_facts: false\n  tasks:\n    - name: gone\n      ansible.posix.sysctl: { name: net.ipv4.ip_forward, state: absent, sysctl_file: /etc/sysctl.d/90-fleet.conf, reload: false }\n`);
    expect(resultOf(await play(absent, inventoryPath), 'gone', 'node2').changed).toBe(true);
    expect(await sh(1, 'cat /etc/sysctl.d/90-fleet.conf')).toBe(`net/ipv4/tcp_syncookies=${want}`);
  }, 60_000);

  it('cron: cron_file and user crontab with #Ansible markers, idempotent, disabled, absent', async () => {
    const { inventoryPath } = lab();
    const pb = playbook(
      'cron.yaml',
      `- hosts: node1\n  gather_facts: false\n  tasks:\n    - name: file job\n      ansible.builtin.cron: { name: backup, minute: "5", hour: "2", job: /usr/local/bin/backup, cron_file: fleet-backup, user: root }\n    - name: user job\n      ansible.builtin.cron: { name: ping, special_time: hourly, job: "echo hi > /tmp/ping" }\n`,
    );
    // The user crontab needs crontab (the cron package): installed in the node when the host lacks it.
    await ensurePackages();
    await sh(0, 'crontab -r 2>/dev/null; rm -f /etc/cron.d/fleet-backup');
    const first = await play(pb, inventoryPath);
    expect(resultOf(first, 'file job', 'node1').changed).toBe(true);
    expect(await sh(0, 'cat /etc/cron.d/fleet-backup')).toBe('#Ansible: backup\n5 2 * * * root /usr/local/bin/backup');
    expect(resultOf(first, 'user job', 'node1').changed).toBe(true);
    expect(await sh(0, 'crontab -l')).toContain('#Ansible: ping\n@hourly echo hi > /tmp/ping');
    const second = await play(pb, inventoryPath);
    expect(resultOf(second, 'file job', 'node1').changed).toBe(false);
    expect(resultOf(second, 'user job', 'node1').changed).toBe(false);
    const dis = playbook('cron-dis.yaml', `- hosts: node1\n  gather_facts: false\n  tasks:\n    - name: disable\n      ansible.builtin.cron: { name: backup, minute: "5", hour: "2", job: /usr/local/bin/backup, cron_file: fleet-backup, user: root, disabled: true }\n    - name: remove\n      ansible.builtin.cron: { name: backup, cron_file: fleet-backup, state: absent }\n`);
    const d = await play(dis, inventoryPath, { checkMode: true });
    expect(recap(d.stats.node1)).toEqual({ ok: 2, changed: 2 });
    const d2 = await play(dis, inventoryPath);
    expect(recap(d2.stats.node1)).toEqual({ ok: 2, changed: 2 });
    expect(await sh(0, 'test -e /etc/cron.d/fleet-backup && echo yes || echo no')).toBe('no');
  }, 600_000);

  it('hostname: /etc/hostname and the uts name, idempotent, facts', async () => {
    const { inventoryPath } = lab();
    const pb = playbook('hn.yaml', `- hosts: node2\n  gather_facts: false\n  tasks:\n    - name: hn\n      ansible.builtin.hostname: { name: web-02.lab.example }\n    - name: show\n      debug: { var: ansible_hostname }\n`);
    const check = await play(pb, inventoryPath, { checkMode: true });
    expect(resultOf(check, 'hn', 'node2').changed).toBe(true);
    expect(await sh(1, 'hostname')).toBe('node2');
    const first = await play(pb, inventoryPath);
    expect(resultOf(first, 'hn', 'node2').changed).toBe(true);
    expect(resultOf(first, 'show', 'node2').ansible_hostname).toBe('web-02');
    expect(await sh(1, 'hostname; cat /etc/hostname')).toBe('web-02.lab.example\nweb-02.lab.example');
    expect(await sh(0, 'hostname')).toBe('node1');
    const second = await play(pb, inventoryPath);
    expect(resultOf(second, 'hn', 'node2').changed).toBe(false);
  }, 60_000);

  it('timezone: /etc/localtime link and /etc/timezone, idempotent; ufw missing: a clear error', async () => {
    const { inventoryPath } = lab();
    const pb = playbook(
      'tz.yaml',
      `- hosts: node2\n  gather_facts: false\n  tasks:\n    - name: tz\n      community.general.timezone: { name: Europe/Paris }\n    - name: fw\n      community.general.ufw: { rule: allow, port: "22", proto: tcp }\n      ignore_errors: true\n`,
    );
    // Debian's state to start from: /etc/timezone present, another zone; no ufw (removed when the host's image has it).
    await sh(1, "printf 'Etc/UTC\\n' > /etc/timezone && ln -sfn /usr/share/zoneinfo/Etc/UTC /etc/localtime");
    await sh(1, 'if dpkg-query -W -f="${db:Status-Abbrev}" ufw 2>/dev/null | grep -q "^ii"; then DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ufw >/dev/null; fi');
    expect((await labExec(lab().nodes[1]!, ['sh', '-c', 'command -v ufw'])).rc).not.toBe(0);
    const first = await play(pb, inventoryPath);
    expect(resultOf(first, 'tz', 'node2').changed).toBe(true);
    expect(await sh(1, 'readlink /etc/localtime')).toBe('/usr/share/zoneinfo/Europe/Paris');
    expect(await sh(1, 'cat /etc/timezone')).toBe('Europe/Paris');
    expect(await sh(0, 'readlink /etc/localtime')).not.toBe('/usr/share/zoneinfo/Europe/Paris');
    const second = await play(pb, inventoryPath);
    expect(resultOf(second, 'tz', 'node2').changed).toBe(false);
    expect(String(resultOf(first, 'fw', 'node2').msg)).toContain('ufw is not installed on node2: install the ufw package (apt-get install -y ufw)');
  }, 60_000);
});

describeLab('lab volumes are cleaned up at down', () => {
  it('no loop device or image of t-modsys is left', async () => {
    const r = spawnSync('losetup', ['--list', '--noheadings', '--output', 'BACK-FILE'], { encoding: 'utf8' });
    expect(r.stdout).not.toContain(volumeDir('t-modsys'));
    expect(existsSync(volumeDir('t-modsys'))).toBe(false);
  });
});
