import type { Withdrawals } from '../../../machines/history/withdrawals';
import type { History } from '../../../machines/history/history-set';
import type { NodeEmitted, NodeInput } from '../../../machines/node/node-events';
import { NOON, nodeHarness, settle } from '../../support/node-harness';
import { advance, HOUR, MINUTE, SECOND } from '../../support/time';

const KITCHEN = { address: '10.0.0.2', port: 5300 };
const HALL = { name: 'hall-1234', address: '10.0.0.3', port: 5300, ours: true, http: 5380 };

async function runningNode(loaded: number | null, input: Partial<NodeInput> = {}) {
  const node = nodeHarness([KITCHEN], { input });
  node.load.resolve?.(loaded);
  await settle();
  await settle();
  const context = () =>
    (node.child('history').getSnapshot() as { context: { history: History; withdrawals: Withdrawals } }).context;
  const last = <T extends NodeEmitted['type']>(type: T) =>
    node.emitted.filter((event): event is NodeEmitted & { type: T } => event.type === type).at(-1);
  const updates = () => node.sent.filter((command) => command.type === 'transport.update');
  return { ...node, context, last, updates };
}

describe('node: an undo of its own box (the default one)', () => {
  it('takes the time back to the one before, on the strip, in the state file and to every peer over UDP', async () => {
    const node = await runningNode(NOON - 13 * HOUR);
    // The earlier cleaning is in the history (as a peer's), then a press.
    node.actor.send({ type: 'cleaning.reported', source: 'web', at: NOON - 2 * HOUR });
    advance(node.clock, MINUTE);
    node.press();
    const pressed = NOON + MINUTE;
    expect(node.actor.getSnapshot().context.lastCleaned).toBe(pressed);
    expect(node.views().at(-1)?.boxes[0].undo).toEqual({ at: pressed, until: pressed + 10 * MINUTE });
    const before = node.updates().length;
    advance(node.clock, 2 * MINUTE);
    node.actor.send({ type: 'cleaning.undo', box: 'litter box', at: pressed, ticket: 'u1' });
    expect(node.last('undo.answered')).toEqual({ type: 'undo.answered', ticket: 'u1', ok: true });
    expect(node.actor.getSnapshot().context.lastCleaned).toBe(NOON - 2 * HOUR);
    expect(node.heard().at(-1)).toEqual({ type: 'time.changed', lastCleaned: NOON - 2 * HOUR });
    expect(node.written.at(-1)).toBe(NOON - 2 * HOUR);
    expect(node.views().at(-1)).toMatchObject({ lastCleaned: NOON - 2 * HOUR });
    expect(node.views().at(-1)?.boxes[0]).toMatchObject({ lastCleaned: NOON - 2 * HOUR, undo: null });
    expect(node.updates().slice(before)).toEqual([
      { type: 'transport.update', to: expect.objectContaining(KITCHEN), lastCleaned: NOON - 2 * HOUR },
    ]);
    expect(node.context().withdrawals).toEqual([{ at: pressed, when: NOON + 3 * MINUTE, node: 'kitchen-3f2a' }]);
    expect(node.last('time.withdrawn')).toEqual({
      type: 'time.withdrawn',
      box: 'litter box',
      at: pressed,
      restored: NOON - 2 * HOUR,
    });
  });

  it('knows no time again when the only cleaning is taken back: the state file is removed, the strip shows unknown', async () => {
    const node = await runningNode(null);
    node.press();
    advance(node.clock, MINUTE);
    node.actor.send({ type: 'cleaning.undo', box: 'litter box', at: NOON, ticket: 'u1' });
    expect(node.last('undo.answered')).toEqual({ type: 'undo.answered', ticket: 'u1', ok: true });
    expect(node.actor.getSnapshot().context.lastCleaned).toBeNull();
    expect(node.written).toEqual([NOON, null]);
    expect(node.views().at(-1)).toMatchObject({ lastCleaned: null });
    expect(node.last('time.withdrawn')).toEqual({
      type: 'time.withdrawn',
      box: 'litter box',
      at: NOON,
      restored: null,
    });
  });

  it('never takes the withdrawn time back from a peer, and tells that peer the time that stands', async () => {
    const node = await runningNode(NOON - 13 * HOUR);
    node.actor.send({ type: 'cleaning.reported', source: 'web', at: NOON - 2 * HOUR });
    node.press();
    node.actor.send({ type: 'cleaning.undo', box: 'litter box', at: NOON, ticket: 'u1' });
    const before = node.updates().length;
    node.receive(KITCHEN, NOON);
    advance(node.clock, 20);
    expect(node.actor.getSnapshot().context.lastCleaned).toBe(NOON - 2 * HOUR);
    expect(node.last('time.refused')).toEqual({
      type: 'time.refused',
      from: KITCHEN,
      lastCleaned: NOON,
      withdrawn: true,
    });
    expect(node.updates().slice(before)).toEqual([
      { type: 'transport.update', to: KITCHEN, lastCleaned: NOON - 2 * HOUR },
    ]);
    // Nor from MQTT's household topic.
    node.actor.send({ type: 'time.offered', lastCleaned: NOON, from: { address: 'mqtt', port: 0 } });
    advance(node.clock, 20);
    expect(node.actor.getSnapshot().context.lastCleaned).toBe(NOON - 2 * HOUR);
  });

  it('refuses outside the undo window, and a cleaning a later one overtook, with the reason', async () => {
    const node = await runningNode(null);
    node.press();
    advance(node.clock, 10 * MINUTE + SECOND);
    node.actor.send({ type: 'cleaning.undo', box: 'litter box', at: NOON, ticket: 'late' });
    expect(node.last('undo.answered')).toMatchObject({ ticket: 'late', ok: false, reason: 'outside-window' });
    const first = NOON + 10 * MINUTE + SECOND;
    node.press();
    advance(node.clock, 2 * MINUTE);
    node.press();
    node.actor.send({ type: 'cleaning.undo', box: 'litter box', at: first, ticket: 'old' });
    expect(node.last('undo.answered')).toMatchObject({ ticket: 'old', ok: false, reason: 'overtaken' });
    node.actor.send({ type: 'cleaning.undo', box: 'upstairs', at: first, ticket: 'none' });
    expect(node.last('undo.answered')).toMatchObject({ ticket: 'none', ok: false, reason: 'unknown' });
    node.actor.send({ type: 'cleaning.undo', box: 'litter box', at: first + 2 * MINUTE, ticket: 'ok' });
    node.actor.send({ type: 'cleaning.undo', box: 'litter box', at: first + 2 * MINUTE, ticket: 'again' });
    expect(node.last('undo.answered')).toMatchObject({ ticket: 'again', ok: false, reason: 'withdrawn' });
    expect(node.actor.getSnapshot().context.lastCleaned).toBe(first);
  });

  it('says who cleaned within the window, and answers once the history shows it', async () => {
    const node = await runningNode(null, { people: ['Anna', 'Ben'] });
    node.press();
    node.actor.send({ type: 'cleaning.named', box: 'litter box', at: NOON, by: 'Anna', ticket: 'n1' });
    expect(node.last('naming.answered')).toEqual({ type: 'naming.answered', ticket: 'n1', ok: true });
    expect(node.context().history).toEqual([{ at: NOON, source: 'button', node: 'kitchen-3f2a', by: 'Anna' }]);
    expect(node.views().at(-1)?.boxes[0].by).toBe('Anna');
    expect(node.views().at(-1)?.people).toEqual(['Anna', 'Ben']);
    node.actor.send({ type: 'cleaning.named', box: 'litter box', at: NOON, by: 'Ben', ticket: 'n2' });
    expect(node.last('naming.answered')).toMatchObject({ ticket: 'n2', ok: false, reason: 'named' });
  });
});

