import fc from 'fast-check';
import { boxOf } from '../../../common/boxes';
import type { Cleaning, Withdrawal } from '../../../common/history';
import { boxTimes } from '../../../machines/history/boxes';
import {
  historyOf,
  keyOf,
  MOST_PER_DAY,
  takeIn,
  type History,
  type Offerer,
} from '../../../machines/history/history-set';
import { roomOf, spend, withdrawalRoomOf } from '../../../machines/history/offer-budget';
import { MAX_AHEAD_MS } from '../../../machines/shared/time-rules';
import {
  MOST_UNDO_WINDOW_MS,
  takeInWithdrawals,
  withdrawalKey,
  withdrawnKeys,
  withinUndoWindow,
  type Withdrawals,
} from '../../../machines/history/withdrawals';
import { DAY, HOUR, NOON, SECOND } from '../../support/time';

const NODES = ['kitchen-3f2a', 'hall-1234', 'porch-9c1d'];
const BOXES = [undefined, 'upstairs', 'basement'];

interface Node {
  history: History;
  withdrawals: Withdrawals;
}

const OWN: Offerer = { own: true };

/** What node `to` holds once it took in everything node `from` holds, by a peer's rules (room to spare). */
function offer(nodes: Node[], from: number, to: number): void {
  const sender: Offerer = { own: false, names: [NODES[from]], room: { recent: 1e6, older: 1e6 } };
  const history = takeIn(nodes[to].history, nodes[from].history, NOON, sender).history;
  const { withdrawals } = takeInWithdrawals(nodes[to].withdrawals, history, nodes[from].withdrawals, NOON, {
    own: false,
    room: 1e6,
  });
  nodes[to] = { history, withdrawals };
}

/**
 * A household's honest record: cleanings of three boxes (some in the same second), each
 * recorded on one node with perhaps who cleaned, and known to the others by part of its
 * chain of descriptions (adopted over UDP, or its source alone); some withdrawn, within the
 * window, on any node. Few enough that no day passes its bound.
 */
const household = fc
  .uniqueArray(
    fc.record({
      // An hour ago at the latest: a withdrawal made within the window is not ahead of the clock.
      at: fc.integer({ min: 1, max: 400 }).map((h) => NOON - h * HOUR),
      box: fc.constantFrom(...BOXES),
      source: fc.constantFrom('button', 'web', 'reset', 'mqtt'),
      recorder: fc.integer({ min: 0, max: 2 }),
      by: fc.option(fc.constantFrom('Anna', 'Ben'), { nil: undefined }),
      // What each of the three nodes knows of it: nothing, its chain up to 1, 2 or 3, the recorder all.
      seen: fc.tuple(...NODES.map(() => fc.integer({ min: 0, max: 3 }))),
      withdrawnBy: fc.subarray([0, 1, 2], { maxLength: 2 }),
      after: fc.integer({ min: 0, max: MOST_UNDO_WINDOW_MS / SECOND }).map((s) => s * SECOND),
    }),
    { selector: (c) => `${c.at} ${c.box}`, maxLength: 12 },
  )
  .map((records) => {
    const nodes: Node[] = NODES.map(() => ({ history: [], withdrawals: [] }));
    const cleanings: Cleaning[] = [];
    const withdrawals: Withdrawal[] = [];
    for (const { at, box, source, recorder, by, seen, withdrawnBy, after } of records) {
      const boxed = box === undefined ? {} : { box };
      const full: Cleaning = { at, source, node: NODES[recorder], ...boxed, ...(by === undefined ? {} : { by }) };
      const chain: Cleaning[] = [
        { at, source: 'network', node: null, ...boxed },
        { at, source, node: null, ...boxed },
        full,
      ];
      cleanings.push(full);
      for (const [i, node] of nodes.entries()) {
        const known = i === recorder ? 3 : seen[i];
        if (known > 0) node.history = takeIn(node.history, [chain[known - 1]], NOON, OWN).history;
      }
      for (const i of withdrawnBy) {
        const withdrawal: Withdrawal = { at, ...boxed, when: at + after, node: NODES[i] };
        withdrawals.push(withdrawal);
        // Who withdraws a cleaning holds it: it was on that node's page.
        nodes[i].history = takeIn(nodes[i].history, [chain[Math.max(0, seen[i] - 1)]], NOON, OWN).history;
        nodes[i].withdrawals = takeInWithdrawals(nodes[i].withdrawals, nodes[i].history, [withdrawal], NOON, {
          own: true,
        }).withdrawals;
      }
    }
    return { nodes, cleanings, withdrawals };
  });

