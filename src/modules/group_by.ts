import type { ModuleDefinition } from './types.js';
import { applyResult, resultPlan, type ResultPlan } from './util/result-plan.js';

/**
 * group_by: puts the host into group `key` (spaces become dashes, as Ansible), itself a child of
 * `parents` (default all). Returns `add_group` and `parent_groups`; the executor changes the
 * in-memory inventory and sets `changed` when the host was not in the group yet (as Ansible's
 * strategy does).
 */
export interface GroupByParams {
  key: string;
  parents: unknown;
}

export function planGroupBy(p: GroupByParams): ResultPlan {
  const parents = (Array.isArray(p.parents) ? p.parents : [p.parents]).map((g) => String(g).replace(/ /g, '-'));
  if (!p.key) return resultPlan({ changed: false, failed: true, msg: "the 'key' param is required when using group_by" });
  return resultPlan({ changed: false, add_group: p.key.replace(/ /g, '-'), parent_groups: parents });
}

export const group_by: ModuleDefinition<GroupByParams, null, never> = {
  name: 'group_by',
  aliases: ['ansible.builtin.group_by', 'ansible.legacy.group_by'],
  readOnly: true,
  params: {
    key: { type: 'str', required: true },
    parents: { type: 'raw', default: ['all'] },
  },
  probe: async () => null,
  plan: (p) => planGroupBy(p),
  apply: applyResult,
};
