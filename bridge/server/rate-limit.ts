/**
 * Token-bucket rate limits: each key (a paired app, or "pairing" for the unauthenticated pairing
 * endpoint) gets `capacity` requests at once, refilled at `perSecond`. A paired application that
 * loops cannot flood the user's device with approval requests or the operators with calls.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; false when the key is over its limit. */
  take(key: string): boolean {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.capacity, at: t };
    b.tokens = Math.min(this.capacity, b.tokens + ((t - b.at) / 1000) * this.perSecond);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Seconds until the key has a token again (for Retry-After). */
  retryAfterSeconds(key: string): number {
    const b = this.buckets.get(key);
    if (b === undefined || b.tokens >= 1) return 0;
    return Math.ceil((1 - b.tokens) / this.perSecond);
  }
}
