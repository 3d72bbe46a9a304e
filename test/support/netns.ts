import { execFileSync } from 'node:child_process';

/** True where the cluster tests can build their own hosts: root, with `ip` and `nft`. */
export function canBuildHosts(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
    execFileSync('nft', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function inNamespace(ns: string, command: string, ...args: string[]): void {
  execFileSync('ip', ['netns', 'exec', ns, command, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export interface Host {
  ns: string;
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
    const tag = `cl${process.pid % 100000}`;
    const switchNs = `${tag}sw`;
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
      inNamespace(host.ns, 'nft', 'add', 'table', 'inet', 'lossy');
      inNamespace(host.ns, 'nft', 'add', 'chain', 'inet', 'lossy', 'out', '{ type filter hook output priority 0; }');
      inNamespace(
        host.ns,
        'nft',
        'add',
        'rule',
        'inet',
        'lossy',
        'out',
        'meta',
        'l4proto',
        'udp',
        'numgen',
        'random',
        'mod',
        '100',
        '<',
        String(percent),
        'drop',
      );
    }
  }

  clearLoss(): void {
    for (const host of this.hosts) inNamespace(host.ns, 'nft', 'delete', 'table', 'inet', 'lossy');
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
