import type { ModuleResult } from '../modules/types.js';

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
}

export type FleetEvent =
  | { type: 'run_start'; hosts: string[]; task: TaskRef; at: number }
  | { type: 'warning'; message: string }
  | { type: 'host_result'; host: string; status: HostStatus; task: TaskRef; result: ModuleResult; at: number }
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
