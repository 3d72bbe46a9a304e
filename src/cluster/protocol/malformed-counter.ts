import type { Logger } from 'pino';
import { heldBack, ONCE_A_MINUTE_MS, PerSenderLimit } from '../../limits/per-sender-limit';

/**
 * Counts malformed datagrams. Each one is logged at debug level; a warning names
 * the sender at most once a minute per address (whatever its port), and ten a minute
 * in all, so that a flood cannot flood the log.
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

  record(from: { address: string; port: number }, reason: string, size: number): void {
    const sender = `${from.address}:${from.port}`;
    this.total += 1;
    this.log.debug(
      { event: 'datagram.malformed', sender, reason, size },
      `dropped a malformed datagram from ${sender}: ${reason}`,
    );
    const warning = this.limit.take(from.address);
    if (!warning) return;
    this.log.warn(
      { event: 'datagram.malformed', sender, reason, ...warning, total: this.total },
      `dropped a malformed datagram from ${sender} (${reason})${heldBack(warning)}; state unchanged`,
    );
  }
}
