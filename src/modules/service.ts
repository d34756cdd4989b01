import { shQuote } from '../util/shlex.js';
import type { ModuleDefinition, ModuleResult, Plan } from './types.js';
import { PAIR_FN, PkgModuleError, parsePairs, varString } from './util/pkg-common.js';
import { applyUnit, parseSystemdFields, planUnit, systemdProbeLines, type SystemdPlan, type SystemdState } from './systemd.js';
import { serviceTransition } from './util/service-state.js';
import { runSteps, stepsFailureMessage, type Step } from './util/run-steps.js';

/**
 * service: systemd units where systemd runs (/run/systemd/system, or `ansible_service_mgr` says so),
 * else SysV init scripts: the `service` command (or /etc/init.d/NAME) for start/stop/restart/reload,
 * the script's `status` exit code for the running state (0 running; or `pattern` through pgrep), and
 * `update-rc.d` for `enabled` (S links in /etc/rc[2-5].d). Everything is probed in ONE round trip.
 */
export interface ServiceParams {
  name: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  pattern?: string;
  arguments?: string;
  use: 'auto' | 'systemd' | 'sysvinit' | 'service';
  /** Init scripts: seconds between stop and start of a restart. */
  sleep?: number;
  /** sysvinit: the runlevels `enabled` applies to (default 2-5). */
  runlevels?: string[];
  /** OpenRC's runlevel (service module); accepted, unused on Linux init scripts, as Ansible's. */
  runlevel?: string;
  /** sysvinit: how the module forks the script; fleet's command never waits on the daemon. */
  daemonize?: boolean;
  /** systemd backend parameters (see systemd.ts). */
  daemon_reload?: boolean;
  daemon_reexec?: boolean;
  scope?: 'system' | 'user' | 'global';
  no_block?: boolean;
  masked?: boolean;
  force?: boolean;
}

/** Parameters each backend takes besides name, state, enabled (Ansible's systemd, sysvinit and service modules). */
const SYSTEMD_ONLY = ['daemon_reload', 'daemon_reexec', 'scope', 'no_block', 'masked', 'force'] as const;
const INIT_ONLY = ['pattern', 'sleep', 'runlevel', 'runlevels', 'arguments', 'daemonize'] as const;
/** Parameters dropped (with Ansible's warning) on a host whose backend has no use for them. */
const DROPPABLE: Record<'systemd' | 'sysv', readonly string[]> = {
  // Ansible's service action drops these itself before calling systemd.
  systemd: ['pattern', 'runlevel', 'sleep', 'arguments', 'runlevels', 'daemonize'],
  // fleet's own: telling a host without systemd to reload systemd's configuration asks nothing of it.
  sysv: ['daemon_reload', 'daemon_reexec', 'no_block', 'force'],
};

export interface SysvState {
  /** /etc/init.d/NAME exists and is executable. */
  script: boolean;
  serviceCmd: boolean;
  /** Exit code of `/etc/init.d/NAME status` (or of pgrep with a pattern: 0 found). */
  status: number;
  /** S links of the runlevels 2-5, and all links of the service. */
  startLinks: number;
  links: number;
  /** The runlevels (0-6, S) with an S link for the service. */
  startLevels: string[];
}

export interface ServiceState {
  host: string;
  mgr: 'systemd' | 'sysv';
  systemd?: SystemdState;
  sysv?: SysvState;
  /** Missing, but an earlier task in this check run would install a package of this name. */
  predicted?: boolean;
  /** The backend's module name as Ansible would call it (`ansible_service_mgr` sysvinit: sysvinit, else service). */
  backend?: string;
}

export type ServiceAction = Step;

export interface ServicePlan extends Plan<ServiceAction> {
  unit?: SystemdPlan;
}

export function serviceProbeScript(p: ServiceParams, forced: 'systemd' | 'sysv' | undefined): string {
  const n = shQuote(p.name);
  const lines = [PAIR_FN, `n=${n}`];
  const useSystemd =
    forced === 'systemd' ? 'true' : forced === 'sysv' ? 'false' : '[ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1';
  lines.push(`if ${useSystemd}; then`, `o mgr systemd`, ...systemdProbeLines(p.name, p.scope), `else`, `o mgr sysv`);
  lines.push(
    `command -v service >/dev/null 2>&1 && o servicecmd 1`,
    `if [ -x "/etc/init.d/$n" ]; then o script 1; "/etc/init.d/$n" status >/dev/null 2>&1 </dev/null; o status $?; fi`,
    p.pattern !== undefined ? `if pgrep -f -- ${shQuote(p.pattern)} >/dev/null 2>&1; then o pattern 0; else o pattern 1; fi` : ':',
    `o slinks "$(ls /etc/rc2.d/S??"$n" /etc/rc3.d/S??"$n" /etc/rc4.d/S??"$n" /etc/rc5.d/S??"$n" 2>/dev/null | wc -l)"`,
    `o links "$(ls /etc/rc?.d/[SK]??"$n" 2>/dev/null | wc -l)"`,
    `l=; for r in 0 1 2 3 4 5 6 S; do for f in /etc/rc$r.d/S??"$n"; do [ -e "$f" ] && l="$l$r "; break; done; done; o slevels "$l"`,
    `fi`,
    'exit 0',
  );
  return lines.join('\n');
}

