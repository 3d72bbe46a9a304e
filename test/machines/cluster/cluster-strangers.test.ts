import type { DiscoveredPeer } from '../../../machines/cluster/cluster-events';
import { MOST_DISCOVERED } from '../../../machines/cluster/peer-table';
import { clusterHarness, NOON, requestsTo, updatesTo } from '../../support/cluster-harness';
import { advance, HOUR, MINUTE, SECOND } from '../../support/time';

/*
 * Issue #19, "peers that are not who they say": anyone on the LAN can send mDNS records.
 * What they say of a node we know is checked with the node over UDP before the table
 * follows it, and however many they announce, the household's own nodes are asked as
 * often as ever.
 */

const OURS = NOON - 13 * HOUR;
const ROUND = 3 * SECOND;
const TTL = 120;
const HALL = { address: '10.0.0.3', port: 5300 };
const KITCHEN = { address: '10.0.0.2', port: 5300 };
const STRANGER = { address: '10.0.0.66', port: 5300 };
const node = (name: string, where: { address: string; port: number }): DiscoveredPeer => ({
  ...where,
  name,
  ours: true,
  http: 5380,
  levels: null,
});
const hall = node('hall', HALL);
const kitchen = node('kitchen', KITCHEN);
const fake = (i: number) =>
  node(`fake-${i}`, { address: `10.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`, port: 5300 });

/** A household of two real nodes (they answer), as a stranger finds it. */
function household() {
  const harness = clusterHarness(OURS);
  for (const peer of [hall, kitchen]) {
    harness.cluster.send({ type: 'peer.found', peer, ttl: TTL });
    harness.cluster.send({ type: 'state.received', from: peer, lastCleaned: OURS });
  }
  harness.sent.length = 0;
  return harness;
}

const names = (harness: ReturnType<typeof clusterHarness>) =>
  Object.values(harness.cluster.getSnapshot().context.peers).map((peer) => `${peer.name}@${peer.address}`);

describe('a goodbye from a stranger', () => {
  it('is checked with the node, which stays when it answers', () => {
    const harness = household();
    const { cluster, clock, sent, asked, reported } = harness;
    cluster.send({ type: 'peer.lost', peer: hall });
    expect(sent).toEqual([{ type: 'transport.request', to: HALL }]);
    cluster.send({ type: 'state.received', from: HALL, lastCleaned: OURS });
    advance(clock, 5 * SECOND);
    expect(names(harness)).toEqual(['hall@10.0.0.3', 'kitchen@10.0.0.2']);
    expect(reported('cluster.decided')).toEqual([
      {
        type: 'cluster.decided',
        decision: 'kept',
        why: 'goodbye',
        claimed: null,
        peer: expect.objectContaining({ name: 'hall' }),
      },
    ]);
    expect(asked.filter((command) => command.type === 'discovery.forget')).toEqual([]);
    cluster.send({ type: 'cluster.share', lastCleaned: NOON });
    expect(updatesTo(sent, HALL)).toHaveLength(1);
  });

  it('asks once however many come while the check runs', () => {
    const { cluster, clock, sent } = household();
    for (let i = 0; i < 100; i += 1) cluster.send({ type: 'peer.lost', peer: hall });
    advance(clock, 500);
    for (let i = 0; i < 100; i += 1) cluster.send({ type: 'peer.lost', peer: hall });
    expect(requestsTo(sent, HALL)).toBe(1);
  });

  it('gives a node questioned while a check runs the whole of the next one', () => {
    const harness = household();
    const { cluster, clock } = harness;
    cluster.send({ type: 'peer.lost', peer: hall });
    advance(clock, 900);
    cluster.send({ type: 'peer.lost', peer: kitchen });
    advance(clock, 100);
    expect(names(harness)).toEqual(['kitchen@10.0.0.2']);
    advance(clock, SECOND - 1);
    expect(names(harness)).toEqual(['kitchen@10.0.0.2']);
    advance(clock, 1);
    expect(names(harness)).toEqual([]);
  });
});

describe('a record that says a node lives elsewhere', () => {
  it('moves nothing while the node answers where it is known', () => {
    const harness = household();
    const { cluster, clock, sent, reported } = harness;
    cluster.send({ type: 'peer.found', peer: node('hall', STRANGER), ttl: TTL });
    expect(sent).toEqual([{ type: 'transport.request', to: HALL }]);
    cluster.send({ type: 'state.received', from: HALL, lastCleaned: OURS });
    advance(clock, 5 * SECOND);
    expect(names(harness)).toEqual(['hall@10.0.0.3', 'kitchen@10.0.0.2']);
    expect(requestsTo(sent, STRANGER)).toBe(0);
    expect(reported('cluster.decided')).toEqual([
      expect.objectContaining({ decision: 'kept', why: 'moved', claimed: '10.0.0.66:5300' }),
    ]);
    // What the stranger says is nobody's time.
    cluster.send({ type: 'state.received', from: STRANGER, lastCleaned: NOON });
    advance(clock, 20);
    expect(reported('cluster.peers').at(-1)?.peers).toEqual([
      expect.objectContaining({ name: 'hall', address: '10.0.0.3', said: OURS }),
      expect.objectContaining({ name: 'kitchen', said: OURS }),
    ]);
  });

  it('asks the node once however many claims come, and moves it to the latest when it is silent', () => {
    const harness = household();
    const { cluster, clock, sent } = harness;
    for (let i = 0; i < 50; i += 1) cluster.send({ type: 'peer.found', peer: node('hall', fake(i)), ttl: TTL });
    expect(requestsTo(sent, HALL)).toBe(1);
    advance(clock, SECOND);
    expect(names(harness)).toEqual(['hall@10.0.1.50', 'kitchen@10.0.0.2']);
  });
});

