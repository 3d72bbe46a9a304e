import type { Logger } from 'pino';
import { ONCE_A_MINUTE_MS, PerSenderLimit } from '../per-sender-limit';

/**
 * Counts malformed datagrams. Each one is logged at debug level; a warning names
 * the sender at most once a minute per sender, so that a flood cannot flood the log.
 */
export class MalformedCounter {
  total = 0;
  private readonly limit: PerSenderLimit;

  constructor(
    private readonly log: Logger,
    now: () => number = Date.now,
  ) {
    this.limit = new PerSenderLimit(ONCE_A_MINUTE_MS, now);
  }

  record(sender: string, reason: string, size: number): void {
    this.total += 1;
    this.log.debug(
      { event: 'datagram.malformed', sender, reason, size },
      `dropped a malformed datagram from ${sender}: ${reason}`,
    );
    const warning = this.limit.take(sender);
    if (!warning) return;
    const { suppressed } = warning;
    this.log.warn(
      { event: 'datagram.malformed', sender, reason, suppressed, total: this.total },
      `dropped a malformed datagram from ${sender} (${reason})` +
        (suppressed > 0 ? `, and ${suppressed} more from it since the last warning` : '') +
        '; state unchanged',
    );
  }
}
