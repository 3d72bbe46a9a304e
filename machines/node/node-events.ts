import type { CleaningSource } from '../../common/history';
import type { Level } from '../../common/levels';
import type { WallClock } from '../shared/clock';
import type { ClusterReport, PeerDecision } from '../cluster/cluster-events';
import type { Refusal, UndoRefusal } from '../history/boxes';
import type { History } from '../history/history-set';
import type { Withdrawals } from '../history/withdrawals';
import type { HistoryEvent, HistoryReport } from '../history/history-events';
import type { LevelThresholds } from '../../common/levels';
import type { NodeView } from './node-view';
import type { QuietHours } from '../reminder/quiet-hours';
import type { ReminderReport } from '../reminder/reminder-machine';
import type { StoreReport } from '../store/store-machine';
import type { PeerAddress } from '../cluster/peer-address';
import type { PeerView } from '../cluster/peer-view';

/** What the node runs with; the parts that may change while it runs (quiet hours, levels) included. */
export interface NodeSettings {
  quietHours: QuietHours | null;
  timeZone: string;
  thresholds: LevelThresholds;
  clock: WallClock;
  /** Peers given on the command line. */
  peers: readonly PeerAddress[];
  /** A number in [0, 1), to spread the repair rounds of the nodes of a house apart. */
  random: () => number;
  /** The boxes this node's strip shows, in order; the first is the box it stands by (`box:`). */
  boxes: readonly string[];
  /** The household's names this node offers (`people:`). */
  people: readonly string[];
  /** How long after it was recorded a cleaning may be withdrawn, or told who did it (`undo.window`), ms. */
  undoWindowMs: number;
}

export interface NodeInput extends NodeSettings {
  /** The instance name to show until discovery says which one the node holds. */
  name: string;
}

export interface NodeContext {
  settings: NodeSettings;
  name: string;
  /** The node's agreed time of the last cleaning, ms since the epoch; null while unknown. */
  lastCleaned: number | null;
  /** The times the store is saving, oldest first, each with what follows its answer. */
  saving: readonly Saving[];
  /** The latest time adopted from a peer, while the strip and the file have yet to get it. */
  adopted: { lastCleaned: number; from: PeerAddress } | null;
  /**
   * The latest cleaning recorded here "now", from the moment it is asked to be saved: a
   * press that follows it within a burst is the same cleaning, saved or not yet.
   */
  pressed: number | null;
  level: Level;
  quiet: boolean;
  peers: readonly PeerView[];
  /** The household's history and its withdrawals, as the history last reported them: each box's time. */
  history: History;
  withdrawals: Withdrawals;
  /** The level of each other box this strip shows, as its reminder last told it. */
  levels: Readonly<Record<string, Level>>;
  /** Undos and names asked for, answered once the history has them (or at once when refused). */
  asked: readonly Asked[];
}

/**
 * What a request asked for, which the node answers once the history shows it: an undo, a name
 * said, or a cleaning of a box other than its own (which only the history records).
 */
export interface Asked {
  kind: 'undo' | 'naming' | 'cleaning';
  ticket: string;
  box: string;
  at: number;
  /** The name said, for a naming. */
  by?: string;
}

/**
 * A time the store is saving: a cleaning recorded here (its `source`, and the `ticket` of
 * whoever waits for it, when someone does) or a time adopted from a peer (`from`).
 */
export interface Saving {
  lastCleaned: number;
  source: CleaningSource | null;
  /** Who cleaned, when said, for a cleaning recorded here. */
  by?: string;
  from: PeerAddress | null;
  ticket: string | null;
}

/**
 * A cleaning, from wherever it was recorded: now (by the press rule of time-rules.ts: a
 * press soon after the household's time is that cleaning), or at an earlier time `at`
 * (ms since the epoch), as `reset --at` and the page's "cleaned earlier" say.
 */
export interface CleaningReport {
  type: 'cleaning.reported';
  source: CleaningSource;
  at?: number;
  /** The box cleaned; absent: this node's own. The page and MQTT refuse a box that is not known. */
  box?: string;
  /** Who cleaned, one of the household's people; absent when nobody said. */
  by?: string;
  /**
   * Who waits for the answer (a request to the page): the node emits `cleaning.answered`
   * with it once the cleaning is recorded, or found old news.
   */
  ticket?: string;
}

