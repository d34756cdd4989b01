import type { FileDiff, ModuleResult } from '../modules/types.js';

export type { FileDiff };

/**
 * What the executor tells the world. Reporters (text, JSON, metrics) consume these; the executor
 * itself never prints.
 */
export type HostStatus = 'ok' | 'changed' | 'failed' | 'unreachable' | 'skipped';

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export interface TaskRef {
  name: string;
  module: string;
  /** file:line of the task, when it comes from a playbook. */
  path?: string;
  /** The task is a handler. */
  handler?: boolean;
  /** Role the task belongs to, shown as `role : task` in headers. */
  role?: string;
}

export type FleetEvent =
  | { type: 'run_start'; hosts: string[]; task: TaskRef; at: number }
  | { type: 'warning'; message: string }
  /** A problem of the run that is not a host's (Ansible's `[ERROR]:` lines), e.g. --start-at-task matching no task. */
  | { type: 'error'; message: string }
  | { type: 'playbook_start'; file: string; checkMode: boolean; at: number }
  | { type: 'play_start'; name: string; hosts: string[]; at: number }
  | { type: 'task_start'; task: TaskRef; at: number }
  /** One loop item's result; the host's overall result for the task still follows as host_result. */
  | { type: 'item_result'; host: string; status: HostStatus; task: TaskRef; label: string; result: ModuleResult; diff?: FileDiff[]; at: number }
  | { type: 'task_retry'; host: string; task: TaskRef; attempt: number; retries: number; result: ModuleResult; at: number }
  | {
      type: 'host_result';
      host: string;
      status: HostStatus;
      task: TaskRef;
      result: ModuleResult;
      /** The task ran on another host on this host's behalf. */
      delegatedTo?: string;
      /** `ignore_errors` turned a failure, or `ignore_unreachable` an unreachable host, into `...ignoring`. */
      ignored?: boolean;
      diff?: FileDiff[];
      at: number;
    }
  | { type: 'no_hosts'; play: string; at: number }
  | { type: 'play_end'; name: string; at: number }
  | { type: 'run_end'; stats: Record<string, HostStats>; at: number; elapsedMs: number; interrupted: boolean };

export type EventSink = (event: FleetEvent) => void;

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

/** Count one result in a host's recap the way Ansible does (a changed result is also ok). */
export function countResult(stats: HostStats, status: HostStatus): void {
  if (status === 'changed') {
    stats.changed++;
    stats.ok++;
  } else {
    stats[status]++;
  }
}

export function statusOf(result: ModuleResult): HostStatus {
  if (result.unreachable) return 'unreachable';
  if (result.failed) return 'failed';
  if (result.skipped) return 'skipped';
  return result.changed ? 'changed' : 'ok';
}
