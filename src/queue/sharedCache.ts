/**
 * A worker's copy of each batch's shared data (policy, model, price library): read from Redis on
 * the batch's first item and kept for the next ones, for the few most recent batches.
 */
import type { Redis } from 'ioredis';
import { ENGINE_VERSION } from '../contract/operations';
import type { BatchShared } from '../services/batches/job';
import { sharedKey } from './keys';
import { Lru } from '../domain/lru';
import { QUEUE_PROTOCOL, type SharedEnvelope } from './protocol';

/** Batches whose shared data a worker keeps (each holds its price library slice). */
export const SHARED_CACHE_SIZE = 8;

export interface SharedCache {
  /** The batch's shared data; throws when Redis has none or another engine version wrote it. */
  get(batch_id: string): Promise<BatchShared>;
}

/**
 * A cache over `redis` keeping `capacity` batches. A failed read is not cached (the next item
 * reads again).
 * Example: `const c = createSharedCache(redis); const s = await c.get('b_1')` (one GET), then
 * `await c.get('b_1')` again answers from memory.
 */
export function createSharedCache(redis: Redis, capacity = SHARED_CACHE_SIZE): SharedCache {
  const lru = new Lru<string, Promise<BatchShared>>(capacity);
  const load = async (batch_id: string): Promise<BatchShared> => {
    const text = await redis.get(sharedKey(batch_id));
    if (text === null)
      throw new Error(
        `batch ${batch_id} has no shared data in Redis (${sharedKey(batch_id)}): expired, or the owner has not written it`,
      );
    const env = JSON.parse(text) as SharedEnvelope;
    if (env.engine_version !== ENGINE_VERSION)
      throw new Error(
        `batch ${batch_id} was created by engine ${env.engine_version}; this worker runs ${ENGINE_VERSION} (run the same release on the owner and every worker)`,
      );
    if (env.protocol !== QUEUE_PROTOCOL)
      throw new Error(
        `batch ${batch_id} was queued by an owner speaking queue protocol ${env.protocol ?? 1}; this worker speaks ${QUEUE_PROTOCOL} (run the same release on the owner and every worker)`,
      );
    return env.shared;
  };
  return {
    get(batch_id) {
      const hit = lru.get(batch_id);
      if (hit) return hit;
      const p = load(batch_id);
      lru.set(batch_id, p);
      p.catch(() => lru.delete(batch_id));
      return p;
    },
  };
}
