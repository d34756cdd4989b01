import { FleetError } from '../../errors.js';
import type { Vars } from '../../inventory/model.js';
import type { TaskNode } from '../../playbook/model.js';
import type { ConnectionSpec } from '../../transport/connection.js';
import { becomeByDefault, becomeMethodOf, connectionSpecFor, type BecomeMethod, type ConnectionKeywords } from '../connection-spec.js';
import type { Runtime } from './runtime.js';
import { keyword, type Scope } from './scope.js';
import { truthy } from './truthy.js';
import { taskVars } from './vars.js';

/** Where and as whom one task runs on one host: delegate_to, the connection keywords, become. */
export interface TaskConnection {
  /** The host the task runs on (the delegated one for delegate_to). */
  target: string;
  targetVars: Vars;
  spec: ConnectionSpec;
  become: boolean;
  becomeUser?: string;
  becomeMethod?: BecomeMethod;
}

function templated(rt: Runtime, value: unknown, vars: Vars): unknown {
  return typeof value === 'string' ? rt.templar.template(value, vars) : value;
}

/** The connection, remote_user (or play `user`) and port keywords, innermost first, templated. */
export function connectionKeywords(rt: Runtime, scope: Scope, task: TaskNode, vars: Vars): ConnectionKeywords {
  const out: ConnectionKeywords = {};
  const user = keyword(scope, task, 'remote_user');
  if (user !== undefined) out.remote_user = String(templated(rt, user, vars));
  const connection = keyword(scope, task, 'connection');
  if (connection !== undefined) out.connection = String(templated(rt, connection, vars));
  const port = keyword(scope, task, 'port');
  if (port !== undefined) {
    const n = Number(templated(rt, port, vars));
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new FleetError('PLAY', `port must be a TCP port number (1-65535), got ${JSON.stringify(port)}`);
    out.port = n;
  }
  return out;
}

export function taskConnection(rt: Runtime, task: TaskNode, host: string, scope: Scope, vars: Vars): TaskConnection {
  const delegate = keyword(scope, task, 'delegate_to');
  const target = delegate !== undefined ? String(rt.templar.template(delegate, vars)) : host;
  const targetVars = target === host ? vars : taskVars(rt.vars, target, { scoped: [] });
  let spec = connectionSpecFor(target, targetVars, rt.connection, connectionKeywords(rt, scope, task, vars));
  // become_exe and become_flags belong to the connection's become settings (a change gets its own connection).
  const exe = keyword(scope, task, 'become_exe');
  const flags = keyword(scope, task, 'become_flags');
  if (spec.become && (exe !== undefined || flags !== undefined)) {
    spec = {
      ...spec,
      become: {
        ...spec.become,
        ...(exe !== undefined ? { exe: String(rt.templar.template(exe, vars)) } : {}),
        ...(flags !== undefined ? { flags: String(rt.templar.template(flags, vars)) } : {}),
      },
    };
  }
  const becomeKeyword = keyword(scope, task, 'become');
  const become = becomeKeyword !== undefined ? truthy(rt.templar.template(becomeKeyword, vars)) : becomeByDefault(vars, rt.connection);
  const becomeUserKeyword = keyword(scope, task, 'become_user');
  const becomeUser = becomeUserKeyword !== undefined ? String(rt.templar.template(becomeUserKeyword, vars)) : spec.become?.user;
  const methodKeyword = keyword(scope, task, 'become_method');
  const method = methodKeyword !== undefined ? String(rt.templar.template(methodKeyword, vars)) : spec.become?.method;
  const becomeMethod = become && method ? becomeMethodOf(method, target) : undefined;
  // The exe and flags given are for the method the task uses.
  if (becomeMethod && spec.become && spec.become.method !== becomeMethod) spec = { ...spec, become: { ...spec.become, method: becomeMethod } };
  return {
    target,
    targetVars,
    spec,
    become,
    ...(becomeUser ? { becomeUser } : {}),
    ...(becomeMethod ? { becomeMethod } : {}),
  };
}
