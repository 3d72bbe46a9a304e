import type { Logger } from 'pino';
import type { Message } from './message';
import { postTo, PostFailed } from './post';
import { PROVIDERS } from './providers';
import type { Target } from '../settings/notify-targets';

/** After a failure, tried again after 10 s, then twice as long each time up to 10 minutes … */
const FIRST_RETRY_MS = 10_000;
const LONGEST_RETRY_MS = 10 * 60_000;
/** … for an hour: a notification later than that says what is no longer so. */
const GIVE_UP_AFTER_MS = 60 * 60_000;

/** What one send says in the log: the target (its URL, never its token) and what was sent. */
const recordOf = (target: Target, message: Message) => ({
  target: target.shown,
  notice: message.event,
  reminderLevel: message.level,
});

/**
 * One target's deliveries, one at a time, never blocking the node: a failure is tried again
 * with backoff for an hour, a later notification taking the place of one still waiting (it
 * says what is so now). One warning per outage (`notify.failed`), the rest at debug level,
 * and a word when the target answers again.
 */
export class Delivery {
  private waiting: Message | null = null;
  private busy = false;
  private retry: NodeJS.Timeout | null = null;
  private failingSince: number | null = null;
  private delay = FIRST_RETRY_MS;
  private stopped = false;

  constructor(
    private readonly target: Target,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  send(message: Message): void {
    if (this.stopped) return;
    this.waiting = message;
    if (this.retry !== null) {
      // A new notification goes out now; the backoff goes on from where it was if it fails too.
      clearTimeout(this.retry);
      this.retry = null;
    }
    void this.next();
  }

  stop(): void {
    this.stopped = true;
    if (this.retry !== null) clearTimeout(this.retry);
  }

  private async next(): Promise<void> {
    if (this.busy || this.waiting === null || this.stopped || this.retry !== null) return;
    const message = this.waiting;
    this.waiting = null;
    this.busy = true;
    const record = recordOf(this.target, message);
    try {
      const answer = await postTo(this.target, PROVIDERS[this.target.kind](this.target, message));
      const outage = this.failingSince;
      this.failingSince = null;
      this.delay = FIRST_RETRY_MS;
      this.log.info(
        { event: 'notify.sent', ...record, status: answer.status },
        `notified ${this.target.shown}: ${message.title} (answered ${answer.status}${outage === null ? '' : ', reachable again'})`,
      );
    } catch (error) {
      this.failed(message, error instanceof PostFailed ? error.message : String(error));
    } finally {
      this.busy = false;
    }
    void this.next();
  }

  private failed(message: Message, problem: string): void {
    const record = recordOf(this.target, message);
    const first = this.failingSince === null;
    this.failingSince ??= this.now();
    const givingUp = this.now() - this.failingSince >= GIVE_UP_AFTER_MS;
    if (givingUp) {
      this.log.warn(
        { event: 'notify.failed', ...record, problem, gaveUp: true },
        `${this.target.shown} ${problem}: tried for an hour; "${message.title}" is dropped`,
      );
      this.failingSince = null;
      this.delay = FIRST_RETRY_MS;
      return;
    }
    const retryIn = this.delay;
    this.delay = Math.min(this.delay * 2, LONGEST_RETRY_MS);
    const entry = { event: 'notify.failed', ...record, problem, retryInSeconds: retryIn / 1000 };
    const text = `could not notify ${this.target.shown}: ${problem}; trying again in ${retryIn / 1000} s`;
    if (first) this.log.warn(entry, `${text} (one warning until it answers again)`);
    else this.log.debug(entry, text);
    // A later notification that came meanwhile goes instead.
    this.waiting ??= message;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.next();
    }, retryIn);
  }
}
