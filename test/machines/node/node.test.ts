import { DEFAULT_THRESHOLDS } from '../../../machines/reminder/levels';
import { PRESS_BURST_MS } from '../../../machines/shared/time-rules';
import { NOON, nodeHarness, settle } from '../../support/node-harness';
import { advance, HOUR, SECOND } from '../../support/time';

const OURS = NOON - 13 * HOUR;
const KITCHEN = { address: '10.0.0.2', port: 5300 };
const HALL = { address: '10.0.0.3', port: 5300 };

async function runningNode(loaded: number | null, peers = [KITCHEN, HALL]) {
  const node = nodeHarness(peers);
  node.load.resolve?.(loaded);
  await settle();
  node.sent.length = 0;
  return node;
}

const updates = (node: Awaited<ReturnType<typeof runningNode>>) =>
  node.sent.filter((command) => command.type === 'transport.update');

describe('node: a cleaning recorded here', () => {
  it('is saved first, then told to the household, announced and shown', async () => {
    const node = await runningNode(OURS);
    node.disk.slow = true;
    node.press();
    expect(updates(node)).toEqual([]);
    expect(node.heard()).toEqual([]);
    expect(node.emitted.filter((event) => event.type === 'time.changed')).toEqual([]);
    node.finishWrites();
    expect(node.written).toEqual([NOON]);
    expect(updates(node)).toEqual([
      { type: 'transport.update', to: KITCHEN, lastCleaned: NOON },
      { type: 'transport.update', to: HALL, lastCleaned: NOON },
    ]);
    expect(node.heard()).toEqual([{ type: 'time.changed', lastCleaned: NOON }]);
    expect(node.emitted.filter((event) => event.type === 'time.changed')).toEqual([
      { type: 'time.changed', lastCleaned: NOON, reason: 'recorded', source: 'button', from: null },
    ]);
    expect(node.views().at(-1)).toEqual(expect.objectContaining({ lastCleaned: NOON }));
  });

  it('is the cleaning the household holds when that time is ahead of the clock, or a burst before it', async () => {
    for (const held of [NOON + 5 * SECOND, NOON, NOON - PRESS_BURST_MS]) {
      const node = await runningNode(held);
      node.press();
      expect(node.written).toEqual([]);
      expect(updates(node)).toEqual([]);
      expect(node.emitted.filter((event) => event.type === 'time.changed')).toEqual([]);
    }
  });

  it('is one cleaning for a burst of presses, however many come while the first is saved: never past the clock', async () => {
    const node = await runningNode(OURS);
    node.disk.slow = true;
    for (let i = 0; i < 3000; i += 1) {
      node.press();
      // Three thousand requests over 9 s, all while the first save is under way.
      node.clock.set(node.clock.now() + 3);
    }
    node.finishWrites();
    expect(node.written).toEqual([NOON]);
    expect(node.heard()).toEqual([{ type: 'time.changed', lastCleaned: NOON }]);
    node.clock.set(NOON + PRESS_BURST_MS + SECOND);
    node.press();
    node.finishWrites();
    expect(node.written).toEqual([NOON, NOON + PRESS_BURST_MS + SECOND]);
  });

  it('is old news when a later time is adopted while it is being saved', async () => {
    const node = await runningNode(OURS);
    node.disk.slow = true;
    node.clock.set(NOON + 30 * SECOND);
    node.press();
    node.receive({ address: '10.0.0.9', port: 5300 }, NOON + 40 * SECOND);
    advance(node.clock, 20);
    node.finishWrites();
    node.finishWrites();
    expect(node.heard()).toEqual([{ type: 'time.changed', lastCleaned: NOON + 40 * SECOND }]);
    expect(node.actor.getSnapshot().context.lastCleaned).toBe(NOON + 40 * SECOND);
    // The press was being written already; the file ends with the later time.
    expect(node.written).toEqual([NOON + 30 * SECOND, NOON + 40 * SECOND]);
  });

  it('is shown and told when its save fails, and written again every few seconds until that works', async () => {
    const node = await runningNode(OURS);
    node.disk.failing = true;
    node.press();
    expect(node.heard()).toEqual([{ type: 'time.changed', lastCleaned: NOON }]);
    expect(updates(node)).toHaveLength(2);
    advance(node.clock, 7 * SECOND);
    expect(node.written).toEqual([]);
    node.disk.failing = false;
    advance(node.clock, 3 * SECOND);
    expect(node.written).toEqual([NOON]);
    advance(node.clock, 30 * SECOND);
    expect(node.written).toEqual([NOON]);
    expect(node.heard()).toEqual([{ type: 'time.changed', lastCleaned: NOON }]);
  });

  it('may come from anywhere, and at an earlier time: recorded as given when later than ours', async () => {
    const node = await runningNode(OURS);
    node.actor.send({ type: 'cleaning.reported', source: 'web', at: NOON - HOUR });
    expect(node.heard()).toEqual([{ type: 'time.changed', lastCleaned: NOON - HOUR }]);
    expect(node.emitted.find((event) => event.type === 'time.changed')).toEqual(
      expect.objectContaining({ lastCleaned: NOON - HOUR, source: 'web' }),
    );
    node.actor.send({ type: 'cleaning.reported', source: 'reset', at: NOON - 2 * HOUR });
    expect(node.written).toEqual([NOON - HOUR]);
    expect(node.heard()).toHaveLength(1);
  });
});

