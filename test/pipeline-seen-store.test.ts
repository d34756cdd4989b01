/**
 * The handlers' shared memory on a real Redis server: each key is new exactly once across every
 * worker, namespaces stay apart, and the in-memory store tests use answers exactly as Redis does.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memorySeenStore, redisSeenStore } from '../src/pipeline/seen-store.js';
import { startRedis, type TestRedis } from './helpers/redis.js';

let redis: TestRedis;
const clients: Redis[] = [];
function client(): Redis {
  const c = new Redis(redis.url);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis.stop();
});

describe('the Redis-backed seen store', () => {
  it('answers the keys never recorded before, in the order given, and records them', async () => {
    const c = client();
    const store = redisSeenStore(c);
    expect(await store.addNew('t1', ['a', 'b', 'a'])).toEqual(['a', 'b']);
    expect(await store.addNew('t1', ['c', 'b'])).toEqual(['c']);
    expect(await store.addNew('t1', [])).toEqual([]);
    expect((await c.smembers('fleet:seen:t1')).sort()).toEqual(['a', 'b', 'c']);
  });

  it('keeps namespaces apart', async () => {
    const store = redisSeenStore(client());
    expect(await store.addNew('t2-x', ['k'])).toEqual(['k']);
    expect(await store.addNew('t2-y', ['k'])).toEqual(['k']);
    expect(await store.addNew('t2-x', ['k'])).toEqual([]);
  });

  it('reports each key new to exactly one of many workers adding at once', async () => {
    const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
    const workers = Array.from({ length: 4 }, () => redisSeenStore(client()));
    // Each worker offers every key, in its own order.
    const answers = await Promise.all(workers.map((w, i) => w.addNew('t3', i % 2 ? [...keys].reverse() : keys)));
    const all = answers.flat();
    expect(all.sort()).toEqual([...keys].sort());
  });

  it('the in-memory store answers as Redis does, for the same sequence', async () => {
    const sequence: [string, string[]][] = [
      ['n', ['a', 'b']],
      ['n', ['b', 'c', 'c']],
      ['m', ['a']],
      ['n', []],
      ['n', ['a', 'd']],
    ];
    const real = redisSeenStore(client());
    const memory = memorySeenStore();
    for (const [ns, keys] of sequence) {
      expect(await memory.addNew(`t4-${ns}`, keys)).toEqual(await real.addNew(`t4-${ns}`, keys));
    }
  });
});
