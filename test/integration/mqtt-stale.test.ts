import * as fs from 'node:fs';
import * as path from 'node:path';
import { Watcher } from '../support/mosquitto';
import { describeNeeding } from '../support/requirements';
import { brokerPerSuite } from '../support/broker-suite';
import { type NodeProcess } from '../support/node-process';
import { until } from '../support/until';
import { HOUR } from '../support/time';

const HOUSEHOLD = 'cat-litter-reminder/household/last_cleaned';
const rfc = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');

/*
 * What a stranger (or a node's stale copy) leaves on the broker: the nodes that know
 * better publish over it, so that a node that hears the household only there is not misled.
 */
describeNeeding(['mosquitto'], 'stale and foreign values on the broker', () => {
  // Its watcher is the stranger: it publishes what a stranger would, and sees what the nodes do.
  const mqtt = brokerPerSuite({ watch: ['cat-litter-reminder/#'] });
  let house: NodeProcess;
  let ours: string;

  /** What a subscriber that comes now is given as retained on `topic`. */
  const retained = async (topic: string): Promise<string | undefined> => {
    const fresh = await Watcher.connect(mqtt.broker.url, [topic]);
    try {
      await until(() => fresh.messages.length > 0, `the retained ${topic}`, 2_000).catch(() => undefined);
      return fresh.latest(topic)?.payload;
    } finally {
      await fresh.close();
    }
  };

  beforeAll(async () => {
    // Two hours ago: what the house holds, and publishes.
    ours = rfc(Date.now() - 2 * HOUR);
    fs.mkdirSync(path.join(mqtt.temp.dir, 'house'));
    fs.writeFileSync(path.join(mqtt.temp.dir, 'house', 'state'), ours);
    house = mqtt.start('house');
    await mqtt.watcher.waitFor((m) => m.topic === HOUSEHOLD && m.payload === ours, 'the house’s time on the broker');
  });

  it.each([
    ['an older time', () => rfc(Date.now() - 30 * HOUR)],
    ['no time at all', () => 'yesterday, I think'],
    ['a time far ahead', () => rfc(Date.now() + 48 * HOUR)],
    ['20 KiB', () => `2026-01-01T00:00:00+00:00${' '.repeat(20 * 1024)}`],
  ])('publishes its own time over %s retained on the household topic', async (_, stale) => {
    const before = Date.now();
    await mqtt.watcher.publish(HOUSEHOLD, stale(), true);
    await mqtt.watcher.waitFor(
      (m) => m.topic === HOUSEHOLD && m.at >= before && m.payload === ours,
      'the house’s time published again',
    );
    expect(await retained(HOUSEHOLD)).toBe(ours);
    expect(house.running()).toBe(true);
  });

  it('teaches a node that hears the household only on the broker its time, not a stale one left there', async () => {
    await mqtt.watcher.publish(HOUSEHOLD, rfc(Date.now() - 30 * HOUR), true);
    const far = mqtt.start('far', ['--no-mdns']);
    const learned = await far.waitFor(
      (r) => r.event === 'time.changed' && r.lastCleaned === ours,
      'the house’s time in the far node',
    );
    expect(learned.reason).toBe('adopted');
    await far.waitFor((r) => r.event === 'level' && r.reminderLevel === 'fresh', 'fresh, not overdue');
  });

  it('re-asserts its own availability and state when someone else overwrites them, and says so', async () => {
    const id = fs.readFileSync(path.join(mqtt.temp.dir, 'house', 'instance-id'), 'utf8').trim();
    const availability = `cat-litter-reminder/${id}/availability`;
    const state = `cat-litter-reminder/${id}/state`;
    const before = Date.now();
    await mqtt.watcher.publish(availability, 'offline', true);
    await mqtt.watcher.publish(state, '{"lastCleaned":null,"level":"overdue","due":true}', true);
    await mqtt.watcher.waitFor(
      (m) => m.topic === availability && m.at >= before && m.payload === 'online',
      'online again',
    );
    await mqtt.watcher.waitFor(
      (m) => m.topic === state && m.at >= before && m.payload.includes(`"lastCleaned":"${ours}"`),
      'its state again',
    );
    expect(await retained(availability)).toBe('online');
    const warnings = house.records.filter((r) => r.event === 'mqtt.overwritten');
    expect(warnings.map((r) => r.topic)).toEqual([availability, state]);
  });
});
