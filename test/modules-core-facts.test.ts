/**
 * setup's fact parsing, from a captured run of the gathering script on a lab node
 * (fixtures/modules-core/facts-debian12-lab.txt) and from hand-made outputs of other systems.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesToHuman, factsScript, MARK, osFamily, parseFacts, parseKeyValueFile, resolveSubsets, splitSections, virtualFacts } from '../src/modules/facts.js';
import { factName, planSetup } from '../src/modules/setup.js';
import { getModule, validateParams } from '../src/modules/index.js';

const fixture = readFileSync(new URL('./fixtures/modules-core/facts-debian12-lab.txt', import.meta.url), 'utf8');
const ALL = resolveSubsets(['all']).selected;

/** A script output from named sections. */
function output(sections: Record<string, string>): string {
  return Object.entries(sections).map(([name, text]) => `\n${MARK} ${name}\n${text}`).join('') + `\n${MARK} end\n`;
}

const setupParams = (args: Record<string, unknown>) => {
  const m = getModule('setup');
  return validateParams('setup', m.params, args, m) as never;
};

describe('gather_subset', () => {
  it('follows Ansible: min always, all by default, !x removes, !all keeps min', () => {
    const min = resolveSubsets(['!all']).selected;
    expect([...min].sort()).toEqual(['apparmor', 'caps', 'cmdline', 'date_time', 'distribution', 'dns', 'env', 'fips', 'local', 'lsb', 'pkg_mgr', 'platform', 'python', 'selinux', 'service_mgr', 'ssh_pub_keys', 'user']);
    expect(ALL.has('hardware') && ALL.has('network')).toBe(true);
    expect(resolveSubsets(['network']).selected.has('hardware')).toBe(false);
    expect(resolveSubsets(['network']).selected.has('distribution')).toBe(true);
    expect(resolveSubsets(['!hardware']).selected.has('network')).toBe(true);
    expect(resolveSubsets(['!hardware']).selected.has('hardware')).toBe(false);
    expect(resolveSubsets(['!all', '!min']).selected.size).toBe(0);
    expect(resolveSubsets(['!all', '!min', 'env']).selected).toEqual(new Set(['env']));
    expect(resolveSubsets(['interfaces']).selected.has('network')).toBe(true);
    expect(resolveSubsets(['bogus']).unknown).toEqual(['bogus']);
  });
  it('only gathers what was asked for', () => {
    const s = factsScript(resolveSubsets(['!all']).selected);
    expect(s).not.toContain('/proc/cpuinfo');
    expect(s).not.toContain('ip -o addr');
    expect(s).toContain('/etc/os-release');
    const full = factsScript(ALL, { gatherTimeout: 3, factPath: '/opt/facts' });
    expect(full).toContain('timeout 3');
    expect(full).toContain('/opt/facts/*.fact');
    expect(full).toContain('ip -o addr show');
  });
});

