import { createHash, randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { pattern, string, validate } from 'superstruct';
import { replaceFile } from '../store/durable-file';
import { readSmallFile, SmallFileError } from '../limits/small-file';

/** The household key: 32 random bytes. */
export const KEY_BYTES = 32;
/** 44 characters of base64 and a line end: a file larger than this holds no key of ours. */
const MOST_KEY_FILE_BYTES = 128;
/** 32 bytes in base64: 43 characters and one `=`. */
const Base64Key = pattern(string(), /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/);

/** What a person sees of a key, in place of the key: the first 8 hex digits of its SHA-256. */
export function fingerprintOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export const newKey = (): Buffer => randomBytes(KEY_BYTES);

/** The key as the file holds it (base64), checked: null for anything else. */
export function keyFromText(text: string): Buffer | null {
  const [bad, value] = validate(text.trim(), Base64Key);
  return bad ? null : Buffer.from(value, 'base64');
}

/** A key file that is there but cannot be used: what is wrong with it, never what it holds. */
export class KeyFileError extends Error {}

/**
 * The key in `file`, or null when there is none. A file that is there and holds no key (too
 * large, not base64 of 32 bytes, unreadable) is a KeyFileError: a node must not quietly run
 * as if it had none. The message never quotes the file's text.
 */
export function readKeyFile(file: string): Buffer | null {
  let text: string;
  try {
    text = readSmallFile(file, MOST_KEY_FILE_BYTES);
  } catch (error) {
    if (error instanceof SmallFileError && error.code === 'ENOENT') return null;
    throw new KeyFileError(`the household key file ${file}: ${(error as Error).message}`);
  }
  const key = keyFromText(text);
  if (!key) throw new KeyFileError(`the household key file ${file} holds no key (expected 44 characters of base64)`);
  return key;
}

/**
 * Writes `key` to `file`, readable by its owner alone (0600) from the first byte, so that a
 * crash leaves the old key or the new one (src/store/durable-file.ts).
 */
export async function writeKeyFile(file: string, key: Buffer): Promise<void> {
  const folder = path.dirname(file);
  await fsp.mkdir(folder, { recursive: true, mode: 0o755 });
  // Written by root (sudo) for a node that runs as another user: the folder's owner owns the key.
  const { uid, gid } = await fsp.stat(folder);
  const owner = process.getuid?.() === 0 ? { uid, gid } : undefined;
  await replaceFile(file, `${key.toString('base64')}\n`, { ownerOnly: true, owner });
}
