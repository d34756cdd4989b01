/**
 * One pipeline worker: a BullMQ Worker on the pipeline's queue running the registered handlers,
 * with its heartbeat, per-worker counters and a /metrics endpoint. `startWorker` is what the
 * worker process runs; tests start it in-process or as a child process.
 */
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { HandlerFailure, HandlerInputError, type Handler } from './handlers/types.js';
import type { JobData, JobResult } from './job-types.js';
import { workerMetrics, type WorkerMetrics } from './metrics/worker-metrics.js';
import { countJob, startHeartbeat } from './presence.js';
import { QUEUE_NAME, bullConnection, connect } from './redis.js';
import { redisSeenStore } from './seen-store.js';

export interface WorkerOptions {
  redisUrl: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handlers: ReadonlyMap<string, Handler<any, any>>;
  name?: string;
  concurrency?: number;
  /** 0: no metrics server. */
  metricsPort?: number;
  metricsHost?: string;
  modelDir?: string;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export interface RunningWorker {
  name: string;
  metrics: WorkerMetrics;
  /** The metrics server's port (useful with metricsPort 0 → none, or a fixed one). */
  metricsPort?: number;
  /** Waits for active jobs, then disconnects. */
  close(): Promise<void>;
}

/** Anomaly kinds in a log-analysis output, for the metric (other handlers have none). */
function anomalyKinds(output: unknown): string[] {
  const a = (output as { anomalies?: { kind?: unknown }[] } | null)?.anomalies;
  return Array.isArray(a) ? a.map((x) => String(x?.kind ?? 'unknown')) : [];
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const name = options.name ?? hostname();
  const concurrency = options.concurrency ?? 2;
  const redis = connect(options.redisUrl);
  const seen = redisSeenStore(redis);
  const metrics = workerMetrics(name, [...options.handlers.keys()]);
  const modelDir = options.modelDir ?? process.env.FLEET_MODEL_DIR ?? '/data/models';

  const processor = async (job: Job<JobData, JobResult>, _token?: string, signal?: AbortSignal): Promise<JobResult> => {
    const handler = options.handlers.get(job.name);
    if (!handler) throw new UnrecoverableError(`no handler "${job.name}" on worker ${name} (known: ${[...options.handlers.keys()].join(', ')})`);
    let input: unknown;
    try {
      input = handler.validate(job.data?.input);
    } catch (e) {
      if (e instanceof HandlerInputError) throw new UnrecoverableError(`bad input${e.field ? ` (${e.field})` : ''}: ${e.message}`);
      throw e;
    }
    try {
      const output = await handler.run(input, { seen, signal: signal ?? new AbortController().signal, modelDir });
      return { worker: name, output };
    } catch (e) {
      if (e instanceof HandlerFailure && e.permanent) throw new UnrecoverableError(e.message);
      throw e;
    }
  };

  const worker = new Worker<JobData, JobResult>(QUEUE_NAME, processor, {
    connection: bullConnection(options.redisUrl),
    concurrency,
    name,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    maxStalledCount: 2,
  });

  worker.on('completed', (job, result) => {
    const processing = ((job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now())) / 1000;
    const latency = ((job.finishedOn ?? Date.now()) - job.timestamp) / 1000;
    metrics.jobDone(job.name, 'completed', processing, latency);
    metrics.anomalies(anomalyKinds(result?.output));
    void countJob(redis, name, 'completed').catch(() => undefined);
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err?.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    const processing = ((job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now())) / 1000;
    metrics.jobDone(job.name, final ? 'failed' : 'retried', processing);
    if (final) void countJob(redis, name, 'failed').catch(() => undefined);
  });
  // Connection trouble (a Redis restart) is retried by ioredis; say so instead of crashing.
  worker.on('error', (err) => console.error(`worker ${name}: ${err.message}`));

  const heartbeat = startHeartbeat(redis, { name, host: hostname(), pid: process.pid, concurrency });

  let server: Server | undefined;
  let metricsPort: number | undefined;
  if (options.metricsPort !== 0) {
    server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end('see /metrics\n');
        return;
      }
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (e: Error) => res.writeHead(500).end(e.message),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(options.metricsPort ?? 9464, options.metricsHost ?? '0.0.0.0', resolve);
    });
    const addr = server.address();
    metricsPort = typeof addr === 'object' && addr ? addr.port : undefined;
  }
  await worker.waitUntilReady();

  return {
    name,
    metrics,
    ...(metricsPort !== undefined ? { metricsPort } : {}),
    async close() {
      await worker.close();
      await heartbeat.stop();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await redis.quit().catch(() => undefined);
    },
  };
}
