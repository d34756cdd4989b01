import { FleetError } from '../../errors.js';
import { VARIABLE_PARAMS } from '../../playbook/action.js';

/**
 * A task's arguments given as one template (`set_fact: "{{ facts }}"`, `args: "{{ x }}"`), now
 * templated: the mapping it gave, under the task's other arguments, as Ansible merges them.
 */
export function spreadVariableParams(args: Record<string, unknown>): Record<string, unknown> {
  if (!(VARIABLE_PARAMS in args)) return args;
  const { [VARIABLE_PARAMS]: given, ...rest } = args;
  if (!given || typeof given !== 'object' || Array.isArray(given)) {
    throw new FleetError('ARGS', `invalid or malformed argument: '${typeof given === 'string' ? given : JSON.stringify(given)}'`, {
      hint: 'a task\'s arguments given as one template must give a mapping of parameters',
    });
  }
  return { ...(given as Record<string, unknown>), ...rest };
}
