import { PROBE_EVERY_ROUNDS, SILENT_ASKS } from '../../../machines/cluster/peer-rounds';
import { clusterHarness, NOON, requestsTo, updatesTo } from '../../support/cluster-harness';
import { advance, HOUR, MINUTE, SECOND } from '../../support/time';

const OURS = NOON - 13 * HOUR;
const KITCHEN = { address: '10.0.0.2', port: 5300 };
const HALL = { address: '10.0.0.3', port: 5300 };
const PORCH = { address: '10.0.0.4', port: 5300 };
const ROUND = 3 * SECOND;
const hall = { ...HALL, name: 'hall', ours: true, http: 5380 };
/** What our nodes' SRV records say: 2 minutes. */
const TTL = 120;

describe('cluster merge rules', () => {
  it('adopts a later time, passes it on at once to every peer but its sender, and tells its parent', () => {
    const { cluster, sent, reported } = clusterHarness(OURS, [KITCHEN, HALL, PORCH]);
    sent.length = 0;
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: NOON - HOUR });
    expect(cluster.getSnapshot().context.lastCleaned).toBe(NOON - HOUR);
    expect(sent).toEqual([
      { type: 'transport.update', to: HALL, lastCleaned: NOON - HOUR },
      { type: 'transport.update', to: PORCH, lastCleaned: NOON - HOUR },
    ]);
    expect(reported('cluster.adopted')).toEqual([{ type: 'cluster.adopted', lastCleaned: NOON - HOUR, from: KITCHEN }]);
  });

  it('passes a time from a sender it does not know (a `reset`) on to every peer', () => {
    const { cluster, sent } = clusterHarness(OURS, [KITCHEN, HALL]);
    sent.length = 0;
    cluster.send({ type: 'state.received', from: { address: '10.0.0.9', port: 40000 }, lastCleaned: NOON - HOUR });
    expect(sent).toEqual([
      { type: 'transport.update', to: KITCHEN, lastCleaned: NOON - HOUR },
      { type: 'transport.update', to: HALL, lastCleaned: NOON - HOUR },
    ]);
  });

  it('takes a time from the broker by the same rules, pushes one it adopts to every peer, and sends nothing back', () => {
    const BROKER = { address: 'mqtt://10.0.0.1', port: 1883 };
    const { cluster, sent, reported } = clusterHarness(OURS, [KITCHEN, HALL]);
    sent.length = 0;
    cluster.send({ type: 'cluster.offered', from: BROKER, lastCleaned: OURS - HOUR });
    cluster.send({ type: 'cluster.offered', from: BROKER, lastCleaned: NOON + 601 * SECOND });
    expect(sent).toEqual([]);
    expect(reported('cluster.refused')).toEqual([
      { type: 'cluster.refused', from: BROKER, lastCleaned: NOON + 601 * SECOND },
    ]);
    cluster.send({ type: 'cluster.offered', from: BROKER, lastCleaned: NOON - HOUR });
    expect(sent).toEqual([
      { type: 'transport.update', to: KITCHEN, lastCleaned: NOON - HOUR },
      { type: 'transport.update', to: HALL, lastCleaned: NOON - HOUR },
    ]);
    expect(reported('cluster.adopted')).toEqual([{ type: 'cluster.adopted', lastCleaned: NOON - HOUR, from: BROKER }]);
  });

  it('adopts a time up to 10 minutes ahead of its clock, and refuses one further ahead', () => {
    const { cluster, reported } = clusterHarness(OURS, [KITCHEN]);
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: NOON + 601 * SECOND });
    expect(reported('cluster.adopted')).toEqual([]);
    expect(reported('cluster.refused')).toEqual([
      { type: 'cluster.refused', from: KITCHEN, lastCleaned: NOON + 601 * SECOND },
    ]);
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: NOON + 600 * SECOND });
    expect(reported('cluster.adopted').map((report) => report.lastCleaned)).toEqual([NOON + 600 * SECOND]);
  });

  it('never lets an older or equal time replace its own, and answers an older one with its own', () => {
    const { cluster, sent, reported } = clusterHarness(OURS, [KITCHEN]);
    sent.length = 0;
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: OURS - HOUR });
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: OURS });
    expect(reported('cluster.adopted')).toEqual([]);
    expect(cluster.getSnapshot().context.lastCleaned).toBe(OURS);
    expect(sent).toEqual([{ type: 'transport.update', to: KITCHEN, lastCleaned: OURS }]);
  });

  it('changes nothing on UpdateState(None), and pushes its time to that peer', () => {
    const { cluster, sent, reported } = clusterHarness(OURS, [KITCHEN]);
    sent.length = 0;
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: null });
    expect(reported('cluster.adopted')).toEqual([]);
    expect(sent).toEqual([{ type: 'transport.update', to: KITCHEN, lastCleaned: OURS }]);
  });

  it('adopts any time when its own is unknown, but not None and none before 1970', () => {
    const { cluster, reported } = clusterHarness(null, [KITCHEN]);
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: null });
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: -1000 });
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: -8334601228800 * 1000 });
    expect(reported('cluster.adopted')).toEqual([]);
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: OURS });
    expect(reported('cluster.adopted').map((report) => report.lastCleaned)).toEqual([OURS]);
  });

  it('pushes a time recorded here to every peer', () => {
    const { cluster, sent } = clusterHarness(OURS, [KITCHEN, HALL]);
    sent.length = 0;
    cluster.send({ type: 'cluster.share', lastCleaned: NOON });
    expect(sent).toEqual([
      { type: 'transport.update', to: KITCHEN, lastCleaned: NOON },
      { type: 'transport.update', to: HALL, lastCleaned: NOON },
    ]);
    expect(cluster.getSnapshot().context.lastCleaned).toBe(NOON);
  });

  it('has the transport answer RequestState with its time (None while unknown) from the start, and each new one', () => {
    const { cluster, sent, answers } = clusterHarness(null, [KITCHEN]);
    expect(answers).toEqual([null]);
    const laptop = { address: '10.0.0.9', port: 40000 };
    const before = sent.length;
    cluster.send({ type: 'peer.requested', from: laptop });
    // Answered by the transport already; a sender it does not know is no peer.
    expect(sent.length).toBe(before);
    expect(Object.keys(cluster.getSnapshot().context.peers)).toEqual(['10.0.0.2:5300']);
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: NOON });
    cluster.send({ type: 'cluster.share', lastCleaned: NOON + SECOND });
    expect(answers).toEqual([null, NOON, NOON + SECOND]);
  });
});

