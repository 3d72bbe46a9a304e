import type { LevelThresholds } from '../../common/levels';
import type { WallClock } from '../shared/clock';
import type { PeerAddress } from './peer-address';
import type { PeerView } from './peer-view';

/** A node seen by mDNS: one of ours, or an original Rust node (reached at the cluster port). */
export interface DiscoveredPeer extends PeerAddress {
  /** The DNS-SD instance name, e.g. `kitchen-3f2a`: who the peer is, wherever it moves. */
  name: string;
  /** False for an original Rust node (no TXT marker of ours). */
  ours: boolean;
  /** The port of its page and API (TXT `http=`), for our nodes that serve one; else null. */
  http: number | null;
  /** When its levels begin (TXT `levels=`), for our nodes that say; else null or absent. */
  levels?: LevelThresholds | null;
  /** Its instance id when it carries notification targets (TXT `notify=`); else null or absent. */
  notify?: string | null;
  /** The fingerprint of its household key (TXT `hh=`), for our nodes that have one; else null or absent. */
  household?: string | null;
  /**
   * The boxes it shows, its own first (TXT `boxes=`), for our nodes that say; absent for an
   * earlier node or an original (the default box's), empty when what it said was refused.
   */
  boxes?: readonly string[] | null;
  /** The names it offers (TXT `people=`), for our nodes that say; else absent. */
  people?: readonly string[] | null;
}

/** What the discovery actor tells its parent. */
export type DiscoveryEvent =
  /**
   * A node appeared, or its records say something new: another address or port (a move,
   * or a stranger's claim), another TXT record. `ttl`: the seconds its records hold.
   */
  | { type: 'peer.found'; peer: DiscoveredPeer; ttl: number }
  /** A goodbye for it, from wherever it came: the cluster checks with the node before it believes it. */
  | { type: 'peer.lost'; peer: DiscoveredPeer }
  /** The name this node advertises, once it holds it (another node may have had it first). */
  | { type: 'discovery.named'; name: string }
  | { type: 'discovery.stopped' };

/**
 * What the parent tells the discovery actor: look again where a silent peer is now
 * (it may have moved without a goodbye), forget a node the cluster no longer holds (so
 * that its next record is news again), or send the mDNS goodbye and answer
 * `discovery.stopped`.
 */
export type DiscoveryCommand =
  | { type: 'discovery.resolve'; name: string }
  | { type: 'discovery.forget'; name: string }
  | { type: 'discovery.stop' }
  /** The node's levels changed (a configuration reloaded): its TXT record says so. */
  | { type: 'discovery.levels'; thresholds: LevelThresholds };

/**
 * What the parent tells the transport actor to send, and what it answers every RequestState
 * with from now on (`transport.answer`): it answers at once, and tells of the request after,
 * so that an answer waits on nothing else the node does. Times are ms since the epoch, whole
 * seconds.
 */
export type TransportCommand =
  | { type: 'transport.request'; to: PeerAddress }
  | { type: 'transport.update'; to: PeerAddress; lastCleaned: number | null }
  | { type: 'transport.answer'; lastCleaned: number | null };

/** What the transport actor tells its parent: only well-formed, validated messages. */
export type TransportEvent =
  /** A RequestState came, and was answered. */
  | { type: 'peer.requested'; from: PeerAddress }
  /** `untrusted`: why its time may not be adopted (a node with a household key, the sender no member). */
  | { type: 'state.received'; from: PeerAddress; lastCleaned: number | null; untrusted?: string }
  /** A --peer given by host name was looked up, and is (now) at this IPv4 address. */
  | { type: 'peer.resolved'; peer: PeerAddress; address: string };

export interface ClusterInput {
  /** The time the node holds when the cluster starts (from its state file). */
  lastCleaned: number | null;
  /** Peers given on the command line. */
  peers: readonly PeerAddress[];
  clock: WallClock;
  /** A number in [0, 1), to spread the repair rounds of the nodes of a house apart. */
  random: () => number;
}

/** What the node tells its cluster. */
export type ClusterCommand =
  /** A time recorded here (and saved): every peer hears of it. */
  | { type: 'cluster.share'; lastCleaned: number }
  /** Ask every peer for its time now (someone is looking at the household); answered with `cluster.refreshed`. */
  | { type: 'cluster.refresh' }
  /** Say the mDNS goodbye; the cluster then stops. */
  | { type: 'cluster.leave' }
  /**
   * A time from outside the UDP household (the MQTT broker): the same rules as a peer's,
   * and a time adopted is pushed to every peer.
   */
  | { type: 'cluster.offered'; lastCleaned: number; from: PeerAddress }
  /** The peers given anew (the configuration was reloaded): those new are asked at once. */
  | { type: 'cluster.peers-given'; peers: readonly PeerAddress[] }
  /** The node's levels changed: its mDNS record says so. */
  | { type: 'cluster.levels'; thresholds: LevelThresholds }
  /**
   * The default box's cleanings taken back (an undo, here or on a peer), and the time that
   * stands now (null: none): a withdrawn time is never adopted again, and a time held that
   * was withdrawn gives way to the restored one, which every peer is sent.
   */
  | { type: 'cluster.withdrawn'; withdrawn: readonly number[]; restored: number | null };

/**
 * Why a peer's place in the table is in question. Anyone on the LAN can send mDNS
 * records, so what mDNS alone says of a node we know (it left, it lives elsewhere now,
 * its records lapsed before it ever answered) is checked with the node itself before
 * the table changes.
 */
export type QuestionReason = 'goodbye' | 'lapsed' | 'moved';

/**
 * What became of a peer whose place mDNS put in question, or that found no room: for
 * the log. `lost`: its goodbye, or its lapse, went unanswered; `moved`: its old address
 * went silent and it was taken where mDNS said; `kept`: it answered where it is, and
 * what mDNS said (`why`, and the address `claimed`) was not believed; `crowded`: the
 * table was full of peers that answer.
 */
export type PeerDecision =
  | { decision: 'lost'; peer: PeerView; why: Exclude<QuestionReason, 'moved'> }
  | { decision: 'moved'; peer: PeerView; from: string }
  | { decision: 'kept'; peer: PeerView; why: QuestionReason; claimed: string | null }
  | { decision: 'crowded'; peer: DiscoveredPeer };

/** What the cluster tells the node. */
export type ClusterReport =
  /** A later time from a peer, already passed on: the node shows it and saves it. */
  | { type: 'cluster.adopted'; lastCleaned: number; from: PeerAddress }
  /**
   * A time not taken: too far ahead; `reason`: from a sender the household key does not trust;
   * `withdrawn`: a cleaning of the default box taken back.
   */
  | { type: 'cluster.refused'; lastCleaned: number; from: PeerAddress; reason?: string; withdrawn?: true }
  | { type: 'cluster.silent'; peer: PeerView }
  | { type: 'cluster.peers'; peers: PeerView[] }
  /** The peers a `cluster.refresh` asked have answered, or had their time: `cluster.peers` came first when they changed. */
  | { type: 'cluster.refreshed' }
  | { type: 'cluster.named'; name: string }
  | ({ type: 'cluster.decided' } & PeerDecision);
