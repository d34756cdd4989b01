/** Pure plans of the system modules (filesystem, mount, firewalld, sysctl, cron, hostname, ufw, timezone, reboot). */
import { describe, expect, it } from 'vitest';
import { validateParams } from '../src/modules/index.js';
import { cron, cronJobLine, editCrontab, planCron, stripHeader, type CronParams } from '../src/modules/cron.js';
import { filesystem, parseFilesystemProbe, planFilesystem, type FilesystemParams, type FilesystemState } from '../src/modules/filesystem.js';
import { firewalld, parseFirewalldProbe, planFirewalld, type FirewalldParams, type FirewalldState } from '../src/modules/firewalld.js';
import { hostname, planHostname, type HostnameParams } from '../src/modules/hostname.js';
import { escapeFstab, mount, mountCommands, parseMountProbe, parseProcMounts, planMount, setFstab, unsetFstab, type MountParams, type MountState } from '../src/modules/mount.js';
import { planReboot, reboot, rebootCommand, waitForReboot, type RebootParams } from '../src/modules/reboot.js';
import { editSysctlFile, fileValue, normalizeSysctlValue, planSysctl, sysctl, type SysctlParams } from '../src/modules/sysctl.js';
import { planTimezone, timezone, type TimezoneParams, type TimezoneState } from '../src/modules/timezone.js';
import { parseUfwProbe, planUfw, ufw, ufwRuleWords, type UfwParams } from '../src/modules/ufw.js';
import type { ModuleContext, ModuleDefinition } from '../src/modules/types.js';
import type { CommandResult, Connection } from '../src/transport/connection.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function params<P>(m: ModuleDefinition<P, any, any>, args: Record<string, unknown>): P {
  return validateParams(m.name, m.params, args) as P;
}

describe('filesystem', () => {
  const st = (o: Partial<FilesystemState> = {}): FilesystemState => ({ exists: true, block: true, type: '', mkfs: '/usr/sbin/mkfs.ext4', tools: {}, ...o });
  const p = (a: Record<string, unknown>) => params<FilesystemParams>(filesystem, { dev: '/dev/vdb', fstype: 'ext4', ...a });
  it('makes the filesystem on an empty device, with opts and the force flag mkfs needs', () => {
    const plan = planFilesystem(p({ opts: '-L data -m 1' }), st());
    expect(plan.actions).toEqual([{ kind: 'run', what: 'mkfs.ext4', argv: ['/usr/sbin/mkfs.ext4', '-F', '-L', 'data', '-m', '1', '/dev/vdb'] }]);
  });
  it('same type: nothing; another type: fails without force, reformats with it', () => {
    expect(planFilesystem(p({}), st({ type: 'ext4' })).actions).toEqual([]);
    expect(() => planFilesystem(p({}), st({ type: 'xfs' }))).toThrow("'/dev/vdb' is already used as xfs, use force=true to overwrite");
    expect(planFilesystem(p({ force: true }), st({ type: 'xfs' })).actions).toHaveLength(1);
    // force on the same type reformats, as Ansible does.
    expect(planFilesystem(p({ force: true }), st({ type: 'ext4' })).actions).toHaveLength(1);
  });
  it('missing device, missing mkfs (names the package), unsupported resize', () => {
    expect(() => planFilesystem(p({}), { exists: false, block: false, type: '', tools: {} })).toThrow('Device /dev/vdb not found.');
    expect(() => planFilesystem(p({ fstype: 'xfs' }), st({ mkfs: undefined }) as FilesystemState)).toThrow('apt-get install -y xfsprogs');
    expect(() => planFilesystem(p({ fstype: 'xfs', resizefs: true }), st({ type: 'xfs' }))).toThrow('resizefs is not supported for xfs');
  });
  it('resizefs grows ext4 when the device is larger', () => {
    expect(planFilesystem(p({ resizefs: true }), st({ type: 'ext4', devSize: 2e9, fsSize: 1e9 })).actions[0]).toMatchObject({ argv: ['resize2fs', '/dev/vdb'] });
    expect(planFilesystem(p({ resizefs: true }), st({ type: 'ext4', devSize: 1e9, fsSize: 1e9 })).actions).toEqual([]);
  });
  it('state absent wipes signatures; swap uses mkswap -f', () => {
    expect(planFilesystem(p({ state: 'absent' }), st({ type: 'ext4' })).actions[0]).toMatchObject({ argv: ['wipefs', '--all', '--', '/dev/vdb'] });
    expect(planFilesystem(p({ state: 'absent' }), st()).actions).toEqual([]);
    expect(planFilesystem(p({ fstype: 'swap' }), st({ mkfs: '/sbin/mkswap' })).actions[0]).toMatchObject({ argv: ['/sbin/mkswap', '-f', '/dev/vdb'] });
  });
  it('parses the probe', () => {
    expect(parseFilesystemProbe('B\nT ext4\nH wipefs\nM /sbin/mkfs.ext4\nS 100\nF 90\n')).toEqual({ exists: true, block: true, type: 'ext4', mkfs: '/sbin/mkfs.ext4', tools: { wipefs: true }, devSize: 100, fsSize: 90 });
    expect(parseFilesystemProbe('X\n').exists).toBe(false);
  });
});

