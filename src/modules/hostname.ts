import { shQuote } from '../util/shlex.js';
import type { ModuleContext, ModuleDefinition, Plan } from './types.js';
import { ModuleFailure } from './util/file-attrs.js';
import { applySteps, type Step } from './util/run-steps.js';

/**
 * hostname (ansible.builtin.hostname): the running host name and the permanent one. `use: systemd`
 * goes through hostnamectl; `debian`/`generic` (and the default when systemd does not run) write
 * /etc/hostname and call `hostname NAME`. ONE round trip probes, ONE applies.
 */
export interface HostnameParams {
  name: string;
  use?: 'systemd' | 'debian' | 'generic' | 'redhat' | 'alpine' | 'sles' | 'openrc';
}

export interface HostnameState {
  current: string;
  /** /etc/hostname's name (first word), '' when missing. */
  permanent: string;
  systemd: boolean;
  hostnamectl: boolean;
}

export function planHostname(p: HostnameParams, s: HostnameState): Plan<Step> {
  const name = p.name.trim();
  if (!name) throw new ModuleFailure('name cannot be empty');
  const strategy = p.use ?? (s.systemd && s.hostnamectl ? 'systemd' : 'debian');
  if (!['systemd', 'debian', 'generic'].includes(strategy)) throw new ModuleFailure(`use=${strategy} is not supported by fleet (systemd, debian, generic)`);
  if (strategy === 'systemd' && !s.hostnamectl) throw new ModuleFailure('use=systemd needs hostnamectl (package systemd) on the host');
  const actions: Step[] = [];
  if (strategy === 'systemd') {
    if (s.current !== name || s.permanent !== name) actions.push({ kind: 'run', what: 'hostnamectl set-hostname', argv: ['hostnamectl', 'set-hostname', name] });
  } else {
    if (s.permanent !== name) actions.push({ kind: 'run', what: 'write /etc/hostname', script: `t=$(mktemp /etc/.hostname.fleet-tmp-XXXXXXXX) && printf '%s\\n' ${shQuote(name)} > "$t" && chmod 0644 "$t" && mv -f -- "$t" /etc/hostname || { rm -f -- "$t"; exit 1; }` });
    if (s.current !== name) actions.push({ kind: 'run', what: 'hostname', argv: ['hostname', name] });
  }
  const short = name.split('.')[0]!;
  const domain = name.includes('.') ? name.slice(name.indexOf('.') + 1) : '';
  return {
    actions,
    ...(actions.length ? { diff: [{ before: `hostname = ${s.current}\n`, after: `hostname = ${name}\n` }] } : {}),
    result: { name, ansible_facts: { ansible_hostname: short, ansible_nodename: name, ansible_fqdn: name, ansible_domain: domain } },
  };
}

async function probe(ctx: ModuleContext): Promise<HostnameState> {
  const r = await ctx.run(`hostname 2>/dev/null || cat /proc/sys/kernel/hostname; echo __FLEET_END__; [ -f /etc/hostname ] && head -n1 /etc/hostname; echo __FLEET_END__; [ -d /run/systemd/system ] && echo S; command -v hostnamectl >/dev/null 2>&1 && echo H; exit 0`);
  const [cur = '', perm = '', rest = ''] = r.stdout.toString('utf8').split('__FLEET_END__\n');
  return { current: cur.trim(), permanent: perm.trim().split(/\s+/)[0] ?? '', systemd: /^S$/m.test(rest), hostnamectl: /^H$/m.test(rest) };
}


export const hostname: ModuleDefinition<HostnameParams, HostnameState, Step> = {
  name: 'hostname',
  aliases: ['ansible.builtin.hostname', 'ansible.legacy.hostname'],
  params: {
    name: { type: 'str', required: true },
    use: { type: 'str', choices: ['systemd', 'debian', 'generic', 'redhat', 'alpine', 'sles', 'openrc'] },
  },
  probe,
  plan: planHostname,
  apply: (ctx, _p, plan) => applySteps(ctx, plan),
};
