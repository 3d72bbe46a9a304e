import type { Logger } from 'pino';

const WARN_EVERY_MS = 60_000;

/**
 * Counts malformed datagrams. Each one is logged at debug level; a warning names
 * the sender at most once a minute per sender, so that a flood cannot flood the log.
 */
export class MalformedCounter {
  total = 0;
  private readonly lastWarned = new Map<string, { at: number; since: number }>();

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  record(sender: string, reason: string, size: number): void {
    this.total += 1;
    this.log.debug({ event: 'datagram.malformed', sender, reason, size }, `dropped a malformed datagram from ${sender}: ${reason}`);
    const now = this.now();
    const warned = this.lastWarned.get(sender);
    if (warned && now - warned.at < WARN_EVERY_MS) {
      warned.since += 1;
      return;
    }
    const suppressed = warned?.since ?? 0;
    this.lastWarned.set(sender, { at: now, since: 0 });
    this.log.warn(
      { event: 'datagram.malformed', sender, reason, suppressed, total: this.total },
      `dropped a malformed datagram from ${sender} (${reason})` +
        (suppressed > 0 ? `, and ${suppressed} more from it since the last warning` : '') +
        '; state unchanged',
    );
  }
}
