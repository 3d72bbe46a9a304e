import Bonjour from 'bonjour-service';
import * as dgram from 'node:dgram';
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { sameName } from './mdns-names';
import { networkInterfaces, watchInterfaces, type Interfaces } from './network-interfaces';

/** DNS-SD service `_cat._udp`, as the original program advertises it. */
export const SERVICE_TYPE = 'cat';
export const SERVICE_PROTOCOL = 'udp';
/** The name browsed for: its PTR records name the services. */
export const SERVICE_DOMAIN = `_${SERVICE_TYPE}._${SERVICE_PROTOCOL}.local`;

const MDNS_GROUP = '224.0.0.251';

const OFFLINE_CODES = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN']);

/** A resource record of an mDNS packet, as multicast-dns decodes it (the fields used here). */
export interface ResourceRecord {
  name: string;
  type: string;
  ttl?: number;
  data?: unknown;
}

export interface MdnsPacket {
  id?: number;
  questions?: { name: string; type: string }[];
  answers?: ResourceRecord[];
  additionals?: ResourceRecord[];
}

/** The parts of multicast-dns (typed `any` by bonjour-service) that this program relies on. */
export interface Mdns extends EventEmitter {
  query(name: string, type: string, callback: (error?: Error | null) => void): void;
  respond(packet: MdnsPacket & { answers: ResourceRecord[] }, callback: (error?: Error | null) => void): void;
  respond(
    packet: MdnsPacket & { answers: ResourceRecord[] },
    to: { address: string; port: number },
    callback: (error?: Error | null) => void,
  ): void;
  on(
    event: 'response' | 'query',
    listener: (packet: MdnsPacket, rinfo: { address: string; port: number }) => void,
  ): this;
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
 * Joins the mDNS group on each interface not joined yet (on its first IPv4 address, as
 * multicast-dns does, loopback included, so that a node alone on a machine still hears
 * itself), and sends through the one the routes choose.
 */
function joinGroup(socket: dgram.Socket, joined: Set<string>, interfaces: Interfaces, warn: (error: Error) => void) {
  let added = false;
  for (const infos of Object.values(interfaces)) {
    const info = infos?.find((candidate) => candidate.family === 'IPv4');
    if (!info || joined.has(info.address)) continue;
    try {
      socket.addMembership(MDNS_GROUP, info.address);
      joined.add(info.address);
      added = true;
    } catch (error) {
      warn(error as Error);
    }
  }
  if (!added) return;
  const external = Object.values(interfaces).some((infos) =>
    infos?.some((info) => info.family === 'IPv4' && !info.internal),
  );
  try {
    socket.setMulticastInterface(external ? '0.0.0.0' : '127.0.0.1');
  } catch (error) {
    warn(error as Error);
  }
}

/**
 * The mDNS socket, whose group memberships follow the interfaces at each shared read
 * (every 15 s). multicast-dns would read them every 5 s, each read a netlink socket.
 */
function mdnsSocket(warn: (error: Error) => void): dgram.Socket {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const joined = new Set<string>();
  let stopWatching = (): void => undefined;
  socket.once('listening', () => {
    socket.setMulticastTTL(255);
    socket.setMulticastLoopback(true);
    joinGroup(socket, joined, networkInterfaces(), warn);
    stopWatching = watchInterfaces((interfaces) => joinGroup(socket, joined, interfaces, warn));
  });
  socket.once('close', () => stopWatching());
  return socket;
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
  // Failed multicast joins (an interface without multicast), tried at each read: not worth a warning each time.
  const warn = (error: Error): void => log.debug({ event: 'mdns.warning', err: error }, `mDNS: ${error.message}`);
  // Without the callback, a failed answer to a query is thrown. The group is joined here
  // (`multicast: false`), on a socket of our own: multicast-dns binds it.
  const bonjour = new Bonjour({ socket: mdnsSocket(warn), multicast: false } as object, onError);
  const responder = (bonjour as unknown as { server: Responder }).server;
  const { mdns } = responder;
  mdns.on('error', onError);
  mdns.on('warning', warn);
  return { bonjour, mdns, responder, onError };
}

export const recordsOf = (packet: MdnsPacket): ResourceRecord[] => [
  ...(packet.answers ?? []),
  ...(packet.additionals ?? []),
];

const PROBES = 3;
const PROBE_INTERVAL_MS = 250;

/** An address record (A, AAAA) for one of this machine's own addresses. */
function isThisMachine(record: ResourceRecord): boolean {
  if ((record.type !== 'A' && record.type !== 'AAAA') || typeof record.data !== 'string') return false;
  const address = record.data.toLowerCase();
  return Object.values(networkInterfaces()).some((infos) => infos?.some((info) => info.address === address));
}

/**
 * bonjour-service's own probe, on a conflict, stops the service, which sends
 * goodbyes for the very name it lost: every browser then drops the node that
 * owns it. So the probe is done here and the service published without one.
 * Each name is probed (RFC 6762 §8.1: three queries 250 ms apart); any answer
 * naming one of them means they are taken, but for an address of this machine:
 * its own responder (avahi on a Pi) answers for the machine's host name, which a
 * node named like its machine shares, and that is no other host's claim.
 */
export function probeNames(
  mdns: Mdns,
  names: readonly string[],
  log: Logger,
  done: (taken: boolean) => void,
): () => void {
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
    const claims = recordsOf(packet).filter((record) => names.some((name) => sameName(record.name, name)));
    if (claims.some((record) => !isThisMachine(record))) finish(true);
  };
  const send = (): void => {
    for (const name of names) {
      mdns.query(name, 'ANY', (error) => {
        if (error) log.debug({ event: 'mdns.error', err: error }, `probe for ${name}: ${error.message}`);
      });
    }
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

/** The records of published services, built anew: their A records are this machine's addresses now. */
export function serviceRecords(services: readonly Bonjour.Service[]): ResourceRecord[] {
  return services.flatMap((service) => (service as unknown as { records(): ResourceRecord[] }).records());
}

/**
 * Answers queries with the service's records as they are now, and announces them:
 * after this machine's addresses changed (a new DHCP lease), the A records it first
 * announced are wrong, and bonjour-service never builds them again by itself.
 * Returns the records announced.
 */
export function announceAgain(
  opened: OpenedMdns,
  services: readonly Bonjour.Service[],
  onError: (error: Error) => void,
): ResourceRecord[] {
  const records = serviceRecords(services);
  // The addresses and the TXT record may have changed: the rest is registered as it was.
  opened.responder.unregister(records.filter((record) => ['A', 'AAAA', 'TXT'].includes(record.type)));
  opened.responder.register(records);
  opened.mdns.respond({ answers: records }, (error) => {
    if (error) onError(error);
  });
  return records;
}
