/**
 * The queue's settings in one place (docs/scale.md, "Settings", explains each and when to change
 * it). Times in milliseconds unless named otherwise.
 */

/** Attempts per item: a worker that throws (not an engine error: those are results) is retried. */
export const ATTEMPTS = 3;

/** Backoff between attempts: exponential from 2 s (2 s, 4 s). */
export const BACKOFF = { type: 'exponential', delay: 2_000 } as const;

/**
 * Completed jobs kept for an owner that was away (BullMQ removeOnComplete): at most 1,000, at most
 * a day. A kept job holds its item and a note of where its result is (≈ 1.5 kB for a 20-position
 * account); the result itself stays at its own key until the owner saved it, whether or not the
 * job is kept, and an owner coming back reads it there. Only an item whose result is gone too is
 * computed again (docs/scale.md, "Redis memory").
 */
export const KEEP_COMPLETED = { count: 1_000, ageSeconds: 24 * 3600 };

/** Failed jobs kept for inspection (BullMQ removeOnFail): at most 1,000, at most a week. */
export const KEEP_FAILED = { count: 1_000, ageSeconds: 7 * 24 * 3600 };

/**
 * Entries of the queue's event stream (BullMQ `streams.events.maxLen`, trimmed approximately):
 * about 4 per item, the completed one saying where the result is. An owner lagging further behind
 * misses events; its reconciliation finds those results through the jobs and their keys instead.
 */
export const EVENTS_MAX_LEN = 2_000;

/**
 * A worker's lock on its job (BullMQ lockDuration), renewed every half of it. The worker computes
 * on its event loop, so one item must take less than half of this. A killed worker's job is
 * queued again about lockMs + 2 × stalledMs after it died (found without a lock by one stalled
 * check, moved back to the queue by the next).
 */
export const LOCK_MS = 30_000;

/** How often workers look for jobs whose lock expired (BullMQ stalledInterval). */
export const STALLED_MS = 15_000;

/** Times a job may be found stalled (its worker died) and queued again before it fails. */
export const MAX_STALLED = 2;

/**
 * The owner looks up a batch's pending jobs after this long without any result of it (events
 * missed or trimmed), as well as at start and after Redis came back.
 */
export const QUIET_MS = 5_000;

/** Longest silence between two such lookups: each that finds nothing doubles the wait. */
export const MAX_QUIET_MS = 5 * 60_000;

/** Jobs added, looked up or removed per round trip. */
export const CHUNK = 200;

/**
 * Stored results the owner reads at once when it looks up a batch (each is a run's texts without
 * the price history, ≈ 0.1 MB for 20 assets × 1,260 days; put back, ≈ 0.3 MB in memory).
 */
export const FETCH_AT_ONCE = 16;
