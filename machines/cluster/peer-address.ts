/** Where a peer is reached over UDP: an IPv4 address, or a host name given with --peer. */
export interface PeerAddress {
  address: string;
  port: number;
}

/** `10.0.0.2:5300`: how logs and the command line name where a peer is. */
export function peerKey(peer: PeerAddress): string {
  return `${peer.address}:${peer.port}`;
}

/** Only where to reach a peer, whatever else is known of it. */
export function addressOf(peer: PeerAddress): PeerAddress {
  return { address: peer.address, port: peer.port };
}
