/**
 * Plans of apt, dnf/yum, package, service and systemd from probe fixtures (no host needed).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apt, aptErrorMessage, DPKG_STATUS_FN, parseAptProbe, parsePolicy, planApt, type AptParams } from '../src/modules/apt.js';
import { dnf, parseDnfProbe, planDnf, type DnfParams } from '../src/modules/dnf.js';
import { packageModule } from '../src/modules/package.js';
import { parseServiceProbe, planService, type ServiceParams } from '../src/modules/service.js';
import { planUnit, systemd } from '../src/modules/systemd.js';
import { validateParams } from '../src/modules/params.js';
import type { ModuleContext } from '../src/modules/types.js';
import { findModule } from '../src/modules/index.js';

const pairs = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k}\0${v}\0`).join('');
const aptParams = (args: Record<string, unknown>) => validateParams('apt', apt.params, args) as unknown as AptParams;

const POLICY_HELLO = `hello:\n  Installed: (none)\n  Candidate: 2.10-3\n  Version table:\n     2.10-3 500\n        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n     2.10-2 100\n        100 http://x bookworm/main amd64 Packages\n`;
const POLICY_CURL = `curl:\n  Installed: 7.88.1-10\n  Candidate: 7.88.1-10+deb12u5\n  Version table:\n     7.88.1-10+deb12u5 500\n        500 http://x Packages\n *** 7.88.1-10 100\n        100 /var/lib/dpkg/status\n`;

function fakeCtx(outputs: string[], vars?: Record<string, unknown>): ModuleContext & { commands: string[] } {
  const commands: string[] = [];
  return {
    host: 'h1',
    connection: undefined as never,
    become: false,
    checkMode: true,
    ...(vars ? { vars } : {}),
    commands,
    run: async (cmd: string) => {
      commands.push(cmd);
      return { rc: 0, stdout: Buffer.from(outputs.shift() ?? ''), stderr: Buffer.from('') } as never;
    },
  };
}

// apt-get as every apt step runs it: never asking, with the lock wait and the dpkg options.
const APT = ['apt-get', '-y', '-q', '-o', 'DPkg::Lock::Timeout=120', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'];
const UPDATE = ['apt-get', '-q', '-o', 'DPkg::Lock::Timeout=120', 'update'];
const argvs = (actions: { argv?: string[] }[]) => actions.map((a) => a.argv);

describe('apt plans', () => {
  it('parses apt-cache policy', () => {
    expect(parsePolicy(POLICY_HELLO)).toEqual({ candidate: '2.10-3', versions: ['2.10-3', '2.10-2'] });
    expect(parsePolicy(POLICY_CURL)).toEqual({ installed: '7.88.1-10', candidate: '7.88.1-10+deb12u5', versions: ['7.88.1-10+deb12u5', '7.88.1-10'] });
    expect(parsePolicy('')).toBeUndefined();
  });

  it('installs the missing names in one transaction, with the cache update when stale', () => {
    const p = aptParams({ name: 'hello,curl', update_cache: true, cache_valid_time: 3600 });
    const s = parseAptProbe(p, pairs({ now: '10000', cache: '1000', 'st:hello': '', 'pol:hello': POLICY_HELLO, 'st:curl': 'ii \t7.88.1-10' }));
    const plan = planApt(p, s);
    // The plan carries the commands the run executes, whole and in order: the `--` before the names
    // keeps a name from being read as an option.
    expect(argvs(plan.actions)).toEqual([UPDATE, [...APT, 'install', '--', 'hello']]);
    // apt-get's output is the result's; the update touches the stamp cache_valid_time reads.
    expect(plan.actions.map((a) => [a.what, a.keepStdout, !!a.then?.includes('/var/lib/apt/periodic/update-success-stamp')])).toEqual([
      ['update', true, true],
      ['install', true, false],
    ]);
    expect(plan.predicts).toEqual({ packages: { hello: 'present' } });
    expect(plan.result).toEqual({ cache_updated: true, cache_update_time: 10000 });
    expect(plan.diff?.[0]?.after).toContain('hello=2.10-3');
  });

  it('does nothing with a fresh cache and everything installed', () => {
    const p = aptParams({ name: ['curl'], update_cache: true, cache_valid_time: 3600 });
    const s = parseAptProbe(p, pairs({ now: '10000', cache: '9000', 'st:curl': 'ii \t7.88.1-10' }));
    const plan = planApt(p, s);
    expect(plan.actions).toEqual([]);
    expect(plan.result).toEqual({ cache_updated: false, cache_update_time: 9000 });
    // cache_valid_time alone implies update_cache (Ansible >= 2.4).
    expect(argvs(planApt(aptParams({ cache_valid_time: 60 }), { ...s, status: {} }).actions)).toEqual([UPDATE]);
  });

  it('latest upgrades when the candidate differs; versions and missing packages', () => {
    const p = aptParams({ name: ['curl'], state: 'latest' });
    const s = parseAptProbe(p, pairs({ now: '1', cache: '1', 'st:curl': 'ii \t7.88.1-10', 'pol:curl': POLICY_CURL }));
    expect(argvs(planApt(p, s).actions)).toEqual([[...APT, 'install', '--', 'curl']]);
    const pv = aptParams({ name: ['hello=2.10-2'] });
    const sv = parseAptProbe(pv, pairs({ now: '1', cache: '1', 'st:hello': '', 'pol:hello': POLICY_HELLO }));
    expect(argvs(planApt(pv, sv).actions)).toEqual([[...APT, 'install', '--', 'hello=2.10-2']]);
    const pm = aptParams({ name: ['nope'] });
    expect(() => planApt(pm, parseAptProbe(pm, pairs({ now: '1', cache: '1', 'st:nope': '' })))).toThrow("No package matching 'nope' is available");
    expect(() => planApt(aptParams({ name: ['hello=9'] }), sv)).toThrow("No package matching 'hello=9' is available");
    expect(aptErrorMessage('E: Unable to locate package foo\n', [])).toBe("No package matching 'foo' is available");
  });

  it('absent removes installed names (purge also config-files only ones), fails without apt', () => {
    const p = aptParams({ name: ['a', 'b', 'c'], state: 'absent', purge: true });
    const s = parseAptProbe(p, pairs({ now: '1', cache: '1', 'st:a': 'ii \t1', 'st:b': 'rc \t1', 'st:c': '' }));
    const plan = planApt(p, s);
    expect(argvs(plan.actions)).toEqual([[...APT, 'remove', '--purge', '--', 'a', 'b']]);
    expect(plan.predicts?.packages).toEqual({ a: 'absent' });
    expect(() => planApt(p, parseAptProbe(p, pairs({ noapt: '1' })))).toThrow('apt-get is not available');
  });

  it('deb and fixed', () => {
    const p = aptParams({ deb: '/tmp/x.deb' });
    const s = parseAptProbe(p, pairs({ now: '1', cache: '1', debinfo: 'Package: x\nVersion: 2\n', debst: 'ii \t1' }));
    expect(argvs(planApt(p, s).actions)).toEqual([[...APT, 'install', '--', '/tmp/x.deb']]);
    const same = parseAptProbe(p, pairs({ now: '1', cache: '1', debinfo: 'Package: x\nVersion: 2\n', debst: 'ii \t2' }));
    expect(planApt(p, same).actions).toEqual([]);
    const f = aptParams({ state: 'fixed' });
    expect(planApt(f, parseAptProbe(f, pairs({ now: '1', cache: '1', audit: '' }))).actions).toEqual([]);
    expect(argvs(planApt(f, parseAptProbe(f, pairs({ now: '1', cache: '1', audit: 'broken' }))).actions)).toEqual([[...APT, '-f', 'install']]);
  });
});

describe('dnf/yum plans', () => {
  const dp = (args: Record<string, unknown>) => validateParams('dnf', dnf.params, args) as unknown as DnfParams;
  it('installs missing, upgrades for latest, removes, and names a missing manager', () => {
    const p = dp({ name: ['httpd', 'vim-enhanced'] });
    const s = parseDnfProbe(p, pairs({ bin: 'dnf', 'st:vim-enhanced': '9.0-1.el9\n', 'av:httpd': '1' }), 'h1');
    expect(argvs(planDnf(p, s).actions)).toEqual([['dnf', '-y', 'install', '--', 'httpd']]);
    const l = dp({ name: ['vim-enhanced'], state: 'latest' });
    const sl = parseDnfProbe(l, pairs({ bin: 'dnf', 'st:vim-enhanced': '9.0-1.el9', upgrades: 'vim-enhanced.x86_64   9.0-2.el9   appstream\n' }), 'h1');
    expect(argvs(planDnf(l, sl).actions)).toEqual([['dnf', '-y', 'upgrade', '--', 'vim-enhanced']]);
    const refresh = dp({ name: ['httpd'], update_cache: true });
    expect(argvs(planDnf(refresh, parseDnfProbe(refresh, pairs({ bin: 'yum', 'av:httpd': '1' }), 'h1')).actions)).toEqual([['yum', '-y', '--refresh', 'install', '--', 'httpd']]);
    const a = dp({ name: ['vim-enhanced', 'httpd'], state: 'absent' });
    expect(argvs(planDnf(a, parseDnfProbe(a, pairs({ bin: 'dnf', 'st:vim-enhanced': '9' }), 'h1')).actions)).toEqual([['dnf', '-y', 'remove', '--', 'vim-enhanced']]);
    expect(() => planDnf(p, parseDnfProbe(p, pairs({ bin: '' }), 'h1'), 'yum')).toThrow('yum is not available on h1');
    expect(() => planDnf(dp({ name: ['nope'] }), parseDnfProbe(dp({ name: ['nope'] }), pairs({ bin: 'dnf' }), 'h1'))).toThrow("No package matching 'nope' is available");
  });
});

describe('package', () => {
  it('delegates to apt from the ansible_pkg_mgr fact in one round trip', async () => {
    const ctx = fakeCtx([pairs({ now: '1', cache: '1', 'st:hello': '', 'pol:hello': POLICY_HELLO })], { ansible_pkg_mgr: 'apt' });
    const p = validateParams('package', packageModule.params, { name: 'hello' });
    const s = await packageModule.probe(ctx, p as never);
    expect(ctx.commands).toHaveLength(1);
    expect(s.backend).toBe('apt');
    const plan = packageModule.plan(p as never, s);
    expect(argvs(plan.actions as { argv?: string[] }[])).toEqual([[...APT, 'install', '--', 'hello']]);
    expect(plan.predicts).toEqual({ packages: { hello: 'present' } });
  });
  it('probes the manager without facts', async () => {
    const ctx = fakeCtx(['dnf\n', pairs({ bin: 'dnf', 'st:httpd': '2.4' })]);
    const p = validateParams('package', packageModule.params, { name: ['httpd'] });
    const s = await packageModule.probe(ctx, p as never);
    expect(s.backend).toBe('dnf');
    expect(packageModule.plan(p as never, s).actions).toEqual([]);
  });
  it('is registered with its aliases', () => {
    for (const n of ['apt', 'ansible.builtin.package', 'dnf', 'yum', 'service', 'ansible.builtin.systemd_service', 'systemd']) expect(findModule(n)).toBeDefined();
  });
});

describe('service plans', () => {
  const sp = (args: Record<string, unknown>) => validateParams('service', findModule('service')!.params, args) as unknown as ServiceParams;
  const sysv = (o: Record<string, string>) => pairs({ mgr: 'sysv', servicecmd: '1', ...o });

  it('init scripts: start when stopped, enable through update-rc.d, nothing when done', () => {
    const p = sp({ name: 'cron', state: 'started', enabled: true });
    const stopped = parseServiceProbe(p, sysv({ script: '1', status: '3', slinks: '0', links: '0' }), 'h1', false);
    const plan = planService(p, stopped);
    expect(plan.actions.map((a) => a.what)).toEqual(['update-rc.d cron enable', 'service cron start']);
    expect(plan.predicts).toEqual({ services: { cron: 'started' } });
    const running = parseServiceProbe(p, sysv({ script: '1', status: '0', slinks: '4', links: '7' }), 'h1', false);
    expect(planService(p, running).actions).toEqual([]);
    const stop = sp({ name: 'cron', state: 'stopped', enabled: false });
    expect(planService(stop, running).actions.map((a) => a.argv)).toEqual([['update-rc.d', 'cron', 'disable'], ['service', 'cron', 'stop']]);
    expect(planService(sp({ name: 'cron', state: 'restarted' }), running).actions).toHaveLength(1);
    expect(planService(sp({ name: 'cron', state: 'reloaded' }), stopped).actions[0]!.argv).toEqual(['service', 'cron', 'start']);
  });

  it('a missing service fails, unless an earlier task would install its package (check mode)', () => {
    const p = sp({ name: 'redis-server', state: 'started' });
    const out = sysv({ slinks: '0', links: '0' });
    expect(() => planService(p, parseServiceProbe(p, out, 'h1', false))).toThrow('Could not find the requested service redis-server: h1');
    const plan = planService(p, parseServiceProbe(p, out, 'h1', true));
    expect(plan.actions.map((a) => a.what)).toEqual(['service redis-server start']);
    expect(plan.result).toEqual({ name: 'redis-server', state: 'started' });
  });

  it('pattern decides the running state', () => {
    const p = sp({ name: 'x', state: 'started', pattern: 'xd' });
    expect(planService(p, parseServiceProbe(p, sysv({ script: '1', status: '3', pattern: '0' }), 'h1', false)).actions).toEqual([]);
  });

  it('systemd hosts use systemctl', () => {
    const p = sp({ name: 'nginx', state: 'started', enabled: true });
    const s = parseServiceProbe(p, pairs({ mgr: 'systemd', systemd: '1', load: 'loaded', active: 'inactive', enabled: 'disabled' }), 'h1', false);
    expect(planService(p, s).actions.map((a) => a.argv)).toEqual([
      ['systemctl', 'enable', '--', 'nginx'],
      ['systemctl', 'start', '--', 'nginx'],
    ]);
  });
});

describe('systemd plans', () => {
  const base = { running: true, load: 'loaded', active: 'active', enabled: 'enabled' };
  it('plans mask/unmask, enable/disable, start/stop from fixtures', () => {
    expect(planUnit({ name: 'a', state: 'started', enabled: true, daemon_reload: false }, base).actions).toEqual([]);
    expect(planUnit({ name: 'a', state: 'stopped', enabled: false, daemon_reload: false }, base).actions.map((a) => a.argv[1])).toEqual(['disable', 'stop']);
    expect(planUnit({ name: 'a', masked: true, daemon_reload: false }, base).actions.map((a) => a.argv[1])).toEqual(['mask']);
    const masked = { ...base, active: 'inactive', enabled: 'masked', load: 'masked' };
    expect(planUnit({ name: 'a', masked: false, state: 'started', daemon_reload: false }, masked).actions.map((a) => a.argv[1])).toEqual(['unmask', 'start']);
    expect(() => planUnit({ name: 'a', state: 'started', daemon_reload: false }, masked)).toThrow('masked');
    expect(planUnit({ name: 'a', enabled: false, daemon_reload: false }, { ...base, enabled: 'static' }).actions).toEqual([]);
    expect(() => planUnit({ name: 'zz', state: 'started', daemon_reload: false }, { ...base, load: 'not-found', active: 'inactive', enabled: '' }, 'h1')).toThrow('Could not find the requested service zz: h1');
    expect(planUnit({ name: 'zz', state: 'started', daemon_reload: false }, { ...base, load: 'not-found', active: 'inactive', enabled: '', predicted: true }).actions).toHaveLength(1);
  });
  it('fails clearly where systemd does not run', () => {
    expect(() => systemd.plan({ name: 'cron', state: 'started', daemon_reload: false }, { running: false, load: '', active: '', enabled: '', host: 'node1' })).toThrow(
      'systemd is not running on node1',
    );
  });
});

describe('apt: the dpkg status read by awk', () => {
  // dq answers as dpkg-query -W -f='${db:Status-Abbrev}\t${Version}' does, from the status file;
  // several architectures of a name, or a pending journal, are left to dpkg-query.
  const hasDpkg = spawnSync('dpkg-query', ['--version']).status === 0;
  const dir = mkdtempSync(join(tmpdir(), 'fleet-dpkg-'));
  mkdirSync(join(dir, 'updates'));
  const stanza = (name: string, status: string, extra = '') => `Package: ${name}\nStatus: ${status}\nMaintainer: m <m@example.org>\nArchitecture: all\n${extra}Description: d\n more\n`;
  writeFileSync(
    join(dir, 'status'),
    [
      stanza('git', 'install ok installed', 'Version: 1:2.39.5-0+deb12u2\n'),
      stanza('half', 'install reinstreq half-installed', 'Version: 1.0\n'),
      stanza('cfg', 'deinstall ok config-files', 'Version: 2.0\nConffiles:\n /etc/cfg 0123\n'),
      stanza('held', 'hold ok unpacked', 'Version: 3\n'),
      stanza('gitk', 'install ok installed', 'Version: 9\n'),
    ].join('\n'),
  );
  const names = ['git', 'half', 'cfg', 'held', 'gitk', 'gi', 'nope'];
  const each = (body: string) => `for n in ${names.map((n) => `'${n}'`).join(' ')}; do ${body}; printf '%s|' "$s"; done`;
  it.skipIf(!hasDpkg)('same answers as dpkg-query, for every state', () => {
    const dq = spawnSync('dash', ['-c', `${DPKG_STATUS_FN.replaceAll('/var/lib/dpkg/', `${dir}/`)}\n${each('dq "$n"')}`], { encoding: 'utf8' }).stdout;
    const ref = spawnSync('dash', ['-c', each(`s=$(dpkg-query --admindir=${dir} -W -f='\${db:Status-Abbrev}\t\${Version}' -- "$n" 2>/dev/null) || s=''`)], { encoding: 'utf8' }).stdout;
    expect(dq).toBe(ref);
    expect(dq).toBe('ii \t1:2.39.5-0+deb12u2|iHR\t1.0|rc \t2.0|hU \t3|ii \t9|||');
  });
});
