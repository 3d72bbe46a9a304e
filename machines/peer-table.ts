import type { LevelThresholds } from '../common/levels';
import { addressOf, peerKey, type DiscoveredPeer, type PeerAddress } from './cluster-events';

/**
 * One node of the household as this node knows it. A node is one entry whichever way
 * it became known: by mDNS (keyed by its instance name, so that it can move), with
 * --peer (keyed as given), or both (a --peer that mDNS also finds).
 */
export interface Peer extends PeerAddress {
  key: string;
  /** Its mDNS instance name; null for a --peer that mDNS has not (yet) shown. */
  name: string | null;
  /** Given with --peer: a peer from the start that never expires. */
  static: boolean;
  /** One of ours (false: an original Rust node); null while only known from --peer. */
  ours: boolean | null;
  /** The port of its page and API, when mDNS says it serves one. */
  http: number | null;
  /** Its levels, when mDNS says them. */
  levels: LevelThresholds | null;
  /** A --peer given by host name: the IPv4 address it was last looked up at. */
  resolved: string | null;
  /** Times it was asked since it last sent us anything. */
  unanswered: number;
  /**
   * Silent for too long: out of the repair rotation and only probed now and then,
   * until it is seen again. A discovered one is not pushed to either; a static one
   * still is (one datagram, and it may be an original node that only listens).
   */
  dormant: boolean;
  /** The time it last told us (null: it does not know one); undefined until it says. */
  said?: number | null;
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

const discoveredKey = (name: string): string => `mdns:${name.toLowerCase()}`;

export function staticPeers(addresses: readonly PeerAddress[]): PeerTable {
  return Object.fromEntries(
    addresses.map((given) => {
      const key = peerKey(given);
      const peer: Peer = {
        ...addressOf(given),
        key,
        name: null,
        static: true,
        ours: null,
        http: null,
        levels: null,
        resolved: null,
        unanswered: 0,
        dormant: false,
      };
      return [key, peer];
    }),
  );
}

/** Whether datagrams from `sender` come from this peer. */
function isAt(peer: Peer, sender: PeerAddress): boolean {
  return peer.port === sender.port && (peer.address === sender.address || peer.resolved === sender.address);
}

/** The entry a datagram from `sender` belongs to, if any. */
export function peerAt(table: PeerTable, sender: PeerAddress): Peer | undefined {
  return Object.values(table).find((peer) => isAt(peer, sender));
}

function sameName(peer: Peer, name: string): boolean {
  return peer.name !== null && peer.name.toLowerCase() === name.toLowerCase();
}

/**
 * A node found by mDNS, or found again at another address (it moved without a goodbye):
 * its entry follows it. A --peer at the same address becomes that node's entry, and an
 * entry of another name at the same address (a node renamed since) is dropped: one
 * address, one node.
 */
export function withDiscovered(table: PeerTable, found: DiscoveredPeer): PeerTable {
  const byName = Object.values(table).find((peer) => sameName(peer, found.name));
  const byAddress = Object.values(table).find((peer) => peer.static && isAt(peer, found));
  // A --peer stays where it was given: when the node it led to is found elsewhere,
  // the --peer keeps its own entry, and the node gets one of its own.
  const leftBehind = byName?.static && !isAt(byName, found) ? byName : undefined;
  const known = leftBehind ? byAddress : (byName ?? byAddress);
  const rest = Object.fromEntries(
    Object.entries(table)
      .filter(([key, peer]) => key === known?.key || peer.static || !isAt(peer, found))
      .map(([key, peer]) => [
        key,
        peer === leftBehind ? { ...peer, name: null, ours: null, http: null, levels: null, said: undefined } : peer,
      ]),
  );
  const key = known?.key ?? discoveredKey(found.name);
  const moved = known !== undefined && !isAt(known, found);
  const peer: Peer = {
    key,
    // A --peer keeps the address it was given (a host name is looked up at each send).
    address: known?.static ? known.address : found.address,
    port: found.port,
    name: found.name,
    static: known?.static ?? false,
    ours: found.ours,
    http: found.http,
    levels: found.levels ?? null,
    resolved: known?.resolved ?? null,
    unanswered: 0,
    dormant: false,
    said: moved ? undefined : known?.said,
  };
  return { ...rest, [key]: peer };
}

/** A goodbye: a discovered node is forgotten; a --peer stays, without its mDNS name. */
export function withoutDiscovered(table: PeerTable, gone: DiscoveredPeer): PeerTable {
  const known = Object.values(table).find((peer) => sameName(peer, gone.name));
  if (!known) return table;
  if (known.static) return { ...table, [known.key]: { ...known, name: null, http: null, levels: null } };
  const { [known.key]: _gone, ...rest } = table;
  return rest;
}

/**
 * A --peer given by host name was looked up at `address`. Should mDNS have found the
 * same node there, the two entries become one: the --peer, with the mDNS name.
 */
export function withResolved(table: PeerTable, given: PeerAddress, address: string): PeerTable {
  const known = table[peerKey(given)];
  if (!known?.static || known.resolved === address) return table;
  const resolved = { ...known, resolved: address };
  const twin = Object.values(table).find((peer) => !peer.static && isAt(resolved, peer));
  const rest = Object.fromEntries(Object.entries(table).filter(([key]) => key !== twin?.key));
  return {
    ...rest,
    [known.key]: twin
      ? { ...resolved, name: twin.name, ours: twin.ours, http: twin.http, said: twin.said ?? known.said }
      : resolved,
  };
}

/**
 * A datagram from a known peer shows it is alive, and an UpdateState says what time it
 * holds. An unknown sender (a `status` command) is not added. The same table comes back
 * when nothing changed: most datagrams change nothing.
 */
export function heardFrom(table: PeerTable, sender: PeerAddress, said?: number | null): PeerTable {
  const known = peerAt(table, sender);
  if (!known) return table;
  const saysAnew = said !== undefined && said !== known.said;
  if (known.unanswered === 0 && !known.dormant && !saysAnew) return table;
  return {
    ...table,
    [known.key]: { ...known, unanswered: 0, dormant: false, ...(saysAnew ? { said } : {}) },
  };
}

/** Who hears of a new time at once: every peer not set aside, but the one it came from. */
export function pushTargets(table: PeerTable, from: PeerAddress | null): PeerAddress[] {
  return Object.values(table)
    .filter((peer) => (!peer.dormant || peer.static) && !(from && isAt(peer, from)))
    .map(addressOf);
}

/** Every peer not set aside: asked at once after a change, so that the view of the household is current. */
export function activePeers(table: PeerTable): Peer[] {
  return Object.values(table).filter((peer) => !peer.dormant);
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
export function afterAsking(table: PeerTable, asked: readonly Peer[]): PeerTable {
  const next = { ...table };
  for (const { key } of asked) {
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
  return Object.values(after).filter((peer) => peer.dormant && !before[peer.key]?.dormant);
}

/**
 * The table with `addresses` as the peers given (a configuration reloaded): new ones are
 * added, given ones no longer listed are dropped (or kept as found, when mDNS found them
 * too), and every peer found by mDNS stays.
 */
export function withGivenPeers(table: PeerTable, addresses: readonly PeerAddress[]): PeerTable {
  const given = new Set(addresses.map(peerKey));
  const next: Record<string, Peer> = {};
  for (const peer of Object.values(table)) {
    if (!peer.static || given.has(peer.key)) next[peer.key] = peer;
    else if (peer.name !== null) next[peer.key] = { ...peer, static: false };
  }
  // One found by mDNS at a given address is that peer: given from now on, as at the start.
  for (const peer of Object.values(next)) {
    if (!peer.static && addresses.some((address) => isAt(peer, address))) next[peer.key] = { ...peer, static: true };
  }
  const fresh = staticPeers(addresses.filter((address) => !Object.values(next).some((peer) => isAt(peer, address))));
  return { ...next, ...fresh };
}