describe('mount', () => {
  const st = (o: Partial<MountState> = {}): MountState => ({ fstab: '# fstab\nUUID=1 / ext4 defaults 0 1\n', fstabExists: true, pathIsDir: true, pathExists: true, ...o });
  const p = (a: Record<string, unknown>) => params<MountParams>(mount, { path: '/data', src: '/dev/vdb', fstype: 'ext4', state: 'mounted', ...a });
  it('mounted: mkdir when missing, fstab line, mount; predicts the directory', () => {
    const plan = planMount(p({ opts: 'defaults,nofail' }), st({ pathIsDir: false, pathExists: false }));
    expect(plan.actions.map((a) => a.kind)).toEqual(['mkdir', 'fstab', 'mount']);
    expect((plan.actions[1] as { content: string }).content).toBe('# fstab\nUUID=1 / ext4 defaults 0 1\n/dev/vdb /data ext4 defaults,nofail 0 0\n');
    expect(plan.predicts).toEqual({ paths: { '/data': 'directory' } });
    expect(plan.result).toMatchObject({ name: '/data', src: '/dev/vdb', opts: 'defaults,nofail', dump: '0', passno: '0', fstab: '/etc/fstab' });
  });
  it('mounted and in fstab: nothing; fstab differs while mounted: remount; other source: umount + mount', () => {
    const fstab = '/dev/vdb /data ext4 defaults 0 0\n';
    const mounted = { src: '/dev/vdb', path: '/data', fstype: 'ext4', opts: 'rw' };
    expect(planMount(p({}), st({ fstab, mounted })).actions).toEqual([]);
    expect(planMount(p({ opts: 'noatime' }), st({ fstab, mounted })).actions.map((a) => a.kind)).toEqual(['fstab', 'remount']);
    expect(planMount(p({}), st({ fstab, mounted, srcResolved: '/dev/vdb', mountedResolved: '/dev/vdc' })).actions.map((a) => a.kind)).toEqual(['umount', 'mount']);
  });
  it('present only edits fstab; dump, passno, boot: false adds noauto; fstab path', () => {
    const plan = planMount(p({ state: 'present', dump: '1', passno: '2', boot: false, fstab: '/tmp/fstab' }), st({ fstab: '' }));
    expect(plan.actions).toEqual([{ kind: 'fstab', content: '/dev/vdb /data ext4 noauto 1 2\n' }]);
    expect(mountCommands(p({ fstab: '/tmp/fstab' }), [{ kind: 'mount' }])).toContain('mount -T /tmp/fstab -- /data');
  });
  it('unmounted, absent, remounted', () => {
    const mounted = { src: '/dev/vdb', path: '/data', fstype: 'ext4', opts: 'rw' };
    const fstab = '/dev/vdb /data ext4 defaults 0 0\n';
    expect(planMount(p({ state: 'unmounted' }), st({ fstab, mounted })).actions.map((a) => a.kind)).toEqual(['umount']);
    expect(planMount(p({ state: 'unmounted' }), st({ fstab })).actions).toEqual([]);
    const absent = planMount(p({ state: 'absent' }), st({ fstab, mounted }));
    expect(absent.actions).toEqual([{ kind: 'fstab', content: '' }, { kind: 'umount' }, { kind: 'rmdir' }]);
    expect(planMount(p({ state: 'absent' }), st({ fstab: '', pathExists: false, pathIsDir: false })).actions).toEqual([]);
    expect(planMount(p({ state: 'remounted' }), st({ mounted })).actions).toEqual([{ kind: 'remount' }]);
    expect(() => planMount(p({ state: 'mounted', fstype: undefined }), st())).toThrow('missing: fstype');
  });
  it('escapes blanks in fstab, keeps other lines, drops duplicates', () => {
    expect(escapeFstab('/mnt/my disk')).toBe('/mnt/my\\040disk');
    const r = setFstab('a /x ext4 defaults 0 0\n/dev/old /data ext4 defaults 0 0\n/dev/old2 /data ext4 defaults 0 0\n', { src: '/dev/vdb', name: '/data', fstype: 'ext4', opts: 'defaults', dump: '0', passno: '0' });
    expect(r.text).toBe('a /x ext4 defaults 0 0\n/dev/vdb /data ext4 defaults 0 0\n');
    expect(unsetFstab('x /data ext4 d 0 0\n#c /data\n', '/data')).toEqual({ text: '#c /data\n', changed: true });
  });
  it('parses /proc/mounts and the probe; check mode sees a predicted mount point', () => {
    expect(parseProcMounts('/dev/loop0 /my\\040data ext4 rw 0 0\n')).toEqual([{ src: '/dev/loop0', path: '/my data', fstype: 'ext4', opts: 'rw' }]);
    const out = '/dev/loop0 /data ext4 rw 0 0\n__FLEET_END__\nY\n/dev/loop0 /data ext4 defaults 0 0\n__FLEET_END__\nA\nS /dev/loop0\n';
    const s = parseMountProbe(p({}), out, true);
    expect(s).toMatchObject({ mounted: { src: '/dev/loop0' }, fstab: '/dev/loop0 /data ext4 defaults 0 0\n', pathIsDir: true, srcResolved: '/dev/loop0' });
  });
});

