import type { Logger } from 'pino';
import type { NodeLink, Observer } from '../../machines/node/node-link';
import type { NodeView } from '../../machines/node/node-view';
import { PerSenderLimit } from '../limits/per-sender-limit';
import { formatRfc3339 } from '../time/timestamp';
import { BoxBridge, defaultTime } from './box-bridge';
import { bridgeTopics, discoveryMessages, statePayload, type BridgeIdentity } from './home-assistant';
import { householdVerdict, MOST_MESSAGE_BYTES } from './household-time';
import { bridgeClient, problemOf, renameClient } from './mqtt-client';
import { Reassertion } from './reassertion';
import { RetainedPublisher } from './retained-publisher';
import { sessionPayload, SessionWatch } from './session';
import type { NodeIdentity } from '../cluster/instance-name';
import type { MqttOptions } from '../settings/mqtt-settings';
import type { PeerAddress } from '../../machines/cluster/peer-address';

/** Reconnecting waits this long first, twice as long each time after, up to a minute. */
const FIRST_RETRY_MS = 1_000;
const LAST_RETRY_MS = 60_000;
/** After subscribing, the broker's retained messages come first: the household's time before ours goes out. */
const RETAINED_GRACE_MS = 300;
/** Home Assistant's birth: everything again after 0.5 to 2.5 s, so that a house of nodes does not answer at once. */
const BIRTH_DELAY_MS = { least: 500, spread: 2_000 };
const WARN_EVERY_MS = 10 * 60_000;
/** Our own value goes out over someone else's at once, then at most this often per topic. */
const REASSERT_EVERY_MS = 5_000;
export interface MqttBridgeSettings extends Omit<BridgeIdentity, 'name' | 'id'> {
  options: MqttOptions;
  log: Logger;
  /** The node's id, which the bridge renews when it finds itself a copy, and which mDNS may renew. */
  identity: Pick<NodeIdentity, 'id' | 'renew' | 'onRenewed'>;
  /** Where this node runs (instanceFingerprint): its session on the broker says so. */
  fingerprint: string;
  random?: () => number;
}

/**
 * The node on an MQTT broker: Home Assistant's discovery, availability and states; its
 * "Cleaned now" (one node of the household gets each press, through an MQTT 5 shared
 * subscription); and the household's time, which joins nodes that UDP cannot. Each view
 * from the node is published when what it shows changed. A broker that is away costs
 * nothing but a warning: the node runs on, and everything is published again once it
 * is back.
 */
