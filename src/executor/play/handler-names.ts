import { FleetError } from '../../errors.js';
import type { HandlerNode, TaskNode } from '../../playbook/model.js';

/** The names a handler answers to: its name, its listen topics, and `role : name`. */
export function handlerNames(handler: HandlerNode): string[] {
  return [handler.name, ...(handler.listen ?? []), handler.role && handler.name ? `${handler.role.name} : ${handler.name}` : undefined].filter((n): n is string => !!n);
}

/**
 * The notifications that run this handler, as Ansible 2.14 matches them: every topic it listens to,
 * and its name unless an earlier handler has the same name (a name runs the first handler so named).
 */
export function notifiedBy(handlers: readonly HandlerNode[], handler: HandlerNode): string[] {
  const listen = handler.listen ?? [];
  const own = (h: HandlerNode) => handlerNames(h).filter((n) => !(h.listen ?? []).includes(n));
  return [...listen, ...own(handler).filter((n) => handlers.find((h) => own(h).includes(n)) === handler)];
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
