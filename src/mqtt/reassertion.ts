/**
 * Our own value of a topic published again when someone else overwrote it: at once,
 * then at most once every `everyMs` per topic (the value then current), so that a
 * stranger who keeps overwriting it, or a copy of this node publishing under the same
 * id, gets an answer every few seconds, not a flood.
 */
export class Reassertion {
  private readonly last = new Map<string, number>();
  private readonly waiting = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly everyMs: number,
    private readonly publish: (topic: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  request(topic: string): void {
    if (this.waiting.has(topic)) return;
    const left = (this.last.get(topic) ?? -Infinity) + this.everyMs - this.now();
    if (left <= 0) {
      this.run(topic);
      return;
    }
    this.waiting.set(
      topic,
      setTimeout(() => {
        this.waiting.delete(topic);
        this.run(topic);
      }, left),
    );
  }

  stop(): void {
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
  }

  private run(topic: string): void {
    this.last.set(topic, this.now());
    this.publish(topic);
  }
}