describe('node: a box other than the default one', () => {
  const UPSTAIRS = { boxes: ['upstairs'] };

  it('records a press with its box and never sends it over UDP; the history offers it to every peer at once', async () => {
    const node = await runningNode(null, UPSTAIRS);
    node.found(HALL);
    advance(node.clock, 20);
    const exchanges = node.exchanges.length;
    node.press();
    expect(node.actor.getSnapshot().context.lastCleaned).toBe(NOON);
    expect(node.context().history).toEqual([{ at: NOON, source: 'button', node: 'kitchen-3f2a', box: 'upstairs' }]);
    expect(node.updates()).toEqual([]);
    expect(node.sent.filter((command) => command.type === 'transport.answer').map((c) => c.lastCleaned)).not.toContain(
      NOON,
    );
    expect(node.exchanges.length).toBeGreaterThan(exchanges);
  });

  it("keeps the default box's time in the cluster, for original nodes, and in the history, not as its own", async () => {
    const node = await runningNode(NOON - HOUR, UPSTAIRS);
    node.receive(KITCHEN, NOON - 30 * MINUTE);
    advance(node.clock, 20);
    expect(node.actor.getSnapshot().context.lastCleaned).toBe(NOON - HOUR);
    expect(node.context().history).toEqual([{ at: NOON - 30 * MINUTE, source: 'network', node: null }]);
    expect(node.sent.filter((command) => command.type === 'transport.answer').at(-1)).toEqual({
      type: 'transport.answer',
      lastCleaned: NOON - 30 * MINUTE,
    });
    expect(
      node
        .views()
        .at(-1)
        ?.boxes.map((box) => [box.box, box.lastCleaned]),
    ).toEqual([
      ['upstairs', NOON - HOUR],
      ['litter box', NOON - 30 * MINUTE],
    ]);
  });

  it("takes its box's time from a peer's cleaning in the history, and goes back when that one is withdrawn", async () => {
    const node = await runningNode(NOON - 3 * HOUR, UPSTAIRS);
    node.actor.send({
      type: 'history.offered',
      cleanings: [
        { at: NOON - 2 * HOUR, source: 'button', node: 'hall-1234', box: 'upstairs' },
        { at: NOON - MINUTE, source: 'button', node: 'hall-1234', box: 'upstairs' },
      ],
      from: { address: '10.0.0.3' },
    });
    expect(node.actor.getSnapshot().context.lastCleaned).toBe(NOON - MINUTE);
    expect(node.heard().at(-1)).toEqual({ type: 'time.changed', lastCleaned: NOON - MINUTE });
    expect(node.written.at(-1)).toBe(NOON - MINUTE);
    node.actor.send({
      type: 'history.offered',
      cleanings: [],
      withdrawals: [{ at: NOON - MINUTE, box: 'upstairs', when: NOON, node: 'hall-1234' }],
      from: { address: '10.0.0.3' },
    });
    expect(node.actor.getSnapshot().context.lastCleaned).toBe(NOON - 2 * HOUR);
    expect(node.written.at(-1)).toBe(NOON - 2 * HOUR);
    expect(node.views().at(-1)?.boxes[0]).toMatchObject({ box: 'upstairs', lastCleaned: NOON - 2 * HOUR });
    // Neither time went over UDP.
    expect(node.updates()).toEqual([]);
  });

  it('records a press on another box in the history alone, answering once it shows there', async () => {
    const node = await runningNode(NOON - HOUR, { boxes: ['litter box', 'upstairs'] });
    node.actor.send({ type: 'cleaning.reported', source: 'web', box: 'upstairs', by: 'Anna', ticket: 't1' });
    expect(node.last('cleaning.answered')).toEqual({ type: 'cleaning.answered', ticket: 't1' });
    expect(node.actor.getSnapshot().context.lastCleaned).toBe(NOON - HOUR);
    expect(node.context().history).toEqual([
      { at: NOON, source: 'web', node: 'kitchen-3f2a', box: 'upstairs', by: 'Anna' },
    ]);
    expect(node.updates()).toEqual([]);
    expect(
      node
        .views()
        .at(-1)
        ?.boxes.map((box) => [box.box, box.lastCleaned, box.own]),
    ).toEqual([
      ['litter box', NOON - HOUR, true],
      ['upstairs', NOON, true],
    ]);
    // Its reminder hears of it: its strip segment turns fresh.
    const upstairs = node.child('reminder:upstairs').getSnapshot() as { context: { heard: unknown[] } };
    expect(upstairs.context.heard.at(-1)).toEqual({ type: 'time.changed', lastCleaned: NOON });
  });
});

