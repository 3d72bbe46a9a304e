import type { Cleaning, Withdrawal } from '../../../common/history';
import { boxTimes, canSayWho, canUndo, standing, UNDO_WINDOW_MS } from '../../../machines/history/boxes';
import { historyOf } from '../../../machines/history/history-set';
import { MINUTE, NOON } from '../../support/time';

const kitchen = (at: number, box?: string): Cleaning => ({
  at,
  source: 'button',
  node: 'kitchen-3f2a',
  ...(box ? { box } : {}),
});
const withdrawn = (at: number, box?: string): Withdrawal => ({
  at,
  ...(box ? { box } : {}),
  when: at + MINUTE,
  node: 'hall-1234',
});

const history = historyOf(
  [
    kitchen(NOON - 60 * MINUTE),
    kitchen(NOON - 30 * MINUTE),
    kitchen(NOON - 50 * MINUTE, 'upstairs'),
    kitchen(NOON - 5 * MINUTE, 'upstairs'),
    kitchen(NOON - 2 * MINUTE, 'basement'),
  ],
  NOON,
);

describe("each box's time", () => {
  it('is its last cleaning that stands, by box', () => {
    const times = boxTimes(history, [withdrawn(NOON - 5 * MINUTE, 'upstairs')]);
    expect([...times.entries()].map(([box, c]) => [box, c.at])).toEqual([
      ['litter box', NOON - 30 * MINUTE],
      ['upstairs', NOON - 50 * MINUTE],
      ['basement', NOON - 2 * MINUTE],
    ]);
  });

  it('is none for a box whose every cleaning was withdrawn', () => {
    const times = boxTimes(history, [withdrawn(NOON - 2 * MINUTE, 'basement')]);
    expect(times.has('basement')).toBe(false);
  });

  it('leaves withdrawn cleanings out of what stands, whatever box they are of', () => {
    const left = standing(history, [withdrawn(NOON - 30 * MINUTE), withdrawn(NOON - 30 * MINUTE, 'upstairs')]);
    expect(left.map((c) => c.at)).toEqual(history.filter((c) => c.at !== NOON - 30 * MINUTE).map((c) => c.at));
  });
});

describe('an undo', () => {
  it("is allowed for the box's last cleaning within the window", () => {
    expect(canUndo(history, [], 'upstairs', NOON - 5 * MINUTE, NOON, UNDO_WINDOW_MS)).toEqual({
      ok: true,
      cleaning: kitchen(NOON - 5 * MINUTE, 'upstairs'),
    });
  });

  it('is refused, with the reason, outside the window', () => {
    const verdict = canUndo(history, [], 'litter box', NOON - 30 * MINUTE, NOON, UNDO_WINDOW_MS);
    expect(verdict).toMatchObject({ ok: false, reason: 'outside-window' });
    expect(!verdict.ok && verdict.problem).toBe(
      'the cleaning of litter box at 2026-01-15T11:30:00.000Z was recorded 30 min ago, more than the 10 min it may be changed within',
    );
  });

  it('is refused for a cleaning a later one overtook, and allowed again once that one is withdrawn', () => {
    const older = historyOf([...history, kitchen(NOON - 8 * MINUTE, 'upstairs')], NOON);
    expect(canUndo(older, [], 'upstairs', NOON - 8 * MINUTE, NOON, UNDO_WINDOW_MS)).toMatchObject({
      ok: false,
      reason: 'overtaken',
    });
    expect(
      canUndo(older, [withdrawn(NOON - 5 * MINUTE, 'upstairs')], 'upstairs', NOON - 8 * MINUTE, NOON, UNDO_WINDOW_MS),
    ).toMatchObject({ ok: true });
  });

  it('is refused for a cleaning not held, of another box, or withdrawn already', () => {
    expect(canUndo(history, [], 'upstairs', NOON - 2 * MINUTE, NOON, UNDO_WINDOW_MS)).toMatchObject({
      ok: false,
      reason: 'unknown',
    });
    expect(
      canUndo(history, [withdrawn(NOON - 2 * MINUTE, 'basement')], 'basement', NOON - 2 * MINUTE, NOON, UNDO_WINDOW_MS),
    ).toMatchObject({ ok: false, reason: 'withdrawn' });
  });
});

describe('who cleaned, said after the press', () => {
  const args = (by: string, node = 'kitchen-3f2a', h = history) =>
    [h, [], 'basement', NOON - 2 * MINUTE, by, node, NOON, UNDO_WINDOW_MS] as const;

  it('refines the cleaning recorded here within the window', () => {
    expect(canSayWho(...args('Anna'))).toEqual({
      ok: true,
      cleaning: { ...kitchen(NOON - 2 * MINUTE, 'basement'), by: 'Anna' },
    });
  });

  it('is refused on another node than the one that recorded it', () => {
    expect(canSayWho(...args('Anna', 'hall-1234'))).toMatchObject({ ok: false, reason: 'elsewhere' });
  });

  it('never changes a name given, but may give the same again', () => {
    const named = historyOf([{ ...kitchen(NOON - 2 * MINUTE, 'basement'), by: 'Anna' }], NOON);
    expect(canSayWho(...args('Ben', 'kitchen-3f2a', named))).toMatchObject({ ok: false, reason: 'named' });
    expect(canSayWho(...args('Anna', 'kitchen-3f2a', named))).toMatchObject({ ok: true });
  });

  it('is refused outside the window', () => {
    expect(
      canSayWho(history, [], 'litter box', NOON - 30 * MINUTE, 'Anna', 'kitchen-3f2a', NOON, UNDO_WINDOW_MS),
    ).toMatchObject({ ok: false, reason: 'outside-window' });
  });
});
