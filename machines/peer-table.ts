import { peerKey, type PeerAddress } from './cluster-events';

export interface Peer extends PeerAddress {
  /** Given with --peer: a peer from the start that never expires. */
  static: boolean;
  /** Times it was asked since it last sent us anything. */
  unanswered: number;
  /**
   * Silent for too long: out of the repair rotation and only probed now and then,
   * until it is seen again. A discovered one is not pushed to either; a static one
   * still is (one datagram, and it may be an original node that only listens).
   */
  dormant: boolean;
}

export type PeerTable = Readonly<Record<string, Peer>>;

/** Unanswered requests after which a peer is set aside (a crashed or unplugged Pi, a dead --peer). */
export const SILENT_ASKS = 4;

/**
 * Peers set aside are still asked every this many rounds (about half a minute):
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

/** Who hears of a new time at once: every peer not set aside, but the one it came from. */
export function pushTargets(table: PeerTable, from: PeerAddress | null): PeerAddress[] {
  const fromKey = from && peerKey(from);
  return Object.entries(table)
    .filter(([key, peer]) => (!peer.dormant || peer.static) && key !== fromKey)
    .map(([, peer]) => ({ address: peer.address, port: peer.port }));
}

/**
 * Who repair round number `round` asks: the next active peer in turn, and every
 * peer set aside now and then. One request a round, not one per peer: a house of
 * five nodes stays as current (a press is pushed to all, and an adopted time passed
 * on), and an idle node sends and handles a quarter of the datagrams.
 */
export function peersToAsk(table: PeerTable, round: number): Peer[] {
  const keys = Object.keys(table).sort();
  const active = keys.filter((key) => !table[key].dormant);
  const asked = active.length > 0 ? [active[round % active.length]] : [];
  if (round % PROBE_EVERY_ROUNDS === 0) asked.push(...keys.filter((key) => table[key].dormant));
  return asked.map((key) => table[key]);
}

/** The peers asked in a round owe one more answer; one silent for too long is set aside. */
export function afterAsking(table: PeerTable, asked: readonly PeerAddress[]): PeerTable {
  const next = { ...table };
  for (const peer of asked) {
    const key = peerKey(peer);
    const known = table[key];
    if (!known) continue;
    // Judged on the requests before this one, which has had no time to be answered.
    next[key] = {
      ...known,
      unanswered: known.unanswered + 1,
      // Static peers too: a dead --peer must not hold up the rotation for the live ones.
      dormant: known.unanswered >= SILENT_ASKS,
    };
  }
  return next;
}

export function newlyDormant(before: PeerTable, after: PeerTable): Peer[] {
  return Object.entries(after)
    .filter(([key, peer]) => peer.dormant && !before[key]?.dormant)
    .map(([, peer]) => peer);
}
