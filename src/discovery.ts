import type Bonjour from 'bonjour-service';
import type { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { fromCallback } from 'xstate';
import type { DiscoveredPeer, DiscoveryCommand, DiscoveryEvent } from '../machines/cluster-events';
import {
  TXT_RECORD,
  advertisedName,
  candidateName,
  defaultInstanceName,
  describePeer,
  interfaceAddress,
  isInstanceId,
  newInstanceId,
  sameName,
} from './discovery-helpers';
import { openMdns, SERVICE_PROTOCOL, SERVICE_TYPE, type Mdns } from './mdns';

export interface DiscoveryOptions {
  name: string | null;
  port: number;
  stateDir: string;
  log: Logger;
  /** The interface to use for multicast, by name (`eth0`) or IPv4 address; default: all. */
  interface?: string;
}

/** The unpublish callback never fires on a broken socket: do not hold the shutdown for it. */
const GOODBYE_TIMEOUT_MS = 1000;
const PROBES = 3;
const PROBE_INTERVAL_MS = 250;
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

interface ResourceRecord {
  name: string;
}

/**
 * `--name` as given; else the host name and a suffix kept in `<stateDir>/instance-id`,
 * so that a node keeps its name across restarts (peers and logs recognise it).
 */
export function instanceName(name: string | null, stateDir: string, log?: Pick<Logger, 'warn'>): string {
  if (name !== null) return name;
  return defaultInstanceName(os.hostname(), instanceId(stateDir, log));
}

function instanceId(stateDir: string, log?: Pick<Logger, 'warn'>): string {
  const file = path.join(stateDir, 'instance-id');
  try {
    const saved = fs.readFileSync(file, 'utf8').trim();
    if (isInstanceId(saved)) return saved.toLowerCase();
  } catch {
    // Missing or unreadable: a new one is made below.
  }
  const id = newInstanceId();
  try {
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(file, `${id}\n`);
  } catch (error) {
    log?.warn(
      { event: 'mdns.instance-id', file, err: error },
      `could not save the instance id in ${file}: ${(error as Error).message}; the name holds for this run only`,
    );
  }
  return id;
}

/**
 * bonjour-service's own probe, on a conflict, stops the service, which sends
 * goodbyes for the very name it lost: every browser then drops the node that
 * owns it. So the probe is done here and the service published without one.
 */
function probeName(mdns: Mdns, fqdn: string, log: Logger, done: (taken: boolean) => void): () => void {
  let sent = 0;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  const finish = (taken: boolean): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    mdns.removeListener('response', onResponse);
    done(taken);
  };
  const onResponse = (packet: { answers?: ResourceRecord[]; additionals?: ResourceRecord[] }): void => {
    const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])];
    if (records.some((record) => sameName(record.name, fqdn))) finish(true);
  };
  const send = (): void => {
    mdns.query(fqdn, 'ANY', (error) => {
      if (error) log.debug({ event: 'mdns.error', err: error }, `probe for ${fqdn}: ${error.message}`);
    });
    // Not in the send callback: it may never come on a broken socket.
    timer = setTimeout(++sent < PROBES ? send : () => finish(false), PROBE_INTERVAL_MS);
  };
  mdns.on('response', onResponse);
  // Random start, as RFC 6762 asks, so that nodes powered on together do not probe in step.
  timer = setTimeout(send, Math.random() * PROBE_INTERVAL_MS);
  return () => {
    finished = true;
    clearTimeout(timer);
    mdns.removeListener('response', onResponse);
  };
}

export function discoveryActor(options: DiscoveryOptions) {
  return fromCallback<DiscoveryCommand>(({ sendBack, receive }) => {
    const { log, port } = options;
    const send = (event: DiscoveryEvent): void => sendBack(event);
    const interfaces = os.networkInterfaces();
    const iface = options.interface === undefined ? null : interfaceAddress(options.interface, interfaces);
    if (options.interface !== undefined && iface === null) {
      log.warn(
        { event: 'mdns.error', interface: options.interface },
        `no IPv4 address on ${options.interface}: using all interfaces`,
      );
    }
    const { bonjour, mdns, onError } = openMdns(log, iface);

    const base = advertisedName(instanceName(options.name, options.stateDir, log));
    let ownName = base;
    let stopping = false;
    let cancelProbe = (): void => undefined;
    let browser: Bonjour.Browser | undefined;
    let queryTimer: NodeJS.Timeout | undefined;
    const found = new Map<string, DiscoveredPeer>();

    const peerUp = (service: Bonjour.Service): void => {
      if (sameName(service.name, ownName)) return;
      const peer = describePeer(service, port, os.networkInterfaces());
      if (peer === null) {
        log.debug({ event: 'mdns.no-address', name: service.name }, `${service.name} has no IPv4 address: ignored`);
        return;
      }
      found.set(service.fqdn.toLowerCase(), peer);
      log.info({ event: 'peer.found', ...peer }, `found ${peer.name} at ${peer.address}:${peer.port}`);
      send({ type: 'peer.found', peer });
    };
    const peerDown = (service: Bonjour.Service): void => {
      const key = service.fqdn.toLowerCase();
      const peer = found.get(key);
      if (!peer) return;
      found.delete(key);
      log.info({ event: 'peer.lost', ...peer }, `${peer.name} said goodbye`);
      send({ type: 'peer.lost', peer });
    };
    // A node restarted on another port without a goodbye: the old port is dead. Other changes do not matter.
    const peerChanged = (fresh: Bonjour.Service, old: Bonjour.Service): void => {
      const before = found.get(old.fqdn.toLowerCase());
      const after = describePeer(fresh, port, os.networkInterfaces());
      if (before && after?.port === before.port && before.ours === after.ours) return;
      peerDown(old);
      peerUp(fresh);
    };

    const browse = (): void => {
      browser = bonjour.find({ type: SERVICE_TYPE, protocol: SERVICE_PROTOCOL });
      // Browsers and services emit no 'error' in 1.4.4, but an unheard 'error' would end the process.
      (browser as unknown as EventEmitter).on('error', onError);
      browser.on('up', peerUp);
      browser.on('down', peerDown);
      browser.on('srv-update', peerChanged);
      browser.on('txt-update', peerChanged);
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
      const fqdn = `${name}._${SERVICE_TYPE}._${SERVICE_PROTOCOL}.local`;
      cancelProbe = probeName(mdns, fqdn, log, (taken) => {
        if (stopping) return;
        if (taken && attempt < MAX_ATTEMPTS) {
          const next = candidateName(base, attempt + 1);
          log.warn({ event: 'mdns.rename', name, next }, `${name} is taken on the network: trying ${next}`);
          publish(attempt + 1);
          return;
        }
        if (taken) log.error({ event: 'mdns.error', name }, `${name} is taken too: advertising it anyway`);
        ownName = name;
        const service = bonjour.publish({
          name,
          type: SERVICE_TYPE,
          protocol: SERVICE_PROTOCOL,
          port,
          txt: TXT_RECORD,
          probe: false,
        });
        service.on('error', onError);
        service.once('up', () =>
          log.info({ event: 'mdns.advertised', name, port }, `advertised as ${name} on port ${port}`),
        );
        browse();
      });
    };

    /** Goodbyes first (`destroy` sends none), then the socket closes; whatever happens, `done` runs once. */
    const shutDown = (done: () => void): void => {
      if (stopping) return;
      stopping = true;
      cancelProbe();
      clearTimeout(queryTimer);
      browser?.stop();
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
    });
    publish(1);
    return () => shutDown(() => undefined);
  });
}
