import type { Cleaning } from '../../common/history';
import { DEFAULT_BOX } from '../../common/boxes';
import { MAX_AHEAD_MS } from '../shared/time-rules';

/**
 * The household's history: a set of cleanings, one per box and second, oldest first (the
 * default box first within a second, then the others by name). What it holds
 * is the household's record, so what it takes in follows rules that a stranger on the LAN
 * cannot turn against it: a peer's offer never evicts or rewrites what is held, never adds
 * a cleaning dated ahead of the clock, and adds only as many as a household makes.
 * Every rule is a pure function of its inputs, so that every node decides alike.
 */
export type History = readonly Cleaning[];

/** Cleanings kept at most. */
export const MOST_CLEANINGS = 10_000;
/** How far back from now the history reaches (three years). */
export const KEPT_FOR_MS = 1096 * 24 * 3_600_000;
/** What the page shows and counts: a peer may add fewer of these at once than older ones. */
export const RECENT_MS = 30 * 24 * 3_600_000;
/**
 * Cleanings a day may hold, from peers: a household cleans a box a few times a day, so more
 * is a flood, not a household. Our own records are bounded by the press rule instead.
 */
export const MOST_PER_DAY = 24;

const DAY_MS = 24 * 3_600_000;

/**
 * What a description tells: who cleaned counts most (a name is only ever given where the
 * cleaning was recorded, so it comes with its source and node), then a way it was recorded
 * (not just "over the network"), then a node.
 */
const precision = (cleaning: Cleaning): number =>
  (cleaning.source === 'network' ? 0 : 2) + (cleaning.node === null ? 0 : 1) + (cleaning.by === undefined ? 0 : 4);

/** A box's second (of a cleaning, or of the cleaning a withdrawal takes back). */
export interface Key {
  at: number;
  box?: string;
}

/** The box as keys compare it: '' for the default box, however it is spelt. */
const boxKey = (item: Key): string => (item.box === undefined || item.box === DEFAULT_BOX ? '' : item.box);

/** One box's second, as a string: a key of the history. */
export const keyOf = (item: Key): string => `${item.at} ${boxKey(item)}`;

/** Oldest first; within a second, the default box first, then the others by name: every node orders alike. */
export const byTimeAndBox = (a: Key, b: Key): number =>
  a.at - b.at || (boxKey(a) < boxKey(b) ? -1 : boxKey(a) > boxKey(b) ? 1 : 0);

/** Whether two cleanings are of the same box and second. */
export const sameKey = (a: Key, b: Key): boolean => a.at === b.at && boxKey(a) === boxKey(b);

/**
 * Whether `offered` tells more of the cleaning `held` describes without contradicting it:
 * the same box and second, strictly more precise, and the same source, node and person where
 * `held` names them. `network` becomes `button`, no node becomes `kitchen`, nobody becomes
 * `Anna`; `button` never becomes `web`, nor `kitchen` `hall`, nor `Anna` `Ben`. So the
 * descriptions of a second form a chain, and every node ends with its end whatever order
 * they came in.
 */
export function refines(offered: Cleaning, held: Cleaning): boolean {
  return (
    sameKey(offered, held) &&
    precision(offered) > precision(held) &&
    (held.source === 'network' || held.source === offered.source) &&
    (held.node === null || held.node === offered.node) &&
    (held.by === undefined || held.by === offered.by)
  );
}

const sameCleaning = (a: Cleaning, b: Cleaning): boolean =>
  sameKey(a, b) && a.source === b.source && a.node === b.node && a.by === b.by;

/** Who offers cleanings, and how many new ones the offer may add. */
export type Offerer =
  /** This node: its file, what it recorded, the times it took. */
  | { own: true }
  /**
   * A peer, by the names of the nodes at its address: it may describe better only the
   * cleanings one of them recorded. `room`: how many new cleanings it may add, of the last
   * 30 days and older ones (its budget, kept by the history machine).
   */
  | { own: false; names: readonly string[]; room: Room };

export interface Room {
  recent: number;
  older: number;
}

/** What an offer left out, and why. */
export interface Refused {
  /** Dated ahead of the clock: no cleaning can be. */
  ahead: number;
  /** The history is full: a peer's offer never evicts what is held. */
  full: number;
  /** Its day holds MOST_PER_DAY cleanings already. */
  crowded: number;
  /** More new cleanings than the sender may add now. */
  overBudget: number;
  /** Another description of a second held: kept as it is. */
  rewrite: number;
}

