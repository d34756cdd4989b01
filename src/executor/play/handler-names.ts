import { FleetError } from '../../errors.js';
import type { HandlerNode, TaskNode } from '../../playbook/model.js';

/** The names a handler answers to: its name, its listen topics, and `role : name`. */
export function handlerNames(handler: HandlerNode): string[] {
  return [handler.name, ...(handler.listen ?? []), handler.role && handler.name ? `${handler.role.name} : ${handler.name}` : undefined].filter((n): n is string => !!n);
}

/** A task notified a handler the play does not have: as in Ansible, the whole run stops (exit 1). */
export class HandlerNotFoundError extends FleetError {
  constructor(name: string, task: TaskNode) {
    super('HANDLER_NOT_FOUND', `The requested handler '${name}' was not found in either the main handlers list nor in the listening handlers list`, {
      file: task.pos.file,
      line: task.pos.line,
      ...(task.name ? { task: task.name } : {}),
      hint: 'name a handler of this play (its name, or a topic it listens to), or add the handler',
    });
  }
}