describe('node: a time adopted from a peer', () => {
  it('is announced and passed on at once, and shown and saved 20 ms later', async () => {
    const node = await runningNode(OURS);
    node.disk.slow = true;
    node.receive(KITCHEN, NOON - HOUR);
    expect(updates(node)).toEqual([{ type: 'transport.update', to: HALL, lastCleaned: NOON - HOUR }]);
    expect(node.emitted.filter((event) => event.type === 'time.changed')).toEqual([
      { type: 'time.changed', lastCleaned: NOON - HOUR, reason: 'adopted', source: null, from: KITCHEN },
    ]);
    // Asked at once for its time, the transport answers with the new one.
    expect(node.sent.filter((command) => command.type === 'transport.answer').at(-1)).toEqual({
      type: 'transport.answer',
      lastCleaned: NOON - HOUR,
    });
    advance(node.clock, 19);
    expect(node.heard()).toEqual([]);
    advance(node.clock, 1);
    expect(node.heard()).toEqual([{ type: 'time.changed', lastCleaned: NOON - HOUR }]);
    expect(node.views().at(-1)?.lastCleaned).toBe(NOON - HOUR);
    expect(node.written).toEqual([]);
    node.finishWrites();
    expect(node.written).toEqual([NOON - HOUR]);
  });

  it('is shown and saved once for a burst of times, the latest', async () => {
    const node = await runningNode(OURS);
    for (const minutes of [50, 40, 30]) node.receive(KITCHEN, NOON - minutes * 60_000);
    advance(node.clock, 20);
    expect(node.heard()).toEqual([{ type: 'time.changed', lastCleaned: NOON - 30 * 60_000 }]);
    expect(node.written).toEqual([NOON - 30 * 60_000]);
    expect(node.emitted.filter((event) => event.type === 'time.changed')).toHaveLength(3);
  });

  it('is left to a press that comes before it is shown: the press is shown and saved', async () => {
    const node = await runningNode(OURS);
    node.receive(KITCHEN, NOON - HOUR);
    node.press();
    advance(node.clock, 20);
    expect(node.written).toEqual([NOON]);
    expect(node.heard()).toEqual([{ type: 'time.changed', lastCleaned: NOON }]);
  });

  it('is saved before the node stops, when it stops within those 20 ms', async () => {
    const node = await runningNode(OURS);
    node.receive(KITCHEN, NOON - HOUR);
    node.actor.send({ type: 'SHUTDOWN' });
    expect(node.written).toEqual([NOON - HOUR]);
  });
});

