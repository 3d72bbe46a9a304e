import { isIPv4 } from 'node:net';
import type { Interfaces } from './network-interfaces';

/** Which of a peer's addresses to use: the one on a subnet of ours, as the original does. */
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
