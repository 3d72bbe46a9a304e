import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DEFAULT_BOX } from '../../common/boxes';
import type { NodeEmitted, ObserverEvent } from '../../machines/node/node-events';
import type { BoxView, NodeView } from '../../machines/node/node-view';
import { formatRfc3339 } from '../time/timestamp';
import { boxDiscoveryMessages, boxStatePayload, boxTopics, type BoxTopics } from './box-devices';
import { PRESS } from './home-assistant';
import { householdVerdict, MOST_MESSAGE_BYTES } from './household-time';
import type { MqttOptions } from '../settings/mqtt-settings';

/** Undos asked of the node and not answered yet, at most: presses past it are refused (a flood on the broker). */
const MOST_UNDOS_WAITING = 16;

/** What the box bridge needs of the node's bridge around it. */
export interface BoxBridgeSite {
  options: MqttOptions;
  log: Logger;
  /** Publishes a retained message (the latest of each topic, once a connection). */
  offer(topic: string, payload: string): void;
  /** Our value of a topic goes out over someone else's, at most so often. */
  reassert(topic: string): void;
  /** A message on our topics that is not one: a warning, at most so often a topic. */
  refuse(problem: string, topic: string): void;
  send(event: ObserverEvent): void;
}

type Subscriptions = Record<string, { qos: 1; nl?: boolean }>;

/** The default box's time, as this node knows it: what the household's topic holds (the node bridge's). */
export const defaultTime = (view: NodeView | null): number | null =>
  view?.boxes.find((box) => box.box === DEFAULT_BOX)?.lastCleaned ?? null;

/** This node's boxes (those on its strip), by the view; none before the first. */
const ownBoxes = (view: NodeView | null): BoxView[] => view?.boxes.filter((box) => box.own) ?? [];

/**
 * The boxes this node shows, on the broker: each one's time on its own retained topic (the
 * default box's is the node bridge's, where it was before boxes), its state for Home
 * Assistant, its device, and its "Cleaned now" and "Undo last cleaning", which reach one
 * node of those that show the box (a shared subscription each) as the node's events. A
 * node subscribes to exact topics of its own boxes only: no name is ever read from the broker.
 */
export class BoxBridge {
  /** Each own box's topics, by box; and what each topic is, by topic. */
  private readonly topics = new Map<string, BoxTopics>();
  private readonly byTopic = new Map<string, { box: string; kind: 'time' | 'clean' | 'undo' }>();
  /** The time each own box had in the view before, to clear its topic when the last cleaning is withdrawn. */
  private readonly times = new Map<string, number | null>();
  /** Undos asked of the node, by ticket: the box, to say which one was refused. */
  private readonly undos = new Map<string, string>();
  private view: NodeView | null = null;

  constructor(private readonly site: BoxBridgeSite) {}

  /** The topics of `box` (this node's or not). */
  topicsOf(box: string): BoxTopics {
    return this.topics.get(box) ?? boxTopics(this.site.options, box);
  }

  /** Where the node's own "Cleaned now" publishes: its own box's (the first it shows). */
  ownClean(): string {
    return this.topicsOf(ownBoxes(this.view)[0]?.box ?? DEFAULT_BOX).clean;
  }

  /** A new view: whether the node's boxes changed (new topics to subscribe to, new devices). */
  viewed(view: NodeView): boolean {
    this.view = view;
    const own = ownBoxes(view).map((box) => box.box);
    const changed = own.length !== this.topics.size || own.some((box) => !this.topics.has(box));
    if (!changed) return false;
    this.topics.clear();
    this.byTopic.clear();
    for (const box of own) {
      const topics = boxTopics(this.site.options, box);
      this.topics.set(box, topics);
      // The default box's time is the node bridge's: there, a later time is offered to the node.
      if (box !== DEFAULT_BOX) this.byTopic.set(topics.lastCleaned, { box, kind: 'time' });
      this.byTopic.set(topics.clean, { box, kind: 'clean' });
      this.byTopic.set(topics.undo, { box, kind: 'undo' });
    }
    return true;
  }

