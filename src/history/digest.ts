import { createHash } from 'node:crypto';
import { byTimeAndBox, type History } from '../../machines/history/history-set';
import type { Withdrawals } from '../../machines/history/withdrawals';
import { formatRfc3339 } from '../time/timestamp';
import { lineOf, withdrawalLineOf } from './history-json';

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

/** A line to hash, and where it goes: at its cleaning's box and second, a cleaning before its withdrawals. */
interface Line {
  at: number;
  box?: string;
  withdrawal: number;
  text: string;
}

/**
 * The lines of the cleanings and withdrawals, in the order every node sorts them: a withdrawal
 * in the period of the cleaning it takes back, so that one period's fetch brings both.
 */
function linesOf(history: History, withdrawals: Withdrawals): Line[] {
  const lines: Line[] = history.map((c) => ({ at: c.at, box: c.box, withdrawal: 0, text: lineOf(c) }));
  if (withdrawals.length === 0) return lines;
  // Withdrawals come sorted by cleaning, then node (machines/withdrawals.ts): their order among themselves holds.
  for (const [i, w] of withdrawals.entries()) {
    lines.push({ at: w.at, box: w.box, withdrawal: i + 1, text: withdrawalLineOf(w) });
  }
  return lines.sort((a, b) => byTimeAndBox(a, b) || a.withdrawal - b.withdrawal);
}

export const bucketStart = (at: number): number => Math.floor(at / BUCKET_MS) * BUCKET_MS;

// Neither a history nor its withdrawals is ever changed in place: a digest is made once, however often it is asked for.
const digests = new WeakMap<History, WeakMap<Withdrawals, HistoryDigest>>();
const NO_WITHDRAWALS: Withdrawals = [];

/**
 * The digest of the cleanings and the withdrawals. Of a history of the default box alone, with
 * no name and no withdrawal, it is the digest an earlier version makes: the lines are the same.
 */
export function digestOf(history: History, withdrawals: Withdrawals = NO_WITHDRAWALS): HistoryDigest {
  const known = digests.get(history)?.get(withdrawals);
  if (known) return known;
  const lines = linesOf(history, withdrawals);
  const buckets: BucketDigest[] = [];
  let i = 0;
  while (i < lines.length) {
    const start = bucketStart(lines[i].at);
    let text = '';
    let count = 0;
    for (; i < lines.length && lines[i].at < start + BUCKET_MS; i += 1, count += 1) text += lines[i].text;
    buckets.push({ from: formatRfc3339(start), count, hash: hashOf(text) });
  }
  const digest = { count: lines.length, hash: hashOf(buckets.map((bucket) => bucket.hash).join()), buckets };
  const forHistory = digests.get(history) ?? new WeakMap<Withdrawals, HistoryDigest>();
  forHistory.set(withdrawals, digest);
  digests.set(history, forHistory);
  return digest;
}
