import type Bonjour from 'bonjour-service';
import type { EventEmitter } from 'node:events';
import * as os from 'node:os';
import type { Logger } from 'pino';
import { fromCallback } from 'xstate';
import type { LevelThresholds } from '../common/levels';
import type { DiscoveredPeer, DiscoveryCommand, DiscoveryEvent } from '../machines/cluster-events';
import { advertisedName, candidateName, describePeer, pickAddress, sameName, txtRecord } from './discovery-helpers';
import { watchOwnAddresses } from './own-addresses';
import { announceAgain, openMdns, probeName, recordsOf, SERVICE_PROTOCOL, SERVICE_TYPE, type MdnsPacket } from './mdns';

export interface DiscoveryOptions {
  /** The instance name to advertise (a taken one gets a suffix). */
  name: string;
  port: number;
  /** The port of the page and API, advertised as `_http._tcp` and in the TXT record; null for none. */
  httpPort: number | null;
  /** The node's levels, in the TXT record. */
  thresholds: LevelThresholds;
  log: Logger;
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

const fqdnOf = (name: string): string => `${name}._${SERVICE_TYPE}._${SERVICE_PROTOCOL}.local`;

/** A peer found by mDNS, with the name its records go by. */
interface Found {
  peer: DiscoveredPeer;
  fqdn: string;
}

/**
 * Advertises this node as `_cat._udp` and browses for the others. Follows a node that
 * moves: a response from another address for a node already found (its announcement
 * after a new DHCP lease, or its answer when a silent peer is looked up again) is told
 * as `peer.found` at the new address. And announces this node again when its own
 * addresses change.
 */
export function discoveryActor(options: DiscoveryOptions) {
  return fromCallback<DiscoveryCommand>(({ sendBack, receive }) => {
    const { log, port, httpPort } = options;
    let { thresholds } = options;
    let published: Bonjour.Service[] = [];
    const send = (event: DiscoveryEvent): void => sendBack(event);
    const opened = openMdns(log);
    const { bonjour, mdns, onError } = opened;

    const base = advertisedName(options.name);
    let ownName = base;
    let stopping = false;
    let cancelProbe = (): void => undefined;
    let stopWatching = (): void => undefined;
    let browser: Bonjour.Browser | undefined;
    let queryTimer: NodeJS.Timeout | undefined;
    const found = new Map<string, Found>();

    const peerUp = (service: Bonjour.Service): void => {
      if (sameName(service.name, ownName)) return;
      const peer = describePeer(service, port, os.networkInterfaces());
      if (peer === null) {
        log.debug({ event: 'mdns.no-address', name: service.name }, `${service.name} has no IPv4 address: ignored`);
        return;
      }
      found.set(service.fqdn.toLowerCase(), { peer, fqdn: service.fqdn });
      log.info({ event: 'peer.found', ...peer }, `found ${peer.name} at ${peer.address}:${peer.port}`);
      send({ type: 'peer.found', peer });
    };
    const peerDown = (service: Bonjour.Service): void => {
      const key = service.fqdn.toLowerCase();
      const known = found.get(key);
      if (!known) return;
      found.delete(key);
      log.info({ event: 'peer.lost', ...known.peer }, `${known.peer.name} said goodbye`);
      send({ type: 'peer.lost', peer: known.peer });
    };
    // A node restarted on another port without a goodbye: the old port is dead. Other changes do not matter.
    const peerChanged = (fresh: Bonjour.Service, old: Bonjour.Service): void => {
      const before = found.get(old.fqdn.toLowerCase())?.peer;
      const after = describePeer(fresh, port, os.networkInterfaces());
      if (before && after?.port === before.port && before.ours === after.ours) return;
      peerDown(old);
      peerUp(fresh);
    };
    // bonjour-service reports nothing when a node it knows answers from another address.
    // Only its SRV record names it: every stock Pi has the same host name, and so the
    // same A records.
    const followMoves = (packet: MdnsPacket, rinfo: { address: string }): void => {
      const named = recordsOf(packet).filter((record) => record.type === 'SRV' && (record.ttl ?? 1) > 0);
      for (const known of found.values()) {
        if (!named.some((record) => sameName(record.name, known.fqdn))) continue;
        const address = pickAddress(rinfo, [], os.networkInterfaces());
        if (address === null || address === known.peer.address) continue;
        const peer = { ...known.peer, address };
        log.info(
          { event: 'peer.moved', ...peer, from: known.peer.address },
          `${peer.name} moved from ${known.peer.address} to ${address}:${peer.port}`,
        );
        known.peer = peer;
        send({ type: 'peer.found', peer });
      }
    };

    // Its answer comes from wherever it is now, and followMoves takes it from there.
    const lookAgain = (name: string): void => {
      const known = [...found.values()].find((candidate) => sameName(candidate.peer.name, name));
      if (!known) return;
      mdns.query(known.fqdn, 'SRV', (error) => {
        if (error) log.debug({ event: 'mdns.error', err: error }, `looking up ${name}: ${error.message}`);
      });
    };

    const browse = (): void => {
      browser = bonjour.find({ type: SERVICE_TYPE, protocol: SERVICE_PROTOCOL });
      // Browsers and services emit no 'error' in 1.4.4, but an unheard 'error' would end the process.
      (browser as unknown as EventEmitter).on('error', onError);
      browser.on('up', peerUp);
      browser.on('down', peerDown);
      browser.on('srv-update', peerChanged);
      browser.on('txt-update', peerChanged);
      mdns.on('response', followMoves);
      let delay = QUERY_FIRST_MS;
      const requery = (): void => {
        browser?.update();
        delay = Math.min(delay * 2, QUERY_MAX_MS);
        queryTimer = setTimeout(requery, delay);
      };
      queryTimer = setTimeout(requery, delay);
    };

    const publish = (attempt: number): void => {
      const name = candidateName(base, attempt);
      cancelProbe = probeName(mdns, fqdnOf(name), log, (taken) => {
        if (stopping) return;
        if (taken && attempt < MAX_ATTEMPTS) {
          const next = candidateName(base, attempt + 1);
          log.warn({ event: 'mdns.rename', name, next }, `${name} is taken on the network: trying ${next}`);
          publish(attempt + 1);
          return;
        }
        if (taken) log.error({ event: 'mdns.error', name }, `${name} is taken too: advertising it anyway`);
        ownName = name;
        send({ type: 'discovery.named', name });
        const services = [
          bonjour.publish({
            name,
            type: SERVICE_TYPE,
            protocol: SERVICE_PROTOCOL,
            port,
            txt: txtRecord(httpPort, thresholds),
            probe: false,
          }),
          // A laptop's or a phone's browser lists the page under the node's name.
          ...(httpPort === null
            ? []
            : [bonjour.publish({ name, type: 'http', protocol: 'tcp', port: httpPort, probe: false })]),
        ];
        published = services;
        for (const service of services) service.on('error', onError);
        services[0].once('up', () =>
          log.info(
            { event: 'mdns.advertised', name, port, ...(httpPort === null ? {} : { http: httpPort }) },
            `advertised as ${name} on port ${port}` + (httpPort === null ? '' : `, its page on port ${httpPort}`),
          ),
        );
        stopWatching = watchOwnAddresses((before, after) => {
          log.info(
            { event: 'mdns.readvertised', name, before, after },
            `this machine's addresses changed (${before.join(', ') || 'none'} → ${after.join(', ') || 'none'}): ` +
              'announced again, so that the household finds this node where it is now',
          );
          announceAgain(opened, services, onError);
        });
        browse();
      });
    };

    /** Goodbyes first (`destroy` sends none), then the socket closes; whatever happens, `done` runs once. */
    const shutDown = (done: () => void): void => {
      if (stopping) return;
      stopping = true;
      cancelProbe();
      stopWatching();
      clearTimeout(queryTimer);
      browser?.stop();
      mdns.removeListener('response', followMoves);
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

    receive((command) => {
      if (command.type === 'discovery.stop') shutDown(() => send({ type: 'discovery.stopped' }));
      else if (stopping) return;
      else if (command.type === 'discovery.levels') {
        thresholds = command.thresholds;
        // Announced again with the new TXT record; not yet published: it will carry them.
        if (published[0]) {
          (published[0] as unknown as { txt: Record<string, string> }).txt = txtRecord(httpPort, thresholds);
          announceAgain(opened, published, onError);
        }
      } else lookAgain(command.name);
    });
    publish(1);
    return () => shutDown(() => undefined);
  });
}
