import Bonjour from 'bonjour-service';
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';

/** DNS-SD service `_cat._udp`, as the original program advertises it. */
export const SERVICE_TYPE = 'cat';
export const SERVICE_PROTOCOL = 'udp';

const OFFLINE_CODES = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN']);

/** The parts of multicast-dns (typed `any` by bonjour-service) that this program relies on. */
export interface Mdns extends EventEmitter {
  query(name: string, type: string, callback: (error?: Error | null) => void): void;
}

/**
 * A bonjour-service instance whose errors are logged, never thrown: its mDNS socket
 * emits 'error' where nothing listens, which would end the process.
 * `iface` is an IPv4 address to send multicast on; null for all interfaces.
 */
export function openMdns(
  log: Logger,
  iface: string | null = null,
): { bonjour: Bonjour; mdns: Mdns; onError: (error: Error) => void } {
  const onError = (error: Error): void => {
    // A host with no network (or a cable out) cannot reach the multicast group: expected, not a fault.
    const offline = OFFLINE_CODES.has((error as NodeJS.ErrnoException).code ?? '');
    log[offline ? 'debug' : 'warn']({ event: 'mdns.error', err: error }, `mDNS: ${error.message}`);
  };
  // Bound to the interface's address, the socket would not receive multicast: bind to all, send on it.
  const options: Record<string, string> = iface === null ? {} : { interface: iface, bind: '0.0.0.0' };
  // Without the callback, a failed answer to a query is thrown.
  const bonjour = new Bonjour(options, onError);
  const mdns = (bonjour as unknown as { server: { mdns: Mdns } }).server.mdns;
  mdns.on('error', onError);
  // Failed multicast joins (an interface without multicast), repeated every 5 s: not worth a warning each time.
  mdns.on('warning', (error: Error) => log.debug({ event: 'mdns.warning', err: error }, `mDNS: ${error.message}`));
  return { bonjour, mdns, onError };
}
