import * as os from 'node:os';

/**
 * A third as often as multicast-dns looks at the interfaces (to join the group on new ones):
 * each look wakes an idle node, and a new lease can wait a few seconds to be announced.
 */
const EVERY_MS = 15_000;

/** This machine's IPv4 addresses that other machines can reach, in a stable order. */
export function ownAddresses(interfaces = os.networkInterfaces()): string[] {
  return Object.values(interfaces)
    .flatMap((infos) => infos ?? [])
    .filter((info) => info.family === 'IPv4' && !info.internal)
    .map((info) => info.address)
    .sort();
}

/**
 * Calls `changed` when this machine's addresses change: a Pi on Wi-Fi may come back
 * from a router restart with another lease, and nobody else tells it. Returns the stop.
 */
export function watchOwnAddresses(
  changed: (before: string[], after: string[]) => void,
  read: () => string[] = ownAddresses,
  everyMs = EVERY_MS,
): () => void {
  let known = read();
  const timer = setInterval(() => {
    const now = read();
    if (now.join() === known.join()) return;
    const before = known;
    known = now;
    changed(before, now);
  }, everyMs);
  // Never what keeps a finished process alive.
  timer.unref();
  return () => clearInterval(timer);
}
