import { pattern, size, string, validate } from 'superstruct';
import { requestJson } from '../cluster/peer-http';
import { newParty, takeOver } from './handover';
import { fingerprintOf, writeKeyFile } from './key-file';

/** The port of a member's page when HOST[:PORT] names none. */
const DEFAULT_HTTP_PORT = 5380;
/**
 * HOST or HOST:PORT: a name or an IPv4 address (no spaces, slashes, brackets or colons in
 * it), at most 253 characters as a DNS name is, and a port of up to five digits.
 */
const MemberText = size(pattern(string(), /^[^\s:[\]/]{1,253}(:\d{1,5})?$/), 1, 259);
/** The member's answer: the handover (publicKey, iv, sealed, tag), about 200 bytes. */
const MOST_HANDOVER_BYTES = 4096;

export interface MemberAddress {
  address: string;
  port: number;
}

/** `kitchen.local:5380` as an address and a port; a string that says what is wrong, for anything else. */
export function memberAddress(text: unknown): MemberAddress | string {
  const [bad, checked] = validate(text, MemberText);
  if (bad) return `${JSON.stringify(text)} is not a member to join: expected HOST or HOST:PORT (the member's page)`;
  const colon = checked.lastIndexOf(':');
  if (colon === -1) return { address: checked, port: DEFAULT_HTTP_PORT };
  const port = Number(checked.slice(colon + 1));
  if (port < 1 || port > 65535) return `${JSON.stringify(text)} names port ${port}, which is not a TCP port (1–65535)`;
  return { address: checked.slice(0, colon), port };
}

/** A join that did not happen: what went wrong, said for a person. No key was written. */
export class JoinError extends Error {}

/** What a join gives: the household's fingerprint and the six digits both sides show. */
export interface Joined {
  fingerprint: string;
  code: string;
}

/**
 * Asks the member for the household key (the X25519 handover, src/household/handover.ts) and
 * writes it to `keyFile`. The member answers only within its invitation; anything else is a
 * JoinError, and the key file is left as it was.
 */
export async function joinThrough(member: MemberAddress, keyFile: string): Promise<Joined> {
  const where = `${member.address}:${member.port}`;
  const joiner = newParty();
  let answer: unknown;
  try {
    answer = await requestJson(
      member,
      'POST',
      '/api/household/join',
      { publicKey: joiner.publicKey },
      MOST_HANDOVER_BYTES,
    );
  } catch (error) {
    throw new JoinError(`${where} did not hand the key over: ${(error as Error).message}`, { cause: error });
  }
  let taken: { key: Buffer; code: string };
  try {
    taken = takeOver(joiner, answer);
  } catch (error) {
    throw new JoinError(`${where}: ${(error as Error).message}; no key was written`, { cause: error });
  }
  await writeKeyFile(keyFile, taken.key);
  return { fingerprint: fingerprintOf(taken.key), code: taken.code };
}
