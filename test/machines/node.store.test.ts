import { advance, SECOND } from '../support/time';
import { NOON, nodeHarness, settle } from '../support/node-harness';

const HOUR = 3_600_000;
const KITCHEN = { address: '10.0.0.2', port: 5300 };
// The harness's repair rounds last 3 s (its random number is 0.5).
const ROUND = 3 * SECOND;

async function runningNode(loaded: number | null) {
  const node = nodeHarness([KITCHEN]);
  node.load.resolve?.(loaded);
  await settle();
  return node;
}

describe('node and its state file', () => {
  it('writes nothing again while every save works', async () => {
    const node = await runningNode(NOON - 13 * HOUR);
    node.press();
    advance(node.clock, 5 * ROUND, 100);
    expect(node.saved).toEqual([NOON]);
  });

  it('still shows and tells a time it could not save, and tries again each round until it is written', async () => {
    const node = await runningNode(NOON - 13 * HOUR);
    node.store.failing = true;
    node.sent.length = 0;
    node.actor.send({ type: 'state.received', from: { address: '10.0.0.9', port: 5300 }, lastCleaned: NOON - HOUR });
    expect(node.heard()).toEqual([{ type: 'time.changed', lastCleaned: NOON - HOUR }]);
    expect(node.sent).toContainEqual({ type: 'transport.update', to: KITCHEN, lastCleaned: NOON - HOUR });
    advance(node.clock, 2 * ROUND, 100);
    expect(node.saved).toEqual([]);

    node.store.failing = false;
    advance(node.clock, ROUND, 100);
    expect(node.saved).toEqual([NOON - HOUR]);
    expect(node.actor.getSnapshot().context.savedTime).toBe(NOON - HOUR);
    // Written at last: the reminder and the peers heard it once, and no more tries.
    advance(node.clock, 5 * ROUND, 100);
    expect(node.saved).toEqual([NOON - HOUR]);
    expect(node.heard()).toEqual([{ type: 'time.changed', lastCleaned: NOON - HOUR }]);
  });

  it('tries the latest time when a newer one came while the disk was failing', async () => {
    const node = await runningNode(NOON - 13 * HOUR);
    node.store.failing = true;
    node.actor.send({ type: 'state.received', from: KITCHEN, lastCleaned: NOON - 2 * HOUR });
    node.press();
    node.store.failing = false;
    advance(node.clock, ROUND, 100);
    expect(node.saved).toEqual([NOON]);
  });
});
