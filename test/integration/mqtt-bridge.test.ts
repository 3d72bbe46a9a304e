import { Watcher } from '../support/mosquitto';
import { brokerPerSuite } from '../support/broker-suite';
import { freeUdpPort, type NodeProcess, type LogRecord } from '../support/node-process';
import { pastTheBurst } from '../support/press-burst';
import { describeNeeding } from '../support/requirements';
import { HOUR } from '../support/time';

/*
 * Nodes that UDP cannot join (--no-mdns, no --peer: another VLAN, a garage on its own
 * Wi-Fi) agree through the broker alone; a node behind one of them, on UDP only, follows.
 */
describeNeeding(['mosquitto'], 'the broker as a bridge between networks', () => {
  const mqtt = brokerPerSuite();

  const holds = (node: NodeProcess, time: unknown, what: string) =>
    node.waitFor((r) => r.event === 'time.changed' && r.lastCleaned === time, what, 5_000);
  const pressOn = async (node: NodeProcess, after: number): Promise<LogRecord> => {
    node.press();
    return node.waitFor(
      (r) => r.event === 'time.changed' && r.reason === 'press' && Number(r.time) >= after,
      'a press',
    );
  };

  it('joins two nodes both ways, passes the time on over UDP, and teaches a node started later', async () => {
    // The garage's node on the broker, and behind it a node on its UDP only.
    const shedPort = freeUdpPort();
    const garagePort = freeUdpPort();
    const house = mqtt.start('house');
    const garage = mqtt.start('garage', ['--port', String(garagePort), '--peer', `127.0.0.1:${shedPort}`]);
    const shed = mqtt.start('shed', ['--port', String(shedPort), '--peer', `127.0.0.1:${garagePort}`], { mqtt: false });
    for (const node of [house, garage]) await node.waitFor((r) => r.event === 'mqtt.connected', 'connected');

    const first = await pressOn(house, 0);
    const adopted = await holds(garage, first.lastCleaned, 'the house’s press in the garage');
    expect(adopted.reason).toBe('adopted');
    await holds(shed, first.lastCleaned, 'the house’s press in the shed, over UDP from the garage');

    await pastTheBurst();
    const second = await pressOn(shed, Date.now());
    await holds(garage, second.lastCleaned, 'the shed’s press in the garage');
    await holds(house, second.lastCleaned, 'the shed’s press in the house, through the broker');

    // A new node learns the household's time from the retained message.
    const attic = mqtt.start('attic');
    // Its start is not what is measured: the time comes with the retained message once it is on the broker.
    await attic.waitFor((r) => r.event === 'mqtt.connected', 'the attic connected');
    const learned = await holds(attic, second.lastCleaned, 'the household’s time in the attic');
    expect(learned.reason).toBe('adopted');
  });

  it('refuses a time on the broker more than 10 minutes ahead, and keeps its own', async () => {
    const house = mqtt.nodes[0];
    const ahead = new Date(Date.now() + 2 * HOUR).toISOString().replace(/\.\d+Z$/, '+00:00');
    const watcher = await Watcher.connect(mqtt.broker.url, ['cat-litter-reminder/household/last_cleaned']);
    const before = Date.now();
    await watcher.publish('cat-litter-reminder/household/last_cleaned', ahead, true);
    const refused = await house.waitFor((r) => r.event === 'time.refused' && Number(r.time) >= before, 'the refusal');
    expect(refused.from).toBe(`mqtt://127.0.0.1:${mqtt.broker.port}`);
    expect(house.records.some((r) => r.event === 'time.changed' && r.lastCleaned === ahead)).toBe(false);
    await watcher.close();
  });
});