describe('cluster repair rounds and peers', () => {
  it('asks static peers at once and then every round of 2 to 4 s', () => {
    const { cluster, clock, sent } = clusterHarness(OURS, [KITCHEN]);
    expect(requestsTo(sent, KITCHEN)).toBe(1);
    for (let round = 1; round <= 10; round += 1) {
      advance(clock, ROUND);
      // The kitchen answers, as a live node does.
      cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: OURS });
    }
    expect(requestsTo(sent, KITCHEN)).toBe(11);
  });

  it('asks a newly found peer at once; on its goodbye asks once more, and forgets it when it stays silent', () => {
    const { cluster, clock, sent, asked, reported } = clusterHarness(OURS);
    cluster.send({ type: 'peer.found', peer: hall, ttl: TTL });
    expect(sent.at(-1)).toEqual({ type: 'transport.request', to: HALL });
    cluster.send({ type: 'state.received', from: HALL, lastCleaned: OURS });
    sent.length = 0;
    cluster.send({ type: 'peer.lost', peer: hall });
    expect(sent).toEqual([{ type: 'transport.request', to: HALL }]);
    advance(clock, SECOND - 1);
    expect(Object.keys(cluster.getSnapshot().context.peers)).toEqual(['mdns:hall']);
    advance(clock, 1);
    expect(cluster.getSnapshot().context.peers).toEqual({});
    expect(reported('cluster.decided')).toEqual([
      { type: 'cluster.decided', decision: 'lost', why: 'goodbye', peer: expect.objectContaining({ name: 'hall' }) },
    ]);
    // Its next record is news again.
    expect(asked).toContainEqual({ type: 'discovery.forget', name: 'hall' });
  });

  it('slows its rounds to 6 to 12 s a minute after the last change, and quickens them again for a new time', () => {
    const { cluster, clock, sent } = clusterHarness(OURS, [KITCHEN]);
    // The kitchen answers, as a live node does: no change after the start.
    const live = (ms: number) => {
      for (let elapsed = 0; elapsed < ms; elapsed += SECOND) {
        advance(clock, SECOND);
        cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: OURS });
      }
    };
    live(MINUTE);
    sent.length = 0;
    live(36 * SECOND);
    // 9 s rounds (the harness's random number is 0.5), not 3 s ones.
    expect(requestsTo(sent, KITCHEN)).toBe(4);
    // A time recorded here: the next round comes within 3 s, not up to 9 s later (the
    // kitchen is also asked once after 1 s, to show who has the new time).
    cluster.send({ type: 'cluster.share', lastCleaned: NOON });
    sent.length = 0;
    live(3 * SECOND);
    expect(requestsTo(sent, KITCHEN)).toBe(2);
    sent.length = 0;
    live(27 * SECOND);
    expect(requestsTo(sent, KITCHEN)).toBe(9);
    // A minute on, slow again.
    live(MINUTE);
    sent.length = 0;
    live(36 * SECOND);
    expect(requestsTo(sent, KITCHEN)).toBe(4);
  });

  it('quickens its rounds for a peer that answers anew, and keeps them quick while one it knew is silent', () => {
    const { cluster, clock, sent } = clusterHarness(OURS, [KITCHEN]);
    const live = (ms: number, peers: readonly (typeof KITCHEN)[]) => {
      for (let elapsed = 0; elapsed < ms; elapsed += SECOND) {
        advance(clock, SECOND);
        for (const from of peers) cluster.send({ type: 'state.received', from, lastCleaned: OURS });
      }
    };
    live(2 * MINUTE, [KITCHEN]);
    sent.length = 0;
    live(18 * SECOND, [KITCHEN]);
    expect(requestsTo(sent, KITCHEN)).toBe(2);
    sent.length = 0;
    cluster.send({ type: 'cluster.peers-given', peers: [KITCHEN, HALL] });
    live(3 * SECOND, [KITCHEN, HALL]);
    // The hall was asked at once; the round after it comes within 3 s.
    expect(sent.filter((command) => command.type === 'transport.request')).toHaveLength(2);
    live(2 * MINUTE, [KITCHEN, HALL]);
    sent.length = 0;
    // The hall stops answering: once it is set aside, the rounds stay quick so that it is probed about every 30 s.
    live(2 * MINUTE, [KITCHEN]);
    sent.length = 0;
    live(PROBE_EVERY_ROUNDS * ROUND, [KITCHEN]);
    expect(requestsTo(sent, HALL)).toBe(1);
    expect(requestsTo(sent, KITCHEN)).toBe(PROBE_EVERY_ROUNDS);
  });

  it('asks one peer a round, each in turn', () => {
    const { clock, sent } = clusterHarness(OURS, [KITCHEN, HALL, PORCH]);
    sent.length = 0;
    advance(clock, ROUND);
    expect(sent).toHaveLength(1);
    advance(clock, 2 * ROUND);
    expect([KITCHEN, HALL, PORCH].map((peer) => requestsTo(sent, peer))).toEqual([1, 1, 1]);
  });

  it('asks every peer once a new time has gone round, so that the view of the household is current', () => {
    const { cluster, clock, sent } = clusterHarness(OURS, [KITCHEN, HALL, PORCH]);
    advance(clock, ROUND);
    cluster.send({ type: 'cluster.share', lastCleaned: NOON });
    sent.length = 0;
    advance(clock, SECOND);
    expect([KITCHEN, HALL, PORCH].map((peer) => requestsTo(sent, peer))).toEqual([1, 1, 1]);
  });

  it('sets a silent discovered peer aside, looks for it again, and takes it back when it speaks', () => {
    const { cluster, clock, sent, asked, reported } = clusterHarness(OURS);
    cluster.send({ type: 'peer.found', peer: hall, ttl: TTL });
    // Asked at once, then each round: the fifth round finds 4 unanswered.
    advance(clock, (SILENT_ASKS + 1) * ROUND - SECOND);
    expect(reported('cluster.silent')).toEqual([]);
    advance(clock, 2 * SECOND);
    expect(reported('cluster.silent')).toEqual([
      { type: 'cluster.silent', peer: expect.objectContaining({ name: 'hall', ...HALL, silent: true }) },
    ]);
    expect(asked).toEqual([{ type: 'discovery.resolve', name: 'hall' }]);
    cluster.send({ type: 'cluster.share', lastCleaned: NOON });
    expect(updatesTo(sent, HALL)).toHaveLength(0);
    // It speaks again (the transport answered it): it hears the next time.
    cluster.send({ type: 'peer.requested', from: HALL });
    cluster.send({ type: 'cluster.share', lastCleaned: NOON + SECOND });
    expect(updatesTo(sent, HALL)).toEqual([{ type: 'transport.update', to: HALL, lastCleaned: NOON + SECOND }]);
  });

  it('takes a silent static peer out of the rotation, so that live ones are asked every round', () => {
    const { cluster, clock, sent, reported } = clusterHarness(OURS, [KITCHEN, HALL]);
    // The hall answers every round; the kitchen never does.
    const rounds = (count: number) => {
      for (let round = 0; round < count; round += 1) {
        advance(clock, ROUND);
        cluster.send({ type: 'state.received', from: HALL, lastCleaned: OURS });
      }
    };
    rounds(2 * SILENT_ASKS + 1);
    expect(reported('cluster.silent')).toEqual([{ type: 'cluster.silent', peer: expect.objectContaining(KITCHEN) }]);
    const hallAsked = requestsTo(sent, HALL);
    rounds(3);
    expect(requestsTo(sent, HALL)).toBe(hallAsked + 3);
    cluster.send({ type: 'cluster.share', lastCleaned: NOON });
    expect(updatesTo(sent, KITCHEN)).toHaveLength(1);
  });

  it('still probes a peer set aside now and then, so that a healed partition heals', () => {
    const { cluster, clock, sent } = clusterHarness(OURS);
    cluster.send({ type: 'peer.found', peer: hall, ttl: TTL });
    // It answered once: then it is cut off.
    cluster.send({ type: 'peer.requested', from: HALL });
    advance(clock, (SILENT_ASKS + 1) * ROUND + SECOND);
    const asked = requestsTo(sent, HALL);
    expect(asked).toBe(1 + SILENT_ASKS + 1);
    advance(clock, (PROBE_EVERY_ROUNDS - SILENT_ASKS - 2) * ROUND);
    expect(requestsTo(sent, HALL)).toBe(asked);
    advance(clock, ROUND);
    expect(requestsTo(sent, HALL)).toBe(asked + 1);
  });

  it('follows a discovered peer to its new address once its old one is silent, and asks it there at once', () => {
    const { cluster, clock, sent, reported } = clusterHarness(OURS);
    cluster.send({ type: 'peer.found', peer: hall, ttl: TTL });
    cluster.send({ type: 'state.received', from: HALL, lastCleaned: OURS });
    const moved = { ...hall, address: '10.0.0.33' };
    sent.length = 0;
    cluster.send({ type: 'peer.found', peer: moved, ttl: TTL });
    // Asked where it was first: it does not answer there.
    expect(sent).toEqual([{ type: 'transport.request', to: HALL }]);
    advance(clock, SECOND);
    expect(sent.at(-1)).toEqual({ type: 'transport.request', to: { address: '10.0.0.33', port: 5300 } });
    expect(Object.values(cluster.getSnapshot().context.peers)).toEqual([
      expect.objectContaining({ name: 'hall', address: '10.0.0.33' }),
    ]);
    expect(reported('cluster.decided')).toEqual([
      {
        type: 'cluster.decided',
        decision: 'moved',
        from: HALL.address,
        peer: expect.objectContaining({ name: 'hall', address: '10.0.0.33' }),
      },
    ]);
    // Until it answers there, what it said at its old address no longer counts.
    advance(clock, 20);
    expect(reported('cluster.peers').at(-1)?.peers).toEqual([
      expect.objectContaining({ name: 'hall', address: '10.0.0.33', answered: false }),
    ]);
    cluster.send({ type: 'peer.requested', from: { address: '10.0.0.33', port: 5300 } });
    cluster.send({ type: 'cluster.share', lastCleaned: NOON });
    expect(updatesTo(sent, { address: '10.0.0.33', port: 5300 })).toHaveLength(1);
    expect(updatesTo(sent, HALL)).toHaveLength(0);
  });

  it('keeps a --peer given by host name and found by mDNS as one peer, which stays heard from', () => {
    const given = { address: 'kitchen.lan', port: 5300 };
    const { cluster, clock, sent, reported } = clusterHarness(OURS, [given]);
    // The first request goes out to the name; the transport finds it at 10.0.0.2.
    cluster.send({ type: 'peer.resolved', peer: given, address: '10.0.0.2' });
    cluster.send({ type: 'peer.found', peer: { ...KITCHEN, name: 'kitchen-3f2a', ours: true, http: 5380 }, ttl: TTL });
    expect(Object.values(cluster.getSnapshot().context.peers)).toEqual([
      expect.objectContaining({ key: 'kitchen.lan:5300', name: 'kitchen-3f2a', static: true }),
    ]);
    for (let round = 0; round < 3 * SILENT_ASKS; round += 1) {
      advance(clock, ROUND);
      cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: OURS });
    }
    expect(reported('cluster.silent')).toEqual([]);
    cluster.send({ type: 'cluster.share', lastCleaned: NOON });
    expect(sent.filter((command) => command.type === 'transport.update')).toEqual([
      { type: 'transport.update', to: given, lastCleaned: NOON },
    ]);
  });

  it('merges a peer found by mDNS before its --peer host name was looked up', () => {
    const given = { address: 'kitchen.lan', port: 5300 };
    const { cluster } = clusterHarness(OURS, [given]);
    cluster.send({ type: 'peer.found', peer: { ...KITCHEN, name: 'kitchen-3f2a', ours: true, http: 5380 }, ttl: TTL });
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: OURS });
    expect(Object.keys(cluster.getSnapshot().context.peers)).toHaveLength(2);
    cluster.send({ type: 'peer.resolved', peer: given, address: '10.0.0.2' });
    expect(Object.values(cluster.getSnapshot().context.peers)).toEqual([
      expect.objectContaining({ key: 'kitchen.lan:5300', name: 'kitchen-3f2a', said: OURS }),
    ]);
  });

  it('keeps a --peer where it was given when the node mDNS found there moves away', () => {
    const { cluster, clock } = clusterHarness(OURS, [KITCHEN]);
    cluster.send({ type: 'peer.found', peer: { ...KITCHEN, name: 'kitchen-3f2a', ours: true, http: 5380 }, ttl: TTL });
    expect(Object.keys(cluster.getSnapshot().context.peers)).toEqual(['10.0.0.2:5300']);
    cluster.send({
      type: 'peer.found',
      peer: { address: '10.0.0.40', port: 5300, name: 'kitchen-3f2a', ours: true, http: 5380 },
      ttl: TTL,
    });
    // Once the kitchen's address has stayed silent.
    advance(clock, SECOND);
    expect(Object.values(cluster.getSnapshot().context.peers)).toEqual([
      expect.objectContaining({ key: '10.0.0.2:5300', name: null, static: true }),
      expect.objectContaining({ key: 'mdns:kitchen-3f2a', address: '10.0.0.40', static: false }),
    ]);
  });

  it('tells its parent of the peers only when what it would show changes', () => {
    const { cluster, clock, reported } = clusterHarness(OURS, [KITCHEN]);
    advance(clock, ROUND);
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: OURS });
    advance(clock, 20);
    expect(reported('cluster.peers')).toHaveLength(1);
    for (let round = 0; round < 3; round += 1) {
      advance(clock, ROUND);
      cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: OURS });
      cluster.send({ type: 'peer.requested', from: KITCHEN });
      // No report is even due: an idle node is not woken 20 ms after each datagram.
      expect(cluster.getSnapshot().matches({ running: { report: 'current' } })).toBe(true);
    }
    expect(reported('cluster.peers')).toHaveLength(1);
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: NOON });
    advance(clock, 20);
    expect(reported('cluster.peers').at(-1)?.peers).toEqual([expect.objectContaining({ said: NOON })]);
  });

  it('tells its parent once of what a time going round changed, 20 ms after the first change', () => {
    const hall = { address: '10.0.0.3', port: 5300 };
    const { cluster, clock, reported } = clusterHarness(OURS, [KITCHEN, hall]);
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: NOON });
    advance(clock, 5);
    cluster.send({ type: 'state.received', from: hall, lastCleaned: NOON });
    advance(clock, 14);
    expect(reported('cluster.peers')).toEqual([]);
    advance(clock, 1);
    expect(reported('cluster.peers')).toEqual([
      {
        type: 'cluster.peers',
        peers: [
          expect.objectContaining({ address: '10.0.0.2', said: NOON }),
          expect.objectContaining({ address: '10.0.0.3', said: NOON }),
        ],
      },
    ]);
    advance(clock, 100);
    expect(reported('cluster.peers')).toHaveLength(1);
  });

  it('tells its parent of a change still due when it leaves the household', () => {
    const { cluster, reported } = clusterHarness(OURS, [KITCHEN]);
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: NOON });
    cluster.send({ type: 'cluster.leave' });
    expect(reported('cluster.peers').at(-1)?.peers).toEqual([expect.objectContaining({ said: NOON })]);
  });

  it('passes on the name it advertises, and says goodbye before it stops', () => {
    const { cluster, goodbye, reported } = clusterHarness(OURS);
    cluster.send({ type: 'discovery.named', name: 'kitchen-2' });
    expect(reported('cluster.named')).toEqual([{ type: 'cluster.named', name: 'kitchen-2' }]);
    cluster.send({ type: 'cluster.leave' });
    expect(cluster.getSnapshot().status).toBe('active');
    goodbye.answer?.();
    expect(cluster.getSnapshot().status).toBe('done');
  });
});

