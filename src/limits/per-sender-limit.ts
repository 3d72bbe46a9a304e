import type { Logger } from 'pino';

// Senders remembered at most: spoofed source addresses must not grow the map without end.
const MAX_SENDERS = 1024;

/** How often a warning about one sender may be logged. */
export const ONCE_A_MINUTE_MS = 60_000;

/**
 * Warnings of one kind a period, from every sender together: a flood from thousands of
 * addresses (a UDP source is easily forged) gives ten, not thousands.
 */
export const MOST_WARNINGS_A_PERIOD = 10;

/** A warning let through, and what was held back before it: the fields its record carries. */
export interface Warning {
  /** Held back from this sender since its last warning. */
  suppressed: number;
  /** Only when some were: held back from every sender since the last warning, the period's budget spent. */
  suppressedOverall?: number;
}

/** What a warning's message says of what was held back before it ('' for nothing). */
export function heldBack(warning: Warning): string {
  const parts = [
    ...(warning.suppressed > 0 ? [`${warning.suppressed} more from it`] : []),
    ...(warning.suppressedOverall ? [`${warning.suppressedOverall} from every sender, too many to warn of`] : []),
  ];
  return parts.length === 0 ? '' : ` (held back since the last warning: ${parts.join('; ')})`;
}

/**
 * At most one warning per sender per period, and `overall` a period from all senders
 * together, so that a flood, or a peer that keeps repeating itself, cannot flood the log.
 * A sender is whatever names its source best: an address, not an address and a port
 * (a port is new for every datagram a flood sends). What was held back is counted, and
 * said with the next warning.
 */
export class PerSenderLimit {
  private readonly lastWarned = new Map<string, { at: number; since: number }>();
  private periodStart = -Infinity;
  private warnedThisPeriod = 0;
  private heldBackOverall = 0;

  constructor(
    private readonly everyMs: number,
    private readonly now: () => number = Date.now,
    private readonly overall = MOST_WARNINGS_A_PERIOD,
  ) {}

  /** Null when this one is held back; else how many were held back before it. */
  take(sender: string): Warning | null {
    const now = this.now();
    const warned = this.lastWarned.get(sender);
    if (warned && now - warned.at < this.everyMs) {
      warned.since += 1;
      return null;
    }
    if (now - this.periodStart >= this.everyMs) {
      this.periodStart = now;
      this.warnedThisPeriod = 0;
    }
    if (this.warnedThisPeriod >= this.overall) {
      this.heldBackOverall += 1;
      return null;
    }
    this.warnedThisPeriod += 1;
    this.lastWarned.delete(sender);
    if (this.lastWarned.size >= MAX_SENDERS) this.forgetOldest(now);
    this.lastWarned.set(sender, { at: now, since: 0 });
    const warning: Warning = { suppressed: warned?.since ?? 0 };
    if (this.heldBackOverall > 0) warning.suppressedOverall = this.heldBackOverall;
    this.heldBackOverall = 0;
    return warning;
  }

  /**
   * Logs `text` as a warning when this sender's may go out now (saying what was held back
   * before it), else at debug level: the record is kept for whoever looks closer.
   */
  warnOrDebug(log: Logger, sender: string, record: object, text: string): void {
    const warning = this.take(sender);
    if (warning) log.warn({ ...record, ...warning }, text + heldBack(warning));
    else log.debug(record, text);
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