describe('firewalld', () => {
  const st = (o: Partial<FirewalldState> = {}): FirewalldState => ({ mode: 'offline', zone: 'public', permanent: { port: false }, runtime: {}, ...o });
  const p = (a: Record<string, unknown>) => params<FirewalldParams>(firewalld, { port: '8080/tcp', permanent: true, state: 'enabled', ...a });
  it('offline: firewall-offline-cmd for the permanent config', () => {
    const plan = planFirewalld(p({}), st());
    expect(plan.actions).toEqual([{ kind: 'run', what: 'firewall-offline-cmd add port 8080/tcp', argv: ['firewall-offline-cmd', '--zone=public', '--add-port=8080/tcp'] }]);
    expect(plan.msg).toBe('Permanent operation, Changed port 8080/tcp to enabled');
    expect(planFirewalld(p({}), st({ permanent: { port: true } })).actions).toEqual([]);
    expect(() => planFirewalld(p({ permanent: false }), st())).toThrow('unable to perform immediate actions without a running firewall daemon');
  });
  it('running: permanent and immediate, timeout, disabled, services, zones', () => {
    const plan = planFirewalld(p({ immediate: true, timeout: 30 }), st({ mode: 'running', permanent: { port: false }, runtime: { port: false } }));
    expect(plan.actions.map((a) => a.argv)).toEqual([
      ['firewall-cmd', '--permanent', '--zone=public', '--add-port=8080/tcp'],
      ['firewall-cmd', '--zone=public', '--add-port=8080/tcp', '--timeout=30'],
    ]);
    expect(plan.msg).toContain('Permanent and Non-Permanent(immediate) operation');
    // Neither permanent nor immediate: immediate.
    const imm = planFirewalld(p({ permanent: false, port: undefined, service: 'http', state: 'disabled', zone: 'dmz' }), st({ mode: 'running', zone: 'dmz', permanent: { service: true }, runtime: { service: true } }));
    expect(imm.actions.map((a) => a.argv)).toEqual([['firewall-cmd', '--zone=dmz', '--remove-service=http']]);
  });
  it('missing tools name the package; bad port format; one setting per task', () => {
    expect(() => planFirewalld(p({}), st({ mode: 'missing' }), 'web1')).toThrow('firewalld is not installed on web1');
    expect(() => planFirewalld(p({}), st({ mode: 'missing' }))).toThrow('apt-get install -y firewalld');
    expect(() => planFirewalld(p({ port: '8080' }), st())).toThrow('improper port format');
    expect(() => planFirewalld(p({ service: 'http' }), st())).toThrow('mutually exclusive');
    expect(planFirewalld(p({ port: undefined, source: '10.0.0.0/8' }), st({ permanent: {} })).actions.map((a) => a.argv)).toEqual([['firewall-offline-cmd', '--zone=public', '--add-source=10.0.0.0/8']]);
    expect(planFirewalld(p({ port: undefined, rich_rule: 'rule service name="ftp" accept' }), st({ permanent: {} })).actions.map((a) => a.argv)).toEqual([['firewall-offline-cmd', '--zone=public', '--add-rich-rule=rule service name="ftp" accept']]);
  });
  it('parses the probe', () => {
    expect(parseFirewalldProbe('MODE running\nZONE public\nP port yes\nR port no\n')).toEqual({ mode: 'running', zone: 'public', permanent: { port: true }, runtime: { port: false } });
  });
});

