import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { hostNameOf } from '../cluster/mdns-names';

/**
 * Whether a request was addressed to this node by a name it answers to. A hostile page
 * can make a browser on the LAN send requests to a name it controls that resolves to this
 * node (DNS rebinding): its Host is that name, never one of these.
 */
export function isOwnHost(host: string | undefined, names: readonly string[]): boolean {
  if (!host) return false;
  const hostname = hostOnly(host).toLowerCase();
  if (isIP(hostname.replace(/^\[|\]$/g, '')) !== 0) return true;
  return hostname === 'localhost' || names.some((name) => name.toLowerCase() === hostname);
}

/** `kitchen.local:5380` → `kitchen.local`; `[fe80::1]:5380` → `[fe80::1]`. */
function hostOnly(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * The names of this machine and node that a browser may use: its host name, its `.local`
 * name, and the node's (the host name it advertises, and its instance name as typed).
 */
export function ownNames(hostname: string, instanceName: string): string[] {
  const label = hostname.split('.')[0];
  const node = instanceName === '' ? [] : [`${instanceName}.local`, hostNameOf(instanceName)];
  return [hostname, label, `${label}.local`, ...node];
}

/**
 * Why a request that changes something must be refused as cross-site, or null. A page of
 * another origin can send a form or a fetch here; its browser says where it comes from.
 */
export function crossSiteProblem(request: IncomingMessage): string | null {
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site') return 'a cross-site request (Sec-Fetch-Site: cross-site)';
  const own = `http://${request.headers.host ?? ''}`.toLowerCase();
  const origin = request.headers.origin;
  if (origin !== undefined) {
    return origin.toLowerCase() === own ? null : `a request from another origin (Origin: ${origin})`;
  }
  const referer = request.headers.referer;
  if (referer === undefined) return null;
  let refererOrigin: string;
  try {
    refererOrigin = new URL(referer).origin.toLowerCase();
  } catch {
    return `a request with a Referer that is no URL (${referer})`;
  }
  return refererOrigin === own ? null : `a request from another origin (Referer: ${referer})`;
}
