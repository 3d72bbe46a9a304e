import type { Cleaning, Withdrawal } from '../../common/history';
import type { WallClock } from '../shared/clock';
import { byTimeAndBox, type History, type Refused } from './history-set';
import type { Budgets } from './offer-budget';
import type { WithdrawalRefusals, Withdrawals } from './withdrawals';
import type { ExchangeCommand, HistoryEvent, HistoryPeer } from './history-events';

/*
 * The history machine's context, and the pure helpers its actions and transitions use: where an
 * offer comes from, what each event brings the history, and how the rotation of peers moves on.
 */

export interface HistoryContext {
  history: History;
  /** The cleanings taken back (machines/history/withdrawals.ts). */
  withdrawals: Withdrawals;
  /** Own cleanings dated ahead of the clock: in the file, neither served nor exchanged until their time. */
  aside: History;
  /** Taken in, and not yet appended to the file. */
  unwritten: readonly Cleaning[];
  unwrittenWithdrawals: readonly Withdrawal[];
  /** Being appended now. */
  writing: readonly Cleaning[];
  writingWithdrawals: readonly Withdrawal[];
  peers: readonly HistoryPeer[];
  /** Which peer the next round asks: one in turn. */
  turn: number;
  flushing: boolean;
  random: () => number;
  clock: WallClock;
  /** What each sender may still add. */
  budgets: Budgets;
  /**
   * Peers left out of the rotation for a while, and the turn before which they are not asked:
   * one that settled (`streak` 0), or one whose exchanges keep leaving its history unlike ours
   * (`streak`: how often in a row).
   */
  leftOut: Readonly<Record<string, { streak: number; until: number }>>;
}

/** An offer's source: this node, or an address and the names of the peers there. */
export interface Source {
  address: string | null;
  names: readonly string[];
}

export const OWN: Source = { address: null, names: [] };

export const sourceOf = (peers: readonly HistoryPeer[], address: string): Source => ({
  address,
  names: peers.flatMap((peer) => (peer.address === address && peer.name !== null ? [peer.name] : [])),
});

/** What an event brings the history: cleanings, withdrawals, from whom, and whether to offer it to every peer. */
export interface Offer {
  cleanings: readonly Cleaning[];
  withdrawals: readonly Withdrawal[];
  from: Source;
  offer: boolean;
}

export type Take<Type extends HistoryEvent['type']> = (args: {
  context: HistoryContext;
  event: Extract<HistoryEvent, { type: Type }>;
}) => Offer;

/** A cleaning recorded here, or a time adopted from the address it came from (which pays for it). */
export const recorded =
  (offer: boolean): Take<'history.record'> =>
  ({ context, event }) => ({
    cleanings: [event.cleaning],
    withdrawals: [],
    from: event.from ? sourceOf(context.peers, event.from.address) : OWN,
    offer: offer && event.cleaning.source !== 'network',
  });

export const withdrawn =
  (offer: boolean): Take<'history.withdraw'> =>
  ({ event }) => ({ cleanings: [], withdrawals: [event.withdrawal], from: OWN, offer });

export const offered: Take<'history.offered'> = ({ context, event }) => ({
  cleanings: event.cleanings,
  withdrawals: event.withdrawals ?? [],
  from: sourceOf(context.peers, event.from.address),
  offer: false,
});

/**
 * What is left out once our history changed: a settled peer may lack the change (one taken from
 * an address that is no peer is passed on by the rounds alone), so it is asked at its next turn;
 * one that never settles stays left out.
 */
export const unsettledOnly = (leftOut: HistoryContext['leftOut']): HistoryContext['leftOut'] =>
  Object.fromEntries(Object.entries(leftOut).filter(([, { streak }]) => streak > 0));

export const anyRefused = (refused: Refused | WithdrawalRefusals): boolean =>
  Object.values(refused).some((count) => count > 0);

/** The command to exchange with `peer`: what the history holds now. */
export const exchangeWith = (context: HistoryContext, peer: HistoryPeer): ExchangeCommand => ({
  type: 'history-sync.exchange',
  peer,
  history: context.history,
  withdrawals: context.withdrawals,
});

/** `a` and `b` (each oldest first, none in both), as one history. */
export const together = (a: History, b: History): History => [...a, ...b].sort(byTimeAndBox);
