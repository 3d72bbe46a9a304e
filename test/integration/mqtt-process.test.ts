import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { LEVELS } from '../../common/levels';
import { Watcher, type Received } from '../support/mosquitto';
import { brokerPerSuite } from '../support/broker-suite';
import { until } from '../support/until';
import { freeUdpPort, NodeProcess, runCli, type LogRecord } from '../support/node-process';
import { pastTheBurst } from '../support/press-burst';
import { describeNeeding } from '../support/requirements';

const configs = (watcher: Watcher, since = 0) =>
  watcher.messages.filter((m) => m.at >= since && m.topic.startsWith('homeassistant/') && m.topic.endsWith('/config'));
const stateOf = (message: Received | undefined) =>
  message ? (JSON.parse(message.payload) as { lastCleaned: string | null; level: string; due: boolean }) : undefined;
const isPress = (r: LogRecord) => r.event === 'time.changed' && r.reason === 'press';

describeNeeding(['mosquitto'], 'a node on a real Mosquitto, as Home Assistant sees it', () => {
  const mqtt = brokerPerSuite({ watch: ['#'] });

  const connected = (node: NodeProcess, after = 0) =>
    node.waitFor((r) => r.event === 'mqtt.connected' && Number(r.time) >= after, 'connected to the broker');
  /** The node's topic id: the four hex digits of its instance id. */
  const idOf = (name: string) => fs.readFileSync(path.join(mqtt.temp.dir, name, 'instance-id'), 'utf8').trim();

  it('announces a device of four entities by retained discovery messages, stable across a restart', async () => {
    let kitchen = mqtt.start('kitchen');
    await connected(kitchen);
    const id = idOf('kitchen');
    const availability = `cat-litter-reminder/${id}/availability`;
    await mqtt.watcher.waitFor((m) => m.topic === `cat-litter-reminder/${id}/state`, 'the state');
    await mqtt.watcher.waitFor((m) => m.topic === availability && m.payload === 'online', 'online');
    const first = configs(mqtt.watcher).filter((m) => m.topic.includes(id));
    expect(first.map((m) => m.topic).sort()).toEqual(
      [
        `homeassistant/binary_sensor/cat_litter_reminder_${id}/due/config`,
        `homeassistant/button/cat_litter_reminder_${id}/clean/config`,
        `homeassistant/sensor/cat_litter_reminder_${id}/last_cleaned/config`,
        `homeassistant/sensor/cat_litter_reminder_${id}/level/config`,
      ].sort(),
    );
    const state = JSON.parse(mqtt.watcher.latest(`cat-litter-reminder/${id}/state`)?.payload ?? '{}') as object;
    const payloads = first.map((m) => JSON.parse(m.payload) as Record<string, unknown>);
    for (const config of payloads) {
      // What Home Assistant's MQTT integration requires and reads.
      expect(config).toMatchObject({
        name: expect.any(String),
        unique_id: expect.stringMatching(/^cat-litter-reminder-[0-9a-f]{4}-/),
        availability_topic: availability,
        payload_available: 'online',
        payload_not_available: 'offline',
        device: {
          identifiers: [`cat-litter-reminder-${id}`],
          name: 'kitchen',
          model: expect.any(String),
          sw_version: expect.stringMatching(/^\d+\.\d+\.\d+/),
          configuration_url: expect.stringMatching(/^http:\/\/.+:\d+\/$/),
        },
        origin: { name: 'cat-litter-reminder', sw_version: expect.any(String) },
      });
      if (config.command_topic === undefined) expect(config.state_topic).toBe(`cat-litter-reminder/${id}/state`);
      // Home Assistant's current option (2025.10 on): the entity id with its domain; object_id is gone.
      expect(config).not.toHaveProperty('object_id');
      const component = first[payloads.indexOf(config)].topic.split('/')[1];
      expect(config.default_entity_id).toMatch(new RegExp(`^${component}\\.kitchen_[a-z0-9_]+$`));
      // Every field a template reads is in the state.
      for (const [, field] of (typeof config.value_template === 'string' ? config.value_template : '').matchAll(
        /value_json\.(\w+)/g,
      )) {
        expect(Object.keys(state)).toContain(field);
      }
    }
    expect(new Set(payloads.map((config) => config.unique_id)).size).toBe(4);
    expect(payloads.find((config) => config.device_class === 'enum')?.options).toEqual([...LEVELS]);
    expect(payloads.find((config) => config.device_class === 'timestamp')?.name).toBe('Last cleaned');
    expect(payloads.find((config) => config.device_class === 'problem')?.name).toBe('Litter box due');
    expect(payloads.find((config) => config.command_topic)?.name).toBe('Cleaned now');
    // Retained: Home Assistant, connecting later, gets them all.
    const late = await Watcher.connect(mqtt.broker.url, [`homeassistant/+/cat_litter_reminder_${id}/+/config`]);
    await late.waitFor(() => late.messages.length === 4, 'the retained discovery messages');
    expect(late.messages.every((m) => m.retain)).toBe(true);
    await late.close();

    // A restart: the same device and entities.
    const stoppedAt = Date.now();
    kitchen.kill('SIGTERM');
    await kitchen.exited;
    await mqtt.watcher.waitFor(
      (m) => m.topic === availability && m.payload === 'offline' && m.at >= stoppedAt,
      'offline',
    );
    const restartedAt = Date.now();
    kitchen = mqtt.start('kitchen');
    await connected(kitchen);
    // The node's own device; its box's device (the default box) comes beside it (mqtt-boxes.test.ts).
    const own = (since: number) => configs(mqtt.watcher, since).filter((m) => m.topic.includes(`_${id}/`));
    await mqtt.watcher.waitFor(() => own(restartedAt).length === 4, 'the discovery messages again');
    const again = own(restartedAt).map((m) => JSON.parse(m.payload) as { unique_id: string });
    expect(again.map((config) => config.unique_id).sort()).toEqual(payloads.map((config) => config.unique_id).sort());
  });

  it('publishes a press as the "Last cleaned" state within a second, retained', async () => {
    const kitchen = mqtt.nodes[mqtt.nodes.length - 1];
    const id = idOf('kitchen');
    await pastTheBurst();
    const pressedAt = Date.now();
    kitchen.press();
    const pressed = await kitchen.waitFor((r) => isPress(r) && Number(r.time) >= pressedAt, 'the press');
    const state = await mqtt.watcher.waitFor(
      (m) => m.topic === `cat-litter-reminder/${id}/state` && stateOf(m)?.lastCleaned === pressed.lastCleaned,
      'the new state',
    );
    expect(state.at - pressedAt).toBeLessThan(1000);
    // One message with the new time and its level: never the time with the old level.
    expect(stateOf(state)).toMatchObject({ level: 'fresh', due: false });
    // The household's topic is published right after the node's state: a message of its own.
    await until(
      () => mqtt.watcher.latest('cat-litter-reminder/household/last_cleaned')?.payload === pressed.lastCleaned,
      "the press on the household's topic",
    );
    // Once per change: nothing more while the level stays.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const since = mqtt.watcher.messages.filter(
      (m) => m.at >= pressedAt && m.topic === `cat-litter-reminder/${id}/state`,
    );
    expect(since).toHaveLength(1);
  });

  it('records one cleaning for a press of "Cleaned now", however many nodes listen', async () => {
    // Two more nodes. None shares UDP with another: the broker's household time joins them.
    const kitchen = mqtt.nodes[mqtt.nodes.length - 1];
    const hall = mqtt.start('hall');
    const attic = mqtt.start('attic');
    await Promise.all([connected(hall), connected(attic)]);
    await pastTheBurst();
    const askedAt = Date.now();
    await mqtt.watcher.publish('cat-litter-reminder/household/clean', 'PRESS');
    const everyone = [kitchen, hall, attic];
    const recorded = await Promise.race(
      everyone.map((node) => node.waitFor((r) => isPress(r) && Number(r.time) >= askedAt, 'the cleaning')),
    );
    expect(recorded.source).toBe('mqtt');
    // Every node holds it (through the broker's household time), and no second one follows.
    await Promise.all(
      everyone.map((node) =>
        node.waitFor((r) => r.event === 'time.changed' && r.lastCleaned === recorded.lastCleaned, 'the new time'),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const changes = everyone.flatMap((node) =>
      node.records.filter((r) => r.event === 'time.changed' && Number(r.time) >= askedAt),
    );
    expect(changes.filter(isPress)).toHaveLength(1);
    expect(new Set(changes.map((r) => r.lastCleaned))).toEqual(new Set([recorded.lastCleaned]));
  });

  it('goes offline by its last will when killed, and publishes everything again at Home Assistant’s birth', async () => {
    const attic = mqtt.nodes[mqtt.nodes.length - 1];
    const atticId = idOf('attic');
    const killedAt = Date.now();
    attic.kill('SIGKILL');
    await mqtt.watcher.waitFor(
      (m) => m.topic === `cat-litter-reminder/${atticId}/availability` && m.payload === 'offline' && m.at >= killedAt,
      'the last will',
      5_000,
    );
    const hallId = idOf('hall');
    const bornAt = Date.now();
    await mqtt.watcher.publish('homeassistant/status', 'online');
    await mqtt.watcher.waitFor(
      () => configs(mqtt.watcher, bornAt).filter((m) => m.topic.includes(hallId)).length === 4,
      'the discovery messages after the birth',
      5_000,
    );
    await mqtt.watcher.waitFor(
      (m) => m.at >= bornAt && m.topic === `cat-litter-reminder/${hallId}/state`,
      'the state after the birth',
    );
  });

  it('rides out a broker restart: one warning, then connected again and everything republished', async () => {
    const hall = mqtt.nodes[mqtt.nodes.length - 2];
    const hallId = idOf('hall');
    // The burst of the last press is waited out before the broker goes, not while it is down: each
    // failed attempt doubles the wait before the next (attempts 1, 3, 7, 15 s after the loss), so the
    // node may take as long to try again as the broker was down, and down for the burst too (some
    // 12 s), the node could find it back only near the end of the 10 s given to it below.
    const held = hall.records.filter((r) => r.event === 'time.changed').at(-1);
    if (held) await pastTheBurst(String(held.lastCleaned));
    const stoppedAt = Date.now();
    await mqtt.broker.stop();
    await hall.waitFor((r) => r.event === 'mqtt.unavailable' && Number(r.time) >= stoppedAt, 'the warning');
    hall.press(); // the node runs on without the broker
    await hall.waitFor((r) => isPress(r) && Number(r.time) >= stoppedAt, 'a press meanwhile');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const restartedAt = Date.now();
    await mqtt.broker.start();
    await connected(hall, restartedAt);
    // The broker lost every retained message: the node's come back.
    await mqtt.watcher.waitFor(
      () => configs(mqtt.watcher, restartedAt).filter((m) => m.topic.includes(hallId)).length === 4,
      'the discovery messages after the restart',
      15_000,
    );
    const warnings = hall.records.filter((r) => r.event === 'mqtt.unavailable' && Number(r.time) >= stoppedAt);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].broker).toBe(mqtt.broker.url);
  }, 30_000);

  it('gives Home Assistant no link to a page when its page port is another program’s', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
    try {
      const port = (taken.address() as net.AddressInfo).port;
      const garage = mqtt.start('garage', ['--http-port', String(port)]);
      await garage.waitFor((r) => r.event === 'http.error', 'the page refused');
      await connected(garage);
      const id = idOf('garage');
      await mqtt.watcher.waitFor(
        () => configs(mqtt.watcher).filter((m) => m.topic.includes(id)).length === 4,
        'its discovery',
      );
      for (const message of configs(mqtt.watcher).filter((m) => m.topic.includes(id))) {
        const config = JSON.parse(message.payload) as { device: Record<string, unknown> };
        expect(config.device.name).toBe('garage');
        expect(config.device).not.toHaveProperty('configuration_url');
      }
    } finally {
      taken.close();
    }
  });
});

