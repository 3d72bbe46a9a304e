import { createHash, randomBytes } from 'node:crypto';

/** The names a node goes by on mDNS: its instance name, its id, and the .local host name made of them. */

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
