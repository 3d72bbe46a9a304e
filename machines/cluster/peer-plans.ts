import { type ClusterReport, type DiscoveredPeer, type DiscoveryCommand } from './cluster-events';
import { armed, claimedPlace, questioned, settled } from './peer-questions';
import { afterAsking, lapsedPeers, newlySilent, peersToAsk } from './peer-rounds';
import {
  claimedMove,
  heardFrom,
  peerAt,
  peerNamed,
  placeFor,
  withDiscovered,
  withGivenPeers,
  type PeerTable,
} from './peer-table';
import { addressOf, type PeerAddress } from './peer-address';
import { peerView, peerViews } from './peer-report';

/**
 * What the cluster does about its peers on an event: the table as it becomes, and what
 * it sends. Worked out here, in plain functions; the machine carries it out.
 */
export interface PeerPlan {
  peers: PeerTable;
  /** Where a RequestState goes. */
  ask: PeerAddress[];
  discovery: DiscoveryCommand[];
  reports: ClusterReport[];
  /** A question of a peer's place was opened: a check is due. */
  questioned: boolean;
}

/** Only a table: nothing sent. */
export const planFor = (peers: PeerTable, plan: Partial<Omit<PeerPlan, 'peers'>> = {}): PeerPlan => ({
  peers,
  ask: [],
  discovery: [],
  reports: [],
  questioned: false,
  ...plan,
});

/**
 * A node's records, new or changed. A known node said to be elsewhere is asked where it
 * is known, and moves only if it stays silent there. A new one takes a place in the
 * table (another's, when it is full of peers that never answered), or is refused when
 * none is left; it is asked at once, as is one set aside that is seen again. A known
 * node's records again (a browse query's answers) ask nothing.
 */
export function onSighting(table: PeerTable, found: DiscoveredPeer, expires: number): PeerPlan {
  const mover = claimedMove(table, found);
  if (mover) {
    const peers = questioned(table, mover, 'moved', { peer: found, expires });
    return mover.question ? planFor(peers) : planFor(peers, { ask: [addressOf(mover)], questioned: true });
  }
  const place = placeFor(table, found);
  if (!place.room) {
    return planFor(table, {
      discovery: [{ type: 'discovery.forget', name: found.name }],
      reports: [{ type: 'cluster.decided', decision: 'crowded', peer: found }],
    });
  }
  const known = peerNamed(table, found.name);
  const peers = withDiscovered(table, found, expires);
  const now = peerNamed(peers, found.name);
  return planFor(peers, {
    ask: now && (!known || known.silent) ? [addressOf(now)] : [],
    discovery: place.pushedOut?.name ? [{ type: 'discovery.forget', name: place.pushedOut.name }] : [],
  });
}

/** The peers given anew (a configuration reloaded): those new are asked at once. */
export function onPeersGiven(table: PeerTable, addresses: readonly PeerAddress[]): PeerPlan {
  const peers = withGivenPeers(table, addresses);
  return planFor(peers, {
    ask: Object.values(peers)
      .filter((peer) => !(peer.key in table))
      .map(addressOf),
  });
}

/** A goodbye, from wherever it came: the node is asked whether it is still there. */
export function onGoodbye(table: PeerTable, gone: DiscoveredPeer): PeerPlan {
  const known = peerNamed(table, gone.name);
  if (!known || known.question) return planFor(table);
  return planFor(questioned(table, known, 'goodbye'), { ask: [addressOf(known)], questioned: true });
}

/**
 * A datagram from `sender`: a known peer is alive where it is known (what mDNS said of
 * it otherwise is not believed, and the log hears so), and an UpdateState says its time.
 */
export function onDatagram(table: PeerTable, sender: PeerAddress, said?: number | null): PeerPlan {
  const known = peerAt(table, sender);
  const question = known?.question;
  const reports: ClusterReport[] =
    known && question
      ? [
          {
            type: 'cluster.decided',
            decision: 'kept',
            peer: peerView(known),
            why: question.why,
            claimed: claimedPlace(question),
          },
        ]
      : [];
  return planFor(heardFrom(table, sender, said), { reports });
}

/** A check begins: the questions open now are settled at its end. */
export function onCheckStart(table: PeerTable): PeerPlan {
  return planFor(armed(table));
}

/**
 * A check ends: the peers still silent go where mDNS said (asked there at once), or go
 * (and discovery forgets them, so that their next record is news).
 */
export function onCheckEnd(table: PeerTable): PeerPlan {
  const { table: peers, lost, moved } = settled(table);
  return planFor(peers, {
    ask: moved.map(({ peer }) => addressOf(peer)),
    discovery: lost.flatMap(({ peer }) => (peer.name ? [{ type: 'discovery.forget' as const, name: peer.name }] : [])),
    reports: [
      ...lost.map(({ peer, why }): ClusterReport => ({
        type: 'cluster.decided',
        decision: 'lost',
        peer: peerView(peer),
        why,
      })),
      ...moved.map(({ peer, from }): ClusterReport => ({
        type: 'cluster.decided',
        decision: 'moved',
        peer: peerView(peer),
        from,
      })),
    ],
  });
}

/**
 * Repair round number `round` (see `peersToAsk`). A peer that goes silent may have moved
 * without a goodbye (a new DHCP lease): discovery looks for it again, and again at each
 * probe once it has answered before. A peer that never answered and whose records
 * lapsed by `now` is asked once more, its place in question.
 */
export function onRound(table: PeerTable, round: number, now: number): PeerPlan {
  const asked = peersToAsk(table, round);
  let peers = afterAsking(table, asked);
  const discovery: DiscoveryCommand[] = asked
    .filter((peer) => peers[peer.key].silent && peer.name !== null && !peer.static && (peer.proven || !peer.silent))
    .map((peer) => ({ type: 'discovery.resolve', name: peer.name ?? '' }));
  const silent = newlySilent(table, peers);
  const views = peerViews(peers);
  const reports = silent.flatMap((peer): ClusterReport[] => {
    const view = views.find((candidate) => candidate.name === peer.name && candidate.port === peer.port);
    return view ? [{ type: 'cluster.silent', peer: view }] : [];
  });
  const lapsed = lapsedPeers(peers, now);
  for (const peer of lapsed) peers = questioned(peers, peer, 'lapsed');
  const ask = [...asked, ...lapsed.filter((peer) => !asked.some((other) => other.key === peer.key))].map(addressOf);
  return planFor(peers, { ask, discovery, reports, questioned: lapsed.length > 0 });
}
