/**
 * Watches one Redis connection and says when it is lost and when it is back, once per outage
 * (ioredis reports every failed reconnection as an error; this turns them into two edges).
 */
import type { Redis } from 'ioredis';

export interface RedisMonitor {
  /** Why Redis is unreachable now, or null while it answers. */
  readonly trouble: string | null;
  /** Stops watching (before the connection is closed on purpose). */
  stop(): void;
}

/** Connection failures, which `watchRedis` reports once per outage (callers need not log them). */
export function isConnectionError(e: Error): boolean {
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|Connection is closed/i.test(
    e.message,
  );
}

/**
 * Calls `onChange(reason)` when `redis` is lost and `onChange(null)` when it is ready again.
 * Example: `watchRedis(r, 'redis://127.0.0.1:6380', (why) => console.log(why))` prints
 * "the queue's Redis at redis://127.0.0.1:6380 is unreachable (connect ECONNREFUSED …)" when
 * redis-server stops, and null when it is back.
 */
export function watchRedis(
  redis: Redis,
  display: string,
  onChange: (reason: string | null) => void,
): RedisMonitor {
  let trouble: string | null = null;
  let stopped = false;
  let lastError = '';
  const down = () => {
    if (stopped || trouble !== null) return;
    trouble = `the queue's Redis at ${display} is unreachable (${lastError || 'connection closed'})`;
    onChange(trouble);
  };
  const onError = (e: Error) => {
    lastError = e.message;
    if (redis.status !== 'ready') down();
  };
  const onReady = () => {
    lastError = '';
    if (stopped || trouble === null) return;
    trouble = null;
    onChange(null);
  };
  redis.on('error', onError);
  redis.on('close', down);
  redis.on('ready', onReady);
  return {
    get trouble() {
      return trouble;
    },
    stop() {
      stopped = true;
      redis.off('error', onError);
      redis.off('close', down);
      redis.off('ready', onReady);
    },
  };
}