export function parseServiceProbe(p: ServiceParams, out: string, host: string, predicted: boolean, backend?: string): ServiceState {
  const f = parsePairs(out);
  const base = { host, ...(predicted ? { predicted } : {}) };
  if (f.get('mgr') === 'systemd') return { ...base, mgr: 'systemd', systemd: parseSystemdFields(f) };
  const script = f.get('script') === '1';
  const status = p.pattern !== undefined ? Number(f.get('pattern') ?? 1) : script ? Number(f.get('status') ?? 4) : 4;
  return {
    ...base,
    mgr: 'sysv',
    ...(backend ? { backend } : {}),
    sysv: { script, serviceCmd: f.get('servicecmd') === '1', status, startLinks: Number(f.get('slinks') ?? 0) || 0, links: Number(f.get('links') ?? 0) || 0, startLevels: (f.get('slevels') ?? '').split(' ').filter(Boolean) },
  };
}

const SYSTEMD_SUPPORTED = 'daemon_reexec, daemon_reload, enabled, force, masked, name, no_block, scope, state (daemon-reexec, daemon-reload, service, unit)';
const SYSV_SUPPORTED: Record<string, string> = {
  sysvinit: 'arguments, daemonize, enabled, name, pattern, runlevels, sleep, state (args, service)',
  service: 'arguments, enabled, name, pattern, runlevel, sleep, state (args)',
};

/**
 * The parameters the backend chosen for this host does not take: with `use: auto`, those the
 * backend can do without are dropped with Ansible's warning; the rest (or any, with `use` naming the
 * backend) fail as Ansible's module does.
 */
export function backendParams(p: ServiceParams, s: ServiceState): { params: ServiceParams; warnings: string[] } {
  const backend = s.mgr === 'systemd' ? 'systemd' : (s.backend ?? 'service');
  const foreign: readonly string[] = s.mgr === 'systemd' ? INIT_ONLY : SYSTEMD_ONLY;
  // Ansible drops systemd's four unused parameters whatever `use` says; fleet drops the others only with auto.
  const droppable = s.mgr === 'systemd' && p.use !== 'auto' ? DROPPABLE.systemd.slice(0, 4) : p.use === 'auto' ? DROPPABLE[s.mgr] : [];
  const params: ServiceParams = { ...p };
  const warnings: string[] = [];
  const refused: string[] = [];
  for (const k of foreign) {
    if (p[k as keyof ServiceParams] === undefined) continue;
    if (droppable.includes(k)) {
      delete params[k as keyof ServiceParams];
      warnings.push(`Ignoring "${k}" as it is not used in "${backend}"`);
    } else refused.push(k);
  }
  if (refused.length) {
    const supported = backend === 'systemd' ? SYSTEMD_SUPPORTED : (SYSV_SUPPORTED[backend] ?? SYSV_SUPPORTED.service!);
    throw new PkgModuleError(`Unsupported parameters for (ansible.legacy.${backend}) module: ${refused.join(', ')}. Supported parameters include: ${supported}.`);
  }
  return { params, warnings };
}

export function planService(p0: ServiceParams, s: ServiceState): ServicePlan {
  if (p0.state === undefined && p0.enabled === undefined && !p0.daemon_reload && !p0.daemon_reexec && p0.masked === undefined) {
    throw new PkgModuleError('service: one of the following is required: state, enabled');
  }
  const { params: p, warnings } = backendParams(p0, s);
  const withWarnings = (plan: ServicePlan): ServicePlan => (warnings.length ? { ...plan, result: { ...plan.result, warnings } } : plan);
  if (s.mgr === 'systemd') {
    const unit = planUnit(
      {
        name: p.name,
        ...(p.state ? { state: p.state } : {}),
        ...(p.enabled !== undefined ? { enabled: p.enabled } : {}),
        ...(p.masked !== undefined ? { masked: p.masked } : {}),
        daemon_reload: !!p.daemon_reload,
        daemon_reexec: !!p.daemon_reexec,
        scope: p.scope ?? 'system',
        no_block: !!p.no_block,
        force: !!p.force,
      },
      { ...s.systemd!, ...(s.predicted ? { predicted: true } : {}) },
      s.host,
    );
    return withWarnings({ ...unit, unit });
  }
  if (p.state === undefined && p.enabled === undefined) throw new PkgModuleError('service: one of the following is required: state, enabled');
  return withWarnings(planInitScript(p, s));
}

