import { historyPeerKey, type HistoryPeer } from '../history/history-events';
import type { PeerView } from '../cluster/peer-view';

/** The peers to exchange histories with: ours, with a page, answering. */
export const historyPeers = (peers: readonly PeerView[]): HistoryPeer[] =>
  peers.flatMap((peer) =>
    peer.http !== null && !peer.silent ? [{ name: peer.name, address: peer.address, port: peer.http }] : [],
  );

export const sameHistoryPeers = (a: readonly HistoryPeer[], b: readonly HistoryPeer[]): boolean =>
  a.length === b.length &&
  a.every((peer, i) => historyPeerKey(peer) === historyPeerKey(b[i]) && peer.name === b[i].name);
