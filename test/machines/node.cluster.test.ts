import type { TransportCommand } from '../../machines/cluster-events';
import { PROBE_EVERY_ROUNDS, SILENT_ASKS } from '../../machines/peer-table';
import { advance, SECOND } from '../support/time';
import { NOON, nodeHarness, settle } from '../support/node-harness';

const HOUR = 3_600_000;
const OURS = NOON - 13 * HOUR;
const KITCHEN = { address: '10.0.0.2', port: 5300 };
const HALL = { address: '10.0.0.3', port: 5300 };

async function runningNode(loaded: number | null, peers = [KITCHEN]) {
  const node = nodeHarness(peers);
  node.load.resolve?.(loaded);
  await settle();
  return node;
}

const updatesTo = (sent: TransportCommand[], peer: typeof KITCHEN) =>
  sent.filter((command) => command.type === 'transport.update' && command.to.address === peer.address);

describe('node merge rules', () => {
  it('adopts a later time: saved first, then the reminder hears it and every peer but its sender is sent it', async () => {
    const PORCH = { address: '10.0.0.4', port: 5300 };
    const node = await runningNode(OURS, [KITCHEN, HALL, PORCH]);
    node.sent.length = 0;
    node.actor.send({ type: 'state.received', from: KITCHEN, lastCleaned: NOON - HOUR });
    expect(node.saved).toEqual([NOON - HOUR]);
    expect(node.heard()).toEqual([{ type: 'time.changed', lastCleaned: NOON - HOUR }]);
    expect(node.actor.getSnapshot().context.lastCleaned).toBe(NOON - HOUR);
    expect(node.sent).toEqual([
      { type: 'transport.update', to: HALL, lastCleaned: NOON - HOUR },
      { type: 'transport.update', to: PORCH, lastCleaned: NOON - HOUR },
    ]);
  });

  it('passes a time from a sender it does not know (a `reset`) on to every peer', async () => {
    const node = await runningNode(OURS, [KITCHEN, HALL]);
    node.sent.length = 0;
    node.actor.send({ type: 'state.received', from: { address: '10.0.0.9', port: 40000 }, lastCleaned: NOON - HOUR });
    expect(node.sent).toEqual([
      { type: 'transport.update', to: KITCHEN, lastCleaned: NOON - HOUR },
      { type: 'transport.update', to: HALL, lastCleaned: NOON - HOUR },
    ]);
  });

  it('adopts a time up to 10 minutes ahead of its clock, and refuses one further ahead', async () => {
    const node = await runningNode(OURS);
    const refused: unknown[] = [];
    node.actor.on('time.refused', (event) => refused.push(event));
    node.actor.send({ type: 'state.received', from: KITCHEN, lastCleaned: NOON + 10 * 60 * SECOND + SECOND });
    expect(node.saved).toEqual([]);
    expect(refused).toEqual([{ type: 'time.refused', from: KITCHEN, lastCleaned: NOON + 601 * SECOND }]);
    node.actor.send({ type: 'state.received', from: KITCHEN, lastCleaned: NOON + 10 * 60 * SECOND });
    expect(node.saved).toEqual([NOON + 600 * SECOND]);
  });

  it('never lets an older or equal time replace its own, and answers an older one with its own', async () => {
    const node = await runningNode(OURS);
    node.sent.length = 0;
    node.actor.send({ type: 'state.received', from: KITCHEN, lastCleaned: OURS - HOUR });
    node.actor.send({ type: 'state.received', from: KITCHEN, lastCleaned: OURS });
    expect(node.saved).toEqual([]);
    expect(node.actor.getSnapshot().context.lastCleaned).toBe(OURS);
    expect(node.sent).toEqual([{ type: 'transport.update', to: KITCHEN, lastCleaned: OURS }]);
  });

  it('changes nothing on UpdateState(None), and pushes its time to that peer', async () => {
    const node = await runningNode(OURS);
    node.sent.length = 0;
    node.actor.send({ type: 'state.received', from: KITCHEN, lastCleaned: null });
    expect(node.saved).toEqual([]);
    expect(node.sent).toEqual([{ type: 'transport.update', to: KITCHEN, lastCleaned: OURS }]);
  });

  it('adopts any time when its own is unknown, but not None and none before 1970', async () => {
    const node = await runningNode(null);
    node.actor.send({ type: 'state.received', from: KITCHEN, lastCleaned: null });
    node.actor.send({ type: 'state.received', from: KITCHEN, lastCleaned: -1000 });
    node.actor.send({ type: 'state.received', from: KITCHEN, lastCleaned: -8334601228800 * 1000 });
    expect(node.saved).toEqual([]);
    node.actor.send({ type: 'state.received', from: KITCHEN, lastCleaned: OURS });
    expect(node.saved).toEqual([OURS]);
  });

  it('records a press one second after a cluster time slightly ahead, and pushes it to every peer', async () => {
    const node = await runningNode(OURS, [KITCHEN, HALL]);
    node.actor.send({ type: 'state.received', from: KITCHEN, lastCleaned: NOON + 30 * SECOND });
    node.sent.length = 0;
    node.press();
    expect(node.saved.at(-1)).toBe(NOON + 31 * SECOND);
    expect(node.sent).toEqual([
      { type: 'transport.update', to: KITCHEN, lastCleaned: NOON + 31 * SECOND },
      { type: 'transport.update', to: HALL, lastCleaned: NOON + 31 * SECOND },
    ]);
  });

  it('answers RequestState with its time, or None when unknown, also to senders it does not know', async () => {
    const node = await runningNode(null);
    const laptop = { address: '10.0.0.9', port: 40000 };
    node.actor.send({ type: 'peer.requested', from: laptop });
    expect(node.sent.at(-1)).toEqual({ type: 'transport.update', to: laptop, lastCleaned: null });
    expect(Object.keys(node.actor.getSnapshot().context.peers)).toEqual(['10.0.0.2:5300']);
  });
});