function planInitScript(p: ServiceParams, s: ServiceState): ServicePlan {
  const v = s.sysv!;
  if (!v.script && !s.predicted) throw new PkgModuleError(`Could not find the requested service ${p.name}: ${s.host}`);
  const exists = v.script;
  let running = exists && v.status === 0;
  const levels = p.runlevels?.map(String);
  let enabled = exists && (levels ? levels.every((l) => v.startLevels.includes(l)) : v.startLinks > 0);
  const actions: ServiceAction[] = [];
  const args = p.arguments ? p.arguments.split(/\s+/).filter(Boolean) : [];
  const ctl = (verb: string): ServiceAction => ({
    kind: 'run',
    what: `service ${p.name} ${verb}`,
    argv: v.serviceCmd || !exists ? ['service', p.name, verb, ...args] : [`/etc/init.d/${p.name}`, verb, ...args],
  });
  const n = shQuote(p.name);
  const levelArgs = levels ? ` ${levels.map(shQuote).join(' ')}` : '';
  if (p.enabled === true && !enabled) {
    // Links made from the script's LSB header (`defaults`), then turned into S links (`enable`).
    actions.push({ kind: 'run', what: `update-rc.d ${p.name} enable`, script: `${v.links > 0 ? '' : `update-rc.d ${n} defaults && `}update-rc.d ${n} enable${levelArgs}` });
    enabled = true;
  } else if (p.enabled === false && (levels ? levels.some((l) => v.startLevels.includes(l)) : enabled)) {
    actions.push({ kind: 'run', what: `update-rc.d ${p.name} disable`, argv: ['update-rc.d', p.name, 'disable', ...(levels ?? [])] });
    enabled = false;
  }
  const transition = serviceTransition(p.state, running);
  if (transition.verb === 'restart' && p.sleep) {
    // As Ansible's service module: a restart with `sleep` is a stop, the pause, then a start.
    actions.push(ctl('stop'), { kind: 'run', what: `sleep ${p.sleep}`, argv: ['sleep', String(p.sleep)] }, ctl('start'));
  } else if (transition.verb) actions.push(ctl(transition.verb));
  running = transition.running;
  const predicts = p.state && actions.length ? { services: { [p.name]: running ? ('started' as const) : ('stopped' as const) } } : undefined;
  return {
    actions,
    ...(predicts ? { predicts } : {}),
    result: { name: p.name, ...(p.state ? { state: running ? 'started' : 'stopped' } : {}), ...(p.enabled !== undefined ? { enabled } : {}) },
  };
}

export const service: ModuleDefinition<ServiceParams, ServiceState, ServiceAction> = {
  name: 'service',
  aliases: ['ansible.builtin.service', 'ansible.legacy.service'],
  params: {
    name: { type: 'str', required: true },
    state: { type: 'str', choices: ['started', 'stopped', 'restarted', 'reloaded'] },
    enabled: { type: 'bool' },
    pattern: { type: 'str' },
    arguments: { type: 'str', aliases: ['args'] },
    use: { type: 'str', default: 'auto', choices: ['auto', 'systemd', 'sysvinit', 'service'] },
    sleep: { type: 'int' },
    runlevels: { type: 'list', elements: 'str' },
    runlevel: { type: 'str' },
    daemonize: { type: 'bool' },
    daemon_reload: { type: 'bool', aliases: ['daemon-reload'] },
    daemon_reexec: { type: 'bool', aliases: ['daemon-reexec'] },
    scope: { type: 'str', choices: ['system', 'user', 'global'] },
    no_block: { type: 'bool' },
    masked: { type: 'bool' },
    force: { type: 'bool' },
  },
  probe: async (ctx, p) => {
    const hint = p.use !== 'auto' ? p.use : varString(ctx, 'ansible_service_mgr');
    const forced = hint === 'systemd' ? 'systemd' : hint === 'sysvinit' || hint === 'service' ? 'sysv' : undefined;
    const r = await ctx.run(serviceProbeScript(p, forced));
    const predicted = ctx.predicted?.package(p.name) === 'present' || ctx.predicted?.service(p.name) !== undefined;
    const backend = hint === 'sysvinit' ? 'sysvinit' : 'service';
    return parseServiceProbe(p, r.stdout.toString('utf8'), ctx.host, predicted, backend);
  },
  plan: planService,
  apply: async (ctx, _p, plan): Promise<ModuleResult> => {
    const sp = plan as ServicePlan;
    if (sp.unit) return applyUnit(ctx, sp.unit, sp.result ?? {});
    const result = sp.result ?? {};
    if (!sp.actions.length) return { ...result, changed: false };
    const out = await runSteps(ctx, sp.actions);
    if (!out.ok) return { ...result, changed: false, failed: true, rc: out.failed!.rc, msg: stepsFailureMessage(out.failed!) };
    return { ...result, changed: true };
  },
};
