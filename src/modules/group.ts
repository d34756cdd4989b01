import { shQuote } from '../util/shlex.js';
import { accountNameProblem } from './util/account-names.js';
import type { ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { attrText } from './util/account-files.js';
import { NSS_FNS } from './util/nss.js';
import { runSteps, stepsFailureMessage, type Step } from './util/run-steps.js';

/** group: a local group present (with a gid) or absent, through groupadd/groupmod/groupdel. */
export interface GroupParams {
  name: string;
  state: 'present' | 'absent';
  gid?: number;
  system: boolean;
  non_unique: boolean;
  local: boolean;
}

export interface GroupState {
  exists: boolean;
  gid?: number;
  members?: string[];
  /** local: the libuser programs missing on the host, and its PATH (for the message). */
  missingTools?: string[];
  path?: string;
  /** local: another group in /etc/group holding the gid asked for. */
  gidOwner?: string;
}

/** `getent group` line → state. */
export function parseGroupLine(line: string): GroupState {
  const f = line.trim().split(':');
  if (f.length < 3 || !f[0]) return { exists: false };
  return { exists: true, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) };
}

/** Prints the group's line as `getent group NAME` does (nothing when there is none), from /etc/group by shell builtins where NSS allows (util/nss.ts). */
export function groupScript(name: string): string {
  const q = shQuote(name);
  return `${NSS_FNS}\n__ent group ${q}; case $? in 0) printf '%s\\n' "$__e";; 2) ;; *) getent group ${q} || :;; esac`;
}

/**
 * `local: true`: the group's line from /etc/group itself (the last one, as Ansible reads it; no
 * NSS), then `#missing TOOL`, `#path PATH` and `#gidowner NAME` lines.
 */
export function localGroupScript(p: GroupParams): string {
  const lines = [
    `n=${shQuote(p.name)}; l=; o=`,
    `if [ -r /etc/group ]; then while IFS= read -r x || [ -n "$x" ]; do case $x in "$n":*) l=$x;; esac; done < /etc/group; fi`,
  ];
  if (p.gid !== undefined) {
    const g = String(p.gid);
    lines.push(`if [ -r /etc/group ]; then while IFS=: read -r gn gp gi gm || [ -n "$gn" ]; do [ "$gi" = ${g} ] && [ "$gn" != "$n" ] && { o=$gn; break; }; done < /etc/group; fi`);
  }
  lines.push(
    `[ -n "$l" ] && printf '%s\n' "$l"`,
    `for t in lgroupadd lgroupmod lgroupdel; do command -v "$t" >/dev/null 2>&1 || printf '#missing %s\n' "$t"; done; printf '#path %s\n' "$PATH"`,
    `[ -n "$o" ] && printf '#gidowner %s\n' "$o"`,
    'exit 0',
  );
  return lines.join('\n');
}

export function parseLocalGroupProbe(out: string): GroupState {
  const lines = out.split('\n');
  const line = lines.find((l) => l !== '' && !l.startsWith('#')) ?? '';
  const missing = lines.filter((l) => l.startsWith('#missing ')).map((l) => l.slice(9));
  const owner = lines.find((l) => l.startsWith('#gidowner '))?.slice(10);
  const path = lines.find((l) => l.startsWith('#path '))?.slice(6) ?? '';
  return { ...parseGroupLine(line), ...(missing.length ? { missingTools: missing, path } : {}), ...(owner ? { gidOwner: owner } : {}) };
}

/** libuser's programs for `local: true`, as Ansible's group module runs them. */
function localised(p: GroupParams, s: GroupState, actions: Step[]): Step[] {
  return actions.map((a) => {
    const tool = `l${a.argv![0]}`;
    if (s.missingTools?.includes(tool)) throw new GroupModuleError(`Failed to find required executable "${tool}" in paths: ${s.path}`);
    if (tool !== 'lgroupdel' && s.gidOwner) throw new GroupModuleError(`GID '${p.gid}' already exists with group '${s.gidOwner}'`);
    return { ...a, what: tool, argv: [tool, ...a.argv!.slice(1)] };
  });
}

export class GroupModuleError extends Error {}

