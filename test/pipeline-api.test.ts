/**
 * The pipeline's API and a worker, in this process, on a real Redis server: jobs in batches and one
 * by one, results, retries and permanent failures, the workers view, input errors answered with
 * 4xx naming the field, and the metrics both expose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi, type Api } from '../src/pipeline/api/server.js';
import { HANDLERS } from '../src/pipeline/handlers/index.js';
import { startWorker, type RunningWorker } from '../src/pipeline/worker-runtime.js';
import { startRedis, type TestRedis } from './helpers/redis.js';

let redis: TestRedis;
let api: Api;
let base: string;
let worker: RunningWorker;

beforeAll(async () => {
  redis = await startRedis();
  api = await buildApi({ redisUrl: redis.url, handlers: HANDLERS, maxBatch: 50, bodyLimit: 256 * 1024, uploadLimit: 64 * 1024 });
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(api.app.server.address() as { port: number }).port}`;
  worker = await startWorker({ redisUrl: redis.url, handlers: HANDLERS, name: 'w-test', concurrency: 4, metricsPort: 0 });
}, 30_000);

afterAll(async () => {
  await worker?.close();
  await api?.close();
  await redis?.stop();
});

const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function waitFor(id: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await (await fetch(`${base}/jobs/${id}`)).json()) as Record<string, unknown>;
    if (job.state === 'completed' || job.state === 'failed') return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${String(job.state)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('pipeline API and worker on a real Redis', () => {
  it('runs a single job and a batch, with results naming the worker', async () => {
    const one = await post('/jobs', { handler: 'sleep', input: { ms: 10 } });
    expect(one.status).toBe(201);
    const { id } = (await one.json()) as { id: string };
    const done = await waitFor(id);
    expect(done).toMatchObject({ id, handler: 'sleep', state: 'completed', worker: 'w-test', result: { slept: 10 }, attempts: 1 });
    expect(done.latencyMs).toEqual(expect.any(Number));

    const batch = await post('/jobs', { jobs: Array.from({ length: 20 }, (_, i) => ({ handler: 'sleep', input: { ms: i } })) });
    expect(batch.status).toBe(201);
    const { ids } = (await batch.json()) as { ids: string[] };
    expect(new Set(ids).size).toBe(20);
    const results = await Promise.all(ids.map((i) => waitFor(i)));
    expect(results.map((r) => (r.result as { slept: number }).slept)).toEqual(Array.from({ length: 20 }, (_, i) => i));

    const many = (await (await fetch(`${base}/jobs?ids=${ids.slice(0, 3).join(',')},nope`)).json()) as { jobs: { id: string; state: string }[] };
    expect(many.jobs.map((j) => j.state)).toEqual(['completed', 'completed', 'completed', 'unknown']);
  });

  it('retries a retryable failure with backoff, and fails a permanent one at once', async () => {
    const [retry, permanent] = await Promise.all([post('/jobs', { handler: 'sleep', input: { ms: 1, fail: 'retry' } }), post('/jobs', { handler: 'sleep', input: { ms: 1, fail: 'permanent' } })]);
    const p = await waitFor(((await permanent.json()) as { id: string }).id);
    expect(p).toMatchObject({ state: 'failed', attempts: 1, error: 'sleep asked to fail (permanent)' });
    const r = await waitFor(((await retry.json()) as { id: string }).id, 30_000);
    expect(r).toMatchObject({ state: 'failed', attempts: 3, error: 'sleep asked to fail (retryable)' });
  }, 40_000);

  it('answers bad input with a 4xx that names the field, and queues nothing', async () => {
    const before = await api.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    const cases: [unknown, number, RegExp, string?][] = [
      [{ handler: 'nope', input: {} }, 400, /unknown handler "nope" \(one of .*sleep/, 'handler'],
      [{ input: {} }, 400, /handler must be a string/, 'handler'],
      [{ handler: 'sleep', input: { ms: -1 } }, 400, /ms must be an integer from 0 to 60000/, 'input.ms'],
      [{ jobs: [] }, 400, /jobs must be a non-empty array/, 'jobs'],
      [{ jobs: Array.from({ length: 51 }, () => ({ handler: 'sleep', input: { ms: 1 } })) }, 413, /at most 50 jobs per request \(got 51\)/, 'jobs'],
      [{ jobs: [{ handler: 'sleep', input: { ms: 1 } }, { handler: 'sleep', input: { ms: 'x' } }] }, 400, /^jobs\[1\]: ms must be/, 'input.ms'],
    ];
    for (const [body, status, message, field] of cases) {
      const res = await post('/jobs', body);
      const json = (await res.json()) as { error: string; field?: string };
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(json.error).toMatch(message);
      if (field) expect(json.field).toBe(field);
    }
    const broken = await fetch(`${base}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"handler": ' });
    expect(broken.status).toBe(400);
    const huge = await post('/jobs', { handler: 'sleep', input: { ms: 1, pad: 'x'.repeat(300 * 1024) } });
    expect(huge.status).toBe(413);
    const after = await api.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    expect(after).toEqual(before);
  });

  it('refuses uploads that are not an image or too large, before queueing', async () => {
    const form = (type: string, size: number, field = 'image') => {
      const f = new FormData();
      f.append(field, new Blob([new Uint8Array(size)], { type }), 'x');
      return fetch(`${base}/upload`, { method: 'POST', body: f });
    };
    const text = await form('text/plain', 10);
    expect(text.status).toBe(415);
    expect(((await text.json()) as { error: string }).error).toContain('unsupported image type text/plain');
    expect((await form('image/png', 128 * 1024)).status).toBe(413);
    expect((await form('image/png', 10, 'photo')).status).toBe(400);
    expect((await post('/upload', {})).status).toBe(415);
  });

  it('shows the workers view (online, done and failed per worker, queue depth) and escapes it', async () => {
    const state = (await (await fetch(`${base}/api/workers`)).json()) as { workers: { name: string; online: boolean; completed: number; failed: number; concurrency: number }[]; queue: Record<string, number> };
    const w = state.workers.find((x) => x.name === 'w-test');
    expect(w).toMatchObject({ online: true, concurrency: 4 });
    expect(w!.completed).toBeGreaterThanOrEqual(21);
    expect(w!.failed).toBeGreaterThanOrEqual(2);
    expect(state.queue).toMatchObject({ waiting: 0, active: 0 });
    const page = await (await fetch(`${base}/workers`)).text();
    expect(page).toContain('<td>w-test</td><td class="ok">online</td>');
    const index = await (await fetch(`${base}/`)).text();
    expect(index).toContain('<form id="up">');
  });

  it('exposes metrics: queue depth and workers online on the API, jobs by outcome on the worker', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^fleet_pipeline_queue_jobs\{state="waiting"\} 0$/m);
    expect(text).toMatch(/^fleet_pipeline_queue_jobs\{state="failed"\} [1-9]\d*$/m);
    expect(text).toMatch(/^fleet_pipeline_workers_online 1$/m);
    expect(text).toMatch(/^fleet_pipeline_api_requests_total\{route="\/jobs",code="201"\} \d+$/m);
    const w = await worker.metrics.registry.metrics();
    expect(w).toMatch(/^fleet_pipeline_jobs_total\{handler="sleep",outcome="completed",worker="w-test"\} ([2-9]\d|\d{3,})$/m);
    expect(w).toMatch(/^fleet_pipeline_jobs_total\{handler="sleep",outcome="retried",worker="w-test"\} 2$/m);
    expect(w).toMatch(/^fleet_pipeline_log_anomalies_total\{kind="segfault",worker="w-test"\} 0$/m);
    expect(w).toMatch(/^fleet_pipeline_job_latency_seconds_count\{worker="w-test",handler="sleep"\} 2\d$/m);
  });
});