/** Offers between the three nodes, in any order. */
const schedule = fc.array(
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })).filter(([a, b]) => a !== b),
  { maxLength: 30 },
);

const sorted = (withdrawals: Withdrawals) => withdrawals.map(withdrawalKey).sort();

describe('the history of several boxes, with who cleaned and withdrawals, among our nodes', () => {
  it('comes out the same on every node, whatever order the offers come in: each cleaning at its fullest, every withdrawal', () => {
    fc.assert(
      fc.property(household, schedule, ({ nodes, cleanings, withdrawals }, order) => {
        for (const [from, to] of order) offer(nodes, from, to);
        // Then every node offers every other, twice round: what the rounds of exchange do.
        for (let round = 0; round < 2; round += 1) {
          for (const from of [0, 1, 2]) for (const to of [0, 1, 2]) if (from !== to) offer(nodes, from, to);
        }
        const expected = historyOf(cleanings, NOON);
        for (const node of nodes) {
          expect(node.history).toEqual(expected);
          expect(sorted(node.withdrawals)).toEqual(sorted(withdrawals));
        }
      }),
    );
  });

  it('never loses a withdrawal once held, and never shows a withdrawn time as a box’s time', () => {
    fc.assert(
      fc.property(household, schedule, ({ nodes }, order) => {
        for (const [from, to] of order) {
          const before = new Set(nodes[to].withdrawals.map(withdrawalKey));
          offer(nodes, from, to);
          const after = new Set(nodes[to].withdrawals.map(withdrawalKey));
          for (const key of before) expect(after.has(key)).toBe(true);
          const withdrawn = withdrawnKeys(nodes[to].withdrawals);
          for (const [box, cleaning] of boxTimes(nodes[to].history, nodes[to].withdrawals)) {
            expect(boxOf(cleaning)).toBe(box);
            expect(withdrawn.has(keyOf(cleaning))).toBe(false);
          }
        }
      }),
    );
  });
});