describeNeeding(['mosquitto'], 'a node and a broker that wants a password', () => {
  const mqtt = brokerPerSuite({ users: { cat: 'right-password' } });

  const passwordFile = (password: string) => {
    const file = path.join(mqtt.temp.dir, `password-${password}`);
    fs.writeFileSync(file, `${password}\n`);
    return file;
  };
  const url = () => mqtt.broker.url.replace('//', '//cat@');

  it('connects with the password from its file', async () => {
    const node = new NodeProcess([
      ...['--mqtt', url(), '--mqtt-password-file', passwordFile('right-password')],
      ...['--state-file', path.join(mqtt.temp.dir, 'right', 'state')],
    ]);
    mqtt.nodes.push(node);
    await node.waitFor((r) => r.event === 'mqtt.connected', 'connected');
  });

  it('says once that the credentials were refused, never the password, and runs on', async () => {
    const node = new NodeProcess([
      ...['--mqtt', url(), '--mqtt-password-file', passwordFile('wrong-password')],
      ...['--state-file', path.join(mqtt.temp.dir, 'wrong', 'state')],
    ]);
    mqtt.nodes.push(node);
    const warning = await node.waitFor((r) => r.event === 'mqtt.unavailable', 'the warning');
    expect(String(warning.problem)).toMatch(/refused our credentials/);
    // Tried again after 1 s and 2 s: still one warning.
    await until(() => mqtt.broker.log.join('').split('not authorised').length - 1 >= 3, 'two more attempts', 10_000);
    node.press();
    await node.waitFor(isPress, 'a press all the same');
    expect(node.records.filter((r) => r.event === 'mqtt.unavailable')).toHaveLength(1);
    expect(JSON.stringify(node.records)).not.toContain('wrong-password');
  });

  it('exits with status 2 naming a password file it cannot read, before anything starts', async () => {
    const missing = path.join(mqtt.temp.dir, 'no-such-file');
    const result = await runCli([
      'run',
      '--hardware',
      'sim',
      '--no-mdns',
      '--port',
      String(freeUdpPort()),
      '--mqtt',
      url(),
      '--mqtt-password-file',
      missing,
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(missing);
    expect(result.stdout).toBe('');
  });
});

describe('a node without --mqtt', () => {
  it('loads nothing of MQTT.js until a node runs with --mqtt', () => {
    // The built node, as `run` loads it: MQTT.js comes in only when its bridge starts.
    const script =
      "require('./dist/src/node/create-node.js');" +
      "process.stdout.write(String(Object.keys(require.cache).some((file) => file.includes('node_modules/mqtt/'))))";
    expect(
      execFileSync(process.execPath, ['-e', script], { cwd: path.resolve(__dirname, '..', '..'), encoding: 'utf8' }),
    ).toBe('false');
  });
});
