import type { Room } from './history-set';

/** What a sender's budget counts: new cleanings of the last 30 days, older ones, and withdrawals. */
type Tier = keyof Room | 'withdrawals';

/**
 * How many new cleanings one sender (an address) may add to the history, and how many it may
 * withdraw: a bucket for each of the last 30 days' cleanings, older ones and withdrawals, full
 * at first and filled again day by day. A node that was away, or is new, catches up in one
 * exchange; a stranger adds a few at most, and then as many a day as a real household makes.
 * Withdrawals are fewer: a household takes back a mistaken press now and then, and each one
 * sets a box's time back (machines/withdrawals.ts).
 */
export const OFFER_BUDGET: Readonly<Record<Tier, { most: number; perDay: number }>> = {
  recent: { most: 100, perDay: 12 },
  older: { most: 2_000, perDay: 200 },
  withdrawals: { most: 24, perDay: 6 },
};

const TIERS = Object.keys(OFFER_BUDGET) as Tier[];

/** Senders remembered at most: spoofed addresses must not grow the table without end. */
export const MOST_SENDERS = 64;

const DAY_MS = 24 * 3_600_000;

/** What one sender may still add, as of `at`. */
export interface Budget extends Room {
  withdrawals: number;
  at: number;
}

export type Budgets = Readonly<Record<string, Budget>>;

/** The buckets of `sender` at `now`, filled up for the time since it last spent (in fractions). */
function filled(budgets: Budgets, sender: string, now: number): Record<Tier, number> {
  const budget = budgets[sender];
  const days = budget ? Math.max(0, now - budget.at) / DAY_MS : 0;
  const fill = (tier: Tier) =>
    budget
      ? Math.min(OFFER_BUDGET[tier].most, budget[tier] + days * OFFER_BUDGET[tier].perDay)
      : OFFER_BUDGET[tier].most;
  return { recent: fill('recent'), older: fill('older'), withdrawals: fill('withdrawals') };
}

/** How many new cleanings `sender` may add at `now`. */
export function roomOf(budgets: Budgets, sender: string, now: number): Room {
  const room = filled(budgets, sender, now);
  return { recent: Math.floor(room.recent), older: Math.floor(room.older) };
}

/** How many withdrawals `sender` may add at `now`. */
export const withdrawalRoomOf = (budgets: Budgets, sender: string, now: number): number =>
  Math.floor(filled(budgets, sender, now).withdrawals);

/**
 * The budgets once `sender` added `taken` at `now`. Past MOST_SENDERS, the sender whose
 * bucket is fullest goes: it has spent least, so forgetting it gives least away.
 */
export function spend(budgets: Budgets, sender: string, taken: Partial<Record<Tier, number>>, now: number): Budgets {
  if (TIERS.every((tier) => (taken[tier] ?? 0) === 0)) return budgets;
  const room = filled(budgets, sender, now);
  const next: Record<string, Budget> = {
    ...budgets,
    [sender]: {
      recent: room.recent - (taken.recent ?? 0),
      older: room.older - (taken.older ?? 0),
      withdrawals: room.withdrawals - (taken.withdrawals ?? 0),
      at: now,
    },
  };
  const senders = Object.keys(next);
  if (senders.length > MOST_SENDERS) {
    const fullness = (key: string) => {
      const left = filled(next, key, now);
      return TIERS.reduce((sum, tier) => sum + left[tier] / OFFER_BUDGET[tier].most, 0);
    };
    const fullest = senders.filter((key) => key !== sender).sort((a, b) => fullness(b) - fullness(a))[0];
    delete next[fullest];
  }
  return next;
}
