import { shJoin } from '../util/shlex.js';
import type { ModuleContext, ModuleDefinition, Plan } from './types.js';
import { ModuleFailure } from './util/file-attrs.js';
import { applySteps, type Step } from './util/run-steps.js';

/**
 * ufw (community.general.ufw): the firewall's state (enabled, disabled, reset, reloaded) and rules
 * (allow, deny, reject, limit) by port, proto, from_ip and to_ip, through the `ufw` command. ONE
 * round trip reads `ufw status` and `ufw show added` (the rules as ufw commands), so `plan` knows
 * whether a rule is there; ONE more applies.
 */
export interface UfwParams {
  state?: 'enabled' | 'disabled' | 'reset' | 'reloaded';
  rule?: 'allow' | 'deny' | 'reject' | 'limit';
  port?: string;
  proto?: string;
  from_ip: string;
  to_ip: string;
  from_port?: string;
  direction?: 'in' | 'out' | 'incoming' | 'outgoing' | 'routed';
  delete: boolean;
  comment?: string;
}

export interface UfwState {
  installed: boolean;
  active: boolean;
  /** `ufw show added` rules, without the leading `ufw `. */
  rules: string[];
}

/** The rule as `ufw show added` prints it (ufw's own canonical form), without `ufw `. */
export function ufwRuleWords(p: UfwParams): string[] {
  if (!p.rule) return [];
  const words: string[] = [p.rule];
  if (p.direction === 'out' || p.direction === 'outgoing') words.push('out');
  const proto = p.proto && p.proto !== 'any' ? p.proto : undefined;
  const simple = p.from_ip === 'any' && p.to_ip === 'any' && !p.from_port;
  if (simple) {
    if (!p.port) throw new ModuleFailure('a rule needs port (or from_ip/to_ip)');
    words.push(proto ? `${p.port}/${proto}` : p.port);
  } else {
    words.push('from', p.from_ip);
    if (p.from_port) words.push('port', p.from_port);
    words.push('to', p.to_ip);
    if (p.port) words.push('port', p.port);
    if (proto) words.push('proto', proto);
  }
  if (p.comment) words.push('comment', `'${p.comment}'`);
  return words;
}

export function parseUfwProbe(out: string): UfwState {
  if (/^MISSING$/m.test(out)) return { installed: false, active: false, rules: [] };
  return {
    installed: true,
    active: /^Status: active/m.test(out),
    rules: out
      .split('\n')
      .filter((l) => l.startsWith('ufw '))
      .map((l) => l.slice(4).trim()),
  };
}

export function planUfw(p: UfwParams, s: UfwState, host = 'the host'): Plan<Step> {
  if (!s.installed) throw new ModuleFailure(`ufw is not installed on ${host}: install the ufw package (apt-get install -y ufw)`);
  if (!p.state && !p.rule) throw new ModuleFailure('one of the following is required: state, rule');
  const actions: Step[] = [];
  if (p.rule) {
    const words = ufwRuleWords(p);
    // `show added` prints comments in single quotes; compare without them as ufw may re-quote.
    const key = words.filter((w, i) => !(words[i - 1] === 'comment' || w === 'comment')).join(' ');
    const present = s.rules.some((r) => r.replace(/ comment '.*'$/, '') === key);
    if (p.delete ? present : !present) {
      const argv = ['ufw', ...(p.delete ? ['delete'] : []), ...words.map((w) => (w.startsWith("'") ? w.slice(1, -1) : w))];
      actions.push({ kind: 'run', what: shJoin(argv), argv });
    }
  }
  if (p.state === 'enabled' && !s.active) actions.push({ kind: 'run', what: 'ufw enable', argv: ['ufw', '--force', 'enable'] });
  if (p.state === 'disabled' && s.active) actions.push({ kind: 'run', what: 'ufw disable', argv: ['ufw', 'disable'] });
  if (p.state === 'reset') actions.push({ kind: 'run', what: 'ufw reset', argv: ['ufw', '--force', 'reset'] });
  if (p.state === 'reloaded') actions.push({ kind: 'run', what: 'ufw reload', argv: ['ufw', 'reload'] });
  return { actions, ...(actions.length ? { diff: [{ before: '', after: `${actions.map((a) => a.what).join('\n')}\n`, before_header: 'ufw', after_header: 'ufw' }] } : {}) };
}

async function probe(ctx: ModuleContext): Promise<UfwState> {
  const r = await ctx.run(`command -v ufw >/dev/null 2>&1 || { echo MISSING; exit 0; }; ufw status 2>&1 | head -n1; ufw show added 2>/dev/null; exit 0`);
  const s = parseUfwProbe(r.stdout.toString('utf8'));
  if (!s.installed) throw new ModuleFailure(`ufw is not installed on ${ctx.host}: install the ufw package (apt-get install -y ufw)`);
  return s;
}


export const ufw: ModuleDefinition<UfwParams, UfwState, Step> = {
  name: 'ufw',
  aliases: ['community.general.ufw', 'community.general.system.ufw'],
  params: {
    state: { type: 'str', choices: ['enabled', 'disabled', 'reset', 'reloaded'] },
    rule: { type: 'str', choices: ['allow', 'deny', 'reject', 'limit'] },
    port: { type: 'str', aliases: ['to_port'] },
    proto: { type: 'str', aliases: ['protocol'], choices: ['any', 'tcp', 'udp', 'ipv6', 'esp', 'ah', 'gre', 'igmp'] },
    from_ip: { type: 'str', default: 'any', aliases: ['from', 'src'] },
    to_ip: { type: 'str', default: 'any', aliases: ['dest', 'to'] },
    from_port: { type: 'str' },
    direction: { type: 'str', choices: ['in', 'out', 'incoming', 'outgoing', 'routed'] },
    delete: { type: 'bool', default: false },
    comment: { type: 'str' },
  },
  probe,
  plan: (p, s) => planUfw(p, s),
  apply: (ctx, _p, plan) => applySteps(ctx, plan),
};