export interface Intake {
  /** The history with the offer taken in: the same object when nothing changed. */
  history: History;
  /** Cleanings new to the history, and better descriptions of held ones: for the file. */
  added: Cleaning[];
  /** Of `added`, how many are new (not better descriptions), of the last 30 days and older. */
  taken: Room;
  /** Own cleanings dated ahead of the clock (a clock not set yet, a file from elsewhere): kept aside. */
  aside: Cleaning[];
  refused: Refused;
}

export const noRefusals = (): Refused => ({ ahead: 0, full: 0, crowded: 0, overBudget: 0, rewrite: 0 });

/** Whether `cleaning` is dated further ahead of `now` than any clock may be wrong. */
export const isAhead = (cleaning: Cleaning, now: number): boolean => cleaning.at > now + MAX_AHEAD_MS;

/** Merges `more` (oldest first, one per second, none held already) into `history`. */
function mergeNew(history: History, more: readonly Cleaning[]): Cleaning[] {
  const merged: Cleaning[] = [];
  let i = 0;
  let j = 0;
  while (i < history.length || j < more.length) {
    if (j === more.length || (i < history.length && byTimeAndBox(history[i], more[j]) < 0)) merged.push(history[i++]);
    else merged.push(more[j++]);
  }
  return merged;
}

/**
 * `history` with `cleanings` taken in at `now`, by the rules above. Whatever is dated
 * before the three years is let go (the window follows the clock, not the newest
 * cleaning, so that one far-future date cannot push the others out). Own cleanings that
 * would pass MOST_CLEANINGS push the oldest out; a peer's are refused instead.
 */
export function takeIn(history: History, cleanings: readonly Cleaning[], now: number, from: Offerer): Intake {
  const oldest = now - KEPT_FOR_MS;
  const refused = noRefusals();
  const aside: Cleaning[] = [];
  const held = new Map<string, Cleaning>();
  // A day's bound is the household's, whatever the box: a few boxes are each cleaned a few times a day.
  const perDay = new Map<number, number>();
  for (const cleaning of history) {
    held.set(keyOf(cleaning), cleaning);
    const day = Math.floor(cleaning.at / DAY_MS);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const fresh = new Map<string, Cleaning>();
  const better = new Map<string, Cleaning>();
  const room = from.own ? null : { ...from.room };
  const taken: Room = { recent: 0, older: 0 };
  for (const cleaning of [...cleanings].sort(byTimeAndBox)) {
    const key = keyOf(cleaning);
    if (cleaning.at < oldest) continue;
    if (isAhead(cleaning, now)) {
      if (from.own) aside.push(cleaning);
      else refused.ahead += 1;
      continue;
    }
    const known = fresh.get(key) ?? better.get(key) ?? held.get(key);
    if (known) {
      // What is held says as much or more: nothing new, and nothing to refuse.
      if (sameCleaning(known, cleaning) || refines(known, cleaning)) continue;
      const mayDescribe = from.own || (cleaning.node !== null && from.names.includes(cleaning.node));
      if (!refines(cleaning, known) || (!mayDescribe && held.has(key))) {
        refused.rewrite += 1;
        continue;
      }
      (fresh.has(key) ? fresh : better).set(key, cleaning);
      continue;
    }
    const tier: keyof Room = cleaning.at >= now - RECENT_MS ? 'recent' : 'older';
    const day = Math.floor(cleaning.at / DAY_MS);
    if (room) {
      if (room[tier] <= 0) {
        refused.overBudget += 1;
        continue;
      }
      if ((perDay.get(day) ?? 0) >= MOST_PER_DAY) {
        refused.crowded += 1;
        continue;
      }
      if (held.size + fresh.size >= MOST_CLEANINGS) {
        refused.full += 1;
        continue;
      }
      room[tier] -= 1;
    }
    taken[tier] += 1;
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
    fresh.set(key, cleaning);
  }
  const described = better.size === 0 ? history : history.map((cleaning) => better.get(keyOf(cleaning)) ?? cleaning);
  let next: History = fresh.size === 0 ? described : mergeNew(described, [...fresh.values()]);
  let first = 0;
  while (first < next.length && next[first].at < oldest) first += 1;
  first = Math.max(first, next.length - MOST_CLEANINGS);
  if (first > 0) next = next.slice(first);
  const added = [...better.values(), ...fresh.values()].sort(byTimeAndBox);
  const changed = added.length > 0 || next.length !== history.length;
  return { history: changed ? next : history, added, taken, aside, refused };
}

/** Cleanings in any order, with repeats, as this node's own history at `now` (its file, say). */
export function historyOf(cleanings: readonly Cleaning[], now: number): History {
  return takeIn([], cleanings, now, { own: true }).history;
}

/** The cleanings with `from` ≤ at < `to`, oldest first. */
export function between(history: History, from: number, to: number): History {
  return history.filter((cleaning) => cleaning.at >= from && cleaning.at < to);
}
