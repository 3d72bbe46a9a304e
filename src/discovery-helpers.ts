import { createHash, randomBytes } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { LevelThresholds } from '../common/levels';
import type { DiscoveredPeer } from '../machines/cluster-events';
import { formatLevels, parseLevels } from './config/levels-flag';
import type { Interfaces } from './network-interfaces';

/** The TXT value that tells our nodes from the original Rust ones, which advertise none. */
export const IMPL = 'cat-litter-reminder-ts';

/**
 * The TXT record of `_cat._udp`: ours, where our page and API are, and our levels (a
 * household's nodes may differ; their pages say so). Original nodes ignore TXT.
 */
export function txtRecord(
  httpPort: number | null,
  thresholds: LevelThresholds,
  /** The fingerprint of the household key (`hh=`), never the key; null without one. */
  household: string | null = null,
): Record<string, string> {
  return {
    impl: IMPL,
    proto: '1',
    ...(httpPort === null ? {} : { http: String(httpPort) }),
    levels: formatLevels(thresholds),
    ...(household === null ? {} : { hh: household }),
  };
}

/** The `hh=` TXT entry: 8 hex digits, else null. */
function householdOf(txt: unknown): string | null {
  const value = txtValue(txt, 'hh');
  return value !== undefined && /^[0-9a-f]{8}$/.test(value) ? value : null;
}

/** The `levels=` TXT entry; null when missing or not levels. */
function levelsOf(txt: unknown): LevelThresholds | null {
  const value = txtValue(txt, 'levels');
  try {
    return value === undefined ? null : parseLevels(value);
  } catch {
    return null;
  }
}

/** What a browsed service says about itself (the fields of bonjour-service's Service we use). */
export interface BrowsedService {
  name: string;
  port: number;
  txt?: unknown;
  referer?: { address: string };
  addresses?: readonly string[];
}

/** bonjour-service decodes TXT values to strings, but a binary decoder gives Buffers. */
export function txtValue(txt: unknown, key: string): string | undefined {
  if (typeof txt !== 'object' || txt === null) return undefined;
  const value: unknown = (txt as Record<string, unknown>)[key];
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return undefined;
}

export function isOurs(txt: unknown): boolean {
  return txtValue(txt, 'impl') === IMPL;
}

function ipv4ToInt(address: string): number {
  return address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

export function sameSubnet(a: string, b: string, netmask: string): boolean {
  if (!isIPv4(a) || !isIPv4(b) || !isIPv4(netmask)) return false;
  const mask = ipv4ToInt(netmask);
  // Bitwise AND works on signed 32-bit values: compare the unsigned results.
  return (ipv4ToInt(a) & mask) >>> 0 === (ipv4ToInt(b) & mask) >>> 0;
}

/**
 * The source of the packet is what answered us, so it is reachable; the A
 * records list every interface of the peer, some maybe on networks we cannot
 * reach (docker bridges, a second LAN), hence the subnet check. The interfaces
 * are read only then: a packet that says where it came from needs none.
 */
export function pickAddress(
  referer: { address: string } | undefined,
  addresses: readonly string[],
  interfaces: () => Interfaces,
): string | null {
  if (referer && isIPv4(referer.address)) return referer.address;
  const candidates = addresses.filter((address) => isIPv4(address));
  const ours = Object.values(interfaces())
    .flatMap((infos) => infos ?? [])
    .filter((info) => info.family === 'IPv4' && !info.internal);
  const local = candidates.find((address) => ours.some((info) => sameSubnet(address, info.address, info.netmask)));
  return local ?? candidates[0] ?? null;
}

/** Rust nodes advertise port 5200 but listen on the cluster port: their SRV port is not to be used. */
export function describePeer(
  service: BrowsedService,
  clusterPort: number,
  interfaces: () => Interfaces,
): DiscoveredPeer | null {
  const address = pickAddress(service.referer, service.addresses ?? [], interfaces);
  if (address === null) return null;
  const ours = isOurs(service.txt);
  const household = ours ? householdOf(service.txt) : null;
  const port = ours ? service.port : clusterPort;
  // Anything may be advertised: a port no datagram can go to is no peer.
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  // Names end up in logs and on terminals: no control characters from the network.
  // eslint-disable-next-line no-control-regex -- control characters are what it replaces
  const name = service.name.replace(/[\u0000-\u001f\u007f]/g, '?');
  return {
    name,
    address,
    port,
    ours,
    http: ours ? httpPortOf(service.txt) : null,
    levels: ours ? levelsOf(service.txt) : null,
    // Only where there is one: a node without a key is described as before keys.
    ...(household === null ? {} : { household }),
  };
}

/** The `http=` TXT entry as a port; null when missing or not a port. */
function httpPortOf(txt: unknown): number | null {
  const value = txtValue(txt, 'http');
  const port = value !== undefined && /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  return port >= 1 && port <= 65535 ? port : null;
}

/** DNS names compare without regard to case. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** bonjour-service turns dots into dashes; knowing the name it really advertises is how we spot ourselves. */
export function advertisedName(name: string): string {
  return name.split('.').join('-');
}

export function isInstanceId(text: string): boolean {
  return /^[0-9a-f]{4}$/i.test(text);
}

export function newInstanceId(): string {
  return randomBytes(2).toString('hex');
}

/** Every stock Pi is called `raspberrypi`: the suffix keeps a house of them apart. */
export function defaultInstanceName(hostname: string, suffix: string): string {
  // A DNS label holds 63 bytes: leave room for the suffix and a rename counter.
  const label = (hostname.split('.')[0] ?? '').replace(/[^A-Za-z0-9-]/g, '-').slice(0, 50);
  return `${label || 'cat'}-${suffix}`;
}

/** The longest DNS label (RFC 1035). */
const LABEL_BYTES = 63;

/**
 * The host name a node advertises in `.local` (`kitchen-3f2a` → `kitchen-3f2a.local`):
 * its instance name as one DNS label, letters, digits and hyphens. Every stock Pi has the
 * same host name, so the machine's is no use; the instance name is the node's own. Two
 * names that make the same label meet when probed, and the second is renamed. A name too
 * long for a label keeps its start and a hash of the whole, so that its renames differ.
 */
export function hostLabel(name: string): string {
  const label = name
    .normalize('NFKD')
    // Accents off (ü → u), then anything else a label cannot hold becomes a hyphen.
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (label.length <= LABEL_BYTES) return label || 'cat';
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 6);
  return `${label.slice(0, LABEL_BYTES - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** The `.local` host name a node of this instance name advertises, and its SRV records name. */
export function hostNameOf(name: string): string {
  return `${hostLabel(name)}.local`;
}

/** The name to try after `attempt - 1` conflicts: `kitchen`, `kitchen-2`, `kitchen-3`, ... */
export function candidateName(base: string, attempt: number): string {
  return attempt <= 1 ? base : `${base}-${attempt}`;
}
