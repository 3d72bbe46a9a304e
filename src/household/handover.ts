import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { object, pattern, string, validate } from 'superstruct';
import { KEY_BYTES } from './key-file';

/**
 * The handover of the household key to a node that joins: an X25519 key agreement between
 * the joining node and a member, the key sent under AES-256-GCM with a key derived from it,
 * and six digits derived from it too. Both sides show the digits: a node that sat between
 * them would have agreed a secret with each, and their digits would differ.
 */
const LABEL_KEY = 'cat-litter-reminder join key v1';
const LABEL_CODE = 'cat-litter-reminder join code v1';

/** An X25519 public key as DER (SubjectPublicKeyInfo) begins; the raw 32 bytes follow. */
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

const base64Of = (bytes: number) => {
  const chars = Math.ceil((bytes * 4) / 3);
  return pattern(string(), new RegExp(`^[A-Za-z0-9_-]{${chars}}$`));
};

/** What the joining node sends: its public key (32 bytes, base64url). */
export const JoinRequest = object({ publicKey: base64Of(32) });
/** What the member answers: its public key, and the household key sealed (12 bytes of IV, 16 of tag). */
export const JoinAnswer = object({
  publicKey: base64Of(32),
  iv: base64Of(12),
  sealed: base64Of(KEY_BYTES),
  tag: base64Of(16),
});
export interface JoinAnswer {
  publicKey: string;
  iv: string;
  sealed: string;
  tag: string;
}

export interface Party {
  privateKey: KeyObject;
  /** Raw, base64url: what goes on the wire. */
  publicKey: string;
}

/** One side of an agreement, from its private key. */
export function partyOf(privateKey: KeyObject): Party {
  const der = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey: der.subarray(X25519_SPKI_PREFIX.length).toString('base64url') };
}

export const newParty = (): Party => partyOf(generateKeyPairSync('x25519').privateKey);

function publicKeyOf(raw: string): KeyObject {
  return createPublicKey({
    key: Buffer.concat([X25519_SPKI_PREFIX, Buffer.from(raw, 'base64url')]),
    format: 'der',
    type: 'spki',
  });
}

/** What both sides derive from the agreement: the key that seals, and the six digits. */
export interface Agreement {
  sealKey: Buffer;
  code: string;
}

/**
 * The agreement between `own` and the other side's public key. Both public keys go into the
 * derivation (the member's first), so that each side's digits speak for the keys it saw.
 */
export function agree(own: Party, theirs: string, memberKey: string, joinerKey: string): Agreement {
  const secret = diffieHellman({ privateKey: own.privateKey, publicKey: publicKeyOf(theirs) });
  // An all-zero secret is what a low-order point gives: no agreement at all.
  if (secret.every((byte) => byte === 0)) throw new Error('the other side sent a public key that agrees on nothing');
  const salt = Buffer.concat([Buffer.from(memberKey, 'base64url'), Buffer.from(joinerKey, 'base64url')]);
  const sealKey = Buffer.from(hkdfSync('sha256', secret, salt, LABEL_KEY, 32));
  const codeBytes = Buffer.from(hkdfSync('sha256', secret, salt, LABEL_CODE, 4));
  return { sealKey, code: codeOf(codeBytes) };
}

/** Six decimal digits from four bytes (the bias of 2^32 mod 10^6 is below 0.03 %). */
export const codeOf = (bytes: Buffer): string => String(bytes.readUInt32BE(0) % 1_000_000).padStart(6, '0');

/** On the member: answers a join request with the household key, sealed; and the digits to show. */
export function handOver(householdKey: Buffer, joinerKey: string): { answer: JoinAnswer; code: string } {
  const member = newParty();
  const { sealKey, code } = agree(member, joinerKey, member.publicKey, joinerKey);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
  cipher.setAAD(Buffer.from(`${member.publicKey}.${joinerKey}`));
  const sealed = Buffer.concat([cipher.update(householdKey), cipher.final()]);
  return {
    answer: {
      publicKey: member.publicKey,
      iv: iv.toString('base64url'),
      sealed: sealed.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
    },
    code,
  };
}

/** On the joining node: the household key and the digits, from the member's answer; throws when it does not open. */
export function takeOver(joiner: Party, answer: unknown): { key: Buffer; code: string } {
  const [bad, checked] = validate(answer, JoinAnswer);
  if (bad) throw new Error(`the member's answer is not a handover: ${bad.message}`);
  const { sealKey, code } = agree(joiner, checked.publicKey, checked.publicKey, joiner.publicKey);
  const decipher = createDecipheriv('aes-256-gcm', sealKey, Buffer.from(checked.iv, 'base64url'));
  decipher.setAAD(Buffer.from(`${checked.publicKey}.${joiner.publicKey}`));
  decipher.setAuthTag(Buffer.from(checked.tag, 'base64url'));
  try {
    const key = Buffer.concat([decipher.update(Buffer.from(checked.sealed, 'base64url')), decipher.final()]);
    return { key, code };
  } catch {
    throw new Error('the sealed key does not open: it was changed on the way, or sealed for another node');
  }
}
