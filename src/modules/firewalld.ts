import { shQuote } from '../util/shlex.js';
import type { ModuleContext, ModuleDefinition, Plan } from './types.js';
import { ModuleFailure } from './util/file-attrs.js';
import { applySteps, type Step } from './util/run-steps.js';

/**
 * firewalld (ansible.posix.firewalld): a port, service, source, interface or rich rule enabled or
 * disabled in a zone, permanently and/or immediately. Through `firewall-cmd` when firewalld runs
 * (`firewall-cmd --state`), through `firewall-offline-cmd` (permanent configuration only) when it
 * does not. ONE round trip probes which tool, the zone and every queried setting; ONE more applies.
 */
export interface FirewalldParams {
  service?: string;
  port?: string;
  source?: string;
  interface?: string;
  rich_rule?: string;
  masquerade?: boolean;
  zone?: string;
  permanent?: boolean;
  immediate: boolean;
  state: 'enabled' | 'disabled' | 'present' | 'absent';
  timeout: number;
  offline?: boolean;
}

export type FwKind = 'service' | 'port' | 'source' | 'interface' | 'rich-rule' | 'masquerade';

export interface FirewalldState {
  mode: 'running' | 'offline' | 'missing';
  zone: string;
  /** kind → enabled in the permanent configuration. */
  permanent: Partial<Record<FwKind, boolean>>;
  /** kind → enabled in the running firewall (running mode only). */
  runtime: Partial<Record<FwKind, boolean>>;
}

export interface FwItem {
  kind: FwKind;
  /** The value (`8080/tcp`, `http`, ...), '' for masquerade. */
  value: string;
}

/** The settings the task names, in firewall-cmd's words. */
export function fwItems(p: FirewalldParams): FwItem[] {
  const items: FwItem[] = [];
  if (p.service !== undefined) items.push({ kind: 'service', value: p.service });
  if (p.port !== undefined) {
    if (!/^\d+(-\d+)?\/(tcp|udp|sctp|dccp)$/.test(p.port)) throw new ModuleFailure(`improper port format (missing protocol?): ${p.port} (write it as 8080/tcp or 8000-8100/udp)`);
    items.push({ kind: 'port', value: p.port });
  }
  if (p.source !== undefined) items.push({ kind: 'source', value: p.source });
  if (p.interface !== undefined) items.push({ kind: 'interface', value: p.interface });
  if (p.rich_rule !== undefined) items.push({ kind: 'rich-rule', value: p.rich_rule });
  if (p.masquerade !== undefined) items.push({ kind: 'masquerade', value: '' });
  return items;
}

const flag = (op: 'query' | 'add' | 'remove', it: FwItem) => (it.kind === 'masquerade' ? `--${op}-masquerade` : `--${op}-${it.kind}=${it.value}`);

export function firewalldProbeScript(p: FirewalldParams, items: readonly FwItem[]): string {
  const zone = p.zone ? shQuote(p.zone) : '"$z"';
  const lines = [
    `if command -v firewall-cmd >/dev/null 2>&1 && firewall-cmd --state >/dev/null 2>&1; then m=running; c=firewall-cmd; pc="firewall-cmd --permanent"`,
    `elif command -v firewall-offline-cmd >/dev/null 2>&1; then m=offline; c=firewall-offline-cmd; pc=firewall-offline-cmd`,
    `else echo "MODE missing"; exit 0; fi`,
    `echo "MODE $m"`,
    p.zone ? `echo ${shQuote(`ZONE ${p.zone}`)}` : `z=$($c --get-default-zone 2>/dev/null) || z=public; echo "ZONE $z"`,
  ];
  for (const it of items) {
    const f = shQuote(flag('query', it));
    lines.push(`if $pc --zone=${zone} ${f} >/dev/null 2>&1; then echo "P ${it.kind} yes"; else echo "P ${it.kind} no"; fi`);
    lines.push(`[ $m = running ] && { if $c --zone=${zone} ${f} >/dev/null 2>&1; then echo "R ${it.kind} yes"; else echo "R ${it.kind} no"; fi; }`);
  }
  lines.push('exit 0');
  return lines.join('\n');
}

export function parseFirewalldProbe(out: string): FirewalldState {
  const s: FirewalldState = { mode: 'missing', zone: 'public', permanent: {}, runtime: {} };
  for (const line of out.split('\n')) {
    const [tag, a, b] = line.split(' ');
    if (tag === 'MODE') s.mode = a as FirewalldState['mode'];
    else if (tag === 'ZONE') s.zone = line.slice(5);
    else if (tag === 'P') s.permanent[a as FwKind] = b === 'yes';
    else if (tag === 'R') s.runtime[a as FwKind] = b === 'yes';
  }
  return s;
}

