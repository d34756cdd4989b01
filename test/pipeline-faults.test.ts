/**
 * Faults the pipeline must survive without losing or repeating a job: a worker killed (SIGKILL)
 * in the middle of its jobs, and a Redis restart during the run. Workers are real processes
 * (dist/pipeline/worker.js) on a real Redis server with its append-only file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi, type Api } from '../src/pipeline/api/server.js';
import { HANDLERS } from '../src/pipeline/handlers/index.js';
import { KEYS } from '../src/pipeline/redis.js';
import { startRedis, type TestRedis } from './helpers/redis.js';

const WORKER = join(__dirname, '..', 'dist', 'pipeline', 'worker.js');

let redis: TestRedis;
let api: Api;
const workers = new Map<string, ChildProcess>();

function startWorkerProcess(name: string): ChildProcess {
  const child = spawn(process.execPath, [WORKER, '--redis', redis.url, '--name', name, '--concurrency', '3', '--metrics-port', '0', '--lock-duration', '2000', '--stalled-interval', '1000'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  child.on('exit', (code, signal) => {
    if (code && code !== 0) console.warn(`worker ${name} exited ${code}:\n${log}`);
    void signal;
  });
  workers.set(name, child);
  return child;
}

beforeAll(async () => {
  redis = await startRedis();
  api = await buildApi({ redisUrl: redis.url, handlers: HANDLERS });
}, 30_000);

afterAll(async () => {
  for (const w of workers.values()) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await api?.close();
  await redis?.stop();
});

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function submit(n: number, ms: number): Promise<string[]> {
  const jobs = await api.queue.addBulk(Array.from({ length: n }, () => ({ name: 'sleep', data: { input: { ms } } })));
  return jobs.map((j) => String(j.id));
}

describe('pipeline faults', () => {
  it('a worker killed mid-job and a Redis restart lose nothing, and every job completes exactly once', async () => {
    startWorkerProcess('w-victim');
    startWorkerProcess('w-survivor');
    await until('both workers online', async () => (await api.redis.exists(KEYS.worker('w-victim'), KEYS.worker('w-survivor'))) === 2, 15_000);

    const ids = await submit(30, 800);

    // Kill the victim while it holds jobs: they stall, and the survivor takes them over.
    await until('the victim running jobs', async () => (await api.queue.getJobs(['active'])).some((j) => j.processedBy === 'w-victim'), 10_000);
    const held = (await api.queue.getJobs(['active'])).filter((j) => j.processedBy === 'w-victim').map((j) => String(j.id));
    expect(held.length).toBeGreaterThan(0);
    workers.get('w-victim')!.kill('SIGKILL');

    // Redis goes down and comes back (SHUTDOWN flushes the AOF) while the survivor works.
    await new Promise((r) => setTimeout(r, 500));
    await redis.restart(1_000);
    ids.push(...(await submit(10, 100)));

    await until('every job completed', async () => (await api.queue.getJobCounts('completed')).completed === ids.length, 90_000);
    const counts = await api.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: 40 });

    // Each job has its one result, and the jobs the victim held were finished by the survivor.
    const jobs = await Promise.all(ids.map((id) => api.queue.getJob(id)));
    for (const job of jobs) expect(job?.returnvalue?.output).toEqual({ slept: job?.data.input && (job.data.input as { ms: number }).ms });
    for (const id of held) expect(jobs.find((j) => String(j?.id) === id)?.returnvalue?.worker).toBe('w-survivor');

    // Completions counted by the workers add up to exactly the number of jobs: none twice.
    const victim = Number((await api.redis.hget(KEYS.workerStats('w-victim'), 'completed')) ?? 0);
    const survivor = Number((await api.redis.hget(KEYS.workerStats('w-survivor'), 'completed')) ?? 0);
    expect(victim + survivor).toBe(40);
    console.log(`faults: victim completed ${victim} before SIGKILL (held ${held.length}), survivor ${survivor}`);
  }, 120_000);
});
