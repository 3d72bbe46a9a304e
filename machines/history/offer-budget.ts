import type { Room } from './history-set';

/**
 * How many new cleanings one sender (an address) may add to the history: a bucket for each
 * of the last 30 days and older ones, full at first and filled again day by day. A node
 * that was away, or is new, catches up in one exchange; a stranger adds a few at most,
 * and then as many a day as a real household makes.
 */
export const OFFER_BUDGET: Readonly<Record<keyof Room, { most: number; perDay: number }>> = {
  recent: { most: 100, perDay: 12 },
  older: { most: 2_000, perDay: 200 },
};

/** Senders remembered at most: spoofed addresses must not grow the table without end. */
export const MOST_SENDERS = 64;

const DAY_MS = 24 * 3_600_000;

/** What one sender may still add, as of `at`. */
export interface Budget extends Room {
  at: number;
}

export type Budgets = Readonly<Record<string, Budget>>;

/** The buckets of `sender` at `now`, filled up for the time since it last spent (in fractions). */
function filled(budgets: Budgets, sender: string, now: number): Room {
  const budget = budgets[sender];
  if (!budget) return { recent: OFFER_BUDGET.recent.most, older: OFFER_BUDGET.older.most };
  const days = Math.max(0, now - budget.at) / DAY_MS;
  const fill = (tier: keyof Room) => Math.min(OFFER_BUDGET[tier].most, budget[tier] + days * OFFER_BUDGET[tier].perDay);
  return { recent: fill('recent'), older: fill('older') };
}

/** How many new cleanings `sender` may add at `now`. */
export function roomOf(budgets: Budgets, sender: string, now: number): Room {
  const room = filled(budgets, sender, now);
  return { recent: Math.floor(room.recent), older: Math.floor(room.older) };
}

/**
 * The budgets once `sender` added `taken` at `now`. Past MOST_SENDERS, the sender whose
 * bucket is fullest goes: it has spent least, so forgetting it gives least away.
 */
export function spend(budgets: Budgets, sender: string, taken: Room, now: number): Budgets {
  if (taken.recent === 0 && taken.older === 0) return budgets;
  const room = filled(budgets, sender, now);
  const next: Record<string, Budget> = {
    ...budgets,
    [sender]: { recent: room.recent - taken.recent, older: room.older - taken.older, at: now },
  };
  const senders = Object.keys(next);
  if (senders.length > MOST_SENDERS) {
    const fullness = (key: string) => {
      const left = filled(next, key, now);
      return left.recent / OFFER_BUDGET.recent.most + left.older / OFFER_BUDGET.older.most;
    };
    const fullest = senders.filter((key) => key !== sender).sort((a, b) => fullness(b) - fullness(a))[0];
    delete next[fullest];
  }
  return next;
}
