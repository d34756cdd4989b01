/** What a queued job carries and what a finished one holds (BullMQ's job data and return value). */
export interface JobData {
  input: unknown;
  /** Where the job came from: `api`, `upload`, `loadgen`. */
  via?: string;
}

export interface JobResult<O = unknown> {
  worker: string;
  output: O;
}

/** Default options of every job: retries with backoff, results kept a day. */
export const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;
