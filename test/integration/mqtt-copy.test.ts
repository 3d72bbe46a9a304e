import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeNeeding } from '../support/requirements';
import { brokerPerSuite } from '../support/broker-suite';
import { NodeProcess, stateFileAged } from '../support/node-process';
import { HOUR } from '../support/time';

/*
 * A copy of a node's state folder (a cloned SD card: here a copied folder on this
 * machine, which is somewhere else all the same) comes with the node's instance id.
 */
describeNeeding(['mosquitto'], 'a copy of a node on the broker', () => {
  const mqtt = brokerPerSuite({ watch: ['#'] });
  const start = (folder: string) => {
    const node = new NodeProcess([
      '--state-file',
      path.join(folder, 'state'),
      '--quiet-hours',
      'off',
      '--mqtt',
      mqtt.broker.url,
    ]);
    mqtt.nodes.push(node);
    return node;
  };
  const idIn = (folder: string) => fs.readFileSync(path.join(folder, 'instance-id'), 'utf8').trim();

  it('takes a new id, says so, publishes nothing under the original’s, and its last will is its own', async () => {
    const original = path.join(mqtt.temp.dir, 'original');
    stateFileAged(path.join(original, 'state'), HOUR);
    const first = start(original);
    await first.waitFor((r) => r.event === 'mqtt.connected', 'the original connected');
    const id = idIn(original);
    const availability = `cat-litter-reminder/${id}/availability`;
    await mqtt.watcher.waitFor((m) => m.topic === `cat-litter-reminder/${id}/session`, 'the original’s session');
    await mqtt.watcher.waitFor((m) => m.topic === availability && m.payload === 'online', 'the original online');

    // The folder copied while the node runs, its lock and instance-id with it.
    const copied = path.join(mqtt.temp.dir, 'copy');
    fs.cpSync(original, copied, { recursive: true });
    const since = Date.now();
    const copy = start(copied);
    const renewed = await copy.waitFor((r) => r.event === 'identity.renewed', 'the new id');
    const fresh = String(renewed.to);
    expect(renewed).toMatchObject({ from: id, to: expect.stringMatching(/^[0-9a-f]{4}$/) });
    expect(fresh).not.toBe(id);
    expect(idIn(copied)).toBe(fresh);
    await mqtt.watcher.waitFor(
      (m) => m.topic === `cat-litter-reminder/${fresh}/availability` && m.payload === 'online',
      'the copy online under its new id',
    );
    await mqtt.watcher.waitFor(
      (m) => m.topic.startsWith(`homeassistant/sensor/cat_litter_reminder_${fresh}/`) && m.at >= since,
      'the copy’s own device',
    );

    // Killed, the copy's will speaks for the copy only.
    copy.kill('SIGKILL');
    await copy.exited;
    await mqtt.watcher.waitFor(
      (m) => m.topic === `cat-litter-reminder/${fresh}/availability` && m.payload === 'offline',
      'the copy’s will',
      60_000,
    );
    const onOriginals = mqtt.watcher.messages.filter(
      (m) => m.at >= since && m.topic.startsWith(`cat-litter-reminder/${id}/`),
    );
    expect(onOriginals).toEqual([]);
    expect(first.records.some((r) => r.event === 'identity.renewed' || r.event === 'mqtt.overwritten')).toBe(false);
    expect(first.running()).toBe(true);
  }, 90_000);
});
