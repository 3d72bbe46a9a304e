import type { MqttClient } from 'mqtt';

/** Bytes the socket may hold unsent; past it, publishing waits (one latest message per topic, nothing more). */
const MOST_UNSENT_BYTES = 64 * 1024;
/** How soon a full socket is looked at again. */
const WAIT_MS = 100;

/**
 * The node's retained messages on their way to the broker: the latest of each topic, what
 * changes in one step of the node (a new time, then its level) as one message, and nothing
 * this connection has published already, unless it must go out again over someone else's.
 */
export class RetainedPublisher {
  /** The latest message of each topic not sent yet. */
  private readonly unsent = new Map<string, string>();
  /** What this connection has published, by topic. */
  private readonly published = new Map<string, string>();
  private flushing: NodeJS.Immediate | null = null;
  private waiting: NodeJS.Timeout | null = null;

  constructor(
    private readonly client: MqttClient,
    /** Whether the connection is ready for it; once it is, `offer` something (or `flush`). */
    private readonly ready: () => boolean,
  ) {}

  offer(topic: string, payload: string): void {
    this.unsent.set(topic, payload);
    this.flushing ??= setImmediate(() => {
      this.flushing = null;
      this.flush();
    });
  }

  /** Offers it, to be sent even if this connection sent the same before: what the broker holds is not ours. */
  force(topic: string, payload: string): void {
    this.published.delete(topic);
    this.offer(topic, payload);
  }

  /** A new connection, or a new id: nothing is taken as published any more; with `unsent`, nothing is waiting either. */
  forget(unsent = false): void {
    this.published.clear();
    if (unsent) this.unsent.clear();
  }

  stop(): void {
    if (this.flushing) clearImmediate(this.flushing);
    if (this.waiting) clearTimeout(this.waiting);
  }

  private flush(): void {
    if (!this.ready()) return;
    for (const [topic, payload] of this.unsent) {
      if ((this.client.stream?.writableLength ?? 0) > MOST_UNSENT_BYTES) {
        this.waiting ??= setTimeout(() => {
          this.waiting = null;
          this.flush();
        }, WAIT_MS);
        return;
      }
      this.unsent.delete(topic);
      if (this.published.get(topic) === payload) continue;
      this.published.set(topic, payload);
      this.client.publish(topic, payload, { retain: true, qos: 0 });
    }
  }
}