describe('facts from a Debian 12 lab node', () => {
  const facts = parseFacts(fixture, ALL);
  it('platform and distribution', () => {
    expect(facts).toMatchObject({
      system: 'Linux',
      kernel: '6.18.44-fc-v595',
      kernel_version: '#1 SMP PREEMPT_DYNAMIC @0',
      machine: 'x86_64',
      architecture: 'x86_64',
      hostname: 'node1',
      nodename: 'node1',
      fqdn: 'node1',
      domain: '',
      distribution: 'Debian',
      distribution_version: '12.11',
      distribution_major_version: '12',
      distribution_minor_version: '11',
      distribution_release: 'bookworm',
      os_family: 'Debian',
      pkg_mgr: 'apt',
      lsb: { id: 'Debian', description: 'Debian GNU/Linux 12 (bookworm)', release: '12', codename: 'bookworm', major_release: '12' },
      userspace_bits: '64',
      machine_id: '3d1219c7c4c5404aaa1f6d2a48adfda4',
    });
  });
  it('service_mgr: no systemd running (only installed), init.d → sysvinit', () => {
    expect(facts.service_mgr).toBe('sysvinit');
  });
  it('user, env, date_time, dns, misc', () => {
    expect(facts).toMatchObject({ user_id: 'root', user_uid: 0, user_gid: 0, user_dir: '/root', user_shell: '/bin/bash', user_gecos: 'root', fips: false, apparmor: { status: 'disabled' } });
    expect((facts.env as Record<string, string>).HOME).toBe('/root');
    expect((facts.env as Record<string, string>).PATH).toContain('/usr/bin');
    expect(facts.date_time).toMatchObject({ year: '2026', month: '11', day: '23', weekday: 'Monday', tz: 'UTC', tz_offset: '+0000', epoch: expect.stringMatching(/^\d+$/) });
    const dt = facts.date_time as Record<string, string>;
    expect(dt.date).toBe(`${dt.year}-${dt.month}-${dt.day}`);
    expect(dt.iso8601).toBe(new Date(Number(dt.epoch) * 1000).toISOString().replace(/\.\d+Z$/, 'Z'));
    expect(dt.iso8601_micro).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(facts.dns).toEqual({ nameservers: ['10.255.255.53'] });
    expect(facts.ssh_host_key_ed25519_public_keytype).toBe('ssh-ed25519');
    expect(facts.ssh_host_key_ed25519_public).toMatch(/^AAAA/);
    expect((facts.cmdline as Record<string, unknown>).console).toBe('ttyS0');
    expect((facts.cmdline as Record<string, unknown>).quiet).toBe(true);
    expect(facts.uptime_seconds).toBeGreaterThan(0);
    expect(facts.loadavg).toMatchObject({ '1m': expect.any(Number), '15m': expect.any(Number) });
    expect(facts.local).toEqual({});
  });
  it('hardware: processors, memory, devices; the overlay root is not a mount Ansible lists', () => {
    expect(facts).toMatchObject({ processor_count: 1, processor_cores: 2, processor_threads_per_core: 1, processor_vcpus: 2, processor_nproc: 2 });
    expect(facts.processor).toEqual(['0', 'GenuineIntel', 'Intel(R) Xeon(R) Processor', '1', 'GenuineIntel', 'Intel(R) Xeon(R) Processor']);
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(fixture)![1]);
    expect(facts.memtotal_mb).toBe(Math.floor(kb('MemTotal') / 1024));
    expect(facts.memfree_mb).toBe(Math.floor(kb('MemFree') / 1024));
    expect(facts.swaptotal_mb).toBe(0);
    expect(facts.memory_mb).toMatchObject({ real: { total: Math.floor(kb('MemTotal') / 1024) }, swap: { total: 0 } });
    expect(facts.mounts).toEqual([]);
    expect((facts.devices as Record<string, unknown>).vda).toMatchObject({ sectors: '536870912', sectorsize: '512', size: '256.00 GB', rotational: '1', removable: '0' });
  });
  it('network: interfaces, per-interface facts, default_ipv4, all_ipv4_addresses', () => {
    expect(facts.interfaces).toEqual(['eth0', 'lo']);
    expect(facts.eth0).toEqual({
      device: 'eth0',
      active: true,
      mtu: 1500,
      macaddress: '02:b5:af:19:00:01',
      type: 'ether',
      promisc: false,
      ipv4: { address: '10.213.12.11', broadcast: '', netmask: '255.255.255.0', network: '10.213.12.0', prefix: '24' },
      ipv6: [{ address: 'fe80::b5:afff:fe19:1', prefix: '64', scope: 'link' }],
    });
    expect(facts.lo).toMatchObject({ type: 'loopback', active: true, ipv4: { address: '127.0.0.1', netmask: '255.0.0.0', network: '127.0.0.0' } });
    expect(facts.default_ipv4).toEqual({
      gateway: '10.213.12.1',
      interface: 'eth0',
      address: '10.213.12.11',
      broadcast: '',
      netmask: '255.255.255.0',
      network: '10.213.12.0',
      prefix: '24',
      alias: 'eth0',
      macaddress: '02:b5:af:19:00:01',
      mtu: 1500,
      type: 'ether',
    });
    expect(facts.default_ipv6).toEqual({});
    expect(facts.all_ipv4_addresses).toEqual(['10.213.12.11']);
    expect(facts.all_ipv6_addresses).toEqual(['fe80::b5:afff:fe19:1']);
  });
  it('setup names them ansible_*, filters by glob, adds gather_subset and module_setup', () => {
    const r = planSetup(setupParams({}), { output: fixture }).result;
    const f = r.ansible_facts as Record<string, unknown>;
    expect(r.changed).toBe(false);
    expect(f.ansible_hostname).toBe('node1');
    expect(f.ansible_eth0).toMatchObject({ device: 'eth0' });
    expect(f.ansible_default_ipv4).toMatchObject({ address: '10.213.12.11' });
    expect(f.gather_subset).toEqual(['all']);
    expect(f.module_setup).toBe(true);
    const filtered = planSetup(setupParams({ filter: ['ansible_distribution*', 'ansible_eth?'] }), { output: fixture }).result.ansible_facts as Record<string, unknown>;
    expect(Object.keys(filtered).sort()).toEqual([
      'ansible_distribution',
      'ansible_distribution_file_parsed',
      'ansible_distribution_file_path',
      'ansible_distribution_file_variety',
      'ansible_distribution_major_version',
      'ansible_distribution_minor_version',
      'ansible_distribution_release',
      'ansible_distribution_version',
      'ansible_eth0',
      'gather_subset',
      'module_setup',
    ]);
    const min = planSetup(setupParams({ gather_subset: '!all' }), { output: fixture }).result.ansible_facts as Record<string, unknown>;
    expect(min.ansible_distribution).toBe('Debian');
    expect(min).not.toHaveProperty('ansible_eth0');
    expect(min).not.toHaveProperty('ansible_memtotal_mb');
    expect(factName('br-lan')).toBe('ansible_br_lan');
    expect(() => planSetup(setupParams({ gather_subset: 'bogus' }), { output: fixture })).toThrow(/Bad subset 'bogus'/);
    expect(planSetup(setupParams({}), { output: '', error: 'fact gathering failed' }).result).toMatchObject({ failed: true });
  });
});

