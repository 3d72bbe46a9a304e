import fc from 'fast-check';
import { HISTORY_SOURCES, type Cleaning } from '../../common/history';
import {
  bounded,
  historyOf,
  KEPT_FOR_MS,
  mergeInto,
  MOST_CLEANINGS,
  preciser,
  union,
  type History,
} from '../../machines/history-set';

const SECOND = 1000;
const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);

/** Cleanings close together, so that two descriptions of one second are common. */
const cleaning = fc.record({
  at: fc.integer({ min: 0, max: 200 }).map((s) => NOON - s * SECOND),
  source: fc.constantFrom(...HISTORY_SOURCES),
  node: fc.option(fc.constantFrom('kitchen-3f2a', 'hall-1234', 'porch-9c1d'), { nil: null }),
});
const history = fc.array(cleaning, { maxLength: 60 }).map(historyOf);

/** What the order of learning must not change: a history is sorted, one per second. */
function wellFormed(h: History): boolean {
  return h.every((c, i) => i === 0 || h[i - 1].at < c.at);
}

describe('the history as a set merged by union', () => {
  it('is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(history, history, history, (a, b, c) => {
        expect(union(a, b)).toEqual(union(b, a));
        expect(union(union(a, b), c)).toEqual(union(a, union(b, c)));
        expect(union(a, a)).toEqual(a);
        expect(wellFormed(union(a, b))).toBe(true);
      }),
    );
  });

  it('keeps every second either side knew, once', () => {
    fc.assert(
      fc.property(history, history, (a, b) => {
        const seconds = new Set([...a, ...b].map((c) => c.at));
        expect(union(a, b).map((c) => c.at)).toEqual([...seconds].sort((x, y) => x - y));
      }),
    );
  });

  it('comes out the same whatever order the cleanings arrive in, and however often', () => {
    fc.assert(
      fc.property(fc.array(cleaning, { maxLength: 40 }), fc.func(fc.integer()), (cleanings, order) => {
        const shuffled = [...cleanings, ...cleanings].sort((x, y) => order(x) - order(y));
        const oneByOne = shuffled.reduce<History>((h, c) => mergeInto(h, [c]).history, []);
        expect(oneByOne).toEqual(mergeInto([], cleanings).history);
      }),
    );
  });
});

describe('the precision rule', () => {
  const network = { at: NOON, source: 'network', node: null } as const;

  it('prefers a way it was recorded over "network", and a node over none, on every node', () => {
    const button = { at: NOON, source: 'button', node: null } as const;
    const buttonInKitchen = { at: NOON, source: 'button', node: 'kitchen-3f2a' } as const;
    const networkFromHall = { at: NOON, source: 'network', node: 'hall-1234' } as const;
    expect(preciser(network, button)).toBe(button);
    expect(preciser(button, buttonInKitchen)).toBe(buttonInKitchen);
    expect(preciser(networkFromHall, button)).toBe(button);
    expect(preciser(network, networkFromHall)).toBe(networkFromHall);
    expect(union([network], [buttonInKitchen])).toEqual([buttonInKitchen]);
    expect(union([buttonInKitchen], [network])).toEqual([buttonInKitchen]);
  });

  it('is a choice that does not depend on the order: the same of any two, never a mix', () => {
    fc.assert(
      fc.property(cleaning, cleaning, cleaning, (a, b, c) => {
        const [x, y, z] = [a, b, c].map((d) => ({ ...d, at: NOON }));
        expect(preciser(x, y)).toEqual(preciser(y, x));
        expect([x, y]).toContainEqual(preciser(x, y));
        expect(preciser(preciser(x, y), z)).toEqual(preciser(x, preciser(y, z)));
      }),
    );
  });

  it('never lets a less precise description replace a more precise one', () => {
    const score = (c: Cleaning) => (c.source === 'network' ? 0 : 2) + (c.node === null ? 0 : 1);
    fc.assert(
      fc.property(history, history, (a, b) => {
        const merged = new Map(union(a, b).map((c) => [c.at, c]));
        for (const c of [...a, ...b]) expect(score(merged.get(c.at)!)).toBeGreaterThanOrEqual(score(c));
      }),
    );
  });
});

describe('the bound', () => {
  const spread = fc
    .array(
      fc.record({
        at: fc.integer({ min: 0, max: 4 * 365 * 24 }).map((h) => NOON - h * 3_600_000),
        source: fc.constantFrom(...HISTORY_SOURCES),
        node: fc.constant(null),
      }),
      { maxLength: 200 },
    )
    .map(historyOf);

  it('keeps at most 3 years back from the newest, and the newest ones', () => {
    fc.assert(
      fc.property(spread, (h) => {
        const kept = bounded(h);
        if (h.length === 0) return expect(kept).toEqual([]);
        const newest = h[h.length - 1].at;
        expect(kept.every((c) => c.at >= newest - KEPT_FOR_MS)).toBe(true);
        expect(kept).toEqual(h.filter((c) => c.at >= newest - KEPT_FOR_MS));
      }),
    );
  });

  it('may be applied before or after a union: every node keeps the same', () => {
    fc.assert(
      fc.property(spread, spread, (a, b) => {
        expect(bounded(union(bounded(a), bounded(b)))).toEqual(bounded(union(a, b)));
      }),
    );
  });

  it('keeps the newest 10,000 cleanings when there are more', () => {
    const many = Array.from({ length: MOST_CLEANINGS + 500 }, (_, i) => ({
      at: NOON - i * 60_000,
      source: 'button' as const,
      node: null,
    }));
    const kept = mergeInto([], many).history;
    expect(kept).toHaveLength(MOST_CLEANINGS);
    expect(kept[0].at).toBe(NOON - (MOST_CLEANINGS - 1) * 60_000);
    expect(kept.at(-1)?.at).toBe(NOON);
  });
});

describe('mergeInto', () => {
  it('says what is new or better described, and returns the same history when nothing is', () => {
    const first = mergeInto([], [{ at: NOON, source: 'network', node: null }]);
    expect(first.added).toEqual([{ at: NOON, source: 'network', node: null }]);
    const again = mergeInto(first.history, [{ at: NOON, source: 'network', node: null }]);
    expect(again.history).toBe(first.history);
    expect(again.added).toEqual([]);
    const better = mergeInto(first.history, [{ at: NOON, source: 'button', node: 'kitchen-3f2a' }]);
    expect(better.added).toEqual([{ at: NOON, source: 'button', node: 'kitchen-3f2a' }]);
    expect(better.history).toEqual([{ at: NOON, source: 'button', node: 'kitchen-3f2a' }]);
    const earlier = mergeInto(better.history, [{ at: NOON - 86_400_000, source: 'web', node: 'hall-1234' }]);
    expect(earlier.history.map((c) => c.at)).toEqual([NOON - 86_400_000, NOON]);
  });
});
