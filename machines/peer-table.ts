import { peerKey, type PeerAddress } from './cluster-events';

export interface Peer extends PeerAddress {
  /** Given with --peer: a peer from the start that never expires. */
  static: boolean;
  /** Repair rounds since it last sent us anything. */
  unanswered: number;
  /** Silent for too long: not pushed to, and only probed now and then, until it is seen again. */
  dormant: boolean;
}

export type PeerTable = Readonly<Record<string, Peer>>;

/** Rounds of silence after which a discovered peer is set aside (a crashed or unplugged Pi). */
export const SILENT_ROUNDS = 5;

/**
 * A peer set aside is still asked every this many rounds (about half a minute):
 * after a partition both sides may have set each other aside, and mDNS does not
 * announce a service again that it never saw leave.
 */
export const PROBE_EVERY_ROUNDS = 10;

export function staticPeers(addresses: readonly PeerAddress[]): PeerTable {
  return Object.fromEntries(
    addresses.map((peer) => [
      peerKey(peer),
      { address: peer.address, port: peer.port, static: true, unanswered: 0, dormant: false },
    ]),
  );
}

export function withPeer(table: PeerTable, peer: PeerAddress): PeerTable {
  const key = peerKey(peer);
  const known = table[key];
  return {
    ...table,
    [key]: {
      address: peer.address,
      port: peer.port,
      static: known?.static ?? false,
      unanswered: 0,
      dormant: false,
    },
  };
}

export function withoutPeer(table: PeerTable, peer: PeerAddress): PeerTable {
  const key = peerKey(peer);
  if (!table[key] || table[key].static) return table;
  const { [key]: _gone, ...rest } = table;
  return rest;
}

/** A datagram from a known peer shows it is alive; an unknown sender (a `status` command) is not added. */
export function heardFrom(table: PeerTable, sender: PeerAddress): PeerTable {
  const key = peerKey(sender);
  const known = table[key];
  if (!known || (known.unanswered === 0 && !known.dormant)) return table;
  return { ...table, [key]: { ...known, unanswered: 0, dormant: false } };
}

export function activePeers(table: PeerTable): Peer[] {
  return Object.values(table).filter((peer) => !peer.dormant);
}

/** Who a repair round asks: the active peers, and now and then one set aside. */
export function peersToAsk(table: PeerTable): Peer[] {
  return Object.values(table).filter((peer) => !peer.dormant || peer.unanswered % PROBE_EVERY_ROUNDS === 0);
}

/** One repair round was asked; discovered peers silent for too long are set aside. */
export function afterRound(table: PeerTable): PeerTable {
  return Object.fromEntries(
    Object.entries(table).map(([key, peer]) => {
      const unanswered = peer.unanswered + 1;
      return [key, { ...peer, unanswered, dormant: !peer.static && unanswered > SILENT_ROUNDS }];
    }),
  );
}

export function newlyDormant(before: PeerTable, after: PeerTable): Peer[] {
  return Object.entries(after)
    .filter(([key, peer]) => peer.dormant && !before[key]?.dormant)
    .map(([, peer]) => peer);
}