describe('python facts', () => {
  it("the gathering script reports this machine's python3 as Ansible's collector does", () => {
    const out = spawnSync('sh', ['-c', factsScript(new Set(['python']))], { encoding: 'utf8' }).stdout;
    const own = spawnSync('python3', ['-c', 'import sys, os; print(sys.executable); print(*sys.version_info)'], { encoding: 'utf8' }).stdout.trim().split('\n');
    const [major, minor, micro, releaselevel, serial] = own[1]!.split(' ');
    const facts = parseFacts(out, new Set(['python']));
    expect(facts.python).toEqual({
      executable: own[0],
      has_sslcontext: true,
      type: 'cpython',
      version: { major: Number(major), minor: Number(minor), micro: Number(micro), releaselevel, serial: Number(serial) },
      version_info: [Number(major), Number(minor), Number(micro), releaselevel, Number(serial)],
    });
    expect(facts.python_version).toBe(`${major}.${minor}.${micro}`);
  });
  it('a host without any python has no python facts', () => {
    expect(parseFacts(output({ python: '' }), new Set(['python']))).toEqual({});
  });
});

describe('virtual facts, as Ansible finds them on Linux', () => {
  const v = (sections: Record<string, string>) => virtualFacts(splitSections(output(sections)));
  it('containers from pid 1 (cgroup, environment), systemd, /.dockerenv', () => {
    expect(v({ 'file:/proc/1/cgroup': '0::/system.slice/docker-0123abcd.scope\n' })).toEqual({ virtualization_type: 'docker', virtualization_role: 'guest', virtualization_tech_guest: ['container', 'docker'], virtualization_tech_host: [] });
    expect(v({ environ1: 'PATH=/bin\ncontainer=lxc\n' })).toMatchObject({ virtualization_type: 'lxc', virtualization_role: 'guest', virtualization_tech_guest: ['container', 'lxc'] });
    expect(v({ 'file:/run/systemd/container': 'podman\n' })).toMatchObject({ virtualization_type: 'podman', virtualization_tech_guest: ['container', 'podman'] });
    expect(v({ virtflags: '/.dockerenv\n' })).toMatchObject({ virtualization_type: 'docker', virtualization_role: 'guest' });
    expect(v({ virtflags: '/proc/vz\n/proc/bc\n' })).toMatchObject({ virtualization_type: 'openvz', virtualization_role: 'host', virtualization_tech_host: ['openvz'] });
  });
  it('virtual machines from DMI names; NA when nothing says', () => {
    expect(v({ 'file:/sys/devices/virtual/dmi/id/product_name': 'KVM\n' })).toMatchObject({ virtualization_type: 'kvm', virtualization_role: 'guest', virtualization_tech_guest: ['kvm'] });
    expect(v({ 'file:/sys/devices/virtual/dmi/id/sys_vendor': 'QEMU\n' })).toMatchObject({ virtualization_type: 'kvm' });
    expect(v({ 'file:/sys/devices/virtual/dmi/id/bios_vendor': 'innotek GmbH\n' })).toMatchObject({ virtualization_type: 'virtualbox' });
    expect(v({})).toEqual({ virtualization_type: 'NA', virtualization_role: 'NA', virtualization_tech_guest: [], virtualization_tech_host: [] });
  });
});

