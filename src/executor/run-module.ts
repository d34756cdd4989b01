import type { Connection } from '../transport/connection.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from '../modules/types.js';

export interface ModuleRun {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  module: ModuleDefinition<any, any, any>;
  params: Record<string, unknown>;
  connection: Connection;
  host: string;
  become: boolean;
  becomeUser?: string;
  checkMode: boolean;
}

/**
 * One module on one host: probe the state now, plan purely, and apply unless in check mode.
 * Check mode is this function stopping early; modules have no check branches of their own.
 */
export async function runModule(run: ModuleRun): Promise<ModuleResult> {
  const { module, params, connection } = run;
  const ctx: ModuleContext = {
    host: run.host,
    connection,
    become: run.become,
    ...(run.becomeUser ? { becomeUser: run.becomeUser } : {}),
    checkMode: run.checkMode,
    run: (command, options = {}) =>
      connection.run(command, { ...options, ...(run.become ? { become: true, ...(run.becomeUser ? { becomeUser: run.becomeUser } : {}) } : {}) }),
  };
  const state: unknown = await module.probe(ctx, params);
  const plan = module.plan(params, state);
  if (run.checkMode) {
    return { changed: plan.actions.length > 0, ...(plan.msg ? { msg: plan.msg } : {}), ...(plan.skipped ? { skipped_reason: plan.msg } : {}) };
  }
  return module.apply(ctx, params, plan);
}
