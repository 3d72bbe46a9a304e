// Addresses remembered at most: a host with many addresses must not grow the map without end.
const MOST_ADDRESSES = 1024;

/** How many requests one address may send at once, and how fast it may send more after. */
export interface Rate {
  /** Requests at once (a bucket that starts full). */
  burst: number;
  /** Requests a second, refilling the bucket. */
  perSecond: number;
}

/**
 * A token bucket per client address: `burst` requests at once, then `perSecond` more
 * each second. One host that sends thousands of requests gets most of them refused,
 * cheaply, before their bodies are read; the others' buckets are their own.
 */
export class RateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly rate: Rate,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one request of `address`: null when it may go on, else the whole seconds until it may (Retry-After). */
  take(address: string): number | null {
    const now = this.now();
    const bucket = this.buckets.get(address);
    const tokens = bucket
      ? Math.min(this.rate.burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.rate.perSecond)
      : this.rate.burst;
    // Map keeps insertion order: the address asked last goes last, the one forgotten first is the quietest.
    this.buckets.delete(address);
    const quietest = this.buckets.keys().next();
    if (this.buckets.size >= MOST_ADDRESSES && !quietest.done) this.buckets.delete(quietest.value);
    if (tokens < 1) {
      this.buckets.set(address, { tokens, at: now });
      return Math.ceil((1 - tokens) / this.rate.perSecond);
    }
    this.buckets.set(address, { tokens: tokens - 1, at: now });
    return null;
  }
}