describe('node: its view', () => {
  it('is emitted once at the start, with the level of the time it loaded', async () => {
    const node = await runningNode(OURS);
    expect(node.views()).toEqual([
      {
        name: 'kitchen-3f2a',
        lastCleaned: OURS,
        level: 'soon',
        colour: '#ff3c00',
        quiet: false,
        peers: [],
        thresholds: DEFAULT_THRESHOLDS,
        timeZone: 'UTC',
        boxes: [
          {
            box: 'litter box',
            lastCleaned: OURS,
            by: null,
            level: 'soon',
            colour: '#ff3c00',
            undo: null,
            nodes: ['kitchen-3f2a'],
            own: true,
          },
        ],
        people: [],
      },
    ]);
  });

  it('is emitted when any part of it changes, and only then', async () => {
    const node = await runningNode(OURS);
    node.actor.send({ type: 'reminder.level', level: 'soon' });
    node.actor.send({ type: 'display.quiet', quiet: false });
    expect(node.views()).toHaveLength(1);
    node.actor.send({ type: 'reminder.level', level: 'now' });
    node.actor.send({ type: 'display.quiet', quiet: true });
    node.child('cluster').send({ type: 'discovery.named', name: 'kitchen-3f2a-2' });
    expect(node.views().slice(1)).toEqual([
      expect.objectContaining({ level: 'now', colour: '#ff0000', quiet: false }),
      expect.objectContaining({ level: 'now', quiet: true, name: 'kitchen-3f2a' }),
      expect.objectContaining({ name: 'kitchen-3f2a-2' }),
    ]);
  });

  it('shows what each peer last said, and which one is silent', async () => {
    const node = await runningNode(OURS);
    node.receive(KITCHEN, OURS);
    node.receive(KITCHEN, OURS);
    expect(node.views()).toHaveLength(1);
    // What the peers said comes to the view together, within 20 ms.
    advance(node.clock, 20);
    const views = node.views();
    expect(views).toHaveLength(2);
    expect(views[1].peers).toEqual([
      {
        name: null,
        address: '10.0.0.2',
        port: 5300,
        ours: null,
        http: null,
        levels: null,
        answered: true,
        said: OURS,
        silent: false,
      },
      {
        name: null,
        address: '10.0.0.3',
        port: 5300,
        ours: null,
        http: null,
        levels: null,
        answered: false,
        said: null,
        silent: false,
      },
    ]);
    advance(node.clock, 30 * SECOND);
    expect(
      node
        .views()
        .at(-1)
        ?.peers.map((peer) => peer.silent),
    ).toEqual([true, true]);
    expect(node.emitted.filter((event) => event.type === 'peer.silent')).toHaveLength(2);
  });
});

describe('node: shutting down', () => {
  it('darkens the strip, says goodbye and finishes the save in flight before it stops', async () => {
    const node = await runningNode(OURS);
    node.disk.slow = true;
    node.receive(KITCHEN, NOON - HOUR);
    node.actor.send({ type: 'SHUTDOWN' });
    expect(node.heard().at(-1)).toEqual({ type: 'SHUTDOWN' });
    expect(node.released.button).toBe(1);
    node.child('reminder').send({ type: 'finish' });
    node.goodbye.answer?.();
    expect(node.actor.getSnapshot().status).toBe('active');
    node.finishWrites();
    expect(node.written).toEqual([NOON - HOUR]);
    expect(node.actor.getSnapshot().status).toBe('done');
  });

  it('stops after 2 s whatever does not finish', async () => {
    const node = await runningNode(OURS);
    node.actor.send({ type: 'SHUTDOWN' });
    advance(node.clock, 2 * SECOND);
    expect(node.actor.getSnapshot().status).toBe('done');
  });
});

describe('node: its observers', () => {
  const answers = (node: Awaited<ReturnType<typeof runningNode>>) =>
    node.emitted.flatMap((event) => (event.type === 'cleaning.answered' ? [event.ticket] : []));

  it('answers a request once its cleaning is saved, after the view that shows it', async () => {
    const node = await runningNode(OURS);
    node.disk.slow = true;
    node.actor.send({ type: 'cleaning.reported', source: 'web', ticket: 'page-1' });
    expect(answers(node)).toEqual([]);
    node.finishWrites();
    expect(answers(node)).toEqual(['page-1']);
    const types = node.emitted.map((event) => event.type);
    expect(types.lastIndexOf('view.changed')).toBeLessThan(types.indexOf('cleaning.answered'));
    expect(node.views().at(-1)).toEqual(expect.objectContaining({ lastCleaned: NOON }));
    expect(node.actor.getSnapshot().context.saving).toEqual([]);
  });

  it('answers at once a press within a burst, and a cleaning older than its time', async () => {
    const node = await runningNode(NOON - 10 * SECOND);
    node.actor.send({ type: 'cleaning.reported', source: 'web', ticket: 'burst' });
    node.actor.send({ type: 'cleaning.reported', source: 'reset', at: OURS, ticket: 'older' });
    expect(answers(node)).toEqual(['burst', 'older']);
    expect(node.written).toEqual([]);
  });

  it('says when the household it was asked to look at has answered', async () => {
    const node = await runningNode(OURS);
    node.actor.send({ type: 'household.refresh' });
    expect(node.emitted.filter((event) => event.type === 'household.refreshed')).toEqual([]);
    node.receive(KITCHEN, OURS);
    node.receive(HALL, OURS);
    await settle();
    expect(node.emitted.filter((event) => event.type === 'household.refreshed')).toHaveLength(1);
    expect(node.views().at(-1)?.peers).toEqual([
      expect.objectContaining({ said: OURS }),
      expect.objectContaining({ said: OURS }),
    ]);
  });
});
