import type { Vars } from '../../inventory/index.js';
import type { Node, Play, RoleRef } from '../../playbook/model.js';

/**
 * The roles a play knows before it runs (`roles:`, their dependencies and every import_role), in
 * the order they appear: as Ansible's play.get_roles(), whose defaults and vars every task of the
 * play sees (role vars are not private unless ANSIBLE_PRIVATE_ROLE_VARS says so).
 */
export function playRoles(play: Play): RoleRef[] {
  const seen = new Set<RoleRef>();
  const visit = (nodes: readonly Node[]): void => {
    for (const node of nodes) {
      if (node.kind !== 'block') continue;
      // Dependencies (nested blocks) first: the role's own defaults and vars win over theirs.
      visit(node.block);
      visit(node.rescue);
      visit(node.always);
      if (node.role) seen.add(node.role);
    }
  };
  for (const part of [play.pre_tasks, play.roles, play.tasks, play.post_tasks]) visit(part);
  return [...seen];
}

/** The defaults and the vars of those roles, each merged in role order. */
export function playRoleVars(play: Play): { defaults: Vars; vars: Vars } {
  const roles = playRoles(play);
  return {
    defaults: Object.assign({}, ...roles.map((r) => r.defaults)) as Vars,
    vars: Object.assign({}, ...roles.map((r) => r.vars)) as Vars,
  };
}
