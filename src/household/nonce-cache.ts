import { WINDOW_MS } from './signing';

/**
 * The nonces of the signed messages seen within the time window, so that a message captured
 * on the network and sent again is refused (a replay). A nonce older than the window need not
 * be kept: its message is refused for its time. Only messages whose signature holds are
 * noted, so only the household's nodes fill it: a few requests a minute each. When it is full
 * of nonces still in the window, what comes is refused rather than an old nonce forgotten.
 */
export class NonceCache {
  /** Nonce → until when it is kept (ms); Map keeps insertion order, the oldest first. */
  private readonly seen = new Map<string, number>();

  constructor(readonly most = 4096) {}

  /** Notes a nonce signed at `time` (s): 'new', 'replay' when seen before, 'full' when no room is left. */
  take(nonce: string, time: number, now: number): 'new' | 'replay' | 'full' {
    if (this.seen.has(nonce)) return 'replay';
    for (const [old, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(old);
    }
    if (this.seen.size >= this.most) {
      // Kept in the order they came, not by their time: look through them all, once in a while.
      for (const [old, until] of this.seen) if (until <= now) this.seen.delete(old);
      if (this.seen.size >= this.most) return 'full';
    }
    this.seen.set(nonce, time * 1000 + WINDOW_MS + 1000);
    return 'new';
  }

  /** A new key: what was seen under the old one no longer verifies anyway. */
  clear(): void {
    this.seen.clear();
  }

  get size(): number {
    return this.seen.size;
  }
}