/**
 * A time from outside the UDP household (an MQTT broker's household topic): the cluster's
 * merge rules decide, as for a peer's. `from` names where it came from in the log.
 */
export interface TimeOffer {
  type: 'time.offered';
  lastCleaned: number;
  from: PeerAddress;
}

/** Take back the cleaning of `box` at `at` (ms): the node answers `undo.answered` with the ticket. */
export interface UndoRequest {
  type: 'cleaning.undo';
  box: string;
  at: number;
  ticket: string;
}

/** Say who cleaned the cleaning of `box` at `at`: the node answers `naming.answered` with the ticket. */
export interface NamingRequest {
  type: 'cleaning.named';
  box: string;
  at: number;
  by: string;
  ticket: string;
}

/** What an observer (the page, MQTT) may send the node. */
export type ObserverEvent =
  | CleaningReport
  | UndoRequest
  | NamingRequest
  /** Someone is looking at the household (the page): ask every peer now; `household.refreshed` follows. */
  | { type: 'household.refresh' }
  | TimeOffer
  /** Cleanings a peer sent the page server, checked: for the history. */
  | Extract<HistoryEvent, { type: 'history.offered' }>;

/** What a reloaded configuration may change while the node runs. */
export type SettingsChange = { type: 'settings.changed' } & Pick<
  NodeSettings,
  'quietHours' | 'timeZone' | 'thresholds' | 'peers'
>;

export type NodeEvent =
  | { type: 'SHUTDOWN' }
  | SettingsChange
  | ObserverEvent
  | StoreReport
  | ClusterReport
  | ReminderReport
  | HistoryReport
  // Sent by xstate when these children reach their final states.
  | { type: 'xstate.done.actor.reminder' }
  | { type: 'xstate.done.actor.cluster' };

/** How the node came by a time: a cleaning recorded here (a press, the page, `reset`, MQTT), or a peer's. */
export type TimeReason = 'recorded' | 'adopted' | 'history';

/** What the node tells its observers (the terminal, the log, the page, MQTT): they subscribe to these. */
export type NodeEmitted =
  | { type: 'view.changed'; view: NodeView }
  /** The history and its withdrawals, whenever they change. */
  | { type: 'history.changed'; history: History; withdrawals: Withdrawals }
  /** The cleaning reported with this ticket is recorded (or was old news): its request is answered. */
  | { type: 'cleaning.answered'; ticket: string }
  /** The undo asked with this ticket is done (the view shows it), or refused with the reason (canUndo). */
  | ({ type: 'undo.answered'; ticket: string } & ({ ok: true } | UndoRefusal))
  /** The name asked with this ticket is said (the view shows it), or refused with the reason (canSayWho). */
  | ({ type: 'naming.answered'; ticket: string } & ({ ok: true } | Refusal))
  /** The peers asked by `household.refresh` have answered (or had their time): the view has what they said. */
  | { type: 'household.refreshed' }
  | {
      type: 'time.changed';
      lastCleaned: number;
      reason: TimeReason;
      /**
       * How a cleaning recorded here came in; null for a time adopted from a peer, or (`history`)
       * a cleaning of the node's own box that the history brought (a box other than the default one).
       */
      source: CleaningSource | null;
      from: PeerAddress | null;
    }
  /** A peer's time not taken: too far ahead, untrusted (`reason`), or (`withdrawn`) a cleaning taken back. */
  | { type: 'time.refused'; from: PeerAddress; lastCleaned: number; reason?: string; withdrawn?: true }
  /**
   * The cleaning of the node's own box at `at` was taken back (here or on a peer): the box's time
   * is `restored` again (null: no cleaning stands), on the strip and in the state file.
   */
  | { type: 'time.withdrawn'; box: string; at: number; restored: number | null }
  /** What an address offered the history that it did not take (see history-set.ts). */
  | Extract<HistoryReport, { type: 'history.refused' }>
  | { type: 'peer.silent'; peer: PeerView }
  /** What the cluster made of what mDNS said of a peer (see `PeerDecision`). */
  | ({ type: 'peer.decided' } & PeerDecision);
