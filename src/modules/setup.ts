import { ModuleArgsError } from './args.js';
import { factsScript, MARK, parseFacts, resolveSubsets } from './facts.js';
import type { ModuleContext, ModuleDefinition } from './types.js';
import { fnmatch } from '../util/fnmatch.js';
import { applyResult, resultPlan, type ResultPlan } from './util/result-plan.js';

/**
 * setup: gathers facts in ONE round trip (facts.ts: one shell script, parsed on the controller) and
 * returns them under `ansible_facts` with Ansible's `ansible_` names (`ansible_hostname`,
 * `ansible_eth0`, ...). The executor sets them as the host's facts.
 */
export interface SetupParams {
  gather_subset: string[];
  gather_timeout: number;
  filter: string[];
  fact_path: string;
}

export interface SetupState {
  output: string;
  error?: string;
}

function subsets(p: SetupParams): Set<string> {
  const { selected, unknown } = resolveSubsets(p.gather_subset);
  if (unknown.length) {
    throw new ModuleArgsError(
      `Bad subset '${unknown[0]}' given to Ansible. gather_subset options allowed: all, min, hardware, network, virtual, loadavg, apparmor, caps, cmdline, date_time, distribution, dns, env, fips, local, lsb, pkg_mgr, platform, python, selinux, service_mgr, ssh_pub_keys, user`,
    );
  }
  return selected;
}

/** `eth-1` → `ansible_eth_1`, as Ansible's fact namespace. */
export function factName(name: string): string {
  return `ansible_${name.replace(/-/g, '_')}`;
}

export function planSetup(p: SetupParams, s: SetupState): ResultPlan {
  if (s.error) return resultPlan({ changed: false, failed: true, msg: s.error });
  const raw = parseFacts(s.output, subsets(p));
  const facts: Record<string, unknown> = {};
  const patterns = p.filter.filter((f) => f !== '');
  for (const [name, value] of Object.entries(raw)) {
    const key = factName(name);
    if (patterns.length && !patterns.some((pattern) => fnmatch(key, pattern))) continue;
    facts[key] = value;
  }
  facts.gather_subset = p.gather_subset;
  facts.module_setup = true;
  return resultPlan({ changed: false, ansible_facts: facts });
}

export const setup: ModuleDefinition<SetupParams, SetupState, never> = {
  name: 'setup',
  aliases: ['ansible.builtin.setup', 'ansible.legacy.setup'],
  readOnly: true,
  params: {
    gather_subset: { type: 'list', elements: 'str', default: ['all'] },
    gather_timeout: { type: 'int', default: 10 },
    filter: { type: 'list', elements: 'str', default: [] },
    fact_path: { type: 'path', default: '/etc/ansible/facts.d' },
  },
  probe: async (ctx: ModuleContext, p) => {
    const script = factsScript(subsets(p), { gatherTimeout: p.gather_timeout, factPath: p.fact_path });
    const r = await ctx.run(script);
    const output = r.stdout.toString('utf8');
    if (!output.includes(`${MARK} end`)) {
      return { output, error: `fact gathering failed (exit code ${r.rc}): ${r.stderr.toString('utf8').trim() || 'no output'}` };
    }
    return { output };
  },
  plan: planSetup,
  apply: applyResult,
};