describe('node repair and peers', () => {
  const requestsTo = (sent: TransportCommand[], peer: typeof KITCHEN) =>
    sent.filter((command) => command.type === 'transport.request' && command.to.address === peer.address).length;

  it('asks static peers at once and then every round of 2 to 4 s', async () => {
    const node = await runningNode(OURS);
    expect(requestsTo(node.sent, KITCHEN)).toBe(1);
    for (let round = 1; round <= 10; round += 1) {
      advance(node.clock, 3 * SECOND, 100);
      // The kitchen answers, as a live node does.
      node.actor.send({ type: 'state.received', from: KITCHEN, lastCleaned: OURS });
    }
    expect(requestsTo(node.sent, KITCHEN)).toBe(11);
  });

  it('asks a newly found peer at once, forgets it on goodbye', async () => {
    const node = await runningNode(OURS, []);
    node.actor.send({ type: 'peer.found', peer: { ...HALL, name: 'hall', ours: true } });
    expect(node.sent.at(-1)).toEqual({ type: 'transport.request', to: HALL });
    node.actor.send({ type: 'peer.lost', peer: { ...HALL, name: 'hall', ours: true } });
    expect(node.actor.getSnapshot().context.peers).toEqual({});
  });

  it('asks one peer a round, each in turn', async () => {
    const PORCH = { address: '10.0.0.4', port: 5300 };
    const node = await runningNode(OURS, [KITCHEN, HALL, PORCH]);
    node.sent.length = 0;
    advance(node.clock, 3 * SECOND, 100);
    expect(node.sent).toHaveLength(1);
    advance(node.clock, 6 * SECOND, 100);
    expect([KITCHEN, HALL, PORCH].map((peer) => requestsTo(node.sent, peer))).toEqual([1, 1, 1]);
  });

  it('sets a silent discovered peer aside, and takes it back when it speaks', async () => {
    const node = await runningNode(OURS, []);
    node.actor.send({ type: 'peer.found', peer: { ...HALL, name: 'hall', ours: true } });
    const silent: unknown[] = [];
    node.actor.on('peer.silent', (event) => silent.push(event));
    // Asked at once, then each round, 3 s apart here: the fifth round finds 4 unanswered.
    advance(node.clock, (SILENT_ASKS + 1) * 3 * SECOND - SECOND, 100);
    expect(silent).toEqual([]);
    advance(node.clock, 2 * SECOND, 100);
    expect(silent).toEqual([{ type: 'peer.silent', peer: expect.objectContaining(HALL) }]);
    node.actor.send({ type: 'button.pressed' });
    expect(updatesTo(node.sent, HALL)).toHaveLength(0);
    node.actor.send({ type: 'peer.requested', from: HALL });
    node.actor.send({ type: 'button.pressed' });
    expect(updatesTo(node.sent, HALL)).toHaveLength(2);
  });

  it('takes a silent static peer out of the rotation, so that live ones are asked every round', async () => {
    const node = await runningNode(OURS, [KITCHEN, HALL]);
    const silent: unknown[] = [];
    node.actor.on('peer.silent', (event) => silent.push(event));
    // The hall answers every round; the kitchen never does.
    const rounds = (count: number) => {
      for (let round = 0; round < count; round += 1) {
        advance(node.clock, 3 * SECOND, 100);
        node.actor.send({ type: 'state.received', from: HALL, lastCleaned: OURS });
      }
    };
    rounds(2 * SILENT_ASKS + 1);
    expect(silent).toEqual([{ type: 'peer.silent', peer: expect.objectContaining(KITCHEN) }]);
    const hallAsked = requestsTo(node.sent, HALL);
    rounds(3);
    expect(requestsTo(node.sent, HALL)).toBe(hallAsked + 3);
    node.actor.send({ type: 'button.pressed' });
    expect(updatesTo(node.sent, KITCHEN)).toHaveLength(1);
  });

  it('still probes a peer set aside now and then, so that a healed partition heals', async () => {
    const node = await runningNode(OURS, []);
    node.actor.send({ type: 'peer.found', peer: { ...HALL, name: 'hall', ours: true } });
    advance(node.clock, (SILENT_ASKS + 1) * 3 * SECOND + SECOND, 100);
    const asked = requestsTo(node.sent, HALL);
    expect(asked).toBe(1 + SILENT_ASKS + 1);
    advance(node.clock, (PROBE_EVERY_ROUNDS - SILENT_ASKS - 2) * 3 * SECOND, 100);
    expect(requestsTo(node.sent, HALL)).toBe(asked);
    advance(node.clock, 3 * SECOND, 100);
    expect(requestsTo(node.sent, HALL)).toBe(asked + 1);
  });

  it('on SHUTDOWN says the mDNS goodbye and stops once the strip is dark and the goodbye sent', async () => {
    const node = await runningNode(OURS);
    node.actor.send({ type: 'SHUTDOWN' });
    expect(node.heard().at(-1)).toEqual({ type: 'SHUTDOWN' });
    node.reminder().send({ type: 'finish' });
    expect(node.actor.getSnapshot().status).toBe('active');
    node.goodbye.answer?.();
    expect(node.actor.getSnapshot().status).toBe('done');
  });
});
