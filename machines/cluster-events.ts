/** Where a peer is reached over UDP. */
export interface PeerAddress {
  address: string;
  port: number;
}

/** A node seen by mDNS: one of ours, or an original Rust node (reached at the cluster port). */
export interface DiscoveredPeer extends PeerAddress {
  /** The DNS-SD instance name, e.g. `kitchen-3f2a`. */
  name: string;
  /** False for an original Rust node (no TXT marker of ours). */
  ours: boolean;
}

/** What the discovery actor tells its parent. */
export type DiscoveryEvent =
  | { type: 'peer.found'; peer: DiscoveredPeer }
  | { type: 'peer.lost'; peer: DiscoveredPeer }
  | { type: 'discovery.stopped' };

/** What the parent tells the discovery actor: send the mDNS goodbye, then answer `discovery.stopped`. */
export interface DiscoveryCommand {
  type: 'discovery.stop';
}

/** What the parent tells the transport actor to send. Times are ms since the epoch, whole seconds. */
export type TransportCommand =
  | { type: 'transport.request'; to: PeerAddress }
  | { type: 'transport.update'; to: PeerAddress; lastCleaned: number | null };

/** What the transport actor tells its parent: only well-formed, validated messages. */
export type TransportEvent =
  | { type: 'peer.requested'; from: PeerAddress }
  | { type: 'state.received'; from: PeerAddress; lastCleaned: number | null };

export function peerKey(peer: PeerAddress): string {
  return peer.address.includes(':') ? `[${peer.address}]:${peer.port}` : `${peer.address}:${peer.port}`;
}

/** Only where to reach a peer, whatever else is known of it. */
export function addressOf(peer: PeerAddress): PeerAddress {
  return { address: peer.address, port: peer.port };
}
