/**
 * A worker's metrics (docs/pipeline.md): jobs by handler and outcome, processing time, latency from
 * submission, log anomalies by kind. Every series starts at 0, so dashboards and alerts see "none
 * failed" rather than "no data".
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const OUTCOMES = ['completed', 'failed', 'retried'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const ANOMALY_KINDS = ['new_template', 'error_burst', 'segfault', 'oom_kill', 'kernel_oops', 'kernel_panic', 'service_failure', 'python_traceback', 'node_traceback'] as const;

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export interface WorkerMetrics {
  registry: Registry;
  jobDone(handler: string, outcome: Outcome, processingSeconds: number, latencySeconds?: number): void;
  anomalies(kinds: readonly string[]): void;
}

export function workerMetrics(worker: string, handlers: readonly string[]): WorkerMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ worker });
  collectDefaultMetrics({ register: registry, prefix: 'fleet_pipeline_worker_' });
  const jobs = new Counter({ name: 'fleet_pipeline_jobs_total', help: 'Jobs finished by this worker, by handler and outcome', labelNames: ['handler', 'outcome'], registers: [registry] });
  const duration = new Histogram({ name: 'fleet_pipeline_job_duration_seconds', help: 'Time a handler took on this worker', labelNames: ['handler'], buckets: SECONDS, registers: [registry] });
  const latency = new Histogram({ name: 'fleet_pipeline_job_latency_seconds', help: 'Time from submission to completion', labelNames: ['handler'], buckets: SECONDS, registers: [registry] });
  const anomaly = new Counter({ name: 'fleet_pipeline_log_anomalies_total', help: 'Log anomalies found, by kind', labelNames: ['kind'], registers: [registry] });
  for (const handler of handlers) {
    for (const outcome of OUTCOMES) jobs.inc({ handler, outcome }, 0);
    duration.zero({ handler });
    latency.zero({ handler });
  }
  for (const kind of ANOMALY_KINDS) anomaly.inc({ kind }, 0);
  return {
    registry,
    jobDone(handler, outcome, processingSeconds, latencySeconds) {
      jobs.inc({ handler, outcome });
      if (outcome === 'retried') return;
      duration.observe({ handler }, processingSeconds);
      if (latencySeconds !== undefined && outcome === 'completed') latency.observe({ handler }, latencySeconds);
    },
    anomalies(kinds) {
      for (const kind of kinds) anomaly.inc({ kind });
    },
  };
}
