/**
 * The load generator (the seed's test_pipeline.py): sends log-analysis jobs to the API at a rate or
 * as fast as it takes them, follows them to completion, and reports throughput and latency
 * percentiles. Latency is the queue's own: from submission to completion, as the job records it.
 */
import { PLANTS, syntheticLog, type PlantKind } from './synthetic-logs.js';

export interface LoadOptions {
  api: string;
  jobs: number;
  /** Jobs per second; undefined: as fast as the API takes them. */
  rate?: number;
  batch?: number;
  linesPerJob?: number;
  /** Plant a known failure in every Nth job (0: never). */
  plantEvery?: number;
  timeoutMs?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface LoadReport {
  submitted: number;
  completed: number;
  failed: number;
  seconds: number;
  jobsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Per planted job: the kind planted and the kinds the handler reported. */
  planted: { id: string; kind: PlantKind; found: string[] }[];
  /** Jobs without a plant whose results report a failure signature (should be none). */
  falseSignatures: number;
  workers: Record<string, number>;
}

const KINDS = Object.keys(PLANTS) as PlantKind[];

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

async function json(res: Response): Promise<unknown> {
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${(body as { error?: string }).error ?? ''}`);
  return body;
}

export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  const batch = o.batch ?? 50;
  const lines = o.linesPerJob ?? 200;
  const plantEvery = o.plantEvery ?? 0;
  const api = o.api.replace(/\/+$/, '');
  const plants = new Map<string, PlantKind>();
  const ids: string[] = [];
  const t0 = Date.now();
  for (let sent = 0; sent < o.jobs; ) {
    const n = Math.min(batch, o.jobs - sent);
    const jobs = Array.from({ length: n }, (_, k) => {
      const index = sent + k;
      const plant = plantEvery && index % plantEvery === plantEvery - 1 ? KINDS[Math.floor(index / plantEvery) % KINDS.length] : undefined;
      return { plant, body: { handler: 'log-analysis', input: { lines: syntheticLog({ count: lines, seed: index + 1, ...(plant ? { plant } : {}) }), source: 'syslog' } } };
    });
    const res = (await json(await fetch(`${api}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jobs: jobs.map((j) => j.body) }) }))) as { ids: string[] };
    res.ids.forEach((id, k) => {
      ids.push(id);
      const p = jobs[k]!.plant;
      if (p) plants.set(id, p);
    });
    sent += n;
    if (o.rate) {
      const due = t0 + (sent / o.rate) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }

  const pending = new Set(ids);
  const latencies: number[] = [];
  const planted: LoadReport['planted'] = [];
  const workers: Record<string, number> = {};
  let completed = 0;
  let failed = 0;
  let falseSignatures = 0;
  const deadline = Date.now() + (o.timeoutMs ?? 300_000);
  while (pending.size) {
    if (Date.now() > deadline) throw new Error(`${pending.size} of ${ids.length} jobs unfinished after ${o.timeoutMs ?? 300_000} ms`);
    const chunk = [...pending].slice(0, 500);
    const { jobs } = (await json(await fetch(`${api}/jobs?ids=${chunk.join(',')}`))) as { jobs: { id: string; state: string; latencyMs?: number; worker?: string; result?: { anomalies?: { kind: string }[] } }[] };
    for (const j of jobs) {
      if (j.state !== 'completed' && j.state !== 'failed') continue;
      pending.delete(j.id);
      if (j.state === 'failed') {
        failed++;
        continue;
      }
      completed++;
      if (j.latencyMs !== undefined) latencies.push(j.latencyMs);
      if (j.worker) workers[j.worker] = (workers[j.worker] ?? 0) + 1;
      const kinds = (j.result?.anomalies ?? []).map((a) => a.kind);
      const plant = plants.get(j.id);
      if (plant) planted.push({ id: j.id, kind: plant, found: kinds });
      else if (kinds.some((k) => (KINDS as string[]).includes(k))) falseSignatures++;
    }
    o.onProgress?.(ids.length - pending.size, ids.length);
    if (pending.size) await new Promise((r) => setTimeout(r, 200));
  }
  const seconds = (Date.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    submitted: ids.length,
    completed,
    failed,
    seconds,
    jobsPerSecond: completed / seconds,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0 },
    planted,
    falseSignatures,
    workers,
  };
}