export interface GroupPlan extends Plan<Step> {
  /** The state after the actions, as the plan predicts it. */
  after: GroupState;
}

function describe(p: GroupParams, s: GroupState): string {
  return s.exists ? attrText({ name: p.name, state: 'present', gid: s.gid }) : attrText({ name: p.name, state: 'absent' });
}

/** A name that would split a line of /etc/group or pass for an option of groupadd and friends. */
function refuseUnsafeName(p: GroupParams): void {
  const problem = accountNameProblem('group', p.name);
  if (problem) throw new GroupModuleError(problem);
}

export function planGroup(p: GroupParams, s: GroupState): GroupPlan {
  refuseUnsafeName(p);
  // Ansible's required_if for this module.
  if (p.non_unique && p.gid === undefined) throw new GroupModuleError('non_unique is True but all of the following are missing: gid');
  const actions: Step[] = [];
  let after: GroupState = s;
  if (p.state === 'absent') {
    if (s.exists) {
      actions.push({ kind: 'run', what: 'groupdel', argv: ['groupdel', p.name] });
      after = { exists: false };
    }
  } else if (!s.exists) {
    const argv = ['groupadd'];
    if (p.gid !== undefined) argv.push('-g', String(p.gid));
    if (p.non_unique && p.gid !== undefined) argv.push('-o');
    if (p.system) argv.push('-r');
    argv.push(p.name);
    actions.push({ kind: 'run', what: 'groupadd', argv });
    after = { exists: true, ...(p.gid !== undefined ? { gid: p.gid } : {}), members: [] };
  } else if (p.gid !== undefined && p.gid !== s.gid) {
    const argv = ['groupmod', '-g', String(p.gid)];
    if (p.non_unique) argv.push('-o');
    argv.push(p.name);
    actions.push({ kind: 'run', what: 'groupmod', argv });
    after = { ...s, gid: p.gid };
  }
  if (p.local) {
    // As Ansible's: an existing group is checked with lgroupmod even when nothing changes.
    if (p.state === 'present' && s.exists && s.missingTools?.includes('lgroupmod')) throw new GroupModuleError(`Failed to find required executable "lgroupmod" in paths: ${s.path}`);
    actions.splice(0, actions.length, ...localised(p, s, actions));
  }
  const diff = actions.length ? [{ before: describe(p, s), after: describe(p, after), before_header: `group ${p.name}`, after_header: `group ${p.name}` }] : [];
  return { actions, diff, after };
}

function result(p: GroupParams, s: GroupState, changed: boolean): ModuleResult {
  return {
    changed,
    name: p.name,
    state: p.state,
    ...(p.state === 'present' ? { gid: s.gid, system: p.system } : {}),
  };
}

export const group: ModuleDefinition<GroupParams, GroupState, Step> = {
  name: 'group',
  aliases: ['ansible.builtin.group', 'ansible.legacy.group'],
  params: {
    name: { type: 'str', required: true },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
    gid: { type: 'int' },
    system: { type: 'bool', default: false },
    non_unique: { type: 'bool', default: false },
    local: { type: 'bool', default: false },
  },
  probe: async (ctx: ModuleContext, p) => {
    refuseUnsafeName(p);
    if (p.local) return parseLocalGroupProbe((await ctx.run(localGroupScript(p))).stdout.toString('utf8'));
    const r = await ctx.run(groupScript(p.name));
    return parseGroupLine(r.stdout.toString('utf8'));
  },
  plan: planGroup,
  apply: async (ctx, p, plan) => {
    const gp = plan as GroupPlan;
    if (!gp.actions.length) return result(p, gp.after, false);
    const out = await runSteps(ctx, gp.actions, p.local ? localGroupScript({ name: p.name, state: p.state, system: p.system, non_unique: p.non_unique, local: true }) : groupScript(p.name));
    if (!out.ok) return { ...result(p, gp.after, false), failed: true, msg: stepsFailureMessage(out.failed!) };
    const after = p.local ? parseLocalGroupProbe(out.stdout) : parseGroupLine(out.stdout);
    return result(p, p.state === 'present' ? after : { exists: false }, true);
  },
};
