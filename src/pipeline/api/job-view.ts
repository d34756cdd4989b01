import type { Job } from 'bullmq';
import type { JobData, JobResult } from '../job-types.js';

/** What GET /jobs/:id answers: the job's state and, once finished, its result or error. */
export interface JobView {
  id: string;
  handler: string;
  state: string;
  attempts: number;
  submittedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Milliseconds from submission to completion. */
  latencyMs?: number;
  worker?: string;
  result?: unknown;
  error?: string;
}

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : undefined);

export function jobView(job: Job<JobData, JobResult>, state: string): JobView {
  const view: JobView = { id: String(job.id), handler: job.name, state, attempts: job.attemptsMade, submittedAt: iso(job.timestamp)! };
  const started = iso(job.processedOn);
  if (started) view.startedAt = started;
  if (state === 'completed' || state === 'failed') {
    const finished = iso(job.finishedOn);
    if (finished) view.finishedAt = finished;
    if (job.finishedOn) view.latencyMs = job.finishedOn - job.timestamp;
  }
  if (state === 'completed' && job.returnvalue) {
    view.worker = job.returnvalue.worker;
    view.result = job.returnvalue.output;
  }
  if (job.failedReason) view.error = job.failedReason;
  return view;
}
