import type { Redis } from 'ioredis';
import type { SeenStore } from './handlers/types.js';
import { KEYS } from './redis.js';

/** The handlers' shared memory as Redis sets: SADD answers 1 exactly for the key that was new. */
export function redisSeenStore(redis: Redis): SeenStore {
  return {
    async addNew(namespace, keys) {
      if (!keys.length) return [];
      const key = KEYS.seen(namespace);
      const pipeline = redis.pipeline();
      for (const k of keys) pipeline.sadd(key, k);
      const replies = (await pipeline.exec()) ?? [];
      return keys.filter((_, i) => {
        const [err, added] = replies[i] ?? [];
        if (err) throw err;
        return added === 1;
      });
    },
  };
}

/** The same contract in memory, for tests and single-process runs; `sets` shows what it holds. */
export function memorySeenStore(): SeenStore & { sets: Map<string, Set<string>> } {
  const sets = new Map<string, Set<string>>();
  return {
    sets,
    async addNew(namespace, keys) {
      let set = sets.get(namespace);
      if (!set) sets.set(namespace, (set = new Set()));
      const fresh: string[] = [];
      for (const k of keys) if (!set.has(k)) (set.add(k), fresh.push(k));
      return fresh;
    },
  };
}
