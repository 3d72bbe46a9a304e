import * as path from 'node:path';
import { connect } from 'mqtt';
import { Mosquitto } from '../test/support/mosquitto';
import { NodeProcess } from '../test/support/node-process';
import { HOUR, pause, stateFileOf, stopNode, type LanBench } from './host-process';
import { meterProcess } from './process-meter';
import { pastTheBurst } from '../test/support/press-burst';

export interface MqttFigures {
  /** From a press to the node's new state arriving at a subscriber of the broker (Home Assistant), ms. */
  pressToBrokerMs: number[];
  /** Resident memory of the node with MQTT on, after the presses, MB. */
  mqttResidentMb: number;
  /** The same node, the same way, without --mqtt: what the bridge costs. */
  plainResidentMb: number;
}

/** After the presses, before memory is read: the heap settles as it would in a house. */
const SETTLE_MS = 10_000;

/**
 * A Mosquitto of its own on loopback, a node with --mqtt, and a subscriber where Home
 * Assistant would be. Each round presses the button and ends with the new state at the
 * subscriber. Then the node's resident memory, and that of the same node run without MQTT.
 */
export async function measureMqtt(bench: LanBench, rounds: number, cpu: number): Promise<MqttFigures> {
  const broker = new Mosquitto(path.join(bench.stateDir, 'broker'));
  await broker.start();
  const arrivals: { lastCleaned: string; arrivedNs: bigint }[] = [];
  const subscriber = connect(broker.url, { protocolVersion: 5 });
  subscriber.on('message', (_topic, payload) => {
    const { lastCleaned } = JSON.parse(payload.toString('utf8')) as { lastCleaned: string };
    arrivals.push({ lastCleaned, arrivedNs: process.hrtime.bigint() });
  });
  await subscriber.subscribeAsync('cat-litter-reminder/+/state');
  const start = (name: string, extra: string[]) => {
    const stateFile = stateFileOf(bench, name, Date.now() - 2 * HOUR);
    const node = new NodeProcess(['--state-file', stateFile, '--quiet-hours', 'off', '--name', name, ...extra], {
      cpu,
    });
    bench.started.add(node);
    return node;
  };
  try {
    const node = start('mqtt', ['--mqtt', broker.url]);
    const pressToBrokerMs: number[] = [];
    let mqttResidentMb: number;
    try {
      await node.waitFor((record) => record.event === 'mqtt.connected', 'the broker');
      for (let round = 0; round < rounds + 2; round += 1) {
        // Each round's press is a new cleaning, not one of the last one's burst.
        await pastTheBurst();
        const before = node.records.length;
        const pressedNs = process.hrtime.bigint();
        node.press();
        const time = await node.waitFor(
          (record) => node.records.indexOf(record) >= before && record.event === 'time.changed',
          'the press',
        );
        let arrival: (typeof arrivals)[number] | undefined;
        while (!(arrival = arrivals.find((a) => a.lastCleaned === time.lastCleaned))) await pause(1);
        if (round >= 2) pressToBrokerMs.push(Number(arrival.arrivedNs - pressedNs) / 1e6);
      }
      mqttResidentMb = await residentAfterSettling(node);
    } finally {
      await stopNode(node);
    }
    const plain = start('plain', []);
    try {
      await plain.waitFor((record) => record.event === 'http.listening', 'the node');
      for (let round = 0; round < rounds + 2; round += 1) {
        // Each round's press is a new cleaning, not one of the last one's burst.
        await pastTheBurst();
        plain.press();
      }
      return { pressToBrokerMs, mqttResidentMb, plainResidentMb: await residentAfterSettling(plain) };
    } finally {
      await stopNode(plain);
    }
  } finally {
    await subscriber.endAsync(true);
    await broker.stop();
  }
}

async function residentAfterSettling(node: NodeProcess): Promise<number> {
  await pause(SETTLE_MS);
  const meter = meterProcess(node.pid);
  try {
    return meter.rssMb();
  } finally {
    meter.close();
  }
}
