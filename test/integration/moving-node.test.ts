import * as path from 'node:path';
import { Lan } from '../support/netns';
import { type LogRecord, NodeProcess, stateFileAged, stopAll, tempDir } from '../support/node-process';
import { LAN, describeNeeding } from '../support/requirements';
import { HOUR } from '../support/time';

describeNeeding(LAN, 'a node whose address changes without a goodbye (a new DHCP lease)', () => {
  let lan: Lan;
  let temp: ReturnType<typeof tempDir>;
  const nodes: NodeProcess[] = [];

  beforeAll(() => {
    temp = tempDir();
    lan = new Lan(3, '10.81.0');
    for (let i = 0; i < 3; i += 1) {
      const stateFile = stateFileAged(path.join(temp.dir, `node${i}`, 'state'), 30 * HOUR);
      // The mover logs every datagram it receives, to show who asks it where.
      const debug = i === 2 ? ['--log-level', 'debug'] : [];
      nodes.push(
        new NodeProcess(['--name', `node${i}`, '--state-file', stateFile, '--quiet-hours', 'off', ...debug], {
          netns: lan.hosts[i].ns,
        }),
      );
    }
  });

  afterAll(async () => {
    await stopAll(nodes);
    lan?.remove();
    temp?.remove();
  });

  it('is asked at its new address by the others within 30 s, and a press elsewhere reaches it by push', async () => {
    const [first, second, mover] = nodes;
    // The three processes start with the test: starting and finding each other by mDNS, on a busy machine.
    const found = (node: NodeProcess, name: string) =>
      node.waitFor((r) => r.event === 'peer.found' && r.name === name, `${name} found`, 30_000);
    await Promise.all([found(first, 'node2'), found(second, 'node2'), found(mover, 'node0'), found(mover, 'node1')]);
    // From now on the mover cannot ask anyone: whatever it learns, it is sent.
    lan.blockRequests(lan.hosts[2]);

    // Records still on their way through the pipe were written before the move: go by their time.
    const movedAt = Date.now();
    lan.readdress(lan.hosts[2], '10.81.0.50');
    const since = (record: LogRecord) => Number(record.time) > movedAt;
    // Its old address is gone: anything it receives now was sent to the new one.
    const askedBy = (host: number) => (record: LogRecord) =>
      since(record) &&
      record.event === 'datagram.received' &&
      String(record.from).startsWith(`${lan.hosts[host].address}:`) &&
      (record.message as { type?: string } | undefined)?.type === 'RequestState';
    await Promise.all([
      mover.waitFor(askedBy(0), 'RequestState from node0 at the new address', 30_000),
      mover.waitFor(askedBy(1), 'RequestState from node1 at the new address', 30_000),
    ]);
    // It announces itself at the new address too (its watch looks every 15 s); the others may
    // have found it there first, in its answer to one of their queries.
    await mover.waitFor((r) => since(r) && r.event === 'mdns.readvertised', 'the announcement', 20_000);
    // Node0's own record of the move comes on its own output, not the mover's: waited for, not looked up.
    const moved = await first.waitFor((r) => r.event === 'peer.moved', 'node0 seeing the move', 5_000);
    expect(moved).toMatchObject({ name: 'node2', address: '10.81.0.50' });

    first.press();
    const pressed = await first.waitFor((r) => r.event === 'time.changed' && r.reason === 'press', 'the press');
    const adopted = await mover.waitFor(
      (r) => since(r) && r.event === 'time.changed' && r.lastCleaned === pressed.lastCleaned,
      'the pushed time at the new address',
      5_000,
    );
    expect(adopted.reason).toBe('adopted');
  }, 90_000);
});
