import type { CleaningSource } from '../common/history';
import type { Level } from '../common/levels';
import type { WallClock } from './clock';
import type { ClusterReport, PeerAddress, PeerDecision } from './cluster-events';
import type { History } from './history-set';
import type { HistoryEvent, HistoryReport } from './historyMachine';
import type { LevelThresholds } from '../common/levels';
import type { NodeView, PeerView } from './node-view';
import type { QuietHours } from './quiet-hours';
import type { ReminderReport } from './reminderMachine';
import type { SaveAnswer, SaveReason, StoreReport } from './storeMachine';

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
  /** Who waits for the answer (a page's request): answered with `web.answer` once it is recorded, or not. */
  ticket?: string;
}

/** What the node tells its page server: each new view and history, and the answer to a cleaning it reported. */
export type WebCommand =
  | { type: 'web.view'; view: NodeView }
  | { type: 'web.history'; history: History }
  | { type: 'web.answer'; ticket: string };

/** What the node tells its MQTT bridge: each new view. */
export interface MqttCommand {
  type: 'mqtt.view';
  view: NodeView;
}

/** What the MQTT bridge reports: Home Assistant's "Cleaned now", and the household's time on the broker. */
export type MqttReport =
  (CleaningReport & { source: 'mqtt' }) | { type: 'mqtt.time'; lastCleaned: number; from: PeerAddress };

/** What a reloaded configuration may change while the node runs. */
export type SettingsChange = { type: 'settings.changed' } & Pick<
  NodeSettings,
  'quietHours' | 'timeZone' | 'thresholds' | 'peers'
>;

export type NodeEvent =
  | { type: 'SHUTDOWN' }
  | SettingsChange
  | CleaningReport
  /** Someone is looking at the household (the page): ask every peer now. */
  | { type: 'household.refresh' }
  | SaveAnswer
  | StoreReport
  | ClusterReport
  | ReminderReport
  | HistoryReport
  | Extract<MqttReport, { type: 'mqtt.time' }>
  /** Cleanings a peer sent the page server, checked: for the history. */
  | Extract<HistoryEvent, { type: 'history.offered' }>
  // Sent by xstate when these children reach their final states.
  | { type: 'xstate.done.actor.reminder' }
  | { type: 'xstate.done.actor.cluster' };

export type NodeEmitted =
  | { type: 'view.changed'; view: NodeView }
  | {
      type: 'time.changed';
      lastCleaned: number;
      reason: SaveReason;
      /** How a cleaning recorded here came in; null for a time adopted from a peer. */
      source: CleaningSource | null;
      from: PeerAddress | null;
    }
  | { type: 'time.refused'; from: PeerAddress; lastCleaned: number; reason?: string }
  /** What an address offered the history that it did not take (see history-set.ts). */
  | Extract<HistoryReport, { type: 'history.refused' }>
  | { type: 'peer.silent'; peer: PeerView }
  /** What the cluster made of what mDNS said of a peer (see `PeerDecision`). */
  | ({ type: 'peer.decided' } & PeerDecision);
