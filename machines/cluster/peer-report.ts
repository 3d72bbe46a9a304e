import type { Peer, PeerTable } from './peer-table';
import type { PeerView } from './peer-view';

/** A peer of the table as the cluster reports it to the node: who, where, and what it last said. */
export function peerView(peer: Peer): PeerView {
  return {
    name: peer.name,
    address: peer.resolved ?? peer.address,
    port: peer.port,
    ours: peer.ours,
    http: peer.http,
    levels: peer.levels,
    ...(peer.notify ? { notify: peer.notify } : {}),
    ...(peer.boxes ? { boxes: peer.boxes } : {}),
    ...(peer.people ? { people: peer.people } : {}),
    answered: peer.said !== undefined,
    said: peer.said ?? null,
    silent: peer.silent,
  };
}

/** The peers in a stable order: by name, the unnamed last. */
export function peerViews(table: PeerTable): PeerView[] {
  const order = (view: PeerView) => view.name?.toLowerCase() ?? `~${view.address}:${view.port}`;
  return Object.values(table)
    .map(peerView)
    .sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}