  /** What to subscribe to: each own box's time (no echo of ours), and its two buttons, shared. */
  subscriptions(): Subscriptions {
    const subscriptions: Subscriptions = {};
    for (const topics of this.topics.values()) {
      if (topics.box !== DEFAULT_BOX) subscriptions[topics.lastCleaned] = { qos: 1, nl: true };
      subscriptions[topics.sharedClean] = { qos: 1 };
      subscriptions[topics.sharedUndo] = { qos: 1 };
    }
    return subscriptions;
  }

  /** Each own box's state, and its time (but the default box's); a time withdrawn to none clears its topic. */
  publish(): void {
    for (const box of ownBoxes(this.view)) {
      const topics = this.topicsOf(box.box);
      this.site.offer(topics.state, boxStatePayload(box));
      const before = this.times.get(box.box);
      this.times.set(box.box, box.lastCleaned);
      if (box.box === DEFAULT_BOX) continue;
      if (box.lastCleaned !== null) this.site.offer(topics.lastCleaned, formatRfc3339(box.lastCleaned));
      else if (before != null) this.site.offer(topics.lastCleaned, '');
    }
  }

  /** The retained discovery messages of each own box's device. */
  discovery(haDiscovery: string): Map<string, string> {
    const messages = new Map<string, string>();
    for (const topics of this.topics.values()) {
      for (const [topic, payload] of boxDiscoveryMessages(haDiscovery, topics)) messages.set(topic, payload);
    }
    return messages;
  }

  /** Our value of one of our boxes' time topics, to go out over someone else's; null when not ours or unknown. */
  ownValue(topic: string): string | null {
    const meant = this.byTopic.get(topic);
    if (meant?.kind !== 'time') return null;
    const time = this.boxOf(meant.box)?.lastCleaned ?? null;
    return time === null ? null : formatRfc3339(time);
  }

  /** A message on one of the boxes' topics; false when the topic is none of theirs. */
  message(topic: string, payload: Buffer): boolean {
    const meant = this.byTopic.get(topic);
    if (!meant) return false;
    if (meant.kind === 'time') {
      // As the household's time, but a later one is left to the history, which brings every box's cleanings.
      const verdict = householdVerdict(payload, this.boxOf(meant.box)?.lastCleaned ?? null, Date.now());
      if (verdict.problem)
        this.site.refuse(`${verdict.problem}${verdict.answer ? '; published ours over it' : ''}`, topic);
      if (verdict.answer) this.site.reassert(topic);
      return true;
    }
    if (payload.length > MOST_MESSAGE_BYTES) {
      this.site.refuse(`${payload.length} bytes, more than the ${MOST_MESSAGE_BYTES} taken`, topic);
      return true;
    }
    const text = payload.toString('utf8');
    if (text !== PRESS) {
      this.site.refuse(`${JSON.stringify(text.slice(0, 40))} is not ${PRESS}`, topic);
      return true;
    }
    if (meant.kind === 'clean') this.site.send({ type: 'cleaning.reported', source: 'mqtt', box: meant.box });
    else this.undo(meant.box);
    return true;
  }

  /** The node's answer to an undo this bridge asked for: a refusal is said. */
  answered(event: NodeEmitted & { type: 'undo.answered' }): void {
    const box = this.undos.get(event.ticket);
    if (box === undefined) return;
    this.undos.delete(event.ticket);
    if (!event.ok) this.refused(box, event.reason, event.problem);
  }

  private undo(box: string): void {
    const undo = this.boxOf(box)?.undo ?? null;
    if (undo === null) {
      this.refused(box, 'nothing', `no cleaning of ${box} may be taken back now`);
      return;
    }
    if (this.undos.size >= MOST_UNDOS_WAITING) {
      this.refused(box, 'busy', `${MOST_UNDOS_WAITING} undos are waiting for the node already`);
      return;
    }
    const ticket = randomUUID();
    this.undos.set(ticket, box);
    this.site.send({ type: 'cleaning.undo', box, at: undo.at, ticket });
  }

  private refused(box: string, reason: string, problem: string): void {
    this.site.log.info(
      { event: 'mqtt.undo-refused', box, reason, problem },
      `"Undo last cleaning" of ${box} from Home Assistant changed nothing: ${problem}`,
    );
  }

  private boxOf(box: string): BoxView | undefined {
    return this.view?.boxes.find((view) => view.box === box);
  }
}
