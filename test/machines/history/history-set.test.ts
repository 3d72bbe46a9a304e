import fc from 'fast-check';
import { HISTORY_SOURCES, type Cleaning, type HistorySource } from '../../../common/history';
import {
  historyOf,
  KEPT_FOR_MS,
  MOST_CLEANINGS,
  MOST_PER_DAY,
  refines,
  takeIn,
  type History,
  type Offerer,
} from '../../../machines/history/history-set';
import { MAX_AHEAD_MS } from '../../../machines/shared/time-rules';
import { DAY, HOUR, NOON, SECOND } from '../../support/time';

const NODES = ['kitchen-3f2a', 'hall-1234', 'porch-9c1d'];

const OWN: Offerer = { own: true };
const peer = (names: string[] = [], room = { recent: 1_000_000, older: 1_000_000 }): Offerer => ({
  own: false,
  names,
  room,
});

/** Cleanings close together, so that two descriptions of one second are common. */
const cleaning = fc.record({
  at: fc.integer({ min: 0, max: 200 }).map((s) => NOON - s * SECOND),
  source: fc.constantFrom(...HISTORY_SOURCES),
  node: fc.option(fc.constantFrom(...NODES), { nil: null }),
});

/**
 * The descriptions one cleaning honestly gets on its way round the household: "network" where
 * it was adopted, its source with no node (a peer that only knows how), and its source and the
 * node that recorded it.
 */
const chainOf = (at: number, source: Exclude<HistorySource, 'network'>, node: string): Cleaning[] => [
  { at, source: 'network', node: null },
  { at, source, node: null },
  { at, source, node },
];
const honest = fc
  .uniqueArray(
    fc.record({
      at: fc.integer({ min: 0, max: 400 }).map((h) => NOON - h * HOUR),
      source: fc.constantFrom('button', 'web', 'reset', 'mqtt'),
      node: fc.constantFrom(...NODES),
      // How much of its chain each holder has seen.
      seen: fc.integer({ min: 1, max: 3 }),
    }),
    { selector: (c) => c.at, maxLength: 40 },
  )
  .map((list) => list.flatMap(({ at, source, node, seen }) => chainOf(at, source, node).slice(0, seen)));

const byAt = (history: History) => new Map(history.map((c) => [c.at, c]));

describe('a history taken in by this node', () => {
  it('comes out the same whatever order honest descriptions arrive in, and however often', () => {
    fc.assert(
      fc.property(honest, fc.func(fc.integer()), (cleanings, order) => {
        const shuffled = [...cleanings, ...cleanings].sort((x, y) => order(x) - order(y));
        const oneByOne = shuffled.reduce<History>((h, c) => takeIn(h, [c], NOON, OWN).history, []);
        expect(oneByOne).toEqual(historyOf(cleanings, NOON));
      }),
    );
  });

  it('is sorted, one cleaning a second, and the same object when nothing changed', () => {
    fc.assert(
      fc.property(fc.array(cleaning, { maxLength: 60 }), (cleanings) => {
        const history = historyOf(cleanings, NOON);
        expect(history.every((c, i) => i === 0 || history[i - 1].at < c.at)).toBe(true);
        const again = takeIn(history, cleanings, NOON, OWN);
        expect(again.history).toBe(history);
        expect(again.added).toEqual([]);
      }),
    );
  });

  it('keeps three years back from the clock, and a date far ahead aside instead of letting it rule', () => {
    const good = Array.from({ length: 40 }, (_, i) => ({ at: NOON - i * DAY, source: 'button', node: null }) as const);
    const future = { at: Date.UTC(2031, 0, 1), source: 'button', node: null } as const;
    const intake = takeIn(
      [],
      [...good, future, { at: NOON - KEPT_FOR_MS - DAY, source: 'web', node: null }],
      NOON,
      OWN,
    );
    expect(intake.history).toHaveLength(40);
    expect(intake.aside).toEqual([future]);
    // A new press after it is taken as any other.
    expect(
      takeIn(intake.history, [{ at: NOON + SECOND, source: 'button', node: null }], NOON + SECOND, OWN).added,
    ).toEqual([{ at: NOON + SECOND, source: 'button', node: null }]);
  });

  it('lets its own cleanings past 10,000 push out the oldest', () => {
    const many = Array.from({ length: MOST_CLEANINGS + 500 }, (_, i) => ({
      at: NOON - i * 60_000,
      source: 'button' as const,
      node: null,
    }));
    const kept = historyOf(many, NOON);
    expect(kept).toHaveLength(MOST_CLEANINGS);
    expect(kept[0].at).toBe(NOON - (MOST_CLEANINGS - 1) * 60_000);
    expect(kept.at(-1)?.at).toBe(NOON);
  });
});

