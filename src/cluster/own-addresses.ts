import { networkInterfaces, watchInterfaces, type Interfaces } from './network-interfaces';

/** This machine's IPv4 addresses that other machines can reach, in a stable order. */
export function ownAddresses(interfaces: Interfaces = networkInterfaces()): string[] {
  return Object.values(interfaces)
    .flatMap((infos) => infos ?? [])
    .filter((info) => info.family === 'IPv4' && !info.internal)
    .map((info) => info.address)
    .sort();
}

/**
 * Calls `changed` when this machine's addresses change: a Pi on Wi-Fi may come back
 * from a router restart with another lease, and nobody else tells it. Looks at each
 * shared read of the interfaces (every 15 s). Returns the stop.
 */
export function watchOwnAddresses(changed: (before: string[], after: string[]) => void): () => void {
  let known = ownAddresses();
  return watchInterfaces((interfaces) => {
    const now = ownAddresses(interfaces);
    if (now.join() === known.join()) return;
    const before = known;
    known = now;
    changed(before, now);
  });
}
