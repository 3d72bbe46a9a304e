import { boxOf } from '../../common/boxes';
import type { Cleaning } from '../../common/history';
import { keyOf, sameKey, type History } from './history-set';
import { withdrawnKeys, type Withdrawals } from './withdrawals';

/**
 * What the history and its withdrawals say of each box: its time (what its strip shows), and
 * whether a cleaning may still be taken back or told who did it. Pure, so that every node,
 * the page and the commands decide alike.
 */

/** The default undo window (`undo.window`): long enough to notice a mistaken press, short enough not to rewrite the day. */
export const UNDO_WINDOW_MS = 10 * 60_000;

/** The cleanings that stand: the history without those withdrawn, oldest first. What the figures count. */
export function standing(history: History, withdrawals: Withdrawals): History {
  if (withdrawals.length === 0) return history;
  const withdrawn = withdrawnKeys(withdrawals);
  return history.filter((cleaning) => !withdrawn.has(keyOf(cleaning)));
}

/**
 * Each box's last cleaning that stands, by box name: the time its strip shows. A box whose
 * every cleaning was withdrawn has none (its strip shows no time, as before its first).
 */
export function boxTimes(history: History, withdrawals: Withdrawals): ReadonlyMap<string, Cleaning> {
  const times = new Map<string, Cleaning>();
  // Oldest first, so the last one of each box stays.
  for (const cleaning of standing(history, withdrawals)) times.set(boxOf(cleaning), cleaning);
  return times;
}

/** Why a cleaning may not be taken back (or told who did it), with the words a person reads. */
export type Refusal =
  | { ok: false; reason: 'unknown'; problem: string }
  | { ok: false; reason: 'withdrawn'; problem: string }
  | { ok: false; reason: 'outside-window'; problem: string }
  | { ok: false; reason: 'overtaken'; problem: string }
  | { ok: false; reason: 'elsewhere'; problem: string }
  | { ok: false; reason: 'named'; problem: string };

export type Verdict = { ok: true; cleaning: Cleaning } | Refusal;

/** Why an undo is refused: canUndo's reasons. */
export type UndoRefusal = Extract<Refusal, { reason: 'unknown' | 'withdrawn' | 'outside-window' | 'overtaken' }>;

/** What canUndo says: the cleaning that may be taken back, or why not. */
export type UndoVerdict = { ok: true; cleaning: Cleaning } | UndoRefusal;

const minutes = (ms: number): string => `${Math.round(ms / 60_000)} min`;

/** What `box` and `at` name, for the words: `the cleaning of upstairs at 2026-12-01T07:23:05Z`. */
const named = (box: string, at: number): string => `the cleaning of ${box} at ${new Date(at).toISOString()}`;

/**
 * Whether the cleaning of `box` at `at` is held, stands, and was recorded no longer than
 * `windowMs` before `now`: what both an undo and a late "who" need.
 */
function recentStanding(
  history: History,
  withdrawals: Withdrawals,
  box: string,
  at: number,
  now: number,
  windowMs: number,
): { ok: true; cleaning: Cleaning } | Exclude<UndoRefusal, { reason: 'overtaken' }> {
  const key = { at, box };
  const cleaning = history.find((held) => sameKey(held, key));
  if (!cleaning) return { ok: false, reason: 'unknown', problem: `${named(box, at)} is not in this node's history` };
  if (withdrawals.some((withdrawal) => sameKey(withdrawal, key))) {
    return { ok: false, reason: 'withdrawn', problem: `${named(box, at)} was withdrawn already` };
  }
  if (now - at > windowMs) {
    return {
      ok: false,
      reason: 'outside-window',
      problem: `${named(box, at)} was recorded ${minutes(now - at)} ago, more than the ${minutes(windowMs)} it may be changed within`,
    };
  }
  return { ok: true, cleaning };
}

/**
 * Whether the cleaning of `box` at `at` may be taken back at `now`: it is held, not withdrawn
 * yet, recorded within `windowMs`, and still the box's time. A cleaning that a later one has
 * overtaken is not: taking it back would change nothing the strips show, and the press that
 * overtook it is the one a person means to undo.
 */
export function canUndo(
  history: History,
  withdrawals: Withdrawals,
  box: string,
  at: number,
  now: number,
  windowMs: number,
): UndoVerdict {
  const verdict = recentStanding(history, withdrawals, box, at, now, windowMs);
  if (!verdict.ok) return verdict;
  const last = boxTimes(history, withdrawals).get(box);
  if (last && last.at > at) {
    return {
      ok: false,
      reason: 'overtaken',
      problem: `${named(box, at)} was overtaken by a later one, at ${new Date(last.at).toISOString()}`,
    };
  }
  return verdict;
}

/**
 * Whether `by` may be said of the cleaning of `box` at `at`, here on `node`: it is held, not
 * withdrawn, recorded here within `windowMs`, and nobody else is named for it yet. Only the
 * node that recorded a cleaning tells more of it: the others take a better description only
 * from its address (history-set.ts), so a name given elsewhere would never reach them.
 * Naming the same person again is no change, and allowed.
 */
export function canSayWho(
  history: History,
  withdrawals: Withdrawals,
  box: string,
  at: number,
  by: string,
  node: string,
  now: number,
  windowMs: number,
): Verdict {
  const verdict = recentStanding(history, withdrawals, box, at, now, windowMs);
  if (!verdict.ok) return verdict;
  const { cleaning } = verdict;
  if (cleaning.source === 'network' || cleaning.node !== node) {
    const where = cleaning.node === null ? 'on a node not known' : `on ${cleaning.node}`;
    return {
      ok: false,
      reason: 'elsewhere',
      problem: `${named(box, at)} was recorded ${where}: who cleaned is said where it was recorded`,
    };
  }
  if (cleaning.by !== undefined && cleaning.by !== by) {
    return {
      ok: false,
      reason: 'named',
      problem: `${named(box, at)} names ${JSON.stringify(cleaning.by)} already; a name is never changed`,
    };
  }
  return { ok: true, cleaning: { ...cleaning, by } };
}