describe('facts from other systems', () => {
  it('Ubuntu with lsb-release, an FQDN, a secondary address, a bridge and an IPv6 default route', () => {
    const f = parseFacts(
      output({
        uname: 'Linux\n5.15.0-91-generic\n#101-Ubuntu SMP\naarch64\nweb1.example.com\n',
        fqdn: 'web1.example.com\n',
        'file:/etc/os-release': 'NAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.3 LTS (Jammy Jellyfish)"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 22.04.3 LTS"\n',
        'file:/etc/debian_version': 'bookworm/sid\n',
        'file:/etc/lsb-release': 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION="Ubuntu 22.04.3 LTS"\n',
        pkg_mgr: 'apt-get\nyum\n',
        service_mgr: 'systemd\nrun_systemd\ninitd\n',
        env: 'HOME=/home/deploy\nLANG=C.UTF-8\n',
        'local:/etc/ansible/facts.d/app.fact': '{"version": "1.2"}\n',
        'local:/etc/ansible/facts.d/site.fact': '[general]\nrole = web\n',
        'local:/etc/ansible/facts.d/bad.fact': 'not json or ini\n',
        ip_link: '2: br-lan: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP\\    link/ether aa:bb:cc:dd:ee:ff brd ff:ff:ff:ff:ff:ff\n',
        ip_addr:
          '2: br-lan    inet 192.168.1.10/24 brd 192.168.1.255 scope global br-lan\\       valid_lft forever preferred_lft forever\n' +
          '2: br-lan    inet 192.168.1.11/24 brd 192.168.1.255 scope global secondary br-lan:1\\       valid_lft forever preferred_lft forever\n' +
          '2: br-lan    inet6 2001:db8::10/64 scope global \\       valid_lft forever preferred_lft forever\n',
        ip_route4: 'default via 192.168.1.1 dev br-lan proto dhcp metric 100\n',
        ip_route6: 'default via fe80::1 dev br-lan proto ra metric 100 pref medium\n',
        sysnet: 'br-lan|aa:bb:cc:dd:ee:ff|1500|up|1|0x1103|bridge\n',
        meminfo: 'MemTotal:        2048000 kB\nMemFree:          512000 kB\nBuffers:           10240 kB\nCached:           102400 kB\nSwapTotal:       1024000 kB\nSwapFree:        1000000 kB\n',
        'file:/proc/mounts': '/dev/sda1 / ext4 rw,relatime 0 0\n/dev/sda2 /srv/my\\040data xfs rw 0 0\nnfs:/export /mnt/nfs nfs4 rw 0 0\ntmpfs /run tmpfs rw 0 0\n',
        statfs: '/|4096 4096 1000 400 350 500 300\n/srv/my\\040data|4096 4096 10 5 5 100 90\n/mnt/nfs|\n',
        uuids: '/dev/sda1 1111-2222\n',
        blocks: 'disk|sda|41943040|512|0|1|ATA|VBOX HARDDISK |\npart|sda|sda1|2048|2097152|\npart|sda|sda2|2099200|39843840|dm-0 \n',
        cpuinfo: 'processor\t: 0\nprocessor\t: 1\nprocessor\t: 2\nprocessor\t: 3\n',
        nproc: '4\n',
      }),
      ALL,
    );
    expect(f).toMatchObject({
      hostname: 'web1',
      fqdn: 'web1.example.com',
      domain: 'example.com',
      architecture: 'aarch64',
      distribution: 'Ubuntu',
      distribution_version: '22.04',
      distribution_major_version: '22',
      distribution_release: 'jammy',
      os_family: 'Debian',
      pkg_mgr: 'apt',
      service_mgr: 'systemd',
      lsb: { id: 'Ubuntu', release: '22.04', codename: 'jammy', description: 'Ubuntu 22.04.3 LTS', major_release: '22' },
      env: { HOME: '/home/deploy', LANG: 'C.UTF-8' },
      local: { app: { version: '1.2' }, site: { general: { role: 'web' } }, bad: expect.stringMatching(/error loading facts/) },
      memtotal_mb: 2000,
      memfree_mb: 500,
      swaptotal_mb: 1000,
      swapfree_mb: 976,
      memory_mb: { nocache: { free: 610, used: 1390 }, swap: { used: 24 } },
      processor_count: 4,
      processor_cores: 1,
      processor_vcpus: 4,
      processor_nproc: 4,
    });
    expect(f.interfaces).toEqual(['br-lan']);
    expect(f['br-lan']).toMatchObject({
      type: 'bridge',
      promisc: true,
      ipv4: { address: '192.168.1.10', broadcast: '192.168.1.255', netmask: '255.255.255.0' },
      ipv4_secondaries: [{ address: '192.168.1.11', alias: 'br-lan:1', network: '192.168.1.0' }],
      ipv6: [{ address: '2001:db8::10', prefix: '64', scope: 'global' }],
    });
    expect(f.default_ipv4).toMatchObject({ address: '192.168.1.10', gateway: '192.168.1.1', interface: 'br-lan', alias: 'br-lan', type: 'bridge' });
    expect(f.default_ipv6).toMatchObject({ address: '2001:db8::10', gateway: 'fe80::1', interface: 'br-lan' });
    expect(f.all_ipv4_addresses).toEqual(['192.168.1.10', '192.168.1.11']);
    expect(f.mounts).toEqual([
      {
        mount: '/',
        device: '/dev/sda1',
        fstype: 'ext4',
        options: 'rw,relatime',
        uuid: '1111-2222',
        size_total: 4096000,
        size_available: 1433600,
        block_size: 4096,
        block_total: 1000,
        block_available: 350,
        block_used: 600,
        inode_total: 500,
        inode_available: 300,
        inode_used: 200,
      },
      expect.objectContaining({ mount: '/srv/my data', fstype: 'xfs', size_total: 40960, uuid: 'N/A' }),
      { mount: '/mnt/nfs', device: 'nfs:/export', fstype: 'nfs4', options: 'rw', uuid: 'N/A' },
    ]);
    expect((f.devices as Record<string, Record<string, unknown>>).sda).toMatchObject({
      vendor: 'ATA',
      model: 'VBOX HARDDISK',
      size: '20.00 GB',
      partitions: { sda1: { start: '2048', sectors: '2097152', size: '1.00 GB', holders: [] }, sda2: { holders: ['dm-0'] } },
    });
    const named = planSetup(setupParams({ gather_subset: ['network'] }), {
      output: output({ ip_addr: '2: br-lan    inet 10.0.0.1/8 scope global br-lan\\ x\n', sysnet: 'br-lan|aa|1500|up|1|0x1003|bridge\n' }),
    }).result.ansible_facts as Record<string, unknown>;
    expect(named.ansible_br_lan).toMatchObject({ device: 'br-lan' });
    expect(named.ansible_interfaces).toEqual(['br-lan']);
  });
  it('RedHat family from redhat-release, Alpine, and unknown systems', () => {
    const centos = parseFacts(
      output({
        'file:/etc/os-release': 'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\n',
        'file:/etc/redhat-release': 'CentOS Linux release 7.9.2009 (Core)\n',
        pkg_mgr: 'yum\n',
        service_mgr: 'systemd\nrun_systemd\n',
      }),
      resolveSubsets(['!all']).selected,
    );
    expect(centos).toMatchObject({ distribution: 'CentOS', distribution_version: '7.9', distribution_major_version: '7', distribution_release: 'Core', os_family: 'RedHat', pkg_mgr: 'yum', distribution_file_path: '/etc/redhat-release' });
    const rocky = parseFacts(output({ 'file:/etc/os-release': 'ID="rocky"\nVERSION_ID="9.3"\nID_LIKE="rhel centos fedora"\n', 'file:/etc/redhat-release': 'Rocky Linux release 9.3 (Blue Onyx)\n', pkg_mgr: 'dnf\nyum\n' }), resolveSubsets(['!all']).selected);
    expect(rocky).toMatchObject({ distribution: 'Rocky', distribution_version: '9.3', distribution_release: 'Blue Onyx', pkg_mgr: 'dnf', os_family: 'RedHat' });
    const alpine = parseFacts(output({ 'file:/etc/os-release': 'ID=alpine\nVERSION_ID=3.19.1\n', 'file:/etc/alpine-release': '3.19.1\n', pkg_mgr: 'apk\n', service_mgr: 'init\nopenrc\ninitd\n' }), resolveSubsets(['!all']).selected);
    expect(alpine).toMatchObject({ distribution: 'Alpine', distribution_version: '3.19.1', distribution_major_version: '3', os_family: 'Alpine', pkg_mgr: 'apk', service_mgr: 'openrc' });
    const odd = parseFacts(output({ 'file:/etc/os-release': 'ID=someos\nID_LIKE=debian\n', service_mgr: 'tini\n' }), resolveSubsets(['!all']).selected);
    expect(odd).toMatchObject({ distribution: 'Someos', distribution_version: 'NA', distribution_major_version: 'NA', os_family: 'Debian', pkg_mgr: 'unknown', service_mgr: 'service' });
    expect(osFamily('Fedora')).toBe('RedHat');
    expect(osFamily('openSUSE Leap')).toBe('Suse');
  });
  it('helpers: sections, key=value files, sizes', () => {
    expect([...splitSections(output({ a: 'x\n', b: 'y' })).entries()]).toEqual([
      ['a', 'x\n'],
      ['b', 'y'],
    ]);
    expect(parseKeyValueFile('A="x \\"y\\""\nB=\'z\'\n# c\nC=plain\n')).toEqual({ A: 'x "y"', B: 'z', C: 'plain' });
    expect(bytesToHuman(0)).toBe('0.00 Bytes');
    expect(bytesToHuman(512)).toBe('512.00 Bytes');
    expect(bytesToHuman(1536)).toBe('1.50 KB');
    expect(bytesToHuman(20 * 2 ** 30)).toBe('20.00 GB');
  });
});
