import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { object, pattern, string, validate } from 'superstruct';

/**
 * Each use of the household key has a key of its own, derived by HKDF-SHA256 under a label:
 * a signature made for a request can never pass for an answer, nor for anything added later.
 */
export const LABELS = {
  request: 'cat-litter-reminder household request v1',
  answer: 'cat-litter-reminder household answer v1',
} as const;

export type SigningUse = keyof typeof LABELS;

export function derivedKey(householdKey: Buffer, use: SigningUse): Buffer {
  return Buffer.from(hkdfSync('sha256', householdKey, Buffer.alloc(0), LABELS[use], 32));
}

/** The headers a signed request or answer carries. Names in lower case, as Node gives them. */
export const HEADERS = {
  time: 'x-household-time',
  nonce: 'x-household-nonce',
  signature: 'x-household-signature',
} as const;

/** How far a signed message's time may be from this node's clock, either way: ±5 minutes. */
export const WINDOW_MS = 5 * 60_000;

/**
 * The signed headers, checked for their shape before anything is computed: a time of at
 * most 12 digits (seconds), 16 random bytes of nonce and 32 of HMAC, in base64url.
 */
const SignedHeaders = object({
  time: pattern(string(), /^\d{1,12}$/),
  nonce: pattern(string(), /^[A-Za-z0-9_-]{22}$/),
  signature: pattern(string(), /^[A-Za-z0-9_-]{43}$/),
});

export interface Signature {
  /** Seconds since the epoch. */
  time: number;
  nonce: string;
  signature: string;
}

/** What is signed: its kind, what it is, when, once (the nonce), and the SHA-256 of its body. */
export interface Signed {
  /** A request: `GET /api/history/digest`; an answer: `200 <the request's nonce>`, so that it answers that request alone. */
  subject: string;
  body: Buffer;
}

/** The bytes the HMAC is over: one field a line, none of which can hold a line end. */
export function canonical(use: SigningUse, signed: Signed, time: number, nonce: string): Buffer {
  const bodyHash = createHash('sha256').update(signed.body).digest('hex');
  return Buffer.from([LABELS[use], signed.subject, String(time), nonce, bodyHash].join('\n'));
}

const hmac = (key: Buffer, bytes: Buffer): Buffer => createHmac('sha256', key).update(bytes).digest();

/** The headers that sign `signed` now, with a fresh nonce. */
export function sign(key: Buffer, use: SigningUse, signed: Signed, now: number): Record<string, string> {
  const time = Math.floor(now / 1000);
  const nonce = randomBytes(16).toString('base64url');
  const signature = hmac(key, canonical(use, signed, time, nonce)).toString('base64url');
  return { [HEADERS.time]: String(time), [HEADERS.nonce]: nonce, [HEADERS.signature]: signature };
}

type HeaderValue = string | string[] | number | undefined;

/** The signed headers of a message, or null when it has none at all (a phone's request). */
export function signatureOf(headers: Readonly<Record<string, HeaderValue>>): Signature | { problem: string } | null {
  const given = { time: headers[HEADERS.time], nonce: headers[HEADERS.nonce], signature: headers[HEADERS.signature] };
  if (given.time === undefined && given.nonce === undefined && given.signature === undefined) return null;
  const [bad, value] = validate(given, SignedHeaders);
  if (bad) return { problem: `its ${HEADERS[bad.key as keyof typeof HEADERS] ?? 'signed'} header is not one of ours` };
  return { time: Number(value.time), nonce: value.nonce, signature: value.signature };
}

/** Why a signature does not hold, or null when it does. Compared in constant time. */
export function verify(key: Buffer, use: SigningUse, signed: Signed, signature: Signature, now: number): string | null {
  const skew = signature.time * 1000 - now;
  if (Math.abs(skew) > WINDOW_MS) {
    return `it was signed ${Math.round(Math.abs(skew) / 1000)} s ${skew < 0 ? 'ago' : 'ahead of this clock'}, outside the ±${WINDOW_MS / 60_000} minutes taken`;
  }
  const expected = hmac(key, canonical(use, signed, signature.time, signature.nonce));
  const given = Buffer.from(signature.signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? null
    : 'its signature was not made with the household key';
}

/** The household key as a node holds it: its fingerprint, a key for each use, and the key itself. */
export interface HeldKey {
  fingerprint: string;
  request: Buffer;
  answer: Buffer;
  /** The key itself: only to hand it over to a node that joins, sealed. */
  secret: Buffer;
}