describe('withdrawals a peer offers', () => {
  /** 25 days of real cleanings of two boxes, twice a day each. */
  const real = historyOf(
    Array.from({ length: 100 }, (_, i) => ({
      at: NOON - Math.floor(i / 2) * 12 * HOUR,
      source: 'button' as const,
      node: NODES[i % 3],
      ...(i % 2 === 0 ? {} : { box: 'upstairs' }),
    })),
    NOON,
  );
  const anyWithdrawal = fc.record({
    at: fc.oneof(
      fc.constantFrom(...real.map((c) => c.at)),
      fc.integer({ min: -40 * DAY, max: DAY }).map((ms) => NOON + Math.round(ms / SECOND) * SECOND),
    ),
    box: fc.constantFrom(undefined, 'upstairs', 'basement'),
    when: fc.integer({ min: -40 * DAY, max: DAY }).map((ms) => NOON + Math.round(ms / SECOND) * SECOND),
    node: fc.constantFrom(...NODES, 'stranger'),
  });
  // Half the offers are forged to look made within the window.
  const offered = fc
    .array(fc.tuple(anyWithdrawal, fc.boolean(), fc.nat(MOST_UNDO_WINDOW_MS / SECOND)), { maxLength: 200 })
    .map((list) =>
      list.map(([w, inWindow, s]) => {
        const withdrawal: Withdrawal = { at: w.at, when: inWindow ? w.at + s * SECOND : w.when, node: w.node };
        return w.box === undefined ? withdrawal : { ...withdrawal, box: w.box };
      }),
    );

  it('withdraw only cleanings held, within the window, not ahead, within the day’s bound and the sender’s room', () => {
    fc.assert(
      fc.property(offered, fc.nat(30), (withdrawals, room) => {
        const intake = takeInWithdrawals([], real, withdrawals, NOON, { own: false, room });
        const held = new Set(real.map(keyOf));
        expect(intake.added.length).toBeLessThanOrEqual(room);
        const perDay = new Map<number, number>();
        for (const w of intake.withdrawals) {
          expect(held.has(keyOf(w))).toBe(true);
          expect(withinUndoWindow(w)).toBe(true);
          expect(w.when).toBeLessThanOrEqual(NOON + MAX_AHEAD_MS);
          const day = Math.floor(w.at / DAY);
          perDay.set(day, (perDay.get(day) ?? 0) + 1);
        }
        for (const count of perDay.values()) expect(count).toBeLessThanOrEqual(MOST_PER_DAY);
        const refused = Object.values(intake.refused).reduce((a, b) => a + b, 0);
        // Each offer is taken, refused for a reason, or a repeat of one taken.
        expect(intake.added.length + refused).toBeLessThanOrEqual(withdrawals.length);
      }),
    );
  });

  it('are bounded per sender: 24 at once, then 6 a day, apart from its cleanings', () => {
    const spent = spend({}, '10.0.0.9', { withdrawals: withdrawalRoomOf({}, '10.0.0.9', NOON) }, NOON);
    expect(withdrawalRoomOf({}, '10.0.0.9', NOON)).toBe(24);
    expect(withdrawalRoomOf(spent, '10.0.0.9', NOON)).toBe(0);
    expect(withdrawalRoomOf(spent, '10.0.0.9', NOON + DAY)).toBe(6);
    expect(withdrawalRoomOf(spent, '10.0.0.9', NOON + 10 * DAY)).toBe(24);
    expect(roomOf(spent, '10.0.0.9', NOON)).toEqual(roomOf({}, '10.0.0.9', NOON));
  });

  it('cannot take back a week of cleanings: a withdrawal made an hour after its cleaning is late', () => {
    const past = real.filter((c) => c.at < NOON - HOUR);
    const late = past.map((c) => ({
      at: c.at,
      ...(c.box ? { box: c.box } : {}),
      when: c.at + HOUR + SECOND,
      node: 'x',
    }));
    const intake = takeInWithdrawals([], real, late, NOON, { own: false, room: 1e6 });
    expect(intake.withdrawals).toEqual([]);
    expect(past.length).toBeGreaterThan(90);
    expect(intake.refused.late).toBe(past.length);
  });

  it('cannot tell another time for a withdrawal held, nor withdraw what this node does not hold', () => {
    const held: Withdrawal = { at: real[99].at, box: 'upstairs', when: real[99].at + 60 * SECOND, node: 'hall-1234' };
    const start = takeInWithdrawals([], real, [held], NOON, { own: true }).withdrawals;
    const intake = takeInWithdrawals(
      start,
      real,
      [
        { ...held, when: held.when + SECOND },
        { at: real[99].at, box: 'basement', when: real[99].at, node: 'hall-1234' },
      ],
      NOON,
      { own: false, room: 10 },
    );
    expect(intake.withdrawals).toBe(start);
    expect(intake.refused).toMatchObject({ rewrite: 1, unknown: 1 });
  });

  it('are taken from the same offer as their cleaning, whatever comes first in it', () => {
    const cleaning: Cleaning = { at: NOON - HOUR, source: 'web', node: 'porch-9c1d', box: 'basement' };
    const withdrawal: Withdrawal = { at: NOON - HOUR, box: 'basement', when: NOON - HOUR + 30 * SECOND, node: 'x' };
    const history = takeIn([], [cleaning], NOON, { own: false, names: [], room: { recent: 1, older: 0 } }).history;
    expect(takeInWithdrawals([], history, [withdrawal], NOON, { own: false, room: 1 }).added).toEqual([withdrawal]);
  });
});

describe('two boxes and who cleaned in the history', () => {
  it('keeps two boxes cleaned in the same second as two cleanings, the default box first', () => {
    const a: Cleaning = { at: NOON, source: 'button', node: 'hall-1234', box: 'upstairs' };
    const b: Cleaning = { at: NOON, source: 'button', node: 'kitchen-3f2a' };
    expect(historyOf([a, b], NOON)).toEqual([b, a]);
  });

  it('adds who cleaned only from the node that recorded it, and never changes a name', () => {
    const held = historyOf([{ at: NOON, source: 'button', node: 'hall-1234', box: 'upstairs' }], NOON);
    const named: Cleaning = { ...held[0], by: 'Anna' };
    const peer = (name: string): Offerer => ({ own: false, names: [name], room: { recent: 9, older: 9 } });
    expect(takeIn(held, [named], NOON, peer('porch-9c1d')).history).toBe(held);
    const withName = takeIn(held, [named], NOON, peer('hall-1234')).history;
    expect(withName).toEqual([named]);
    const renamed = takeIn(withName, [{ ...named, by: 'Ben' }], NOON, peer('hall-1234'));
    expect(renamed.history).toBe(withName);
    expect(renamed.refused.rewrite).toBe(1);
    // Nor is a name taken away by a description without it.
    expect(takeIn(withName, held, NOON, OWN).history).toBe(withName);
  });
});
