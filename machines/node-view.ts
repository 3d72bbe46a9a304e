import type { Colour } from '../common/colour';
import { LEVEL_COLOURS, sameThresholds, type Level, type LevelThresholds } from '../common/levels';
import type { Peer, PeerTable } from './peer-table';

/** A peer as observers see it: who, where, and what it last said. */
export interface PeerView {
  /** Its mDNS instance name; null for a --peer that mDNS has not shown. */
  name: string | null;
  /** Where it is reached: its IPv4 address (a --peer host name once looked up). */
  address: string;
  port: number;
  /** One of ours; false for an original Rust node; null when not known. */
  ours: boolean | null;
  /** The port of its page and API, when it serves one. */
  http: number | null;
  /** When its levels begin, when it says (ours do by mDNS); null when not known. */
  levels: LevelThresholds | null;
  /** Its instance id when it carries notification targets (TXT `notify=`); null or absent otherwise. */
  notify?: string | null;
  /** It has told us its time since we last knew where it is. */
  answered: boolean;
  /** The time it last told us (ms since the epoch); null when it knows none, or has not said. */
  said: number | null;
  /** It has not answered for a while (unplugged, or cut off). */
  silent: boolean;
}

/** What the node shows and knows: the one thing the terminal, the log, the page and MQTT read. */
export interface NodeView {
  name: string;
  /** The household's time of the last cleaning, as agreed here; null while unknown. */
  lastCleaned: number | null;
  level: Level;
  /** The level's colour (steady red while overdue: the blinking is the strip's own). */
  colour: Colour;
  /** Quiet hours hold: the strip is dark. */
  quiet: boolean;
  peers: readonly PeerView[];
  /** When each level begins after a cleaning, here (a household's nodes may differ). */
  thresholds: LevelThresholds;
  /** The node's time zone: its quiet hours, and the local times its page shows and takes. */
  timeZone: string;
}

export function peerView(peer: Peer): PeerView {
  return {
    name: peer.name,
    address: peer.resolved ?? peer.address,
    port: peer.port,
    ours: peer.ours,
    http: peer.http,
    levels: peer.levels,
    ...(peer.notify ? { notify: peer.notify } : {}),
    answered: peer.said !== undefined,
    said: peer.said ?? null,
    silent: peer.dormant,
  };
}

/** The peers in a stable order: by name, the unnamed last. */
export function peerViews(table: PeerTable): PeerView[] {
  const order = (view: PeerView) => view.name?.toLowerCase() ?? `~${view.address}:${view.port}`;
  return Object.values(table)
    .map(peerView)
    .sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

export function samePeerViews(a: readonly PeerView[], b: readonly PeerView[]): boolean {
  return (
    a.length === b.length &&
    a.every((view, i) => {
      const other = b[i];
      return (
        view.name === other.name &&
        view.address === other.address &&
        view.port === other.port &&
        view.ours === other.ours &&
        view.http === other.http &&
        (view.levels === other.levels ||
          (view.levels !== null && other.levels !== null && sameThresholds(view.levels, other.levels))) &&
        (view.notify ?? null) === (other.notify ?? null) &&
        view.answered === other.answered &&
        view.said === other.said &&
        view.silent === other.silent
      );
    })
  );
}

export function nodeView(parts: Omit<NodeView, 'colour'>): NodeView {
  return { ...parts, colour: LEVEL_COLOURS[parts.level] };
}