describe('sysctl', () => {
  const p = (a: Record<string, unknown>) => params<SysctlParams>(sysctl, { name: 'net.ipv4.ip_forward', value: '1', ...a });
  it('file edit + reload; sysctl_set; absent; values normalized', () => {
    const plan = planSysctl(p({}), { file: '# x\nnet.ipv4.ip_forward = 0\n', fileExists: true, current: '0' });
    expect(plan.actions).toEqual([{ kind: 'file', content: '# x\nnet.ipv4.ip_forward=1\n' }, { kind: 'reload' }]);
    expect(planSysctl(p({ reload: false, sysctl_set: true }), { file: '', fileExists: false, current: '0' }).actions.map((a) => a.kind)).toEqual(['file', 'set']);
    expect(planSysctl(p({ value: 'yes' }), { file: 'net.ipv4.ip_forward=1\n', fileExists: true, current: '1' }).actions).toEqual([]);
    expect(planSysctl(p({ state: 'absent', value: undefined }), { file: 'net.ipv4.ip_forward=1\nx=2\n', fileExists: true }).actions).toEqual([{ kind: 'file', content: 'x=2\n' }, { kind: 'reload' }]);
    expect(() => planSysctl(p({ name: 'no.such', sysctl_set: true }), { file: '', fileExists: true })).toThrow('setting no.such failed');
    expect(planSysctl(p({ name: 'no.such', sysctl_set: true, ignoreerrors: true }), { file: '', fileExists: true }).actions.map((a) => a.kind)).toEqual(['file', 'reload']);
  });
  it('helpers', () => {
    expect(normalizeSysctlValue('4096\t87380   6291456')).toBe('4096 87380 6291456');
    expect(fileValue('net/ipv4/ip_forward=1\n', 'net.ipv4.ip_forward')).toBe('1');
    expect(editSysctlFile('a=1\na=2\n', 'a', '3')).toBe('a=3\n');
  });
});

describe('cron', () => {
  const p = (a: Record<string, unknown>) => params<CronParams>(cron, { name: 'backup', job: '/bin/backup', ...a });
  const st = (text = '') => ({ text, exists: text !== '', hasCrontab: true });
  it('job lines: times, special_time, disabled, cron_file user', () => {
    expect(cronJobLine(p({ minute: '5', hour: '2', weekday: '1-5' }))).toBe('5 2 * * 1-5 /bin/backup');
    expect(cronJobLine(p({ special_time: 'reboot' }))).toBe('@reboot /bin/backup');
    expect(cronJobLine(p({ disabled: true }))).toBe('#* * * * * /bin/backup');
    expect(cronJobLine(p({ cron_file: 'x', user: 'app' }))).toBe('* * * * * app /bin/backup');
  });
  it('adds, replaces, keeps, removes by the #Ansible marker', () => {
    expect(planCron(p({}), st('MAILTO=x\n')).actions).toEqual([{ kind: 'write', content: 'MAILTO=x\n#Ansible: backup\n* * * * * /bin/backup\n' }]);
    expect(planCron(p({}), st('#Ansible: backup\n* * * * * /bin/backup\n')).actions).toEqual([]);
    expect(planCron(p({ hour: '3' }), st('#Ansible: backup\n* * * * * /bin/backup\n')).actions).toEqual([{ kind: 'write', content: '#Ansible: backup\n* 3 * * * /bin/backup\n' }]);
    expect(planCron(p({ state: 'absent' }), st('#Ansible: backup\n* * * * * /bin/backup\nx\n')).actions).toEqual([{ kind: 'write', content: 'x\n' }]);
    expect(planCron(p({ state: 'absent', cron_file: 'b' }), st('#Ansible: backup\n* * * * * root /bin/backup\n')).actions).toEqual([{ kind: 'remove-file' }]);
    expect(editCrontab('', 'n', 'l')).toBe('#Ansible: n\nl\n');
  });
  it('errors: no job, special_time with times, no crontab program', () => {
    expect(() => planCron(p({ job: undefined }), st())).toThrow("You must specify 'job'");
    expect(() => planCron(p({ special_time: 'daily', hour: '1' }), st())).toThrow('special time');
    expect(() => planCron(p({}), { text: '', exists: false, hasCrontab: false })).toThrow('apt-get install -y cron');
    expect(stripHeader('# DO NOT EDIT THIS FILE - edit the master and reinstall.\n# (/tmp/x installed on Mon)\n# (Cron version -- $Id$)\na\n')).toBe('a\n');
  });
});

