import type { LevelThresholds } from '../../common/levels';
import type { DiscoveredPeer, QuestionReason } from './cluster-events';
import { addressOf, peerKey, type PeerAddress } from './peer-address';

/** A peer's place in question: it was asked over UDP, and any datagram from it settles it. */
export interface Question {
  why: QuestionReason;
  /**
   * Where mDNS says it is now (a move, or a goodbye followed by a record from elsewhere): taken
   * if it does not answer where it is. `expires` is when that record lapses.
   */
  claim: { peer: DiscoveredPeer; expires: number } | null;
  /** Its check has begun: the end of the current check settles it. */
  armed: boolean;
}

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
  /** Its instance id when mDNS says it carries notification targets (TXT `notify=`). */
  notify?: string | null;
  /** The boxes it shows, its own first, when mDNS says them (TXT `boxes=`). */
  boxes?: readonly string[] | null;
  /** The names it offers, when mDNS says them (TXT `people=`). */
  people?: readonly string[] | null;
  /** A --peer given by host name: the IPv4 address it was last looked up at. */
  resolved: string | null;
  /** Times it was asked since it last sent us anything. */
  unanswered: number;
  /**
   * Silent for too long: out of the repair rotation and only probed now and then,
   * until it is seen again. A discovered one is not pushed to either; a static one
   * still is (one datagram, and it may be an original node that only listens).
   */
  silent: boolean;
  /** The time it last told us (null: it does not know one); undefined until it says. */
  said?: number | null;
  /**
   * It has sent us a datagram where it is now: a node, not only an mDNS record. Only
   * such peers (and --peers) share the repair rotation, the pushes and the refreshes.
   */
  proven: boolean;
  /**
   * When its mDNS records lapse (ms since the epoch); null for a --peer. A peer that has
   * never answered is asked once more then, and forgotten if it stays silent.
   */
  expires: number | null;
  question: Question | null;
}

export type PeerTable = Readonly<Record<string, Peer>>;

/**
 * The most peers found by mDNS the table holds (--peers come on top). A household has a
 * handful of nodes; anyone on the LAN can announce as many as they like. Past it, a new
 * one takes the place of one that never answered (the one whose records lapse first),
 * else of one set aside, else it is refused.
 */
export const MOST_DISCOVERED = 32;

/**
 * A record's TTL counts for at most 75 minutes (RFC 6762's for most records): a stranger's
 * record may say a year.
 */
const LONGEST_TTL_SECONDS = 4500;

/** When a record received at `now` with this TTL (seconds) lapses. */
export function expiryOf(now: number, ttlSeconds: number): number {
  return now + Math.min(Math.max(ttlSeconds, 0), LONGEST_TTL_SECONDS) * 1000;
}

const discoveredKey = (name: string): string => `mdns:${name.toLowerCase()}`;

function givenPeer(address: PeerAddress): Peer {
  return {
    ...addressOf(address),
    key: peerKey(address),
    name: null,
    static: true,
    ours: null,
    http: null,
    levels: null,
    resolved: null,
    unanswered: 0,
    silent: false,
    proven: false,
    expires: null,
    question: null,
  };
}

export function staticPeers(addresses: readonly PeerAddress[]): PeerTable {
  return Object.fromEntries(addresses.map((address) => [peerKey(address), givenPeer(address)]));
}

/** Whether datagrams from `sender` come from this peer. */
export function isAt(peer: Peer, sender: PeerAddress): boolean {
  return peer.port === sender.port && (peer.address === sender.address || peer.resolved === sender.address);
}

/** The entry a datagram from `sender` belongs to, if any. */
export function peerAt(table: PeerTable, sender: PeerAddress): Peer | undefined {
  return Object.values(table).find((peer) => isAt(peer, sender));
}

function sameName(peer: Peer, name: string): boolean {
  return peer.name !== null && peer.name.toLowerCase() === name.toLowerCase();
}

/** The entry of the node of this mDNS name, if any. */
export function peerNamed(table: PeerTable, name: string): Peer | undefined {
  return Object.values(table).find((peer) => sameName(peer, name));
}

/**
 * The entry that mDNS says now lives elsewhere, if `found` says so: such a move waits
 * until the entry's address has been asked and stayed silent (see peer-questions.ts).
 */
export function claimedMove(table: PeerTable, found: PeerAddress & { name: string }): Peer | undefined {
  const known = peerNamed(table, found.name);
  return known && !isAt(known, found) ? known : undefined;
}

/** Which entry a node found by mDNS is, if any, and which --peer it leaves where it was given. */
function entryFor(table: PeerTable, found: DiscoveredPeer): { known: Peer | undefined; leftBehind: Peer | undefined } {
  const byName = peerNamed(table, found.name);
  const byAddress = Object.values(table).find((peer) => peer.static && isAt(peer, found));
  // A --peer stays where it was given: when the node it led to is found elsewhere,
  // the --peer keeps its own entry, and the node gets one of its own.
  const leftBehind = byName?.static && !isAt(byName, found) ? byName : undefined;
  return { known: leftBehind ? byAddress : (byName ?? byAddress), leftBehind };
}

/**
 * Whether a node found by mDNS has a place in the table: its own entry, a free place, or
 * the place of one that makes room for it (`pushedOut`).
 */
