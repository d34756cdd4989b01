import type { ModuleDefinition } from './types.js';
import { applyResult, resultPlan } from './util/result-plan.js';

/** fail: fails the task with a message (the task's `when:` decides whether it runs). */
export interface FailParams {
  msg: unknown;
}

export const fail: ModuleDefinition<FailParams, null, never> = {
  name: 'fail',
  aliases: ['ansible.builtin.fail', 'ansible.legacy.fail'],
  readOnly: true,
  params: { msg: { type: 'raw', default: 'Failed as requested from task' } },
  probe: async () => null,
  plan: (p) => resultPlan({ changed: false, failed: true, msg: p.msg as string }),
  apply: applyResult,
};
