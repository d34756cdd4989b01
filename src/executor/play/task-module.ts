/**
 * The module a task runs on one host and its validated parameters, found when the task runs: the
 * task's own load-time problem fails it here (as Ansible fails such a task only when it runs), a
 * module named by a template is resolved, and the arguments are validated after templating.
 */
import { ModuleArgsError, getModule, validateParams, type ModuleDefinition } from '../../modules/index.js';
import { argsFromValue, resolveModule } from '../../playbook/action.js';
import type { TaskNode } from '../../playbook/model.js';
import { OMIT, type Templar } from '../../template/index.js';
import { spreadVariableParams } from './variable-params.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModule = ModuleDefinition<any, any, any>;

/** A task that cannot run its module on this host; the message is the task's failure message. */
export class TaskModuleError extends ModuleArgsError {}

function dropOmitted(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== OMIT).map(dropOmitted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== OMIT).map(([k, v]) => [k, dropOmitted(v)]));
  }
  return value;
}

/** The module a task names with a template (`action: "{{ m }} msg=hi"`), for these vars. */
function templatedModule(task: TaskNode, templar: Templar, vars: Record<string, unknown>): { module: AnyModule; args: Record<string, unknown> } {
  const name = String(templar.template(task.moduleAs, vars)).trim();
  const resolved = resolveModule(name);
  if (resolved.kind === 'unknown') {
    throw new TaskModuleError(`couldn't resolve module/action '${name}'${resolved.suggestion ? ` (did you mean "${resolved.suggestion}"?)` : ''}`);
  }
  if (resolved.kind === 'unimplemented') throw new TaskModuleError(`module ${resolved.name} is not implemented in fleet yet`);
  const { _raw_params: raw, ...rest } = task.args;
  const parsed = raw === undefined ? { args: {} } : argsFromValue(resolved.def, raw, name);
  if (parsed.error) throw new TaskModuleError(parsed.error);
  return { module: resolved.def, args: { ...rest, ...parsed.args } };
}

/**
 * Throws TaskModuleError (or ModuleArgsError) when the task cannot run here. `defaultsFor` gives
 * the module_defaults of the resolved module, under the task's own arguments.
 */
export function taskModule(
  task: TaskNode,
  templar: Templar,
  vars: Record<string, unknown>,
  defaultsFor?: (module: string) => Record<string, unknown>,
): { module: AnyModule; params: Record<string, unknown> } {
  if (task.problem) throw new TaskModuleError(task.problem.message);
  const { module, args: own } = task.moduleTemplate ? templatedModule(task, templar, vars) : { module: getModule(task.module), args: task.args };
  const defaults = defaultsFor?.(module.name);
  const args = defaults && Object.keys(defaults).length ? { ...defaults, ...own } : own;
  const templated = spreadVariableParams(dropOmitted(templar.template(args, vars)) as Record<string, unknown>);
  return { module, params: validateParams(module.name, module.params, templated, module) };
}
