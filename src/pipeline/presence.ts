/**
 * Which workers are online and what each has done (the workers view, as Flower showed it): a
 * heartbeat hash per worker that expires without refresh, and per-worker counters.
 */
import type { Redis } from 'ioredis';
import { HEARTBEAT_MS, KEYS, PRESENCE_TTL_SECONDS } from './redis.js';

export interface WorkerInfo {
  name: string;
  online: boolean;
  host?: string;
  pid?: number;
  concurrency?: number;
  startedAt?: string;
  completed: number;
  failed: number;
}

export interface Heartbeat {
  stop(): Promise<void>;
}

export function startHeartbeat(redis: Redis, info: { name: string; host: string; pid: number; concurrency: number }): Heartbeat {
  const startedAt = new Date().toISOString();
  const beat = async () => {
    await redis
      .multi()
      .hset(KEYS.worker(info.name), { host: info.host, pid: String(info.pid), concurrency: String(info.concurrency), startedAt })
      .expire(KEYS.worker(info.name), PRESENCE_TTL_SECONDS)
      .sadd(KEYS.workers, info.name)
      .exec();
  };
  const first = beat().catch(() => undefined);
  const timer = setInterval(() => void beat().catch(() => undefined), HEARTBEAT_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await first;
      await redis.del(KEYS.worker(info.name)).catch(() => undefined);
    },
  };
}

export async function countJob(redis: Redis, worker: string, outcome: 'completed' | 'failed'): Promise<void> {
  await redis.hincrby(KEYS.workerStats(worker), outcome, 1);
}

export async function listWorkers(redis: Redis): Promise<WorkerInfo[]> {
  const names = (await redis.smembers(KEYS.workers)).sort();
  const out: WorkerInfo[] = [];
  for (const name of names) {
    const [live, stats] = await Promise.all([redis.hgetall(KEYS.worker(name)), redis.hgetall(KEYS.workerStats(name))]);
    const online = Object.keys(live).length > 0;
    out.push({
      name,
      online,
      ...(online ? { host: live.host, pid: Number(live.pid), concurrency: Number(live.concurrency), startedAt: live.startedAt } : {}),
      completed: Number(stats.completed ?? 0),
      failed: Number(stats.failed ?? 0),
    });
  }
  return out;
}
