/**
 * The ioredis connections of the queue layer. BullMQ's ESM build cannot load ioredis itself, so
 * both sides hand it a client made here: commands wait while Redis is away (no per-request retry
 * limit, which BullMQ's blocking calls require) and reconnection is retried every ≤ 2 s.
 */
import { Redis } from 'ioredis';
import type { QueueAddress } from './url';

/**
 * A client for `address`, named `name` in `CLIENT LIST`.
 * Example: `const r = openRedis(parseQueueUrl('redis://127.0.0.1:6379'), 'spr-owner'); await
 * r.ping()` → 'PONG'; `r.disconnect()`.
 */
export function openRedis(address: QueueAddress, name: string): Redis {
  return new Redis(address.url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(200 * times, 2_000),
  });
}
