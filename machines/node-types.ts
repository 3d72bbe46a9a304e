import type { WallClock } from './clock';
import type { DiscoveryEvent, PeerAddress, TransportEvent } from './cluster-events';
import type { PeerTable } from './peer-table';
import type { QuietHours } from './quiet-hours';

export interface NodeInput {
  quietHours: QuietHours | null;
  timeZone: string;
  clock: WallClock;
  /** Peers given on the command line. */
  peers: PeerAddress[];
  /** A number in [0, 1), to spread the repair rounds of the nodes of a house apart. */
  random: () => number;
}

export interface NodeContext extends Omit<NodeInput, 'peers'> {
  /** The node's agreed time of the last cleaning, ms since the epoch; null while unknown. */
  lastCleaned: number | null;
  /** The time the state file is known to hold: behind `lastCleaned` after a failed save. */
  savedTime: number | null;
  peers: PeerTable;
  /** Repair rounds so far: whose turn it is to be asked. */
  round: number;
}

/** Why a time is being saved: a press here, or a later time adopted from a peer. */
export type SaveReason = 'press' | 'adopted';

/**
 * Asks the store actor to persist a time; it answers `store.saved` or `store.failed`
 * with the rest of the command.
 */
export interface SaveCommand {
  type: 'store.save';
  lastCleaned: number;
  reason: SaveReason;
  /** The peer an adopted time came from: it has the time, and is not sent it back. */
  from: PeerAddress | null;
}

/** Writes a time again after its save failed (the disk full, say); answered by `store.retried`. */
export interface RetryCommand {
  type: 'store.retry';
  lastCleaned: number;
}

export type StoreCommand = SaveCommand | RetryCommand;

export type NodeEvent =
  | { type: 'SHUTDOWN' }
  | { type: 'button.pressed' }
  | (Omit<SaveCommand, 'type'> & { type: 'store.saved' | 'store.failed' })
  | { type: 'store.retried'; lastCleaned: number; saved: boolean }
  | TransportEvent
  | DiscoveryEvent
  // Sent by xstate when the reminder reaches its final state (its strip is dark).
  | { type: 'xstate.done.actor.reminder' };

export type NodeEmitted =
  | { type: 'time.changed'; lastCleaned: number; reason: SaveReason }
  | { type: 'time.refused'; from: PeerAddress; lastCleaned: number }
  | { type: 'peer.silent'; peer: PeerAddress };
