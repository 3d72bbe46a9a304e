import Bonjour from 'bonjour-service';
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { sameName } from './discovery-helpers';

/** DNS-SD service `_cat._udp`, as the original program advertises it. */
export const SERVICE_TYPE = 'cat';
export const SERVICE_PROTOCOL = 'udp';

const OFFLINE_CODES = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN']);

/** A resource record of an mDNS packet, as multicast-dns decodes it (the fields used here). */
export interface ResourceRecord {
  name: string;
  type: string;
  ttl?: number;
  data?: unknown;
}

export interface MdnsPacket {
  answers?: ResourceRecord[];
  additionals?: ResourceRecord[];
}

/** The parts of multicast-dns (typed `any` by bonjour-service) that this program relies on. */
export interface Mdns extends EventEmitter {
  query(name: string, type: string, callback: (error?: Error | null) => void): void;
  respond(packet: { answers: ResourceRecord[] }, callback: (error?: Error | null) => void): void;
  on(event: 'response', listener: (packet: MdnsPacket, rinfo: { address: string }) => void): this;
  on(event: 'error' | 'warning', listener: (error: Error) => void): this;
}

/** The part of bonjour-service's responder that holds the records it answers queries with. */
interface Responder {
  mdns: Mdns;
  register(records: ResourceRecord[]): void;
  unregister(records: ResourceRecord[]): void;
}

export interface OpenedMdns {
  bonjour: Bonjour;
  mdns: Mdns;
  responder: Responder;
  onError: (error: Error) => void;
}

/**
 * A bonjour-service instance whose errors are logged, never thrown: its mDNS socket
 * emits 'error' where nothing listens, which would end the process.
 */
export function openMdns(log: Logger): OpenedMdns {
  const onError = (error: Error): void => {
    // A host with no network (or a cable out) cannot reach the multicast group: expected, not a fault.
    const offline = OFFLINE_CODES.has((error as NodeJS.ErrnoException).code ?? '');
    log[offline ? 'debug' : 'warn']({ event: 'mdns.error', err: error }, `mDNS: ${error.message}`);
  };
  // Without the callback, a failed answer to a query is thrown.
  const bonjour = new Bonjour({}, onError);
  const responder = (bonjour as unknown as { server: Responder }).server;
  const { mdns } = responder;
  mdns.on('error', onError);
  // Failed multicast joins (an interface without multicast), repeated every 5 s: not worth a warning each time.
  mdns.on('warning', (error: Error) => log.debug({ event: 'mdns.warning', err: error }, `mDNS: ${error.message}`));
  return { bonjour, mdns, responder, onError };
}

export const recordsOf = (packet: MdnsPacket): ResourceRecord[] => [
  ...(packet.answers ?? []),
  ...(packet.additionals ?? []),
];

const PROBES = 3;
const PROBE_INTERVAL_MS = 250;

/**
 * bonjour-service's own probe, on a conflict, stops the service, which sends
 * goodbyes for the very name it lost: every browser then drops the node that
 * owns it. So the probe is done here and the service published without one.
 */
export function probeName(mdns: Mdns, fqdn: string, log: Logger, done: (taken: boolean) => void): () => void {
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
  const onResponse = (packet: MdnsPacket): void => {
    if (recordsOf(packet).some((record) => sameName(record.name, fqdn))) finish(true);
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

/**
 * Answers queries with the service's records as they are now, and announces them:
 * after this machine's addresses changed (a new DHCP lease), the A records it first
 * announced are wrong, and bonjour-service never builds them again by itself.
 */
export function announceAgain(
  opened: OpenedMdns,
  services: readonly Bonjour.Service[],
  onError: (error: Error) => void,
): void {
  const records = services.flatMap((service) => (service as unknown as { records(): ResourceRecord[] }).records());
  // The addresses and the TXT record may have changed: the rest is registered as it was.
  opened.responder.unregister(records.filter((record) => ['A', 'AAAA', 'TXT'].includes(record.type)));
  opened.responder.register(records);
  opened.mdns.respond({ answers: records }, (error) => {
    if (error) onError(error);
  });
}
