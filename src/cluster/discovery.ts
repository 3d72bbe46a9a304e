import type Bonjour from 'bonjour-service';
import type { Logger } from 'pino';
import { fromCallback } from 'xstate';
import type { LevelThresholds } from '../../common/levels';
import type { DiscoveredPeer, DiscoveryCommand, DiscoveryEvent } from '../../machines/cluster/cluster-events';
import { advertisedName, candidateName, hostNameOf, sameName } from './mdns-names';
import { txtRecord, type TxtExtras } from './txt-record';
import { warnOfNamesLeftOut } from './txt-names';
import {
  announceAgain,
  openMdns,
  probeNames,
  SERVICE_DOMAIN,
  SERVICE_PROTOCOL,
  SERVICE_TYPE,
  serviceRecords,
  type MdnsPacket,
  type ResourceRecord,
} from './mdns';
import { nameTakenAtStart } from './instance-name';
import { watchOwnAddresses } from './own-addresses';
import { MOST_FOUND, PeerSightings } from './peer-sightings';

/**
 * What discovery needs of the household key (src/household/household.ts has it): its
 * fingerprint for the TXT record, where to tell what mDNS says of the others, and word when
 * the key changes.
 */
export interface HouseholdSeen {
  readonly key: { fingerprint: string } | null;
  readonly sightings: {
    sighted(peer: DiscoveredPeer & { household: string | null }): void;
    /** Whether the boxes and names a node at this address announces count (with a key: a member's). */
    counts(address: string): boolean;
  };
  onChange(listener: () => void): () => void;
}

export interface DiscoveryOptions {
  /** The instance name to advertise (a taken one gets a suffix). */
  name: string;
  port: number;
  /** The port of the page and API, advertised as `_http._tcp` and in the TXT record; null for none. */
  httpPort: number | null;
  /** The node's levels, in the TXT record. */
  thresholds: LevelThresholds;
  /** The boxes the node shows, its own first, and the names it offers: in the TXT record. */
  boxes?: readonly string[];
  people?: readonly string[];
  /** The node's instance id when it carries notification targets, in the TXT record; else null. */
  notify?: string | null;
  log: Logger;
  /** The household key: its fingerprint in the TXT record (`hh=`); told what mDNS says of the others. */
  household?: HouseholdSeen;
}

/** The unpublish callback never fires on a broken socket: do not hold the shutdown for it. */
const GOODBYE_TIMEOUT_MS = 1000;
/** Beyond this, something answers for every name (a reflector echoing us back?): stop looping. */
const MAX_ATTEMPTS = 100;
/**
 * Re-asking finds peers whose answer was lost; the peers' own announcements stop
 * after an hour. Intervals double from 1 s (RFC 6762 §5.2) up to 15 minutes: each
 * query draws an answer from every node, which every node receives, so a cap of a
 * minute alone kept a house of five idle nodes busier than their repair rounds.
 */
const QUERY_FIRST_MS = 1000;
const QUERY_MAX_MS = 15 * 60_000;
/** The port of mDNS: a query from any other is a one-shot resolver's, answered to it alone (RFC 6762 §6.7). */
const MDNS_PORT = 5353;
/** The TTL of a unicast answer to such a query (RFC 6762 §6.7: at most 10 s). */
const ONE_SHOT_TTL = 10;

const fqdnOf = (name: string): string => `${name}.${SERVICE_DOMAIN}`;

/**
 * Advertises this node as `_cat._udp` (and its page as `_http._tcp`), on a host name of
 * its own in `.local` (every stock Pi has the same host name), both probed and renamed
 * on a conflict; browses for the others (src/peer-sightings.ts); announces this node
 * again when its own addresses change.
 */
