import type { History } from '../../../machines/history/history-set';
import { NOON, nodeHarness, settle } from '../../support/node-harness';
import { advance, HOUR, SECOND } from '../../support/time';

const OURS = NOON - 13 * HOUR;
const KITCHEN = { address: '10.0.0.2', port: 5300 };
const HALL = { name: 'hall-1234', address: '10.0.0.3', port: 5300, ours: true, http: 5380 };

async function runningNode(loaded: number | null) {
  const node = nodeHarness([KITCHEN]);
  node.load.resolve?.(loaded);
  await settle();
  await settle();
  const history = () => (node.child('history').getSnapshot() as { context: { history: History } }).context.history;
  return { ...node, history };
}

describe('node: its history', () => {
  it('does not take the time of the state file in: how it was recorded is not known', async () => {
    const node = await runningNode(OURS);
    expect(node.history()).toEqual([]);
  });

  it('records a press once saved, with how and where, and offers it to every peer that serves one', async () => {
    const node = await runningNode(OURS);
    node.found(HALL);
    advance(node.clock, 20);
    const before = node.exchanges.length;
    node.disk.slow = true;
    node.press();
    // Saved first.
    expect(node.history()).toEqual([]);
    node.finishWrites();
    expect(node.history().at(-1)).toEqual({ at: NOON, source: 'button', node: 'kitchen-3f2a' });
    expect(node.appended.at(-1)).toEqual({ at: NOON, source: 'button', node: 'kitchen-3f2a' });
    expect(node.exchanges.slice(before).map((exchange) => exchange.peer)).toEqual([
      { name: 'hall-1234', address: '10.0.0.3', port: 5380 },
    ]);
  });

  it('records a time adopted from a peer as come over the network, once saved, and offers it to nobody', async () => {
    const node = await runningNode(OURS);
    node.found(HALL);
    advance(node.clock, 20);
    const before = node.exchanges.length;
    node.receive(KITCHEN, NOON - HOUR);
    // Saved first, once the 20 ms of a burst have passed.
    expect(node.history()).toEqual([]);
    advance(node.clock, 20);
    expect(node.history().at(-1)).toEqual({ at: NOON - HOUR, source: 'network', node: null });
    expect(node.exchanges).toHaveLength(before);
  });

  it('records a cleaning at an earlier time than ours, changing nothing shown', async () => {
    const node = await runningNode(OURS);
    node.actor.send({ type: 'cleaning.reported', source: 'web', at: OURS - HOUR });
    expect(node.actor.getSnapshot().context.lastCleaned).toBe(OURS);
    expect(node.history()).toEqual([{ at: OURS - HOUR, source: 'web', node: 'kitchen-3f2a' }]);
    expect(node.written).toEqual([]);
  });

  it('takes in what a peer sent the page server', async () => {
    const node = await runningNode(null);
    node.actor.send({
      type: 'history.offered',
      cleanings: [{ at: NOON - HOUR, source: 'reset', node: 'hall-1234' }],
      from: { address: '10.0.0.3' },
    });
    expect(node.history()).toEqual([{ at: NOON - HOUR, source: 'reset', node: 'hall-1234' }]);
  });

  it('exchanges with a peer that serves a history as soon as mDNS finds it, and no more with one gone silent', async () => {
    const node = await runningNode(OURS);
    node.found(HALL);
    advance(node.clock, 20);
    expect(node.exchanges.map((exchange) => exchange.peer.name)).toEqual(['hall-1234']);
    // Unanswered round after round, the hall is set aside: the history's rounds skip it.
    advance(node.clock, 60 * SECOND);
    const asked = node.exchanges.length;
    advance(node.clock, 60 * SECOND);
    expect(node.exchanges).toHaveLength(asked);
  });
});
