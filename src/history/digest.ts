import { createHash } from 'node:crypto';
import type { Cleaning } from '../../common/history';
import type { History } from '../../machines/history/history-set';
import { formatRfc3339 } from '../time/timestamp';
import { entryOf } from './history-json';

/** The history is compared in periods of 30 days (counted from 1970): a difference costs one period's cleanings. */
export const BUCKET_MS = 30 * 24 * 3_600_000;

export interface BucketDigest {
  /** Where the period begins, RFC 3339. */
  from: string;
  count: number;
  hash: string;
}

/** `GET /api/history/digest`: the history in a few hundred bytes, to compare with a peer's. */
export interface HistoryDigest {
  count: number;
  hash: string;
  buckets: BucketDigest[];
}

const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);

/**
 * One JSON line per cleaning, as the file and the API write it: a node's name may hold a
 * space or a newline, and only an encoding that cannot be misread gives two different
 * histories two different hashes.
 */
const lineOf = (cleaning: Cleaning): string => `${JSON.stringify(entryOf(cleaning))}\n`;

export const bucketStart = (at: number): number => Math.floor(at / BUCKET_MS) * BUCKET_MS;

// A history is never changed in place: its digest is made once, however often it is asked for.
const digests = new WeakMap<History, HistoryDigest>();

export function digestOf(history: History): HistoryDigest {
  const known = digests.get(history);
  if (known) return known;
  const buckets: BucketDigest[] = [];
  let i = 0;
  while (i < history.length) {
    const start = bucketStart(history[i].at);
    let text = '';
    let count = 0;
    for (; i < history.length && history[i].at < start + BUCKET_MS; i += 1, count += 1) text += lineOf(history[i]);
    buckets.push({ from: formatRfc3339(start), count, hash: hashOf(text) });
  }
  const digest = { count: history.length, hash: hashOf(buckets.map((bucket) => bucket.hash).join()), buckets };
  digests.set(history, digest);
  return digest;
}
