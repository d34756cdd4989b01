/**
 * Redis for the pipeline: connection options that BullMQ and the pipeline's own keys share, and the
 * names of those keys. Everything lives in one Redis (the host node's), with BullMQ's under `bull:`.
 */
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

export const QUEUE_NAME = 'fleet-jobs';

export const KEYS = {
  /** Hash per worker: `{ host, pid, concurrency, startedAt }`, expiring unless refreshed. */
  worker: (name: string) => `fleet:worker:${name}`,
  /** Hash per worker: completed / failed counts since it first started. */
  workerStats: (name: string) => `fleet:worker-stats:${name}`,
  /** Set of the worker names ever seen, for the workers view. */
  workers: 'fleet:workers',
  /** SeenStore namespaces (handlers' shared memory). */
  seen: (namespace: string) => `fleet:seen:${namespace}`,
} as const;

/** How long a worker stays "online" without a heartbeat, and how often it sends one. */
export const PRESENCE_TTL_SECONDS = 15;
export const HEARTBEAT_MS = 5_000;

/**
 * ioredis options from a redis:// URL. `maxRetriesPerRequest: null` is what BullMQ's workers need:
 * commands wait through a Redis restart instead of failing, so nothing acknowledged is dropped.
 */
export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`not a redis:// URL: ${url}`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    // Reconnect quickly, capped: a restarted Redis is back within a second or two.
    retryStrategy: (times: number) => Math.min(200 * times, 2_000),
  };
}

/** A client for the pipeline's own keys; connection errors are logged once per outage, then retried. */
export function connect(url: string): Redis {
  const client = new Redis(redisOptions(url));
  let down = false;
  client.on('error', (e: Error) => {
    if (!down) console.error(`redis ${url}: ${e.message} (retrying)`);
    down = true;
  });
  client.on('ready', () => (down = false));
  return client;
}

/** The same options typed for BullMQ's Queue and Worker. */
export function bullConnection(url: string): ConnectionOptions {
  return redisOptions(url) as unknown as ConnectionOptions;
}