describe('hostname', () => {
  const p = (a: Record<string, unknown>) => params<HostnameParams>(hostname, { name: 'web1.example.com', ...a });
  it('debian/generic: /etc/hostname + hostname; systemd: hostnamectl; facts', () => {
    const plan = planHostname(p({}), { current: 'old', permanent: 'old', systemd: false, hostnamectl: false });
    expect(plan.actions.map((a) => a.what)).toEqual(['write /etc/hostname', 'hostname']);
    expect(plan.result!.ansible_facts).toEqual({ ansible_hostname: 'web1', ansible_nodename: 'web1.example.com', ansible_fqdn: 'web1.example.com', ansible_domain: 'example.com' });
    expect(planHostname(p({}), { current: 'old', permanent: 'old', systemd: true, hostnamectl: true }).actions[0]!.argv).toEqual(['hostnamectl', 'set-hostname', 'web1.example.com']);
    expect(planHostname(p({ use: 'generic' }), { current: 'web1.example.com', permanent: 'web1.example.com', systemd: true, hostnamectl: true }).actions).toEqual([]);
    expect(() => planHostname(p({ use: 'redhat' }), { current: '', permanent: '', systemd: false, hostnamectl: false })).toThrow('not supported');
  });
});

describe('ufw', () => {
  const p = (a: Record<string, unknown>) => params<UfwParams>(ufw, a);
  const s = parseUfwProbe('Status: active\nAdded user rules (see \'ufw status\' for running firewall):\nufw allow 22/tcp\nufw allow from 10.0.0.0/8 to any port 80 proto tcp\n');
  it('rules in ufw\'s own words, present or not', () => {
    expect(ufwRuleWords(p({ rule: 'allow', port: '22', proto: 'tcp' }))).toEqual(['allow', '22/tcp']);
    expect(planUfw(p({ rule: 'allow', port: '22', proto: 'tcp' }), s).actions).toEqual([]);
    expect(planUfw(p({ rule: 'allow', port: '80', proto: 'tcp', from_ip: '10.0.0.0/8' }), s).actions).toEqual([]);
    expect(planUfw(p({ rule: 'limit', port: '22', proto: 'tcp' }), s).actions[0]!.argv).toEqual(['ufw', 'limit', '22/tcp']);
    expect(planUfw(p({ rule: 'allow', port: '22', proto: 'tcp', delete: true }), s).actions[0]!.argv).toEqual(['ufw', 'delete', 'allow', '22/tcp']);
    expect(planUfw(p({ rule: 'deny', port: '53', proto: 'any', to_ip: '10.0.0.1' }), s).actions[0]!.argv).toEqual(['ufw', 'deny', 'from', 'any', 'to', '10.0.0.1', 'port', '53']);
  });
  it('states, and the missing tool', () => {
    expect(planUfw(p({ state: 'enabled' }), s).actions).toEqual([]);
    expect(planUfw(p({ state: 'disabled' }), s).actions[0]!.argv).toEqual(['ufw', 'disable']);
    expect(planUfw(p({ state: 'enabled' }), { ...s, active: false }).actions[0]!.argv).toEqual(['ufw', '--force', 'enable']);
    expect(planUfw(p({ state: 'reset' }), s).actions[0]!.argv).toEqual(['ufw', '--force', 'reset']);
    expect(planUfw(p({ state: 'reloaded' }), s).actions[0]!.argv).toEqual(['ufw', 'reload']);
    expect(() => planUfw(p({ state: 'enabled' }), parseUfwProbe('MISSING\n'), 'web1')).toThrow('ufw is not installed on web1: install the ufw package (apt-get install -y ufw)');
  });
});

