import * as os from 'node:os';

export type Interfaces = NodeJS.Dict<os.NetworkInterfaceInfo[]>;

/**
 * How often this machine's interfaces are read. Each read (`os.networkInterfaces()`)
 * opens a netlink socket and wakes an idle node, so every part that needs them (the
 * multicast group's memberships, the addresses announced, where a peer is) shares one
 * read; a new DHCP lease can wait this long to be noticed.
 */
export const INTERFACES_EVERY_MS = 15_000;

let latest: { interfaces: Interfaces; at: number } | undefined;
const watchers = new Set<(interfaces: Interfaces) => void>();
let timer: NodeJS.Timeout | undefined;

function read(): Interfaces {
  latest = { interfaces: os.networkInterfaces(), at: Date.now() };
  return latest.interfaces;
}

/** This machine's interfaces, as read at most `INTERFACES_EVERY_MS` ago. */
export function networkInterfaces(): Interfaces {
  return latest && Date.now() - latest.at < INTERFACES_EVERY_MS ? latest.interfaces : read();
}

/**
 * Calls `watcher` with the interfaces at each read, one every `INTERFACES_EVERY_MS`,
 * for as long as anyone watches. Returns the stop.
 */
export function watchInterfaces(watcher: (interfaces: Interfaces) => void): () => void {
  watchers.add(watcher);
  if (!timer) {
    timer = setInterval(() => {
      const interfaces = read();
      for (const each of [...watchers]) each(interfaces);
    }, INTERFACES_EVERY_MS);
    // Never what keeps a finished process alive.
    timer.unref();
  }
  return () => {
    watchers.delete(watcher);
    if (watchers.size > 0) return;
    clearInterval(timer);
    timer = undefined;
  };
}
