import { createPrivateKey, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { agree, handOver, partyOf, takeOver, newParty, codeOf } from '../../src/household/handover';
import { fingerprintOf, keyFromText, readKeyFile, writeKeyFile, KeyFileError } from '../../src/household/key-file';
import { NonceCache } from '../../src/household/nonce-cache';
import { derivedKey, sign, signatureOf, verify, WINDOW_MS, type Signature } from '../../src/household/signing';

// Known answers computed apart from Node, with Python's hmac and hashlib (HKDF as RFC 5869 says).
const KEY = Buffer.from([...Array(32).keys()]);
const NOW = 1_796_113_800_000;
const BODY = Buffer.from('[{"at":"2026-12-01T08:30:00Z"}]');

const x25519 = (hex: string): KeyObject =>
  createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), Buffer.from(hex, 'hex')]),
    format: 'der',
    type: 'pkcs8',
  });
// RFC 7748 §6.1.
const ALICE = partyOf(x25519('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'));
const BOB = partyOf(x25519('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'));

const headersOf = (signature: Signature) => ({
  'x-household-time': String(signature.time),
  'x-household-nonce': signature.nonce,
  'x-household-signature': signature.signature,
});

describe('the household key and its file', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'household-key-'));
  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('has a fingerprint of 8 hex digits of its SHA-256', () => {
    expect(fingerprintOf(KEY)).toBe('630dcd29');
  });

  it('is written as 44 characters of base64, readable by its owner alone, and read back', async () => {
    const file = path.join(folder, 'sub', 'household.key');
    await writeKeyFile(file, KEY);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${KEY.toString('base64')}\n`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readKeyFile(file)).toEqual(KEY);
  });

  it('never puts the key in a file left at its temporary name with a wider mode', async () => {
    const file = path.join(folder, 'left', 'household.key');
    const temporary = path.join(folder, 'left', `.household.key.${process.pid}.tmp`);
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(temporary, '');
    fs.chmodSync(temporary, 0o644);
    // Refused (the temporary file is made anew), or written 0600: either way no reader but its owner.
    await writeKeyFile(file, KEY).catch(() => undefined);
    const holdingTheKey = fs
      .readdirSync(path.dirname(file))
      .map((name) => path.join(folder, 'left', name))
      .filter((name) => fs.readFileSync(name, 'utf8').includes(KEY.toString('base64')));
    for (const name of holdingTheKey) expect(fs.statSync(name).mode & 0o777).toBe(0o600);
    // What was left there is gone: the next write takes the file's place.
    await writeKeyFile(file, KEY);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readKeyFile(file)).toEqual(KEY);
  });

  it('is null where there is no file, and an error that never quotes a file holding something else', () => {
    expect(readKeyFile(path.join(folder, 'none'))).toBeNull();
    const file = path.join(folder, 'bad');
    fs.writeFileSync(file, 'secret-looking text\n');
    expect(() => readKeyFile(file)).toThrow(KeyFileError);
    expect(() => readKeyFile(file)).not.toThrow(/secret-looking/);
    // 33 bytes, and 31: no key of ours.
    expect(keyFromText(Buffer.alloc(33).toString('base64'))).toBeNull();
    expect(keyFromText(Buffer.alloc(31).toString('base64'))).toBeNull();
    expect(keyFromText(KEY.toString('base64'))).toEqual(KEY);
  });
});

describe('signed requests and answers', () => {
  const requestKey = derivedKey(KEY, 'request');
  const request = { subject: 'POST /api/history', body: BODY };

  it('signs over the label, the method and path, the time, the nonce and the body (a known answer)', () => {
    const signature = {
      time: NOW / 1000,
      nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
      signature: '7BpDANj5L0qVYAzGaPEoTj95mfdD2caKW3wlek_1sjY',
    };
    expect(verify(requestKey, 'request', request, signature, NOW)).toBeNull();
  });

  it('derives a key of its own for each use', () => {
    expect(derivedKey(KEY, 'answer').equals(requestKey)).toBe(false);
    const headers = sign(requestKey, 'request', request, NOW);
    const signature = signatureOf(headers) as Signature;
    expect(verify(derivedKey(KEY, 'answer'), 'answer', request, signature, NOW)).toMatch(/not made with/);
  });

  it('refuses a changed method, path, body, time or nonce, and another key', () => {
    const signature = signatureOf(sign(requestKey, 'request', request, NOW)) as Signature;
    expect(verify(requestKey, 'request', request, signature, NOW)).toBeNull();
    const changed = [
      verify(requestKey, 'request', { ...request, subject: 'GET /api/history' }, signature, NOW),
      verify(requestKey, 'request', { ...request, body: Buffer.from('[]') }, signature, NOW),
      verify(requestKey, 'request', request, { ...signature, time: signature.time + 1 }, NOW),
      verify(requestKey, 'request', request, { ...signature, nonce: 'B'.repeat(22) }, NOW),
      verify(derivedKey(Buffer.alloc(32), 'request'), 'request', request, signature, NOW),
    ];
    for (const problem of changed) expect(problem).toMatch(/not made with the household key/);
  });

  it('takes a signature within ±5 minutes of its clock, and refuses one outside', () => {
    const signature = signatureOf(sign(requestKey, 'request', request, NOW)) as Signature;
    expect(verify(requestKey, 'request', request, signature, NOW + WINDOW_MS)).toBeNull();
    expect(verify(requestKey, 'request', request, signature, NOW - WINDOW_MS)).toBeNull();
    expect(verify(requestKey, 'request', request, signature, NOW + WINDOW_MS + 1000)).toMatch(/outside the ±5 minutes/);
    expect(verify(requestKey, 'request', request, signature, NOW - WINDOW_MS - 1000)).toMatch(/ahead of this clock/);
  });

  it('reads the headers by their shape before anything is computed', () => {
    expect(signatureOf({})).toBeNull();
    const good = signatureOf(sign(requestKey, 'request', request, NOW)) as Signature;
    expect(signatureOf(headersOf(good))).toEqual(good);
    expect(signatureOf({ ...headersOf(good), 'x-household-time': '1e9' })).toEqual({
      problem: 'its x-household-time header is not one of ours',
    });
    expect(signatureOf({ ...headersOf(good), 'x-household-signature': 'A'.repeat(10_000) })).toHaveProperty('problem');
    expect(signatureOf({ 'x-household-nonce': good.nonce })).toHaveProperty('problem');
  });
});

describe('the nonce cache against replays', () => {
  it('refuses a nonce seen within the window, and forgets it after', () => {
    const cache = new NonceCache(10);
    expect(cache.take('a', NOW / 1000, NOW)).toBe('new');
    expect(cache.take('a', NOW / 1000, NOW + 1000)).toBe('replay');
    expect(cache.take('b', NOW / 1000 + 400, NOW + 400_000)).toBe('new');
    expect(cache.size).toBe(1);
  });

  it('is bounded: full of nonces still in the window, it refuses rather than forget one', () => {
    const cache = new NonceCache(3);
    for (const nonce of ['a', 'b', 'c']) expect(cache.take(nonce, NOW / 1000, NOW)).toBe('new');
    expect(cache.take('d', NOW / 1000, NOW)).toBe('full');
    expect(cache.take('a', NOW / 1000, NOW)).toBe('replay');
    expect(cache.take('d', NOW / 1000, NOW + WINDOW_MS + 2000)).toBe('new');
    expect(cache.size).toBe(1);
  });
});

describe('the handover of the key to a joining node', () => {
  it('agrees by X25519 as RFC 7748 says, and derives the six digits from it (a known answer)', () => {
    expect(Buffer.from(ALICE.publicKey, 'base64url').toString('hex')).toBe(
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    );
    const member = agree(ALICE, BOB.publicKey, ALICE.publicKey, BOB.publicKey);
    const joiner = agree(BOB, ALICE.publicKey, ALICE.publicKey, BOB.publicKey);
    expect(member.code).toBe('823701');
    expect(joiner).toEqual(member);
  });

  it('hands the key over sealed, and both sides show the same digits', () => {
    const joiner = newParty();
    const { answer, code } = handOver(KEY, joiner.publicKey);
    expect(JSON.stringify(answer)).not.toContain(KEY.toString('base64'));
    expect(JSON.stringify(answer)).not.toContain(KEY.toString('base64url'));
    expect(takeOver(joiner, answer)).toEqual({ key: KEY, code });
    expect(code).toMatch(/^\d{6}$/);
  });

  it('refuses an answer changed on the way, and shows other digits to a node someone sat between', () => {
    const joiner = newParty();
    const { answer } = handOver(KEY, joiner.publicKey);
    const flipped = Buffer.from(answer.sealed, 'base64url');
    flipped[0] ^= 1;
    expect(() => takeOver(joiner, { ...answer, sealed: flipped.toString('base64url') })).toThrow(/does not open/);
    expect(() => takeOver(joiner, { ...answer, publicKey: 'x' })).toThrow(/not a handover/);
    // Someone in the middle agrees with each side apart: the member's digits and the joiner's differ.
    const middle = partyOf(x25519('1'.repeat(64)));
    const seenByMember = agree(ALICE, middle.publicKey, ALICE.publicKey, middle.publicKey);
    const seenByJoiner = agree(BOB, middle.publicKey, middle.publicKey, BOB.publicKey);
    expect(seenByMember.code).not.toBe(seenByJoiner.code);
  });

  it('turns four bytes into six digits, zeros kept', () => {
    expect(codeOf(Buffer.from([0, 0, 0, 7]))).toBe('000007');
    expect(codeOf(Buffer.from([255, 255, 255, 255]))).toBe('967295');
  });
});