describe('timezone', () => {
  const p = (a: Record<string, unknown>) => params<TimezoneParams>(timezone, { name: 'Europe/Paris', ...a });
  const st = (o: Partial<TimezoneState> = {}): TimezoneState => ({ file: 'Etc/UTC', fileExists: true, link: '/usr/share/zoneinfo/Etc/UTC', zoneExists: true, timedatectl: false, ...o });
  it('link + /etc/timezone without systemd; timedatectl with it; unknown zone fails', () => {
    expect(planTimezone(p({}), st()).actions.map((a) => a.what)).toEqual(['link /etc/localtime', 'write /etc/timezone']);
    expect(planTimezone(p({}), st({ file: 'Europe/Paris', link: '/usr/share/zoneinfo/Europe/Paris' })).actions).toEqual([]);
    expect(planTimezone(p({}), st({ timedatectl: true, current: 'UTC' })).actions[0]!.argv).toEqual(['timedatectl', 'set-timezone', 'Europe/Paris']);
    expect(() => planTimezone(p({}), st({ zoneExists: false }))).toThrow('is not available');
    expect(() => planTimezone(p({ name: '../etc/passwd' }), st())).toThrow('not a valid time zone');
  });
});

describe('reboot', () => {
  const p = (a: Record<string, unknown> = {}) => params<RebootParams>(reboot, a);
  it('plans a reboot (changed in check mode) with the delay and message', () => {
    const plan = planReboot(p({ pre_reboot_delay: 5, msg: 'bye' }), { bootId: 'a' });
    expect(plan.actions).toHaveLength(1);
    expect(rebootCommand(p({ pre_reboot_delay: 5, msg: 'bye' }))).toContain("sleep 6;");
    expect(rebootCommand(p({ msg: 'bye' }))).toContain("shutdown -r now");
    expect(() => planReboot(p({}), { bootId: '' })).toThrow('boot id');
  });

  /** A connection whose host "reboots": the boot id changes after `downFor` ms, and runs fail meanwhile. */
  function fakeCtx(downFor: number | null): { ctx: ModuleContext; closes: () => number } {
    let closes = 0;
    let rebootAt = 0;
    const ok = (s: string): CommandResult => ({ rc: 0, stdout: Buffer.from(s), stderr: Buffer.alloc(0) });
    const conn: Connection = {
      host: 'web1',
      connect: async () => undefined,
      run: async (cmd: string) => {
        if (cmd.includes('shutdown')) {
          rebootAt = Date.now();
          return ok('started\n');
        }
        if (rebootAt && (downFor === null || Date.now() - rebootAt < downFor)) throw new Error('connect ECONNREFUSED');
        if (cmd.includes('boot_id')) return ok(rebootAt ? 'new\n' : 'old\n');
        return ok('root\n');
      },
      put: async () => undefined,
      get: async () => Buffer.alloc(0),
      close: async () => {
        closes++;
      },
    };
    const ctx: ModuleContext = { host: 'web1', connection: conn, become: false, checkMode: false, run: (c, o) => conn.run(c, o) };
    return { ctx, closes: () => closes };
  }

  it('reconnects until the boot id changes and test_command works', async () => {
    const { ctx, closes } = fakeCtx(300);
    const prm = p({ reboot_timeout: 5 });
    const plan = planReboot(prm, { bootId: 'old' });
    const r = await reboot.apply(ctx, prm, plan);
    expect(r).toMatchObject({ changed: true, rebooted: true });
    expect(closes()).toBeGreaterThan(0);
  }, 10_000);

  it('a host that never comes back fails after reboot_timeout with a clear message', async () => {
    const { ctx } = fakeCtx(null);
    await ctx.run('shutdown -r now');
    const t0 = Date.now();
    const r = await waitForReboot(ctx, p({ reboot_timeout: 1 }), 'old', Date.now(), 100);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r).toMatchObject({ failed: true, rebooted: false });
    expect(String(r.msg)).toContain('Timed out waiting for web1 to come back after the reboot (reboot_timeout=1s): connect ECONNREFUSED');
  });
});
