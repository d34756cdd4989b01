import { shQuote } from '../util/shlex.js';
import type { ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { PAIR_FN, PkgModuleError, parsePairs } from './util/pkg-common.js';
import { serviceTransition } from './util/service-state.js';
import { runSteps, type Step } from './util/run-steps.js';

/**
 * systemd (ansible.builtin.systemd_service): units through systemctl. The probe reads, in ONE round
 * trip, whether systemd runs (/run/systemd/system), the unit's LoadState, is-active and is-enabled.
 * Where systemd does not run the task fails saying so (use `service`). The plan is shared with the
 * `service` module on systemd hosts.
 */
export interface SystemdParams {
  name?: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  daemon_reload: boolean;
  masked?: boolean;
  daemon_reexec?: boolean;
  /** systemctl's --user / --global (the unit manager of the connecting user, or of every user). */
  scope?: 'system' | 'user' | 'global';
  /** systemctl --no-block: queue the job without waiting for it. */
  no_block?: boolean;
  /** systemctl --force for enable and mask (replace conflicting symlinks). */
  force?: boolean;
}

/** systemctl's options for a scope. */
export function scopeArgs(scope: SystemdParams['scope']): string[] {
  return scope === 'user' ? ['--user'] : scope === 'global' ? ['--global'] : [];
}

export interface SystemdState {
  running: boolean;
  /** LoadState: loaded, not-found, masked, ... ('' when no name). */
  load: string;
  /** is-active: active, inactive, failed, activating, ... */
  active: string;
  /** is-enabled: enabled, disabled, static, masked, ... */
  enabled: string;
  /** The unit is missing but an earlier task in this check run would install its package. */
  predicted?: boolean;
}

/** A systemctl step: `what` is its verb (start, enable, mask...), for Ansible's "Unable to VERB service". */
export type SystemdAction = Step & { argv: string[] };

export interface SystemdPlan extends Plan<SystemdAction> {
  daemonReload: boolean;
  daemonReexec?: boolean;
  /** systemctl's scope options, for daemon-reload and daemon-reexec. */
  scope?: string[];
  after: { active: boolean; enabled?: boolean; masked?: boolean };
}

export function systemdProbeLines(name: string | undefined, scope?: SystemdParams['scope']): string[] {
  const sc = scopeArgs(scope).join(' ');
  const lines = [`if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then o systemd 1; else o systemd 0; fi`];
  if (name) {
    const n = shQuote(name);
    lines.push(
      `if command -v systemctl >/dev/null 2>&1; then`,
      `  o load "$(systemctl ${sc} show -p LoadState --value -- ${n} 2>/dev/null)"`,
      `  o active "$(systemctl ${sc} is-active -- ${n} 2>/dev/null)"`,
      `  o enabled "$(systemctl ${sc} is-enabled -- ${n} 2>/dev/null)"`,
      `fi`,
    );
  }
  return lines;
}

export function parseSystemdFields(f: Map<string, string>): SystemdState {
  return { running: f.get('systemd') === '1', load: (f.get('load') ?? '').trim(), active: (f.get('active') ?? '').trim(), enabled: (f.get('enabled') ?? '').trim() };
}

const ENABLED_STATES = new Set(['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated']);
const ACTIVE_STATES = new Set(['active', 'activating', 'reloading', 'deactivating']);

/** The plan for a unit on a host that runs systemd (systemd and service modules). */
export function planUnit(p: SystemdParams, s: SystemdState, host = 'host'): SystemdPlan {
  const actions: SystemdAction[] = [];
  const name = p.name;
  const wantsUnit = p.state !== undefined || p.enabled !== undefined || p.masked !== undefined;
  if (!name) {
    if (wantsUnit) throw new PkgModuleError('systemd: name is required with state, enabled or masked');
    return { actions, daemonReload: p.daemon_reload, ...(p.daemon_reexec ? { daemonReexec: true } : {}), scope: scopeArgs(p.scope), after: { active: false } };
  }
  const missing = (s.load === 'not-found' || s.load === '') && s.enabled !== 'masked';
  if (missing && !s.predicted && wantsUnit && p.masked !== true) throw new PkgModuleError(`Could not find the requested service ${name}: ${host}`);
  const opts = [...scopeArgs(p.scope), ...(p.no_block ? ['--no-block'] : [])];
  const sc = (...args: string[]): SystemdAction => ({
    kind: 'run',
    what: args[0]!,
    argv: ['systemctl', ...opts, ...args, ...(p.force && (args[0] === 'enable' || args[0] === 'mask') ? ['--force'] : []), '--', name],
  });
  const masked = s.enabled === 'masked' || s.load === 'masked';
  let active = !missing && ACTIVE_STATES.has(s.active);
  let enabled = !missing && ENABLED_STATES.has(s.enabled);
  let isMasked = masked;
  if (p.masked === true && !masked) {
    actions.push(sc('mask'));
    isMasked = true;
  }
  if (p.masked === false && masked) {
    actions.push(sc('unmask'));
    isMasked = false;
  }
  if (p.enabled === true && !enabled) {
    if (isMasked) throw new PkgModuleError(`Unable to enable service ${name}: it is masked`);
    actions.push(sc('enable'));
    enabled = true;
  } else if (p.enabled === false && enabled && s.enabled !== 'static') {
    actions.push(sc('disable'));
    enabled = false;
  }
  const transition = serviceTransition(p.state, active);
  // Ansible's systemd module starts a unit that is not running for `restarted` too (init scripts restart).
  const verb = transition.verb === 'restart' && !active ? 'start' : transition.verb;
  if (verb) actions.push(sc(verb));
  active = transition.running;
  if ((p.state === 'started' || p.state === 'restarted' || p.state === 'reloaded') && isMasked) {
    throw new PkgModuleError(`Unable to start service ${name}: it is masked`);
  }
  const predicts = p.state && actions.length ? { services: { [name]: active ? ('started' as const) : ('stopped' as const) } } : undefined;
  return {
    actions,
    daemonReload: p.daemon_reload,
    ...(p.daemon_reexec ? { daemonReexec: true } : {}),
    scope: scopeArgs(p.scope),
    after: { active, ...(p.enabled !== undefined ? { enabled } : {}), ...(p.masked !== undefined ? { masked: isMasked } : {}) },
    ...(predicts ? { predicts } : {}),
    result: { name, ...(p.state ? { state: active ? 'started' : 'stopped' } : {}), ...(p.enabled !== undefined ? { enabled } : {}) },
  };
}

/** Runs daemon-reload and daemon-reexec (when asked), then the systemctl actions, in one round trip. */
export async function applyUnit(ctx: ModuleContext, plan: SystemdPlan, result: Partial<ModuleResult>): Promise<ModuleResult> {
  const scope = plan.scope ?? [];
  const daemon = (verb: string): SystemdAction => ({ kind: 'run', what: verb, argv: ['systemctl', ...scope, verb] });
  const steps = [...(plan.daemonReload ? [daemon('daemon-reload')] : []), ...(plan.daemonReexec ? [daemon('daemon-reexec')] : []), ...plan.actions];
  if (!steps.length) return { ...result, changed: false };
  const out = await runSteps(ctx, steps);
  if (!out.ok) return { ...result, changed: false, failed: true, rc: out.failed!.rc, msg: `Unable to ${out.failed!.what} service ${plan.result?.name ?? ''}: ${out.failed!.stderr}` };
  // A daemon-reload alone is not a change, as in Ansible's systemd module.
  return { ...result, changed: plan.actions.length > 0 };
}

export interface SystemdProbe extends SystemdState {
  host: string;
}

export const systemd: ModuleDefinition<SystemdParams, SystemdProbe, SystemdAction> = {
  name: 'systemd',
  aliases: ['ansible.builtin.systemd', 'ansible.legacy.systemd', 'systemd_service', 'ansible.builtin.systemd_service', 'ansible.legacy.systemd_service'],
  params: {
    name: { type: 'str', aliases: ['service', 'unit'] },
    state: { type: 'str', choices: ['started', 'stopped', 'restarted', 'reloaded'] },
    enabled: { type: 'bool' },
    daemon_reload: { type: 'bool', default: false, aliases: ['daemon-reload'] },
    masked: { type: 'bool' },
    daemon_reexec: { type: 'bool', default: false, aliases: ['daemon-reexec'] },
    scope: { type: 'str', default: 'system', choices: ['system', 'user', 'global'] },
    no_block: { type: 'bool', default: false },
    force: { type: 'bool' },
  },
  probe: async (ctx, p) => {
    const r = await ctx.run([PAIR_FN, ...systemdProbeLines(p.name, p.scope), 'exit 0'].join('\n'));
    const s = parseSystemdFields(parsePairs(r.stdout.toString('utf8')));
    const predicted = !!p.name && (ctx.predicted?.package(p.name) === 'present' || ctx.predicted?.service(p.name) !== undefined);
    return { ...s, host: ctx.host, ...(predicted ? { predicted } : {}) };
  },
  plan: (p, s) => {
    if (!s.running) throw new PkgModuleError(`systemd is not running on ${s.host} (/run/systemd/system is missing): use the service module, which drives init scripts`);
    if (!p.name && !p.daemon_reload && !p.daemon_reexec) throw new PkgModuleError('systemd: one of name, daemon_reload or daemon_reexec is required');
    return planUnit(p, s, s.host);
  },
  apply: async (ctx, _p, plan) => applyUnit(ctx, plan as SystemdPlan, plan.result ?? {}),
};
