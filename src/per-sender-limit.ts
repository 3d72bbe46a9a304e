// Senders remembered at most: spoofed source addresses must not grow the map without end.
const MAX_SENDERS = 1024;

/** How often a warning about one sender may be logged. */
export const ONCE_A_MINUTE_MS = 60_000;

/**
 * At most one warning per sender per period, so that a flood, or a peer that keeps
 * repeating itself, cannot flood the log. What was held back is counted, and said with
 * the next warning.
 */
export class PerSenderLimit {
  private readonly lastWarned = new Map<string, { at: number; since: number }>();

  constructor(
    private readonly everyMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Null when this one is held back; else how many were held back since the last warning. */
  take(sender: string): { suppressed: number } | null {
    const now = this.now();
    const warned = this.lastWarned.get(sender);
    if (warned && now - warned.at < this.everyMs) {
      warned.since += 1;
      return null;
    }
    this.lastWarned.delete(sender);
    if (this.lastWarned.size >= MAX_SENDERS) this.forgetOldest(now);
    this.lastWarned.set(sender, { at: now, since: 0 });
    return { suppressed: warned?.since ?? 0 };
  }

  private forgetOldest(now: number): void {
    // Ordered by the time of their last warning: the expired ones come first.
    for (const [sender, warned] of this.lastWarned) {
      if (now - warned.at < this.everyMs) break;
      this.lastWarned.delete(sender);
    }
    // Map keeps insertion order, and a warning re-inserts its sender: the first is the oldest.
    const oldest = this.lastWarned.keys().next();
    if (this.lastWarned.size >= MAX_SENDERS && !oldest.done) this.lastWarned.delete(oldest.value);
  }
}
