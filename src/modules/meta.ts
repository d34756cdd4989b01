import { ModuleArgsError } from './args.js';
import type { ModuleDefinition } from './types.js';
import { applyResult, resultPlan } from './util/result-plan.js';

/**
 * meta: an instruction to the executor, not to the host. The module validates the name and returns
 * `_fleet_meta: '<name>'`; the executor acts on it (flush handlers, end the play, ...).
 */
export const META_ACTIONS = [
  'noop',
  'flush_handlers',
  'refresh_inventory',
  'clear_facts',
  'clear_host_errors',
  'end_play',
  'end_host',
  'end_batch',
  'end_role',
  'reset_connection',
  'role_complete',
] as const;

export type MetaAction = (typeof META_ACTIONS)[number];

export interface MetaParams {
  _raw_params?: string;
}

export function metaAction(p: MetaParams): MetaAction {
  const name = (p._raw_params ?? '').trim();
  if (!(META_ACTIONS as readonly string[]).includes(name)) {
    throw new ModuleArgsError(
      name ? `invalid meta action requested: ${name}` : 'meta: no action given',
      `meta takes one of: ${META_ACTIONS.join(', ')}`,
    );
  }
  return name as MetaAction;
}

export const meta: ModuleDefinition<MetaParams, null, never> = {
  name: 'meta',
  aliases: ['ansible.builtin.meta', 'ansible.legacy.meta'],
  readOnly: true,
  params: { _raw_params: { type: 'str', required: true, choices: META_ACTIONS } },
  freeForm: '_raw_params',
  freeFormKeys: [],
  probe: async () => null,
  plan: (p) => resultPlan({ changed: false, _fleet_meta: metaAction(p) }),
  apply: applyResult,
};
