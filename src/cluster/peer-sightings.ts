import type { Logger } from 'pino';
import { sameThresholds } from '../../common/levels';
import type { DiscoveredPeer, DiscoveryEvent } from '../../machines/cluster/cluster-events';
import { describePeer } from './txt-record';
import { sameName } from './mdns-names';
import { readServices, type ServiceRecord } from './mdns-browser';
import type { MdnsPacket } from './mdns';
import { networkInterfaces } from './network-interfaces';
import { ONCE_A_MINUTE_MS, PerSenderLimit } from '../limits/per-sender-limit';

/** A service seen, as last described, and until when its records hold. */
interface Found {
  peer: DiscoveredPeer;
  record: ServiceRecord;
  txt: Record<string, string>;
  expires: number;
}

/**
 * Services remembered at most: twice what the cluster holds (machines/cluster/peer-table.ts),
 * so that forged announcements cannot grow this without end. Past it, the one whose
 * records lapse first is forgotten (its next record is news again).
 */
export const MOST_FOUND = 64;

function samePeer(a: DiscoveredPeer, b: DiscoveredPeer): boolean {
  return (
    a.name === b.name &&
    a.address === b.address &&
    a.port === b.port &&
    a.ours === b.ours &&
    a.http === b.http &&
    (a.household ?? null) === (b.household ?? null) &&
    sameList(a.boxes, b.boxes) &&
    sameList(a.people, b.people) &&
    (a.levels === b.levels || (!!a.levels && !!b.levels && sameThresholds(a.levels, b.levels)))
  );
}

function sameList(a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): boolean {
  return (a ?? null) === (b ?? null) || (!!a && !!b && a.length === b.length && a.every((name, i) => name === b[i]));
}

/**
 * The `_cat._udp` services this node has seen, and what is news of them: a new one, or
 * one whose records say something new (another address or port, another TXT record:
 * levels, `http=`) is told to the cluster at once, with its TTL; a goodbye is told as
 * it came. The cluster checks what it is told with the node itself, and says which
 * ones to forget (`forget`).
 */
export class PeerSightings {
  private readonly found = new Map<string, Found>();
  // A stranger may announce hundreds of names from one address: said once a minute per address.
  private readonly foundLogs = new PerSenderLimit(ONCE_A_MINUTE_MS);

  constructor(
    private readonly options: {
      clusterPort: number;
      /** The name this node advertises, to ignore its own records. */
      ownName: () => string;
      send: (event: DiscoveryEvent) => void;
      log: Logger;
    },
  ) {}

  /** One mDNS response, from `from`: the only address a record tells of (the host names of stock Pis are all alike). */
  onResponse(packet: MdnsPacket, from: { address: string }): void {
    const news = readServices(packet);
    for (const fqdn of news.goodbyes) this.goodbye(fqdn, from);
    for (const service of news.services) this.see(service, service.txt, from);
    for (const { fqdn, txt } of news.txts) {
      const known = this.found.get(fqdn.toLowerCase());
      // A TXT record alone is taken only from where the service is: anyone can send one.
      if (known?.peer.address === from.address) this.see(known.record, txt, from);
    }
  }

  /**
   * Each service whose records still hold is told again, where `again` says so: what the
   * household key lets count of it may have changed (a node proved it holds the key).
   */
  retell(again: (peer: DiscoveredPeer) => boolean): void {
    const now = Date.now();
    for (const { peer, expires } of this.found.values()) {
      if (expires > now && again(peer)) {
        this.options.send({ type: 'peer.found', peer, ttl: Math.ceil((expires - now) / 1000) });
      }
    }
  }

  /** The service's full name, to look it up by. */
  fqdnOf(name: string): string | undefined {
    return this.named(name)?.record.fqdn;
  }

  forget(name: string): void {
    const known = this.named(name);
    if (known) this.found.delete(known.record.fqdn.toLowerCase());
  }

  private named(name: string): Found | undefined {
    return [...this.found.values()].find((candidate) => sameName(candidate.peer.name, name));
  }

  private see(service: ServiceRecord, txt: Record<string, string> | undefined, from: { address: string }): void {
    if (sameName(service.name, this.options.ownName())) return;
    const key = service.fqdn.toLowerCase();
    const known = this.found.get(key);
    const entries = txt ?? known?.txt ?? {};
    const peer = describePeer(
      { name: service.name, port: service.port, txt: entries, referer: from },
      this.options.clusterPort,
      networkInterfaces,
    );
    if (peer === null) return;
    const expires = Date.now() + service.ttl * 1000;
    if (known && samePeer(known.peer, peer)) {
      Object.assign(known, { record: service, txt: entries, expires });
      return;
    }
    if (!known) this.makeRoom();
    this.found.set(key, { peer, record: service, txt: entries, expires });
    this.logSighting(peer, known?.peer);
    this.options.send({ type: 'peer.found', peer, ttl: service.ttl });
  }

  private goodbye(fqdn: string, from: { address: string }): void {
    const known = this.found.get(fqdn.toLowerCase());
    if (!known) return;
    const { peer } = known;
    this.options.log.debug(
      { event: 'mdns.goodbye', name: peer.name, address: peer.address, from: from.address },
      `a goodbye for ${peer.name} came from ${from.address}: the cluster asks it whether it is still there`,
    );
    this.options.send({ type: 'peer.lost', peer });
  }

  private makeRoom(): void {
    if (this.found.size < MOST_FOUND) return;
    const first = [...this.found.entries()].sort(([, a], [, b]) => a.expires - b.expires)[0];
    if (first) this.found.delete(first[0]);
  }

  private logSighting(peer: DiscoveredPeer, before: DiscoveredPeer | undefined): void {
    const { log } = this.options;
    if (before && before.address !== peer.address) {
      log.debug(
        { event: 'mdns.elsewhere', ...peer, from: before.address },
        `${peer.name} is announced at ${peer.address} (known at ${before.address}): ` +
          'it moves there only if it no longer answers where it was',
      );
      return;
    }
    const record = { event: 'peer.found', ...peer };
    const text = `found ${peer.name} at ${peer.address}:${peer.port}`;
    const said = this.foundLogs.take(peer.address);
    if (said) log.info(said.suppressed > 0 ? { ...record, suppressed: said.suppressed } : record, text);
    else log.debug(record, text);
  }
}
