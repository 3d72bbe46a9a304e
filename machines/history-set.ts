import { HISTORY_SOURCES, type Cleaning } from '../common/history';

/**
 * The household's history: a grow-only set of cleanings, one per second, oldest first.
 * Every operation is a pure function of its inputs, so that nodes which learned the same
 * cleanings in any order keep the same history.
 */
export type History = readonly Cleaning[];

/** The newest cleanings kept, at most. */
export const MOST_CLEANINGS = 10_000;
/** How far back from the newest cleaning the history reaches (three years). */
export const KEPT_FOR_MS = 1096 * 24 * 3_600_000;

/** What a description tells: a way it was recorded (not just "over the network") counts most, then a node. */
const precision = (cleaning: Cleaning): number =>
  (cleaning.source === 'network' ? 0 : 2) + (cleaning.node === null ? 0 : 1);

/**
 * Of two descriptions of the cleaning at one second, the one every node keeps: the more
 * precise; between equally precise ones a fixed choice (by source, then node name), so
 * that the choice does not depend on which came first.
 */
export function preciser(a: Cleaning, b: Cleaning): Cleaning {
  const byPrecision = precision(a) - precision(b);
  if (byPrecision !== 0) return byPrecision > 0 ? a : b;
  const bySource = HISTORY_SOURCES.indexOf(a.source) - HISTORY_SOURCES.indexOf(b.source);
  if (bySource !== 0) return bySource < 0 ? a : b;
  return (a.node ?? '') <= (b.node ?? '') ? a : b;
}

const sameCleaning = (a: Cleaning, b: Cleaning): boolean => a.at === b.at && a.source === b.source && a.node === b.node;

/** The newest MOST_CLEANINGS, and none older than KEPT_FOR_MS before the newest. */
export function bounded(history: History): History {
  if (history.length === 0) return history;
  const oldest = history[history.length - 1].at - KEPT_FOR_MS;
  let first = Math.max(0, history.length - MOST_CLEANINGS);
  while (history[first].at < oldest) first += 1;
  return first === 0 ? history : history.slice(first);
}

/** Cleanings in any order, with repeats, as a history (not bounded). */
export function historyOf(cleanings: readonly Cleaning[]): History {
  const sorted = [...cleanings].sort((a, b) => a.at - b.at);
  const history: Cleaning[] = [];
  for (const cleaning of sorted) {
    const last = history[history.length - 1];
    if (last?.at === cleaning.at) history[history.length - 1] = preciser(last, cleaning);
    else history.push(cleaning);
  }
  return history;
}

/** The union of two histories (not bounded): one description per second, the preciser one. */
export function union(a: History, b: History): History {
  const merged: Cleaning[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j === b.length || (i < a.length && a[i].at < b[j].at)) merged.push(a[i++]);
    else if (i === a.length || b[j].at < a[i].at) merged.push(b[j++]);
    else merged.push(preciser(a[i++], b[j++]));
  }
  return merged;
}

/**
 * `history` with `cleanings` taken in, bounded, and what that changed: the cleanings that
 * are new, or describe a second better than before (the history itself when nothing is).
 */
export function mergeInto(history: History, cleanings: readonly Cleaning[]): { history: History; added: Cleaning[] } {
  const next = bounded(union(history, historyOf(cleanings)));
  const before = new Map(history.map((cleaning) => [cleaning.at, cleaning]));
  const added = next.filter((cleaning) => {
    const known = before.get(cleaning.at);
    return known === undefined || !sameCleaning(known, cleaning);
  });
  // Bounded, the history may also have lost its oldest ones: then it changed all the same.
  const changed = added.length > 0 || next.length !== history.length;
  return { history: changed ? next : history, added };
}

/** The cleanings with `from` ≤ at < `to`, oldest first. */
export function between(history: History, from: number, to: number): History {
  return history.filter((cleaning) => cleaning.at >= from && cleaning.at < to);
}
