import { execFileSync } from 'node:child_process';
import { LAN, missing } from './needs';

/** True where the tests can build their own hosts: root, with `ip` and `nft` (suites use `describeNeeding(LAN, …)`). */
export function canBuildHosts(): boolean {
  return missing(LAN).length === 0;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function inNamespace(ns: string, command: string, ...args: string[]): void {
  execFileSync('ip', ['netns', 'exec', ns, command, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Drops what the host in `ns` sends that matches `match`, in an nftables table of its own. */
function dropOutgoing(ns: string, table: string, ...match: string[]): void {
  inNamespace(ns, 'nft', 'add', 'table', 'inet', table);
  inNamespace(ns, 'nft', 'add', 'chain', 'inet', table, 'out', '{ type filter hook output priority 0; }');
  inNamespace(ns, 'nft', 'add', 'rule', 'inet', table, 'out', ...match, 'drop');
}

/** Whether a process of this id is alive (or alive and not ours to signal). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the namespaces of a test process that is gone: one killed outright (SIGKILL, a
 * timeout) could not remove its own. Each name carries the id of the process that made it.
 */
function removeOrphans(): void {
  const listed = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const [, name, pid] of listed.matchAll(/^(cl(\d+)(?:l\d+)?(?:sw|h\d+))\b/gm)) {
    if (!isAlive(Number(pid))) ip('netns', 'del', name);
  }
}

/** How many LANs this test process has made. */
let lansMade = 0;

export interface Host {
  ns: string;
  /** Its IPv4 address on the LAN (changed by `readdress`). */
  address: string;
  /** The veth end in the switch namespace: down cuts the host off. */
  switchPort: string;
}

/**
 * A LAN of its own: hosts in network namespaces, each joined by a veth pair to a
 * bridge in a switch namespace, multicast routed, nothing reaching the real network.
 * Every namespace is removed by `remove()`, which also runs when the process exits.
 */
export class Lan {
  readonly hosts: Host[] = [];
  private readonly namespaces: string[] = [];
  private readonly removeOnExit = () => this.remove();

  constructor(count: number, subnet = '10.78.0') {
    // The second and later LANs of a test process (tests that run at once) are told apart by a number.
    const tag = `cl${process.pid}${lansMade === 0 ? '' : `l${lansMade}`}`;
    lansMade += 1;
    const switchNs = `${tag}sw`;
    removeOrphans();
    process.on('exit', this.removeOnExit);
    try {
      this.addNamespace(switchNs);
      ip('-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge');
      ip('-n', switchNs, 'link', 'set', 'br0', 'up');
      for (let i = 1; i <= count; i += 1) {
        const ns = `${tag}h${i}`;
        const address = `${subnet}.${10 + i}`;
        const switchPort = `p${i}`;
        this.addNamespace(ns);
        ip('-n', switchNs, 'link', 'add', switchPort, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
        ip('-n', switchNs, 'link', 'set', switchPort, 'master', 'br0', 'up');
        ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
        ip('-n', ns, 'link', 'set', 'eth0', 'up', 'multicast', 'on');
        ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0');
        this.hosts.push({ ns, address, switchPort });
      }
    } catch (error) {
      this.remove();
      throw error;
    }
  }

  /** Drops this share of the UDP datagrams every host sends. */
  setLoss(percent: number): void {
    for (const host of this.hosts) {
      dropOutgoing(host.ns, 'lossy', 'meta', 'l4proto', 'udp', 'numgen', 'random', 'mod', '100', '<', String(percent));
    }
  }

  clearLoss(): void {
    for (const host of this.hosts) inNamespace(host.ns, 'nft', 'delete', 'table', 'inet', 'lossy');
  }

  /** Gives the host another address, as a DHCP server may after a router restart: no goodbye, nothing. */
  readdress(host: Host, address: string): void {
    ip('-n', host.ns, 'addr', 'flush', 'dev', 'eth0');
    ip('-n', host.ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    ip('-n', host.ns, 'route', 'replace', '224.0.0.0/4', 'dev', 'eth0');
    host.address = address;
  }

  /** Drops every RequestState the host sends: it can then only learn a time when it is sent one. */
  blockRequests(host: Host): void {
    // The first four bytes after the UDP header: RequestState is variant 0.
    dropOutgoing(host.ns, 'norequests', 'udp', 'dport', '5300', '@th,64,32', '0');
  }

  cut(host: Host): void {
    ip('-n', this.namespaces[0], 'link', 'set', host.switchPort, 'down');
  }

  heal(host: Host): void {
    ip('-n', this.namespaces[0], 'link', 'set', host.switchPort, 'up');
  }

  remove(): void {
    process.removeListener('exit', this.removeOnExit);
    for (const ns of this.namespaces.splice(0).reverse()) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // Already gone: nothing left to clean.
      }
    }
  }

  private addNamespace(ns: string): void {
    ip('netns', 'add', ns);
    this.namespaces.push(ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
}
