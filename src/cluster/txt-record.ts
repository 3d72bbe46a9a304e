import type { LevelThresholds } from '../../common/levels';
import type { DiscoveredPeer } from '../../machines/cluster/cluster-events';
import { formatLevels, parseLevels } from '../settings/levels-setting';
import type { Interfaces } from './network-interfaces';
import { isInstanceId } from './mdns-names';
import { pickAddress } from './subnets';
import { namesEntry, namesOf } from './txt-names';

/** The TXT value that tells our nodes from the original Rust ones, which advertise none. */
export const IMPL = 'cat-litter-reminder-ts';

/** What the TXT record says besides our levels and page, when there is something to say. */
export interface TxtExtras {
  /** Our instance id when we carry notification targets: who sends them is decided from it; never the targets. */
  notify?: string | null;
  /** The fingerprint of the household key (`hh=`), never the key; null without one. */
  household?: string | null;
  /** The boxes this node shows, its own first (`boxes=`): as many as fit in one TXT string. */
  boxes?: readonly string[];
  /** The names it offers (`people=`), when it has any: as many as fit. */
  people?: readonly string[];
}

/**
 * The TXT record of `_cat._udp`: ours, where our page and API are, our levels (a
 * household's nodes may differ; their pages say so), and what `extras` say. Original
 * nodes ignore TXT.
 */
export function txtRecord(
  httpPort: number | null,
  thresholds: LevelThresholds,
  extras: TxtExtras = {},
): Record<string, string> {
  const { notify = null, household = null, boxes = [], people = [] } = extras;
  return {
    impl: IMPL,
    proto: '1',
    ...(httpPort === null ? {} : { http: String(httpPort) }),
    levels: formatLevels(thresholds),
    ...(notify === null ? {} : { notify }),
    ...(household === null ? {} : { hh: household }),
    ...(boxes.length === 0 ? {} : { boxes: namesEntry('boxes', boxes).value }),
    ...(people.length === 0 ? {} : { people: namesEntry('people', people).value }),
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
    // Said only by a node that carries targets.
    ...(ours && notifyOf(service.txt) !== null ? { notify: notifyOf(service.txt) } : {}),
    // Said only by ours of issue 25 on: an earlier node, and an original, show the default box.
    ...(ours ? namesSaid(service.txt) : {}),
  };
}

/** The `boxes=` and `people=` TXT entries, each where there is one (a refused one says no names). */
function namesSaid(txt: unknown): Pick<DiscoveredPeer, 'boxes' | 'people'> {
  const boxes = namesOf('boxes', txtValue(txt, 'boxes'));
  const people = namesOf('people', txtValue(txt, 'people'));
  return { ...(boxes === null ? {} : { boxes }), ...(people === null ? {} : { people }) };
}

/** The `notify=` TXT entry: an instance id (four hex digits); null when missing or anything else. */
function notifyOf(txt: unknown): string | null {
  const value = txtValue(txt, 'notify');
  return value !== undefined && isInstanceId(value) ? value.toLowerCase() : null;
}

/** The `http=` TXT entry as a port; null when missing or not a port. */
function httpPortOf(txt: unknown): number | null {
  const value = txtValue(txt, 'http');
  const port = value !== undefined && /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  return port >= 1 && port <= 65535 ? port : null;
}
