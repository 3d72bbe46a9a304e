import type { Cleaning, Withdrawal } from '../../common/history';
import type { History, Refused } from './history-set';
import type { WithdrawalRefusals, Withdrawals } from './withdrawals';

/*
 * What the history machine is told and tells: by the node, its file and the exchange with
 * peers (src/history/ holds the real actors). Apart from the machine, so that the actors and
 * the node read its language without its workings.
 */

/** One of our nodes whose HTTP API serves its history. */
export interface HistoryPeer {
  name: string | null;
  address: string;
  /** Its HTTP port (the `http=` of its TXT record). */
  port: number;
}

export const historyPeerKey = (peer: HistoryPeer): string => `${peer.address}:${peer.port}`;

/** What the history asks of its file: append these; `kept` is all it holds, to compact from. */
export interface AppendCommand {
  type: 'history-file.append';
  cleanings: readonly Cleaning[];
  withdrawals: readonly Withdrawal[];
  /** The history and the cleanings kept aside, oldest first, and the withdrawals: what a rewrite of the file holds. */
  kept: History;
  keptWithdrawals: Withdrawals;
  retry: boolean;
}

/** What the history's file held at the start. */
export interface LoadedItems {
  history: History;
  withdrawals: Withdrawals;
}

export type AppendReport = { type: 'history-file.appended' } | { type: 'history-file.failed' };

/** Compare histories with a peer: take what it has that ours lacks (`history.received`), give it the rest. */
export interface ExchangeCommand {
  type: 'history-sync.exchange';
  peer: HistoryPeer;
  history: History;
  withdrawals: Withdrawals;
}

export type HistoryEvent =
  /**
   * A cleaning recorded here, or a time adopted from the household (`network`); `from`, the
   * address a time was adopted from: it counts against that sender's budget.
   */
  | { type: 'history.record'; cleaning: Cleaning; from?: { address: string } }
  /** A cleaning taken back here (an undo that canUndo allowed): offered to every peer at once. */
  | { type: 'history.withdraw'; withdrawal: Withdrawal }
  /** What an address sent us (checked already). */
  | {
      type: 'history.offered';
      cleanings: readonly Cleaning[];
      withdrawals?: readonly Withdrawal[];
      from: { address: string };
    }
  /** What an exchange with a peer brought. */
  | {
      type: 'history.received';
      cleanings: readonly Cleaning[];
      withdrawals?: readonly Withdrawal[];
      from: HistoryPeer;
    }
  /** An exchange is over: `settled` when both histories were the same. */
  | { type: 'history.exchanged'; peer: HistoryPeer; settled: boolean }
  /** The peers to exchange with: ours, with a page, answering. */
  | { type: 'history.peers'; peers: readonly HistoryPeer[] }
  /** Answered with `history.idle` once nothing taken in is left unwritten. */
  | { type: 'history.flush' }
  | AppendReport;

export type HistoryReport =
  | { type: 'history.changed'; history: History; withdrawals: Withdrawals }
  | { type: 'history.idle' }
  /** What a sender offered that the history did not take, counted by reason (withdrawals apart). */
  | { type: 'history.refused'; from: string; refused: Refused; withdrawals?: WithdrawalRefusals };
