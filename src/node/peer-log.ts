import type { Logger } from 'pino';
import type { DiscoveredPeer } from '../../machines/cluster/cluster-events';
import { ONCE_A_MINUTE_MS, PerSenderLimit } from '../limits/per-sender-limit';
import type { NodeLink } from '../../machines/node/node-link';
import type { PeerView } from '../../machines/cluster/peer-view';

/** A peer's fields as `peer.found` has always logged them. */
const described = ({ name, address, port, ours, http, levels }: PeerView | DiscoveredPeer) => ({
  name,
  address,
  port,
  ours,
  http,
  levels,
});

const CLAIMS: Readonly<Record<string, string>> = {
  goodbye: 'a goodbye for it',
  lapsed: 'its records lapsed',
  moved: 'a record placing it elsewhere',
};

/**
 * Logs what the cluster made of what mDNS said of a peer. Anyone on the LAN can send
 * those records as often as they like: a peer kept is logged once a minute per peer,
 * a full table once a minute, each with what was held back meanwhile.
 */
export function logPeerDecisions(node: NodeLink, log: Logger): void {
  const kept = new PerSenderLimit(ONCE_A_MINUTE_MS);
  const crowded = new PerSenderLimit(ONCE_A_MINUTE_MS);
  node.on('peer.decided', (decided) => {
    switch (decided.decision) {
      case 'lost': {
        const { peer, why } = decided;
        const who = peer.name ?? `${peer.address}:${peer.port}`;
        log.info(
          { event: 'peer.lost', ...described(peer), why },
          why === 'goodbye'
            ? `${who} said goodbye`
            : `${who}'s mDNS records lapsed, and it never answered: forgotten until it is announced again`,
        );
        return;
      }
      case 'moved': {
        const { peer, from } = decided;
        log.info(
          { event: 'peer.moved', ...described(peer), from },
          `${peer.name ?? from} moved from ${from} to ${peer.address}:${peer.port}`,
        );
        return;
      }
      case 'kept': {
        const { peer, why, claimed } = decided;
        const who = peer.name ?? `${peer.address}:${peer.port}`;
        const warning = kept.take(`${who} ${why}`);
        const record = { event: 'peer.kept', name: peer.name, address: peer.address, port: peer.port, why, claimed };
        const text =
          `${who} answered at ${peer.address}:${peer.port}: ${CLAIMS[why]}` +
          (claimed ? ` (at ${claimed})` : '') +
          ' was not believed, and it stays where it is';
        if (!warning) log.debug(record, text);
        else log.info({ ...record, suppressed: warning.suppressed }, text + heldBack(warning.suppressed));
        return;
      }
      case 'crowded': {
        const { peer } = decided;
        const warning = crowded.take('table');
        const record = { event: 'peer.crowded', ...described(peer) };
        const text =
          `${peer.name} at ${peer.address}:${peer.port} was announced, but the peer table is full of ` +
          'nodes that answer: it is not asked';
        if (!warning) log.debug(record, text);
        else log.warn({ ...record, suppressed: warning.suppressed }, text + heldBack(warning.suppressed));
        return;
      }
    }
  });
}

const heldBack = (suppressed: number): string =>
  suppressed > 0 ? ` (and ${suppressed} more like it since the last time this was said)` : '';
