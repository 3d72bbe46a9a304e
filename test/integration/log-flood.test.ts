import * as dgram from 'node:dgram';
import * as path from 'node:path';
import { freeUdpPort } from '../support/node-process';
import { nodesPerTest } from '../support/nodes-per-test';
import { askOverUdp } from '../support/udp-probe';
import { until } from '../support/until';

/** One malformed datagram to 127.0.0.1:`port` from a socket of its own: a new source port each time. */
function sendFromNewPort(port: number, from: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.bind(0, from, () =>
      socket.send(Buffer.from([0xff, 0x13, 0x37]), port, '127.0.0.1', () => {
        socket.close();
        resolve();
      }),
    );
  });
}

/** `count` of them, 100 at a time (the node's receive buffer is not what is tested). */
async function flood(port: number, count: number, from: (i: number) => string): Promise<void> {
  for (let i = 0; i < count; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, j) => sendFromNewPort(port, from(i + j))));
  }
}

describe('a flood of malformed datagrams', () => {
  const { start, temp } = nodesPerTest();

  it('gives one warning per address whatever its ports, ten a minute in all', async () => {
    const udp = freeUdpPort();
    const node = start(['--port', String(udp), '--log-level', 'debug', '--state-file', path.join(temp.dir, 'state')]);
    await node.waitFor((record) => record.event === 'transport.listening', 'the transport');
    const warnings = () =>
      node.records.filter((record) => record.event === 'datagram.malformed' && record.level === 40);
    /** Once the node answers a RequestState sent after them, and its record is read, every datagram before it was. */
    const received = () => node.records.filter((record) => record.event === 'datagram.received').length;
    const settled = async () => {
      const seen = received();
      await askOverUdp(udp);
      await until(() => received() > seen, 'the RequestState read');
    };

    await flood(udp, 10_000, () => '127.0.0.1');
    await settled();
    const dropped = node.records.filter((record) => record.event === 'datagram.malformed' && record.level === 20);
    // Loopback drops some of a flood this fast; thousands reach the node, each logged at debug level.
    expect(dropped.length).toBeGreaterThan(5_000);
    expect(warnings()).toEqual([expect.objectContaining({ sender: expect.stringMatching(/^127\.0\.0\.1:/) })]);

    // 250 addresses of 127/8: a warning each would be 250; ten a minute are let through in all.
    await flood(udp, 250, (i) => `127.0.${1 + (i >> 7)}.${2 + (i & 127)}`);
    await settled();
    expect(warnings()).toHaveLength(10);
    expect(node.running()).toBe(true);
  });
});