describe('what a peer offers', () => {
  /** 25 days of real cleanings, twice a day, recorded on three nodes. */
  const real = historyOf(
    Array.from({ length: 50 }, (_, i) => ({ at: NOON - i * 12 * HOUR, source: 'button', node: NODES[i % 3] }) as const),
    NOON,
  );

  it('never evicts nor rewrites what the history holds: 10,000 cleanings a second apart, ending 10 minutes ahead', () => {
    const flood = Array.from({ length: 10_000 }, (_, i) => ({
      at: NOON + 10 * 60 * SECOND - i * SECOND,
      source: 'button' as const,
      node: 'aaa',
    }));
    const intake = takeIn(real, flood, NOON, peer(['aaa']));
    const after = byAt(intake.history);
    for (const held of real) expect(after.get(held.at)).toEqual(held);
    // Nothing ahead of the clock, and no more than a day may hold.
    expect(intake.history.every((c) => c.at <= NOON + MAX_AHEAD_MS)).toBe(true);
    expect(intake.taken.recent).toBeLessThanOrEqual(2 * MOST_PER_DAY);
    expect(intake.refused.crowded).toBeGreaterThan(9_000);
  });

  it('cannot rewrite a held description, whatever source and node it claims', () => {
    const rewrite = real.map((c) => ({ ...c, source: 'button' as const, node: '!first' }));
    const intake = takeIn(real, rewrite, NOON, peer(['!first']));
    expect(intake.history).toBe(real);
    expect(intake.refused.rewrite).toBe(real.length);
  });

  it('describes a cleaning better only when it comes from the node that recorded it', () => {
    const adopted: History = [{ at: NOON, source: 'network', node: null }];
    const told = { at: NOON, source: 'button', node: 'kitchen-3f2a' } as const;
    expect(takeIn(adopted, [told], NOON, peer(['hall-1234'])).history).toBe(adopted);
    expect(takeIn(adopted, [told], NOON, peer(['kitchen-3f2a'])).history).toEqual([told]);
    expect(takeIn(adopted, [told], NOON, OWN).history).toEqual([told]);
  });

  it('adds no more new cleanings than its room, of the last 30 days and older', () => {
    const recent = Array.from({ length: 20 }, (_, i) => ({ at: NOON - i * DAY, source: 'web', node: null }) as const);
    const older = Array.from(
      { length: 20 },
      (_, i) => ({ at: NOON - (40 + i) * DAY, source: 'web', node: null }) as const,
    );
    const intake = takeIn([], [...recent, ...older], NOON, peer([], { recent: 3, older: 5 }));
    expect(intake.taken).toEqual({ recent: 3, older: 5 });
    expect(intake.history).toHaveLength(8);
    expect(intake.refused.overBudget).toBe(32);
  });

  it('never fills a full history further', () => {
    const full = historyOf(
      // Twelve a day, for 833 days.
      Array.from(
        { length: MOST_CLEANINGS },
        (_, i) => ({ at: NOON - i * 2 * HOUR, source: 'web', node: null }) as const,
      ),
      NOON,
    );
    const intake = takeIn(full, [{ at: NOON - HOUR, source: 'web', node: null }], NOON, peer());
    expect(intake.history).toBe(full);
    expect(intake.refused.full).toBe(1);
  });

  it('keeps, for any held history and any offer, every held cleaning or a refinement of it by its own node', () => {
    fc.assert(
      fc.property(
        fc.array(cleaning, { maxLength: 60 }),
        fc.array(cleaning, { maxLength: 60 }),
        fc.subarray(NODES),
        (held, offered, names) => {
          const history = historyOf(held, NOON);
          const after = byAt(takeIn(history, offered, NOON, peer(names)).history);
          for (const c of history) {
            const now = after.get(c.at);
            expect(now).toBeDefined();
            if (now !== c) {
              expect(refines(now!, c)).toBe(true);
              expect(names).toContain(now!.node);
            }
          }
        },
      ),
    );
  });

  it('never makes a day hold more than a household cleans in one, nor adds anything dated ahead', () => {
    const anyTime = fc.record({
      at: fc.integer({ min: -3 * DAY, max: DAY }).map((ms) => NOON + ms),
      source: fc.constantFrom(...HISTORY_SOURCES),
      node: fc.option(fc.constantFrom(...NODES), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(anyTime, { maxLength: 200 }), (offered) => {
        const after = takeIn([], offered, NOON, peer()).history;
        const perDay = new Map<number, number>();
        for (const c of after) perDay.set(Math.floor(c.at / DAY), (perDay.get(Math.floor(c.at / DAY)) ?? 0) + 1);
        expect(Math.max(0, ...perDay.values())).toBeLessThanOrEqual(MOST_PER_DAY);
        expect(after.every((c) => c.at <= NOON + MAX_AHEAD_MS)).toBe(true);
      }),
    );
  });
});

describe('the refinement rule', () => {
  it('makes the descriptions of one second a chain: network, a source, then its node', () => {
    const [network, button, buttonInKitchen] = chainOf(NOON, 'button', 'kitchen-3f2a');
    expect(refines(button, network)).toBe(true);
    expect(refines(buttonInKitchen, button)).toBe(true);
    expect(refines(buttonInKitchen, network)).toBe(true);
    expect(refines(network, button)).toBe(false);
    expect(refines({ at: NOON, source: 'web', node: 'kitchen-3f2a' }, button)).toBe(false);
    expect(
      refines({ at: NOON, source: 'button', node: 'hall-1234' }, { at: NOON, source: 'network', node: 'kitchen-3f2a' }),
    ).toBe(false);
  });
});
