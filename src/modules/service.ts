import { shJoin, shQuote } from '../util/shlex.js';
import type { ModuleDefinition, ModuleResult, Plan } from './types.js';
import { PAIR_FN, PkgModuleError, parsePairs, varString } from './util/pkg-common.js';
import { applyUnit, parseSystemdFields, planUnit, systemdProbeLines, type SystemdPlan, type SystemdState } from './systemd.js';
import { serviceTransition } from './util/service-state.js';

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
}

export interface SysvState {
  /** /etc/init.d/NAME exists and is executable. */
  script: boolean;
  serviceCmd: boolean;
  /** Exit code of `/etc/init.d/NAME status` (or of pgrep with a pattern: 0 found). */
  status: number;
  /** S links of the runlevels 2-5, and all links of the service. */
  startLinks: number;
  links: number;
}

export interface ServiceState {
  host: string;
  mgr: 'systemd' | 'sysv';
  systemd?: SystemdState;
  sysv?: SysvState;
  /** Missing, but an earlier task in this check run would install a package of this name. */
  predicted?: boolean;
}

export type ServiceAction = { kind: 'run'; what: string; argv?: string[]; script?: string };

export interface ServicePlan extends Plan<ServiceAction> {
  unit?: SystemdPlan;
}

export function serviceProbeScript(p: ServiceParams, forced: 'systemd' | 'sysv' | undefined): string {
  const n = shQuote(p.name);
  const lines = [PAIR_FN, `n=${n}`];
  const useSystemd =
    forced === 'systemd' ? 'true' : forced === 'sysv' ? 'false' : '[ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1';
  lines.push(`if ${useSystemd}; then`, `o mgr systemd`, ...systemdProbeLines(p.name), `else`, `o mgr sysv`);
  lines.push(
    `command -v service >/dev/null 2>&1 && o servicecmd 1`,
    `if [ -x "/etc/init.d/$n" ]; then o script 1; "/etc/init.d/$n" status >/dev/null 2>&1 </dev/null; o status $?; fi`,
    p.pattern !== undefined ? `if pgrep -f -- ${shQuote(p.pattern)} >/dev/null 2>&1; then o pattern 0; else o pattern 1; fi` : ':',
    `o slinks "$(ls /etc/rc2.d/S??"$n" /etc/rc3.d/S??"$n" /etc/rc4.d/S??"$n" /etc/rc5.d/S??"$n" 2>/dev/null | wc -l)"`,
    `o links "$(ls /etc/rc?.d/[SK]??"$n" 2>/dev/null | wc -l)"`,
    `fi`,
    'exit 0',
  );
  return lines.join('\n');
}

export function parseServiceProbe(p: ServiceParams, out: string, host: string, predicted: boolean): ServiceState {
  const f = parsePairs(out);
  const base = { host, ...(predicted ? { predicted } : {}) };
  if (f.get('mgr') === 'systemd') return { ...base, mgr: 'systemd', systemd: parseSystemdFields(f) };
  const script = f.get('script') === '1';
  const status = p.pattern !== undefined ? Number(f.get('pattern') ?? 1) : script ? Number(f.get('status') ?? 4) : 4;
  return {
    ...base,
    mgr: 'sysv',
    sysv: { script, serviceCmd: f.get('servicecmd') === '1', status, startLinks: Number(f.get('slinks') ?? 0) || 0, links: Number(f.get('links') ?? 0) || 0 },
  };
}

export function planService(p: ServiceParams, s: ServiceState): ServicePlan {
  if (p.state === undefined && p.enabled === undefined) throw new PkgModuleError('service: one of the following is required: state, enabled');
  if (s.mgr === 'systemd') {
    const unit = planUnit({ name: p.name, ...(p.state ? { state: p.state } : {}), ...(p.enabled !== undefined ? { enabled: p.enabled } : {}), daemon_reload: false }, { ...s.systemd!, ...(s.predicted ? { predicted: true } : {}) }, s.host);
    return { ...unit, actions: unit.actions.map((a) => ({ kind: 'run', what: a.argv.slice(0, 2).join(' '), argv: a.argv })), unit };
  }
  const v = s.sysv!;
  if (!v.script && !s.predicted) throw new PkgModuleError(`Could not find the requested service ${p.name}: ${s.host}`);
  const exists = v.script;
  let running = exists && v.status === 0;
  let enabled = exists && v.startLinks > 0;
  const actions: ServiceAction[] = [];
  const args = p.arguments ? p.arguments.split(/\s+/).filter(Boolean) : [];
  const ctl = (verb: string): ServiceAction => ({
    kind: 'run',
    what: `service ${p.name} ${verb}`,
    argv: v.serviceCmd || !exists ? ['service', p.name, verb, ...args] : [`/etc/init.d/${p.name}`, verb, ...args],
  });
  if (p.enabled === true && !enabled) {
    // Links made from the script's LSB header (`defaults`), then turned into S links (`enable`).
    const n = shQuote(p.name);
    actions.push({ kind: 'run', what: `update-rc.d ${p.name} enable`, script: `${v.links > 0 ? '' : `update-rc.d ${n} defaults && `}update-rc.d ${n} enable` });
    enabled = true;
  } else if (p.enabled === false && enabled) {
    actions.push({ kind: 'run', what: `update-rc.d ${p.name} disable`, argv: ['update-rc.d', p.name, 'disable'] });
    enabled = false;
  }
  const transition = serviceTransition(p.state, running);
  if (transition.verb) actions.push(ctl(transition.verb));
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
  },
  probe: async (ctx, p) => {
    const hint = p.use !== 'auto' ? p.use : varString(ctx, 'ansible_service_mgr');
    const forced = hint === 'systemd' ? 'systemd' : hint === 'sysvinit' || hint === 'service' ? 'sysv' : undefined;
    const r = await ctx.run(serviceProbeScript(p, forced));
    const predicted = ctx.predicted?.package(p.name) === 'present' || ctx.predicted?.service(p.name) !== undefined;
    return parseServiceProbe(p, r.stdout.toString('utf8'), ctx.host, predicted);
  },
  plan: planService,
  apply: async (ctx, _p, plan): Promise<ModuleResult> => {
    const sp = plan as ServicePlan;
    if (sp.unit) return applyUnit(ctx, sp.unit, sp.result ?? {});
    const result = sp.result ?? {};
    if (!sp.actions.length) return { ...result, changed: false };
    const script = sp.actions
      .map((a, i) => `${a.script !== undefined ? `(${a.script})` : shJoin(a.argv!)} </dev/null >/dev/null 2>/tmp/.fleet-svc-$$ || { r=$?; cat /tmp/.fleet-svc-$$ >&2; rm -f /tmp/.fleet-svc-$$; printf '__FLEET_FAILED__${i}\\n'; exit $r; }`)
      .concat('rm -f /tmp/.fleet-svc-$$')
      .join('\n');
    const r = await ctx.run(script);
    if (r.rc !== 0) {
      const m = /__FLEET_FAILED__(\d+)/.exec(r.stdout.toString('utf8'));
      const a = sp.actions[Number(m?.[1] ?? 0)];
      return { ...result, changed: false, failed: true, rc: r.rc, msg: `${a?.what ?? 'service'} failed (rc ${r.rc}): ${r.stderr.toString('utf8').trim()}` };
    }
    return { ...result, changed: true };
  },
};