export function placeFor(table: PeerTable, found: DiscoveredPeer): { room: boolean; pushedOut: Peer | undefined } {
  if (entryFor(table, found).known) return { room: true, pushedOut: undefined };
  const discovered = Object.values(table).filter((peer) => !peer.static);
  if (discovered.length < MOST_DISCOVERED) return { room: true, pushedOut: undefined };
  const unproven = discovered
    .filter((peer) => !peer.proven)
    .sort((a, b) => (a.expires ?? Infinity) - (b.expires ?? Infinity));
  const pushedOut = unproven[0] ?? discovered.find((peer) => peer.silent);
  return { room: pushedOut !== undefined, pushedOut };
}

/**
 * A node found by mDNS, or found again at another address (its move settled): its
 * entry follows it. A --peer at the same address becomes that node's entry, and an
 * entry of another name at the same address (a node renamed since) is dropped: one
 * address, one node. A new node takes the place `placeFor` gives it: the caller checks
 * that there is one. `expires` is when its records lapse.
 */
export function withDiscovered(table: PeerTable, found: DiscoveredPeer, expires: number): PeerTable {
  const { known, leftBehind } = entryFor(table, found);
  const { pushedOut } = placeFor(table, found);
  const rest = Object.fromEntries(
    Object.entries(table)
      .filter(([key, peer]) => peer !== pushedOut && (key === known?.key || peer.static || !isAt(peer, found)))
      .map(([key, peer]) => [
        key,
        peer === leftBehind
          ? {
              ...peer,
              name: null,
              ours: null,
              http: null,
              levels: null,
              notify: null,
              boxes: null,
              people: null,
              said: undefined,
              proven: false,
            }
          : peer,
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
    notify: found.notify ?? null,
    boxes: found.boxes ?? null,
    people: found.people ?? null,
    resolved: known?.resolved ?? null,
    unanswered: 0,
    silent: false,
    said: moved ? undefined : known?.said,
    // Where it is now, it has yet to answer.
    proven: moved ? false : (known?.proven ?? false),
    expires: known?.static ? null : expires,
    question: moved ? null : (known?.question ?? null),
  };
  return { ...rest, [key]: peer };
}

/** A node gone (its goodbye or its lapse unanswered): a discovered node is forgotten; a --peer stays, without its mDNS name. */
export function withoutDiscovered(table: PeerTable, gone: Peer): PeerTable {
  const known = table[gone.key];
  if (!known) return table;
  if (known.static)
    return {
      ...table,
      [known.key]: {
        ...known,
        name: null,
        http: null,
        levels: null,
        notify: null,
        boxes: null,
        people: null,
        question: null,
      },
    };
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
      ? {
          ...resolved,
          name: twin.name,
          ours: twin.ours,
          http: twin.http,
          boxes: twin.boxes ?? null,
          people: twin.people ?? null,
          said: twin.said ?? known.said,
          proven: twin.proven || known.proven,
        }
      : resolved,
  };
}

/**
 * A datagram from a known peer shows it is alive where we know it (which settles any
 * question of its place), and an UpdateState says what time it holds. An unknown
 * sender (a `status` command) is not added. The same table comes back when nothing
 * changed: most datagrams change nothing.
 */
export function heardFrom(table: PeerTable, sender: PeerAddress, said?: number | null): PeerTable {
  const known = peerAt(table, sender);
  if (!known) return table;
  const saysAnew = said !== undefined && said !== known.said;
  if (known.unanswered === 0 && !known.silent && known.proven && known.question === null && !saysAnew) return table;
  return {
    ...table,
    [known.key]: {
      ...known,
      unanswered: 0,
      silent: false,
      proven: true,
      question: null,
      ...(saysAnew ? { said } : {}),
    },
  };
}

/**
 * Who hears of a new time at once: every --peer, and every peer that has answered and
 * is not set aside, but the one the time came from. One that has not answered yet
 * learns it when it does (its answer shows it behind).
 */
export function pushTargets(table: PeerTable, from: PeerAddress | null): PeerAddress[] {
  return Object.values(table)
    .filter((peer) => (peer.static || (peer.proven && !peer.silent)) && !(from && isAt(peer, from)))
    .map(addressOf);
}

/**
 * The table with `addresses` as the peers given (a configuration reloaded): new ones are
 * added, given ones no longer listed are dropped (or kept as found, when mDNS found them
 * too), and every peer found by mDNS stays.
 */
export function withGivenPeers(table: PeerTable, addresses: readonly PeerAddress[]): PeerTable {
  const givenKeys = new Set(addresses.map(peerKey));
  const next: Record<string, Peer> = {};
  for (const peer of Object.values(table)) {
    if (!peer.static || givenKeys.has(peer.key)) next[peer.key] = peer;
    else if (peer.name !== null) next[peer.key] = { ...peer, static: false };
  }
  // One found by mDNS at a given address is that peer: given from now on, as at the start.
  for (const peer of Object.values(next)) {
    if (!peer.static && addresses.some((address) => isAt(peer, address)))
      next[peer.key] = { ...peer, static: true, expires: null };
  }
  const fresh = staticPeers(addresses.filter((address) => !Object.values(next).some((peer) => isAt(peer, address))));
  return { ...next, ...fresh };
}
