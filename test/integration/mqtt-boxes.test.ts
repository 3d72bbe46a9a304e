import * as fs from 'node:fs';
import * as path from 'node:path';
import { boxIdOf } from '../../src/mqtt/box-devices';
import { Watcher, type Received } from '../support/mosquitto';
import { brokerPerSuite } from '../support/broker-suite';
import { type NodeProcess } from '../support/node-process';
import { pastTheBurst } from '../support/press-burst';
import { until } from '../support/until';
import { describeNeeding } from '../support/requirements';

const PREFIX = 'cat-litter-reminder/household';
const boxConfigs = (watcher: Watcher, box: string) =>
  watcher.messages.filter(
    (m) => m.topic.includes(`/cat_litter_reminder_box_${boxIdOf(box)}/`) && m.topic.endsWith('/config'),
  );
const latestJson = (watcher: Watcher, topic: string) =>
  JSON.parse(watcher.latest(topic)?.payload ?? 'null') as Record<string, unknown> | null;

/*
 * Three nodes on a real Mosquitto, as Home Assistant sees them: the hall shows upstairs and
 * the basement, the landing upstairs, the kitchen the default box. Each box is one device,
 * the same from every node that shows it; its buttons reach one of those nodes.
 */
describeNeeding(['mosquitto'], 'a device per box on a real Mosquitto', () => {
  const mqtt = brokerPerSuite({ watch: ['#'] });
  let hall: NodeProcess;
  /** The basement's first cleaning, RFC 3339: a press within the burst after it would be the same cleaning. */
  let firstBasement = '';

  const connected = (node: NodeProcess) => node.waitFor((r) => r.event === 'mqtt.connected', 'connected');

  it('announces one device per box, byte for byte the same from every node that shows it', async () => {
    // Anna cleaned upstairs an hour ago, as the hall's history says.
    fs.mkdirSync(path.join(mqtt.temp.dir, 'hall'), { recursive: true });
    const anHourAgo = new Date(Math.floor(Date.now() / 1000 - 3600) * 1000).toISOString().replace('.000Z', '+00:00');
    const anna = { at: anHourAgo, source: 'web', node: 'hall', box: 'upstairs', by: 'Anna' };
    fs.writeFileSync(path.join(mqtt.temp.dir, 'hall', 'history.jsonl'), `${JSON.stringify(anna)}\n`);
    hall = mqtt.start('hall', ['--boxes', 'upstairs,basement', '--people', 'Anna,Ben']);
    await connected(hall);
    await mqtt.watcher.waitFor(() => boxConfigs(mqtt.watcher, 'upstairs').length === 6, 'the hall’s upstairs device');
    await mqtt.watcher.waitFor(() => boxConfigs(mqtt.watcher, 'basement').length === 6, 'the hall’s basement device');
    const landing = mqtt.start('landing', ['--box', 'upstairs']);
    const kitchen = mqtt.start('kitchen', []);
    await connected(landing);
    await connected(kitchen);
    await mqtt.watcher.waitFor(
      () => boxConfigs(mqtt.watcher, 'upstairs').length === 12,
      'the landing’s upstairs device too',
    );
    await mqtt.watcher.waitFor(
      () => boxConfigs(mqtt.watcher, 'litter box').length === 6,
      'the kitchen’s default box device',
    );
    // Twice each, from two nodes, alike: one device in Home Assistant.
    const byTopic = new Map<string, Set<string>>();
    for (const m of boxConfigs(mqtt.watcher, 'upstairs'))
      byTopic.set(m.topic, (byTopic.get(m.topic) ?? new Set()).add(m.payload));
    expect(byTopic.size).toBe(6);
    for (const payloads of byTopic.values()) expect(payloads.size).toBe(1);
    const configs = [...byTopic.values()].map((payloads) => JSON.parse([...payloads][0]) as Record<string, unknown>);
    expect(configs.every((config) => (config.device as { name: string }).name === 'upstairs')).toBe(true);
    expect(configs.map((config) => config.name).sort()).toEqual(
      ['Cleaned now', 'Due', 'Last cleaned', 'Last cleaned by', 'Level', 'Undo last cleaning'].sort(),
    );
    // Nobody announced a box nobody shows; the kitchen did not announce upstairs.
    expect(mqtt.watcher.messages.some((m) => m.topic.includes(`_box_${boxIdOf('attic')}/`))).toBe(false);
    // Retained, for a Home Assistant that connects later.
    const late = await Watcher.connect(mqtt.broker.url, [
      `homeassistant/+/cat_litter_reminder_box_${boxIdOf('upstairs')}/+/config`,
    ]);
    await late.waitFor(() => late.messages.length === 6, 'the retained discovery messages');
    expect(late.messages.every((m: Received) => m.retain)).toBe(true);
    await late.close();
    // Each node's own "Cleaned now" is its own box's.
    const buttons = mqtt.watcher.messages.filter((m) =>
      /cat_litter_reminder_[0-9a-f]{4}\/clean\/config$/.test(m.topic),
    );
    const commandTopics = buttons.map((m) => (JSON.parse(m.payload) as { command_topic: string }).command_topic);
    expect(new Set(commandTopics)).toEqual(new Set([`${PREFIX}/upstairs/clean`, `${PREFIX}/clean`]));
  });

  it('records “Cleaned now” of a box on a node that shows it, puts its time on its own topic, and takes it back', async () => {
    const kitchenTime = mqtt.watcher.latest(`${PREFIX}/last_cleaned`)?.payload;
    await mqtt.watcher.publish(`${PREFIX}/basement/clean`, 'PRESS');
    const time = await mqtt.watcher.waitFor(
      (m) => m.topic === `${PREFIX}/basement/last_cleaned` && m.payload !== '',
      'the basement’s time',
    );
    expect(time.payload).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    firstBasement = time.payload;
    await until(() => latestJson(mqtt.watcher, `${PREFIX}/basement/state`)?.lastCleaned === time.payload, 'its state');
    expect(latestJson(mqtt.watcher, `${PREFIX}/basement/state`)).toMatchObject({
      level: 'fresh',
      due: false,
      by: null,
    });
    // The default box's time is another box's: untouched.
    expect(mqtt.watcher.latest(`${PREFIX}/last_cleaned`)?.payload).toBe(kitchenTime);

    // Retained: an automation that subscribes later reads it.
    const late = await Watcher.connect(mqtt.broker.url, [`${PREFIX}/basement/last_cleaned`]);
    const retained = await late.waitFor(() => true, 'the retained time');
    expect(retained).toMatchObject({ payload: time.payload, retain: true });
    await late.close();

    // Undo of the basement from Home Assistant: its time is gone again.
    await mqtt.watcher.publish(`${PREFIX}/basement/undo`, 'PRESS');
    await until(
      () => latestJson(mqtt.watcher, `${PREFIX}/basement/state`)?.lastCleaned === null,
      'the undo in the state',
    );
    await until(() => mqtt.watcher.latest(`${PREFIX}/basement/last_cleaned`)?.payload === '', 'the time topic cleared');
    // Nothing more to take back: said, and nothing changes.
    await mqtt.watcher.publish(`${PREFIX}/basement/undo`, 'PRESS');
    const refused = await hall.waitFor((r) => r.event === 'mqtt.undo-refused', 'the refusal');
    expect(refused).toMatchObject({ box: 'basement', reason: 'nothing' });
  });

  it('refuses what is not one of ours on a box’s topics, and publishes its own time over it', async () => {
    // The basement: the hall alone shows it, so the hall alone answers.
    await pastTheBurst(firstBasement);
    await mqtt.watcher.publish(`${PREFIX}/basement/clean`, 'PRESS');
    await until(
      () => Boolean(latestJson(mqtt.watcher, `${PREFIX}/basement/state`)?.lastCleaned),
      'a time in the basement',
    );
    const ours = String(latestJson(mqtt.watcher, `${PREFIX}/basement/state`)?.lastCleaned);
    await mqtt.watcher.publish(`${PREFIX}/basement/last_cleaned`, 'yesterday', true);
    const ignored = await hall.waitFor(
      (r) => r.event === 'mqtt.ignored' && r.topic === `${PREFIX}/basement/last_cleaned`,
      'the warning',
    );
    expect(String(ignored.problem)).toContain('is not an RFC 3339 time');
    await until(() => mqtt.watcher.latest(`${PREFIX}/basement/last_cleaned`)?.payload === ours, 'ours over it');
    // An older time too; a later one is left for the history to bring.
    const olderAt = Date.now();
    await mqtt.watcher.publish(`${PREFIX}/basement/last_cleaned`, '2026-01-01T00:00:00+00:00', true);
    // At most every 5 s a topic: one who keeps overwriting gets no flood.
    await mqtt.watcher.waitFor(
      (m) => m.topic === `${PREFIX}/basement/last_cleaned` && m.payload === ours && m.at > olderAt,
      'ours over the older one',
    );

    await mqtt.watcher.publish(`${PREFIX}/basement/clean`, 'x'.repeat(20 * 1024));
    await hall.waitFor(
      (r) => r.event === 'mqtt.ignored' && String(r.problem).includes('more than the 16384 taken'),
      'the large press refused',
    );
    await mqtt.watcher.publish(`${PREFIX}/basement/undo`, 'UNDO');
    await hall.waitFor((r) => r.event === 'mqtt.ignored' && String(r.problem).includes('is not PRESS'), 'not PRESS');
    expect(latestJson(mqtt.watcher, `${PREFIX}/basement/state`)?.lastCleaned).toBe(ours);
  });

  it('puts the default box’s earlier time back on the household’s topic after an undo', async () => {
    // The kitchen alone shows the default box: its "Cleaned now" is the household's, as before boxes.
    await mqtt.watcher.publish(`${PREFIX}/clean`, 'PRESS');
    const first = await mqtt.watcher.waitFor((m) => m.topic === `${PREFIX}/last_cleaned`, 'the household’s time');
    await pastTheBurst(first.payload);
    await mqtt.watcher.publish(`${PREFIX}/clean`, 'PRESS');
    const second = await mqtt.watcher.waitFor(
      (m) => m.topic === `${PREFIX}/last_cleaned` && m.payload > first.payload,
      'a later time',
    );
    await mqtt.watcher.publish(`${PREFIX}/litter_box/undo`, 'PRESS');
    await mqtt.watcher.waitFor(
      (m) => m.topic === `${PREFIX}/last_cleaned` && m.payload === first.payload && m.at > second.at,
      'the earlier time again',
    );
    await until(
      () => latestJson(mqtt.watcher, `${PREFIX}/litter_box/state`)?.lastCleaned === first.payload,
      'its state',
    );
  });

  it('says who cleaned a box: its “Last cleaned by”', async () => {
    // From the hall, which knows it (the landing, which no peer told, says null: here they share no history).
    const state = await mqtt.watcher.waitFor(
      (m) => m.topic === `${PREFIX}/upstairs/state` && m.payload.includes('"by":"Anna"'),
      'Anna on upstairs',
    );
    expect(JSON.parse(state.payload)).toMatchObject({ level: 'fresh', by: 'Anna' });
    const sensor = boxConfigs(mqtt.watcher, 'upstairs').find(
      (m) => m.topic.includes('/sensor/') && m.topic.includes('/by/'),
    );
    expect(JSON.parse(sensor?.payload ?? '{}')).toMatchObject({
      name: 'Last cleaned by',
      state_topic: `${PREFIX}/upstairs/state`,
    });
  });
});