export function discoveryActor(options: DiscoveryOptions) {
  return fromCallback<DiscoveryCommand>(({ sendBack, receive }) => {
    const { log, port, httpPort } = options;
    let { thresholds } = options;
    let published: Bonjour.Service[] = [];
    const { household } = options;
    const fingerprint = (): string | null => household?.key?.fingerprint ?? null;
    // What a peer's boxes and names were last told as: counted, or left out (not a member). As
    // many as the sightings keep: one forgotten is only told again.
    const counted = new Map<string, boolean>();
    const remember = (name: string, counts: boolean): void => {
      counted.delete(name);
      counted.set(name, counts);
      const oldest = counted.keys().next();
      if (counted.size > MOST_FOUND && !oldest.done) counted.delete(oldest.value);
    };
    const counts = (peer: DiscoveredPeer): boolean => household?.sightings.counts(peer.address) ?? true;
    const send = (event: DiscoveryEvent): void => {
      if (event.type !== 'peer.found') return sendBack(event);
      const { peer } = event;
      household?.sightings.sighted({ ...peer, household: peer.household ?? null });
      remember(peer.name.toLowerCase(), counts(peer));
      // Not a member: one of ours shows no box of the household's (not the default box either,
      // as an earlier node would) and offers no names. An original shows the default box, as its UDP does.
      const { boxes: _boxes, people: _people, ...unsaid } = peer;
      sendBack(counts(peer) || !peer.ours ? event : { ...event, peer: { ...unsaid, boxes: [] } });
    };
    const txtExtras = (): TxtExtras => ({
      notify: options.notify ?? null,
      household: fingerprint(),
      boxes: options.boxes ?? [],
      people: options.people ?? [],
    });
    warnOfNamesLeftOut({ boxes: options.boxes ?? [], people: options.people ?? [] }, log);
    const opened = openMdns(log);
    const { bonjour, mdns, onError } = opened;

    const base = advertisedName(options.name);
    let ownName = base;
    let stopping = false;
    let cancelProbe = (): void => undefined;
    let stopWatching = (): void => undefined;
    let queryTimer: NodeJS.Timeout | undefined;
    const sightings = new PeerSightings({ clusterPort: port, ownName: () => ownName, send, log });
    const onResponse = (packet: MdnsPacket, rinfo: { address: string }): void => sightings.onResponse(packet, rinfo);
    // This node's A records as last announced: what a one-shot resolver is answered.
    let addressRecords: ResourceRecord[] = [];
    let host: string | undefined;
    const answerOneShot = (packet: MdnsPacket, rinfo: { address: string; port: number }): void => {
      if (rinfo.port === MDNS_PORT || host === undefined) return;
      const asked = (packet.questions ?? []).filter(
        (question) => sameName(question.name, host ?? '') && (question.type === 'A' || question.type === 'ANY'),
      );
      if (asked.length === 0 || addressRecords.length === 0) return;
      const answers = addressRecords.map((record) => ({ ...record, ttl: ONE_SHOT_TTL }));
      mdns.respond({ id: packet.id, questions: asked, answers }, rinfo, (error) => {
        if (error) log.debug({ event: 'mdns.error', err: error }, `answering ${rinfo.address}: ${error.message}`);
      });
    };

    // Its answer comes from wherever it is now, and the sightings take it from there.
    const lookAgain = (name: string): void => {
      const fqdn = sightings.fqdnOf(name);
      if (!fqdn) return;
      mdns.query(fqdn, 'SRV', (error) => {
        if (error) log.debug({ event: 'mdns.error', err: error }, `looking up ${name}: ${error.message}`);
      });
    };

    const browse = (): void => {
      mdns.on('response', onResponse);
      const query = (): void =>
        mdns.query(SERVICE_DOMAIN, 'PTR', (error) => {
          if (error) log.debug({ event: 'mdns.error', err: error }, `browsing: ${error.message}`);
        });
      query();
      let delay = QUERY_FIRST_MS;
      const requery = (): void => {
        query();
        delay = Math.min(delay * 2, QUERY_MAX_MS);
        queryTimer = setTimeout(requery, delay);
      };
      queryTimer = setTimeout(requery, delay);
    };

    const advertise = (name: string): void => {
      ownName = name;
      host = hostNameOf(name);
      send({ type: 'discovery.named', name });
      const services = [
        bonjour.publish({
          name,
          type: SERVICE_TYPE,
          protocol: SERVICE_PROTOCOL,
          port,
          host,
          txt: txtRecord(httpPort, thresholds, txtExtras()),
          probe: false,
        }),
        // A laptop's or a phone's browser lists the page under the node's name.
        ...(httpPort === null
          ? []
          : [bonjour.publish({ name, type: 'http', protocol: 'tcp', port: httpPort, host, probe: false })]),
      ];
      published = services;
      addressRecords = addressesOf(serviceRecords(services));
      for (const service of services) service.on('error', onError);
      services[0].once('up', () =>
        log.info(
          { event: 'mdns.advertised', name, host, port, ...(httpPort === null ? {} : { http: httpPort }) },
          `advertised as ${name} on port ${port}` +
            (httpPort === null ? `, on ${host}` : `, its page at http://${host}:${httpPort}/`),
        ),
      );
      stopWatching = watchOwnAddresses((before, after) => {
        log.info(
          { event: 'mdns.readvertised', name, before, after },
          `this machine's addresses changed (${before.join(', ') || 'none'} → ${after.join(', ') || 'none'}): ` +
            'announced again, so that the household finds this node where it is now',
        );
        addressRecords = addressesOf(announceAgain(opened, services, onError));
      });
      mdns.on('query', answerOneShot);
      browse();
    };

    // The service's name and the host name are probed together, and renamed together.
    const publish = (attempt: number): void => {
      const name = candidateName(base, attempt);
      cancelProbe = probeNames(mdns, [fqdnOf(name), hostNameOf(name)], log, (taken) => {
        if (stopping) return;
        if (taken && attempt < MAX_ATTEMPTS) {
          // The default name holds this node's id: taken, it is a copy's (a cloned SD card).
          if (attempt === 1) nameTakenAtStart(name);
          const next = candidateName(base, attempt + 1);
          log.warn({ event: 'mdns.rename', name, next }, `${name} is taken on the network: trying ${next}`);
          publish(attempt + 1);
          return;
        }
        if (taken) log.error({ event: 'mdns.error', name }, `${name} is taken too: advertising it anyway`);
        advertise(name);
      });
    };

    /** Goodbyes first (`destroy` sends none), then the socket closes; whatever happens, `done` runs once. */
    const shutDown = (done: () => void): void => {
      if (stopping) return;
      stopping = true;
      cancelProbe();
      stopWatching();
      clearTimeout(queryTimer);
      mdns.removeListener('response', onResponse);
      mdns.removeListener('query', answerOneShot);
      let finished = false;
      const finish = (error?: Error | null): void => {
        if (finished) return;
        finished = true;
        clearTimeout(guard);
        if (error) onError(error);
        try {
          bonjour.destroy();
        } catch (destroyError) {
          onError(destroyError as Error);
        }
        done();
      };
      const guard = setTimeout(() => {
        log.warn({ event: 'mdns.error' }, `the goodbye did not complete within ${GOODBYE_TIMEOUT_MS} ms`);
        finish();
      }, GOODBYE_TIMEOUT_MS);
      try {
        bonjour.unpublishAll((error?: Error | null) => finish(error));
      } catch (error) {
        finish(error as Error);
      }
    };

    // Announced again with the new TXT record; not yet published: it will carry it.
    const announceTxt = (): void => {
      if (!published[0] || stopping) return;
      (published[0] as unknown as { txt: Record<string, string> }).txt = txtRecord(httpPort, thresholds, txtExtras());
      announceAgain(opened, published, onError);
    };
    // A new household key (`household join`, `household new`): the household hears of it at once.
    // A node that proved it holds the key (or a new key): its boxes and names count now, or no longer.
    let advertisedHousehold = fingerprint();
    const stopHearing = household?.onChange(() => {
      sightings.retell((peer) => counted.get(peer.name.toLowerCase()) !== counts(peer));
      if (fingerprint() === advertisedHousehold) return;
      advertisedHousehold = fingerprint();
      announceTxt();
    });
    receive((command) => {
      if (command.type === 'discovery.stop') shutDown(() => send({ type: 'discovery.stopped' }));
      else if (stopping) return;
      else if (command.type === 'discovery.levels') {
        thresholds = command.thresholds;
        announceTxt();
      } else if (command.type === 'discovery.forget') sightings.forget(command.name);
      else lookAgain(command.name);
    });
    publish(1);
    return () => {
      stopHearing?.();
      shutDown(() => undefined);
    };
  });
}

/** The A records of a service: this machine's IPv4 addresses under its host name (every service has them). */
const addressesOf = (records: readonly ResourceRecord[]): ResourceRecord[] =>
  records.filter(
    (record, i) =>
      record.type === 'A' && records.findIndex((other) => other.type === 'A' && other.data === record.data) === i,
  );
