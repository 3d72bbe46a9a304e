import type { Withdrawal } from '../../common/history';
import { byTimeAndBox, KEPT_FOR_MS, keyOf, MOST_CLEANINGS, MOST_PER_DAY, type History } from './history-set';
import { MAX_AHEAD_MS } from '../shared/time-rules';

/**
 * The household's withdrawals: the cleanings taken back (a mistaken press), a grow-only set
 * beside the history. A withdrawal never goes away and is never rewritten; the cleaning it
 * takes back stays in the history, marked withdrawn (machines/boxes.ts leaves it out of a
 * box's time and of the figures). Since a withdrawal makes a box's time go back, what a
 * peer may withdraw is bounded tighter than what it may add: only a cleaning this node
 * holds, only within the undo window of that cleaning as the withdrawal tells it, and only
 * so many per sender (docs/boxes.md).
 */
export type Withdrawals = readonly Withdrawal[];

/**
 * The longest undo window a node may be set to (`undo.window`). What a peer's withdrawal may
 * be is judged by this, not by this node's own window, so that every node decides alike
 * however each is set.
 */
export const MOST_UNDO_WINDOW_MS = 60 * 60_000;

/** One withdrawal per box, second and node: the same node taking back the same cleaning is one withdrawal. */
export const withdrawalKey = (withdrawal: Withdrawal): string => `${keyOf(withdrawal)} ${withdrawal.node}`;

/** Oldest cleaning first, then by node: every node orders (and hashes) alike. */
export const byCleaningAndNode = (a: Withdrawal, b: Withdrawal): number =>
  byTimeAndBox(a, b) || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);

/**
 * Whether a withdrawal tells a time it could have been made at: within the undo window after
 * the cleaning, by the clock of the node that withdrew it (which may be behind the clock that
 * recorded the cleaning by as much as a clock may be wrong).
 */
export const withinUndoWindow = (withdrawal: Withdrawal): boolean =>
  withdrawal.when >= withdrawal.at - MAX_AHEAD_MS && withdrawal.when <= withdrawal.at + MOST_UNDO_WINDOW_MS;

/**
 * Who offers withdrawals: this node (its file, an undo made here), or a peer with `room` for
 * so many (its budget, kept apart from its budget of cleanings: docs/boxes.md).
 */
export type WithdrawalOfferer = { own: true } | { own: false; room: number };

/** What an offer of withdrawals left out, and why. */
export interface WithdrawalRefusals {
  /** Withdrawn, or dated, ahead of the clock. */
  ahead: number;
  /** Of a cleaning this node does not hold: nothing to take back (it comes again with its cleaning). */
  unknown: number;
  /** Made outside the undo window of its cleaning: no node of ours withdraws so late. */
  late: number;
  /** Its day's cleanings have MOST_PER_DAY withdrawals already. */
  crowded: number;
  /** More than the sender may withdraw now. */
  overBudget: number;
  /** The same node's withdrawal of that cleaning is held, told otherwise: kept as it is. */
  rewrite: number;
}

export const noWithdrawalRefusals = (): WithdrawalRefusals => ({
  ahead: 0,
  unknown: 0,
  late: 0,
  crowded: 0,
  overBudget: 0,
  rewrite: 0,
});

export interface WithdrawalIntake {
  /** The withdrawals with the offer taken in: the same object when nothing changed. */
  withdrawals: Withdrawals;
  /** New ones: for the file, and to offer on. */
  added: Withdrawal[];
  refused: WithdrawalRefusals;
}

const DAY_MS = 24 * 3_600_000;

/**
 * `withdrawals` with `offered` taken in at `now`, against `history` (the cleanings held, with
 * what the same offer brought already taken in). A peer's withdrawal is taken only when it
 * withdraws a cleaning held, within the undo window (withinUndoWindow), not ahead of the
 * clock, within its day's bound and the sender's room. This node's own are taken as they
 * are: it made them by canUndo (machines/boxes.ts), or read them from its file. Withdrawals
 * of cleanings older than the history's three years are let go with them.
 */
export function takeInWithdrawals(
  withdrawals: Withdrawals,
  history: History,
  offered: readonly Withdrawal[],
  now: number,
  from: WithdrawalOfferer,
): WithdrawalIntake {
  const oldest = now - KEPT_FOR_MS;
  const refused = noWithdrawalRefusals();
  const cleanings = new Set(history.map(keyOf));
  const held = new Map(withdrawals.map((withdrawal) => [withdrawalKey(withdrawal), withdrawal]));
  const perDay = new Map<number, number>();
  for (const withdrawal of withdrawals) {
    const day = Math.floor(withdrawal.at / DAY_MS);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  let room = from.own ? Infinity : from.room;
  const added: Withdrawal[] = [];
  for (const withdrawal of [...offered].sort(byCleaningAndNode)) {
    if (withdrawal.at < oldest) continue;
    const key = withdrawalKey(withdrawal);
    const known = held.get(key);
    if (known) {
      // The same node takes a cleaning back once: another time told for it is not believed.
      if (known.when !== withdrawal.when) refused.rewrite += 1;
      continue;
    }
    if (!from.own) {
      const day = Math.floor(withdrawal.at / DAY_MS);
      const problem: keyof WithdrawalRefusals | null =
        withdrawal.when > now + MAX_AHEAD_MS || withdrawal.at > now + MAX_AHEAD_MS
          ? 'ahead'
          : !cleanings.has(keyOf(withdrawal))
            ? 'unknown'
            : !withinUndoWindow(withdrawal)
              ? 'late'
              : (perDay.get(day) ?? 0) >= MOST_PER_DAY
                ? 'crowded'
                : room <= 0
                  ? 'overBudget'
                  : null;
      if (problem) {
        refused[problem] += 1;
        continue;
      }
      room -= 1;
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    held.set(key, withdrawal);
    added.push(withdrawal);
  }
  const kept = [...held.values()].filter((withdrawal) => withdrawal.at >= oldest);
  if (added.length === 0 && kept.length === withdrawals.length) return { withdrawals, added, refused };
  kept.sort(byCleaningAndNode);
  // As many as the history may hold cleanings: each takes one back, so only our own could pass it.
  return { withdrawals: kept.slice(Math.max(0, kept.length - MOST_CLEANINGS)), added, refused };
}

/** The keys (keyOf) of the cleanings withdrawn: what machines/boxes.ts leaves out. */
export const withdrawnKeys = (withdrawals: Withdrawals): ReadonlySet<string> => new Set(withdrawals.map(keyOf));