export function planFirewalld(p: FirewalldParams, s: FirewalldState, host = 'the host'): Plan<Step> {
  const items = fwItems(p);
  if (s.mode === 'missing') {
    throw new ModuleFailure(`firewalld is not installed on ${host}: neither firewall-cmd nor firewall-offline-cmd was found (install the firewalld package: apt-get install -y firewalld, or dnf install -y firewalld)`);
  }
  if (p.state === 'present' || p.state === 'absent') {
    throw new ModuleFailure(`state ${p.state} (creating or deleting zones) is not supported by fleet's firewalld; use enabled/disabled with port, service, source, interface, rich_rule or masquerade`);
  }
  if (!items.length) throw new ModuleFailure('one of the following is required: service, port, source, interface, rich_rule, masquerade');
  if (items.length > 1) throw new ModuleFailure(`parameters are mutually exclusive: ${items.map((i) => (i.kind === 'rich-rule' ? 'rich_rule' : i.kind)).join('|')}`);
  const permanent = !!p.permanent;
  let immediate = p.immediate;
  // As Ansible: neither permanent nor immediate means immediate.
  if (!permanent && !immediate) immediate = true;
  const offline = s.mode === 'offline';
  if (offline && immediate && !permanent) {
    throw new ModuleFailure('firewall is not currently running, unable to perform immediate actions without a running firewall daemon');
  }
  if (offline) immediate = false;
  const it = items[0]!;
  const want = it.kind === 'masquerade' ? !!p.masquerade === (p.state === 'enabled') : p.state === 'enabled';
  const op = want ? 'add' : 'remove';
  const tool = offline ? 'firewall-offline-cmd' : 'firewall-cmd';
  const actions: Step[] = [];
  const label = it.kind === 'masquerade' ? 'masquerade' : `${it.kind.replace('-', '_')} ${it.value}`;
  const msgs: string[] = [];
  if (permanent && s.permanent[it.kind] !== want) {
    actions.push({ kind: 'run', what: `${tool} ${op} ${label}`, argv: [tool, ...(offline ? [] : ['--permanent']), `--zone=${s.zone}`, flag(op, it)] });
    msgs.push('Permanent');
  }
  if (immediate && s.runtime[it.kind] !== want) {
    actions.push({ kind: 'run', what: `${tool} ${op} ${label}`, argv: [tool, `--zone=${s.zone}`, flag(op, it), ...(p.timeout > 0 ? [`--timeout=${p.timeout}`] : [])] });
    msgs.push('Non-Permanent(immediate)');
  }
  const state = want ? 'enabled' : 'disabled';
  const msg = actions.length ? `${msgs.join(' and ')} operation, Changed ${label} to ${state}` : `${label} already ${state} in zone ${s.zone}`;
  const before = `${label}: ${[permanent ? `permanent ${s.permanent[it.kind] ? 'enabled' : 'disabled'}` : '', immediate ? `runtime ${s.runtime[it.kind] ? 'enabled' : 'disabled'}` : ''].filter(Boolean).join(', ')}\n`;
  const after = `${label}: ${[permanent ? `permanent ${state}` : '', immediate ? `runtime ${state}` : ''].filter(Boolean).join(', ')}\n`;
  return {
    actions,
    msg,
    result: { msg, zone: s.zone, offline },
    ...(actions.length ? { diff: [{ before, after, before_header: `firewalld zone ${s.zone}`, after_header: `firewalld zone ${s.zone}` }] } : {}),
  };
}

async function probe(ctx: ModuleContext, p: FirewalldParams): Promise<FirewalldState> {
  const r = await ctx.run(firewalldProbeScript(p, fwItems(p)));
  if (r.rc !== 0) throw new ModuleFailure(`cannot probe firewalld: ${r.stderr.toString('utf8').trim() || `exit code ${r.rc}`}`);
  const s = parseFirewalldProbe(r.stdout.toString('utf8'));
  if (s.mode === 'missing') planFirewalld(p, s, ctx.host);
  return s;
}


export const firewalld: ModuleDefinition<FirewalldParams, FirewalldState, Step> = {
  name: 'firewalld',
  aliases: ['ansible.posix.firewalld', 'community.general.firewalld'],
  params: {
    service: { type: 'str' },
    port: { type: 'str' },
    source: { type: 'str' },
    interface: { type: 'str' },
    rich_rule: { type: 'str' },
    masquerade: { type: 'bool' },
    zone: { type: 'str' },
    permanent: { type: 'bool' },
    immediate: { type: 'bool', default: false },
    state: { type: 'str', required: true, choices: ['enabled', 'disabled', 'present', 'absent'] },
    timeout: { type: 'int', default: 0 },
    offline: { type: 'bool' },
  },
  probe,
  plan: (p, s) => planFirewalld(p, s),
  apply: (ctx, _p, plan) => applySteps(ctx, plan),
};