export function mqttBridge(settings: MqttBridgeSettings): Observer {
  const { options, log } = settings;
  const random = settings.random ?? Math.random;
  const { identity } = settings;
  let topics = bridgeTopics(options, identity.id);
  const url = new URL(options.broker);
  // The broker as the node's rules name the sender of a time.
  const broker: PeerAddress = { address: `${url.protocol}//${url.hostname}`, port: Number(url.port) };

  return (node: NodeLink) => {
    const warnings = new PerSenderLimit(WARN_EVERY_MS);
    const overwrites = new PerSenderLimit(WARN_EVERY_MS);
    const session = new SessionWatch({ fingerprint: settings.fingerprint, started: new Date().toISOString() });
    let view: NodeView | null = null;
    /** The latest time the household topic said, or our own once published. */
    let household: number | null = null;
    let ready = false;
    let trouble: string | null = null;
    let retryMs = FIRST_RETRY_MS;
    let stopped = false;
    /** Between leaving the broker under an id found to be another node's and coming back under the new one. */
    let switching = false;
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, run: () => void) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        run();
      }, ms);
      timers.add(timer);
    };

    const client = bridgeClient(options, identity.id, topics.availability, random);

    const publisher = new RetainedPublisher(client, () => ready);
    const offer = (topic: string, payload: string) => publisher.offer(topic, payload);
    const boxes = new BoxBridge({
      options,
      log,
      offer,
      reassert: (topic) => reassertion.request(topic),
      refuse: (problem, topic) => refuse(problem, topic),
      send: (event) => node.send(event),
    });

    const publishHouseholdTime = (): void => {
      const ours = defaultTime(view);
      if (ours === null || (household !== null && household >= ours)) return;
      household = ours;
      offer(topics.household, formatRfc3339(ours));
    };
    const publishView = (): void => {
      if (!view) return;
      offer(topics.state, statePayload(view));
      publishHouseholdTime();
      boxes.publish();
    };
    const publishDiscovery = (): void => {
      if (!view || options.haDiscovery === null) return;
      const device = { ...settings, id: identity.id, name: view.name };
      const clean = boxes.ownClean();
      for (const [topic, payload] of discoveryMessages(options.haDiscovery, topics, device, clean)) {
        offer(topic, payload);
      }
      for (const [topic, payload] of boxes.discovery(options.haDiscovery)) offer(topic, payload);
    };
    /** What this node says on one of its topics now; null while it has nothing to say. */
    const ownValue = (topic: string): string | null => {
      if (topic === topics.availability) return 'online';
      if (topic === topics.session) return sessionPayload(session.ours);
      if (topic === topics.state) return view && statePayload(view);
      const time = defaultTime(view);
      if (topic === topics.household) return time === null ? null : formatRfc3339(time);
      return boxes.ownValue(topic);
    };
    // Sent whatever this connection sent before: what is on the broker now is not ours.
    const reassertion = new Reassertion(REASSERT_EVERY_MS, (topic) => {
      const payload = ownValue(topic);
      if (!ready || payload === null) return;
      if (topic === topics.household) household = defaultTime(view);
      publisher.force(topic, payload);
    });
    const publishAll = (): void => {
      publisher.forget();
      offer(topics.session, sessionPayload(session.ours));
      publishDiscovery();
      publishView();
    };

    // Once an outage: the first problem, and refused credentials when they come later.
    const warnOnce = (problem: string, record: Record<string, unknown>) => {
      const credentials = (text: string | null) => text?.includes('credentials') ?? false;
      const known = trouble !== null && (credentials(trouble) || !credentials(problem));
      trouble = known ? trouble : problem;
      if (known) {
        log.debug(
          { event: 'mqtt.unavailable', broker: options.broker, problem, ...record },
          `MQTT broker ${options.broker}, still: ${problem}`,
        );
        return;
      }
      log.warn(
        { event: 'mqtt.unavailable', broker: options.broker, problem, ...record },
        `MQTT broker ${options.broker}: ${problem}; the node runs on without it and tries again, at most every minute`,
      );
    };
    const refuse = (problem: string, topic: string) => {
      const text = `ignored a message on ${topic} from ${options.broker}: ${problem}`;
      const record = { event: 'mqtt.ignored', topic, problem };
      warnings.warnOrDebug(log, topic, record, text);
    };

    const householdTime = (topic: string, payload: Buffer) => {
      const verdict = householdVerdict(payload, defaultTime(view), Date.now());
      if (verdict.problem) refuse(`${verdict.problem}${verdict.answer ? '; published ours over it' : ''}`, topic);
      if (verdict.believed !== undefined) household = verdict.believed;
      // Taken, it comes back as our view: no need to publish it again.
      if (verdict.offer !== undefined) node.send({ type: 'time.offered', lastCleaned: verdict.offer, from: broker });
      if (verdict.answer) reassertion.request(topics.household);
    };
    /** Our availability or state, as someone else published it: ours goes out over it. */
    const ownTopic = (topic: string, payload: Buffer) => {
      if (!ready && topic === topics.availability) session.heardAvailability(payload);
      const ours = ownValue(topic);
      // Before `ready`, the broker's retained value is our last run's: everything is published at `ready`.
      if (!ready || ours === null || payload.equals(Buffer.from(ours))) return;
      const shown = JSON.stringify(payload.subarray(0, 40).toString('utf8'));
      const text = `someone else published ${shown} on ${topic}, this node's own topic: published ours over it`;
      const record = { event: 'mqtt.overwritten', topic, payload: shown };
      overwrites.warnOrDebug(log, topic, record, text);
      reassertion.request(topic);
    };

    /** A session on our id's topic: ours goes back over a foreign or broken one, or we are the copy. */
    const sessionHeard = (topic: string, payload: Buffer) => {
      const { verdict, problem } = session.heard(payload, ready);
      if (problem) refuse(`${problem}${verdict === 'reassert' ? '; published ours over it' : ''}`, topic);
      if (verdict === 'reassert') reassertion.request(topic);
      if (verdict === 'copy') identity.renew('another node started earlier under it, elsewhere, and is on the broker');
    };
    /**
     * Leaves the broker under the old id and comes back under the new one. The old id's will
     * names the original's availability: a normal disconnect (reason 0) makes the broker drop it.
     */
    const stopRenewals = identity.onRenewed(({ to }) => {
      const renew = () => {
        topics = bridgeTopics(options, to);
        renameClient(client, to, topics.availability, random);
        publisher.forget(true);
      };
      ready = false;
      if (!client.connected) return renew();
      switching = true;
      client.end(false, { reasonCode: 0 }, () => {
        renew();
        switching = false;
        if (!stopped) client.reconnect();
      });
    });

    client.on('connect', () => {
      log.info(
        { event: 'mqtt.connected', broker: options.broker },
        `${trouble ? 'connected again' : 'connected'} to the MQTT broker ${options.broker}`,
      );
      trouble = null;
      household = null;
      session.connected();
      // No echo of our own household time (MQTT 5 "no local"), which a shared subscription may not ask for.
      // Our own topics too: someone else's value there is answered with ours, and another node's session
      // under our id says that one of us is a copy.
      const subscriptions = {
        [topics.household]: { qos: 1 as const, nl: true },
        [topics.availability]: { qos: 1 as const, nl: true },
        [topics.state]: { qos: 1 as const, nl: true },
        [topics.session]: { qos: 1 as const, nl: true },
        ...boxes.subscriptions(),
        ...(topics.haStatus ? { [topics.haStatus]: { qos: 1 as const } } : {}),
      };
      client.subscribe(subscriptions, (error, granted) => {
        if (error) return warnOnce(`cannot subscribe: ${error.message}`, {});
        // A topic the broker refuses (an ACL) is named; the rest works on.
        const refused = (granted ?? []).filter((grant) => grant.qos >= 128).map((grant) => grant.topic);
        if (refused.length > 0) {
          log.warn(
            { event: 'mqtt.unavailable', broker: options.broker, problem: `refused ${refused.join(', ')}` },
            `MQTT broker ${options.broker} refused the subscription to ${refused.join(', ')}: what comes there is not heard`,
          );
        }
        later(RETAINED_GRACE_MS, () => {
          // A copy says nothing under the original's id: it leaves, and comes back under a new one.
          if (
            session.copyAtStart &&
            identity.renew('another node holds it: its session is on the broker, from elsewhere, and it is online')
          ) {
            return;
          }
          ready = true;
          // Counted as back only once it works: a broker that drops us at once keeps the delay growing.
          retryMs = FIRST_RETRY_MS;
          client.publish(topics.availability, 'online', { retain: true, qos: 1 });
          publishAll();
        });
      });
    });
    client.on('message', (topic, payload) => {
      if (topic === topics.household) return householdTime(topic, payload);
      if (topic === topics.availability || topic === topics.state) return ownTopic(topic, payload);
      if (topic === topics.session) return sessionHeard(topic, payload);
      if (boxes.message(topic, payload)) return;
      if (payload.length > MOST_MESSAGE_BYTES) {
        return refuse(`${payload.length} bytes, more than the ${MOST_MESSAGE_BYTES} taken`, topic);
      }
      if (topic === topics.haStatus && payload.toString('utf8') === 'online') {
        // Home Assistant restarted and forgot us.
        later(BIRTH_DELAY_MS.least + Math.floor(random() * BIRTH_DELAY_MS.spread), publishAll);
      }
    });
    client.on('error', (error) => warnOnce(problemOf(error), { code: (error as { code?: unknown }).code }));
    client.on('close', () => {
      ready = false;
      if (stopped || switching) return;
      if (!trouble) warnOnce('the connection was lost', {});
      later(retryMs, () => client.reconnect());
      retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
    });

    node.on('view.changed', (changed) => {
      const renamed = view !== null && view.name !== changed.view.name;
      // An undo took the default box's time back: the earlier one goes out over the withdrawn one.
      const [before, after] = [defaultTime(view), defaultTime(changed.view)];
      if (before !== null && after !== null && after < before) household = null;
      view = changed.view;
      const newBoxes = boxes.viewed(view);
      if (newBoxes && client.connected) client.subscribe(boxes.subscriptions());
      if (!ready) return;
      // A new name (mDNS found ours taken) is a new device name in Home Assistant; a new box, a new device.
      if (renamed || newBoxes) publishDiscovery();
      publishView();
    });
    node.on('undo.answered', (answer) => boxes.answered(answer));

    return () => {
      stopped = true;
      stopRenewals();
      reassertion.stop();
      for (const timer of timers) clearTimeout(timer);
      publisher.stop();
      // "Disconnect with will": the broker tells Home Assistant that the node went.
      client.end(false, { reasonCode: 4 });
    };
  };
}
