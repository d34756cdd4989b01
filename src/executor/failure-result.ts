import { FleetError } from '../errors.js';
import { ModuleArgsError } from '../modules/args.js';
import { ModuleFailure } from '../modules/util/file-attrs.js';
import type { ModuleResult } from '../modules/types.js';

/**
 * The one place a thrown error becomes a task's result, for plays and ad-hoc runs alike: bad
 * arguments and module failures fail the task (keeping the fields Ansible's module returns with the
 * failure, such as path or rc), a lost connection or an unknown host key makes the host unreachable
 * with the hint saying what to do.
 */
export function resultOfError(error: unknown): ModuleResult {
  if (error instanceof ModuleArgsError) return { changed: false, failed: true, msg: error.message };
  if (error instanceof ModuleFailure) return { changed: false, ...error.extra, failed: true, msg: error.message };
  if (error instanceof FleetError) {
    const unreachable = error.code === 'UNREACHABLE' || error.code === 'HOST_KEY';
    return { changed: false, ...(unreachable ? { unreachable: true } : { failed: true }), msg: error.context.hint ? `${error.message} (${error.context.hint})` : error.message };
  }
  return { changed: false, failed: true, msg: error instanceof Error ? error.message : String(error) };
}
