import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasMosquitto, Mosquitto, Watcher } from '../support/mosquitto';
import { NodeProcess, stopAll, tempDir } from '../support/node-process';
import { until } from '../support/until';
import { HOUR } from '../support/time';

const HOUSEHOLD = 'cat-litter-reminder/household/last_cleaned';
const rfc = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');

/*
 * What a stranger (or a node's stale copy) leaves on the broker: the nodes that know
 * better publish over it, so that a node that hears the household only there is not misled.
 */
(hasMosquitto() ? describe : describe.skip)('stale and foreign values on the broker', () => {
  let temp: ReturnType<typeof tempDir>;
  let broker: Mosquitto;
  let stranger: Watcher;
  const nodes: NodeProcess[] = [];
  let house: NodeProcess;
  let ours: string;

  const start = (name: string, args: string[] = []) => {
    const node = new NodeProcess([
      ...['--name', name, '--state-file', path.join(temp.dir, name, 'state'), '--quiet-hours', 'off'],
      ...['--mqtt', broker.url, ...args],
    ]);
    nodes.push(node);
    return node;
  };
  /** What a subscriber that comes now is given as retained on `topic`. */
  const retained = async (topic: string): Promise<string | undefined> => {
    const fresh = await Watcher.connect(broker.url, [topic]);
    try {
      await until(() => fresh.messages.length > 0, `the retained ${topic}`, 2_000).catch(() => undefined);
      return fresh.latest(topic)?.payload;
    } finally {
      await fresh.close();
    }
  };

  beforeAll(async () => {
    temp = tempDir();
    broker = new Mosquitto(path.join(temp.dir, 'broker'));
    await broker.start();
    stranger = await Watcher.connect(broker.url, ['cat-litter-reminder/#']);
    // Two hours ago: what the house holds, and publishes.
    ours = rfc(Date.now() - 2 * HOUR);
    fs.mkdirSync(path.join(temp.dir, 'house'));
    fs.writeFileSync(path.join(temp.dir, 'house', 'state'), ours);
    house = start('house');
    await stranger.waitFor((m) => m.topic === HOUSEHOLD && m.payload === ours, 'the house’s time on the broker');
  });
  afterAll(async () => {
    await stopAll(nodes);
    await stranger?.close();
    await broker?.stop();
    temp?.remove();
  });

  it.each([
    ['an older time', () => rfc(Date.now() - 30 * HOUR)],
    ['no time at all', () => 'yesterday, I think'],
    ['a time far ahead', () => rfc(Date.now() + 48 * HOUR)],
    ['20 KiB', () => `2026-01-01T00:00:00+00:00${' '.repeat(20 * 1024)}`],
  ])('publishes its own time over %s retained on the household topic', async (_, stale) => {
    const before = Date.now();
    await stranger.publish(HOUSEHOLD, stale(), true);
    await stranger.waitFor(
      (m) => m.topic === HOUSEHOLD && m.at >= before && m.payload === ours,
      'the house’s time published again',
    );
    expect(await retained(HOUSEHOLD)).toBe(ours);
    expect(house.running()).toBe(true);
  });

  it('teaches a node that hears the household only on the broker its time, not a stale one left there', async () => {
    await stranger.publish(HOUSEHOLD, rfc(Date.now() - 30 * HOUR), true);
    const far = start('far', ['--no-mdns']);
    const learned = await far.waitFor(
      (r) => r.event === 'time.changed' && r.lastCleaned === ours,
      'the house’s time in the far node',
    );
    expect(learned.reason).toBe('adopted');
    await far.waitFor((r) => r.event === 'level' && r.reminderLevel === 'fresh', 'fresh, not overdue');
  });

  it('re-asserts its own availability and state when someone else overwrites them, and says so', async () => {
    const id = fs.readFileSync(path.join(temp.dir, 'house', 'instance-id'), 'utf8').trim();
    const availability = `cat-litter-reminder/${id}/availability`;
    const state = `cat-litter-reminder/${id}/state`;
    const before = Date.now();
    await stranger.publish(availability, 'offline', true);
    await stranger.publish(state, '{"lastCleaned":null,"level":"overdue","due":true}', true);
    await stranger.waitFor((m) => m.topic === availability && m.at >= before && m.payload === 'online', 'online again');
    await stranger.waitFor(
      (m) => m.topic === state && m.at >= before && m.payload.includes(`"lastCleaned":"${ours}"`),
      'its state again',
    );
    expect(await retained(availability)).toBe('online');
    const warnings = house.records.filter((r) => r.event === 'mqtt.overwritten');
    expect(warnings.map((r) => r.topic)).toEqual([availability, state]);
  });
});