describe('records that lapse', () => {
  it('forget a peer that never answered, once asked once more', () => {
    const harness = household();
    const { cluster, clock, sent, reported } = harness;
    cluster.send({ type: 'peer.found', peer: fake(1), ttl: 10 });
    advance(clock, 10 * SECOND);
    expect(names(harness)).toContain('fake-1@10.0.1.2');
    const asked = requestsTo(sent, fake(1));
    advance(clock, ROUND + SECOND);
    expect(requestsTo(sent, fake(1))).toBeGreaterThan(asked);
    expect(names(harness)).toEqual(['hall@10.0.0.3', 'kitchen@10.0.0.2']);
    expect(reported('cluster.decided')).toEqual([
      expect.objectContaining({ decision: 'lost', why: 'lapsed', peer: expect.objectContaining({ name: 'fake-1' }) }),
    ]);
  });

  it('keep one that answers then, and one that answered before, whose silence shows instead', () => {
    const harness = household();
    const { cluster, clock } = harness;
    cluster.send({ type: 'peer.found', peer: node('porch', { address: '10.0.0.4', port: 5300 }), ttl: 10 });
    advance(clock, 11 * SECOND);
    cluster.send({ type: 'peer.requested', from: { address: '10.0.0.4', port: 5300 } });
    // The hall and the kitchen stop answering: they are set aside, not forgotten.
    advance(clock, 10 * MINUTE);
    expect(names(harness)).toEqual(['hall@10.0.0.3', 'kitchen@10.0.0.2', 'porch@10.0.0.4']);
    expect(Object.values(cluster.getSnapshot().context.peers).every((peer) => peer.silent)).toBe(true);
  });

  it('count for 75 minutes at the most, whatever they say', () => {
    const harness = household();
    harness.cluster.send({ type: 'peer.found', peer: fake(1), ttl: 2 ** 31 });
    advance(harness.clock, 76 * MINUTE);
    expect(names(harness)).toEqual(['hall@10.0.0.3', 'kitchen@10.0.0.2']);
  });
});

describe('two hundred peers that never answer', () => {
  const flooded = () => {
    const harness = household();
    for (let i = 0; i < 200; i += 1) harness.cluster.send({ type: 'peer.found', peer: fake(i), ttl: TTL });
    return harness;
  };

  it(`take ${MOST_DISCOVERED} places at the most, never one of a node that answers`, () => {
    const harness = flooded();
    const peers = Object.values(harness.cluster.getSnapshot().context.peers);
    expect(peers).toHaveLength(MOST_DISCOVERED);
    expect(names(harness)).toEqual(expect.arrayContaining(['hall@10.0.0.3', 'kitchen@10.0.0.2']));
    // Those pushed out are forgotten by discovery too: their next record is news.
    expect(harness.asked.filter((command) => command.type === 'discovery.forget')).toHaveLength(
      200 - (MOST_DISCOVERED - 2),
    );
  });

  it('leave the real nodes asked every other round, and are gone soon after their records lapse', () => {
    const harness = flooded();
    const { cluster, clock, sent } = harness;
    const answering = () => {
      cluster.send({ type: 'state.received', from: HALL, lastCleaned: OURS });
      cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: OURS });
    };
    for (let round = 0; round < 10; round += 1) {
      advance(clock, ROUND);
      answering();
    }
    // One request a round for the nodes, one for the rest.
    expect([requestsTo(sent, HALL), requestsTo(sent, KITCHEN)]).toEqual([5, 5]);
    expect(sent.filter((command) => command.type === 'transport.request').length).toBeLessThanOrEqual(10 + 10 + 200);
    for (let round = 0; round < TTL / 3 + 2; round += 1) {
      advance(clock, ROUND);
      answering();
    }
    expect(names(harness)).toEqual(['hall@10.0.0.3', 'kitchen@10.0.0.2']);
  });

  it('hear of no press, and are not asked when someone looks at the household', () => {
    const { cluster, clock, sent } = flooded();
    sent.length = 0;
    cluster.send({ type: 'cluster.share', lastCleaned: NOON });
    expect(sent.filter((command) => command.type === 'transport.update')).toHaveLength(2);
    advance(clock, SECOND);
    sent.length = 0;
    // The page reloaded twenty times in a second: each peer is asked once.
    for (let i = 0; i < 20; i += 1) {
      cluster.send({ type: 'cluster.refresh' });
      advance(clock, 50);
    }
    const requests = sent.filter((command) => command.type === 'transport.request');
    expect(requestsTo(requests, HALL)).toBeLessThanOrEqual(2);
    expect(requestsTo(requests, KITCHEN)).toBeLessThanOrEqual(2);
    expect(requests.length).toBeLessThanOrEqual(4 + 1);
  });
});

describe('a table full of nodes that answer', () => {
  it('refuses a newcomer, and says so', () => {
    const harness = clusterHarness(OURS);
    const { cluster, asked, reported } = harness;
    for (let i = 0; i < MOST_DISCOVERED; i += 1) {
      cluster.send({ type: 'peer.found', peer: fake(i), ttl: TTL });
      cluster.send({ type: 'peer.requested', from: fake(i) });
    }
    cluster.send({ type: 'peer.found', peer: hall, ttl: TTL });
    expect(names(harness)).not.toContain('hall@10.0.0.3');
    expect(reported('cluster.decided')).toEqual([{ type: 'cluster.decided', decision: 'crowded', peer: hall }]);
    expect(asked).toContainEqual({ type: 'discovery.forget', name: 'hall' });
  });
});
