import type { Peer, PeerTable } from './peer-table';

/** Unanswered requests after which a peer is set aside (a crashed or unplugged Pi, a dead --peer). */
export const SILENT_ASKS = 4;

/**
 * Peers set aside are still asked every this many rounds (about half a minute):
 * after a partition both sides may have set each other aside, and mDNS does not
 * announce a service again that it never saw leave.
 */
export const PROBE_EVERY_ROUNDS = 10;

/** A --peer, or a peer that has answered where it is: a node of the household, not only an mDNS record. */
const vouchedFor = (peer: Peer): boolean => peer.static || peer.proven;

/**
 * The peers that answer and are not set aside: asked at once after a change, and when
 * someone looks at the household, so that the view of it is current. Peers that never
 * answered are asked in their own turn only: anyone on the LAN can announce hundreds.
 */
export function answeringPeers(table: PeerTable): Peer[] {
  return Object.values(table).filter((peer) => vouchedFor(peer) && !peer.silent);
}

/** Peers that answered once (or were given) and are set aside now: probed in the rounds, as above. */
export function hasSilentPeers(table: PeerTable): boolean {
  return Object.values(table).some((peer) => vouchedFor(peer) && peer.silent);
}

/**
 * Who repair round number `round` asks: the next answering peer in turn, the next one
 * that has never answered in a turn of their own (so that however many a stranger
 * announces, the household's nodes are asked as often as ever), and every peer that
 * answered once and was set aside now and then (one that never answered waits for its
 * records to lapse, and is asked once more then). One request a round, not one per peer: a house of five nodes
 * stays as current (a press is pushed to all, and an adopted time passed on), and an
 * idle node sends and handles a quarter of the datagrams.
 */
export function peersToAsk(table: PeerTable, round: number): Peer[] {
  const peers = Object.keys(table)
    .sort()
    .map((key) => table[key]);
  const answering = peers.filter((peer) => vouchedFor(peer) && !peer.silent);
  const unproven = peers.filter((peer) => !vouchedFor(peer) && !peer.silent);
  const asked = [answering, unproven].flatMap((turn) => (turn.length > 0 ? [turn[round % turn.length]] : []));
  if (round % PROBE_EVERY_ROUNDS === 0) asked.push(...peers.filter((peer) => vouchedFor(peer) && peer.silent));
  return asked;
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
      silent: known.unanswered >= SILENT_ASKS,
    };
  }
  return next;
}

export function newlySilent(before: PeerTable, after: PeerTable): Peer[] {
  return Object.values(after).filter((peer) => peer.silent && !before[peer.key]?.silent);
}

/**
 * Peers found by mDNS that have never answered, whose records have lapsed by `now`,
 * and whose place is not in question yet: each is asked once more, and forgotten if it
 * stays silent. A peer that has answered stays past its records (it shows as silent
 * when it stops answering, and is found again when it comes back).
 */
export function lapsedPeers(table: PeerTable, now: number): Peer[] {
  return Object.values(table).filter(
    (peer) => !vouchedFor(peer) && peer.question === null && peer.expires !== null && peer.expires <= now,
  );
}