describe('node: the boxes and names other nodes announce (TXT boxes= and people=)', () => {
  const BASEMENT = { name: 'basement-5678', address: '10.0.0.4', port: 5300, ours: true, http: 5380 };
  const ORIGINAL = { name: 'rust-1', address: '10.0.0.5', port: 5300, ours: false, http: null };

  it('lists every node under the boxes it shows, an earlier or original node under the default box', async () => {
    const node = await runningNode(null, { boxes: ['upstairs', 'litter box'], people: ['Anna'] });
    node.found({ ...HALL, boxes: ['upstairs'], people: ['Ben', 'anna'] });
    node.found({ ...BASEMENT, boxes: ['basement', 'upstairs'], people: ['Cleo'] });
    node.found(ORIGINAL);
    node.found({ name: 'old-9abc', address: '10.0.0.6', port: 5300, ours: true, http: 5380 });
    advance(node.clock, 20);
    const view = node.views().at(-1);
    expect(view?.boxes.map(({ box, nodes, own }) => ({ box, nodes, own }))).toEqual([
      { box: 'upstairs', nodes: ['kitchen-3f2a', 'basement-5678', 'hall-1234'], own: true },
      { box: 'litter box', nodes: ['kitchen-3f2a', 'old-9abc', 'rust-1'], own: true },
      { box: 'basement', nodes: ['basement-5678'], own: false },
    ]);
    // Its own names first, then the others' (their nodes by name), each once ("anna" is Anna).
    expect(view?.people).toEqual(['Anna', 'Cleo', 'Ben']);
  });

  it('follows a node that shows other boxes now, and one whose announcement was refused shows none', async () => {
    const node = await runningNode(null, { boxes: ['upstairs'] });
    node.found({ ...HALL, boxes: ['upstairs'] });
    advance(node.clock, 20);
    node.found({ ...HALL, boxes: ['attic'] });
    advance(node.clock, 20);
    expect(
      node
        .views()
        .at(-1)
        ?.boxes.map(({ box, nodes }) => ({ box, nodes })),
    ).toEqual([
      { box: 'upstairs', nodes: ['kitchen-3f2a'] },
      { box: 'attic', nodes: ['hall-1234'] },
    ]);
    node.found({ ...HALL, boxes: [] });
    advance(node.clock, 20);
    expect(
      node
        .views()
        .at(-1)
        ?.boxes.map(({ box, nodes }) => ({ box, nodes })),
    ).toEqual([{ box: 'upstairs', nodes: ['kitchen-3f2a'] }]);
  });
});