describe('cluster refresh (someone looks at the household)', () => {
  const order = (reports: readonly { type: string }[]) =>
    reports.map((report) => report.type).filter((type) => type === 'cluster.peers' || type === 'cluster.refreshed');

  it('is over once every peer it asked has answered, and its parent hears of the peers first, at once', () => {
    const { cluster, clock, sent, reports, reported } = clusterHarness(OURS, [KITCHEN, HALL]);
    sent.length = 0;
    cluster.send({ type: 'cluster.refresh' });
    expect([KITCHEN, HALL].map((peer) => requestsTo(sent, peer))).toEqual([1, 1]);
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: OURS });
    advance(clock, 5);
    expect(reported('cluster.refreshed')).toEqual([]);
    cluster.send({ type: 'state.received', from: HALL, lastCleaned: OURS });
    // 5 ms in, not 20 ms after the first change: the page shows what they said.
    expect(order(reports)).toEqual(['cluster.peers', 'cluster.refreshed']);
    expect(reported('cluster.peers')[0].peers).toEqual([
      expect.objectContaining({ address: KITCHEN.address, said: OURS }),
      expect.objectContaining({ address: HALL.address, said: OURS }),
    ]);
  });

  it('is over at 250 ms when a peer does not answer, and within the second after a look is answered at once', () => {
    const { cluster, clock, sent, reported } = clusterHarness(OURS, [KITCHEN, HALL]);
    cluster.send({ type: 'cluster.refresh' });
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: OURS });
    advance(clock, 249);
    expect(reported('cluster.refreshed')).toHaveLength(0);
    advance(clock, 1);
    expect(reported('cluster.refreshed')).toHaveLength(1);
    sent.length = 0;
    cluster.send({ type: 'cluster.refresh' });
    expect(reported('cluster.refreshed')).toHaveLength(2);
    expect(sent).toEqual([]);
  });

  it('is over at once when there is no peer to ask', () => {
    const { cluster, reported } = clusterHarness(OURS, []);
    cluster.send({ type: 'cluster.refresh' });
    expect(reported('cluster.refreshed')).toHaveLength(1);
  });
});
