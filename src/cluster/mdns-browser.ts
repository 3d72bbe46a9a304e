import { sameName } from './mdns-names';
import { recordsOf, SERVICE_DOMAIN, type MdnsPacket, type ResourceRecord } from './mdns';

/** A `_cat._udp` service as one response describes it (its SRV record, and its TXT record if it came along). */
export interface ServiceRecord {
  /** Its full name, `kitchen-3f2a._cat._udp.local`. */
  fqdn: string;
  /** Its instance name, `kitchen-3f2a`. */
  name: string;
  port: number;
  /** The host its SRV record names. */
  host: string;
  /** Its TXT record's entries, keys in lower case; undefined when the response carried none. */
  txt: Record<string, string> | undefined;
  /** The seconds its records hold (the shortest of its PTR and SRV records in the response). */
  ttl: number;
}

/** What one mDNS response says of `_cat._udp` services. */
export interface ServiceNews {
  services: ServiceRecord[];
  /** TXT records that came without their SRV record, by full name: news only of a service known already. */
  txts: { fqdn: string; txt: Record<string, string> }[];
  /** Full names that a goodbye (a PTR or SRV record with TTL 0) was said for. */
  goodbyes: string[];
}

/**
 * What a response may tell of at most: a packet holds a few hundred records at the
 * most (9 KB), and a household a handful of services.
 */
const MOST_SERVICES = 64;
/** TXT entries read at most: ours have four. */
const MOST_TXT_ENTRIES = 32;

const SUFFIX = `.${SERVICE_DOMAIN}`;

function isService(name: string): boolean {
  return name.length > SUFFIX.length && name.toLowerCase().endsWith(SUFFIX.toLowerCase());
}

/** A TXT record's entries (`key=value`, as multicast-dns gives them: Buffers), keys in lower case. */
export function txtEntries(data: unknown): Record<string, string> {
  const items = Array.isArray(data) ? data : [data];
  const entries: [string, string][] = [];
  for (const item of items.slice(0, MOST_TXT_ENTRIES)) {
    const text = Buffer.isBuffer(item) ? item.toString('utf8') : typeof item === 'string' ? item : '';
    const equals = text.indexOf('=');
    if (equals > 0) entries.push([text.slice(0, equals).toLowerCase(), text.slice(equals + 1)]);
  }
  return Object.fromEntries(entries);
}

function srvData(record: ResourceRecord): { port: number; target: string } | null {
  const data = record.data as { port?: unknown; target?: unknown } | undefined;
  return typeof data?.port === 'number' && typeof data.target === 'string'
    ? { port: data.port, target: data.target }
    : null;
}

/**
 * Reads the `_cat._udp` services a response describes, by their SRV records (with or
 * without the PTR that browsing draws: a service looked up by name comes without),
 * the TXT records that came alone, and the goodbyes.
 */
export function readServices(packet: MdnsPacket): ServiceNews {
  const records = recordsOf(packet);
  const ptrs = records.filter((record) => record.type === 'PTR' && sameName(record.name, SERVICE_DOMAIN));
  const goodbyes = new Set<string>();
  for (const record of records) {
    if (record.ttl !== 0) continue;
    if (record.type === 'PTR' && ptrs.includes(record) && typeof record.data === 'string' && isService(record.data))
      goodbyes.add(record.data);
    if (record.type === 'SRV' && isService(record.name)) goodbyes.add(record.name);
  }
  const services: ServiceRecord[] = [];
  for (const record of records) {
    if (services.length >= MOST_SERVICES) break;
    const srv = record.type === 'SRV' && (record.ttl ?? 0) > 0 && isService(record.name) ? srvData(record) : null;
    if (!srv || services.some((service) => sameName(service.fqdn, record.name))) continue;
    const txt = records.find((other) => other.type === 'TXT' && sameName(other.name, record.name));
    const ptr = ptrs.find((other) => typeof other.data === 'string' && sameName(other.data, record.name));
    services.push({
      fqdn: record.name,
      name: record.name.slice(0, -SUFFIX.length),
      port: srv.port,
      host: srv.target,
      txt: txt && (txt.ttl ?? 0) > 0 ? txtEntries(txt.data) : undefined,
      ttl: Math.min(record.ttl ?? 0, ptr?.ttl ?? Infinity),
    });
  }
  const txts = records
    .filter((record) => record.type === 'TXT' && (record.ttl ?? 0) > 0 && isService(record.name))
    .filter((record) => !services.some((service) => sameName(service.fqdn, record.name)))
    .slice(0, MOST_SERVICES)
    .map((record) => ({ fqdn: record.name, txt: txtEntries(record.data) }));
  return { services, txts, goodbyes: [...goodbyes].slice(0, MOST_SERVICES) };
}
