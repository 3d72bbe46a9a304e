import type { Logger } from 'pino';
import { array, number, object, string, validate } from 'superstruct';
import { fromCallback } from 'xstate';
import type { Cleaning } from '../../common/history';
import { preciser, type History } from '../../machines/history-set';
import {
  historyPeerKey,
  type ExchangeCommand,
  type HistoryEvent,
  type HistoryPeer,
} from '../../machines/historyMachine';
import { PerSenderLimit } from '../per-sender-limit';
import { formatRfc3339 } from '../timestamp';
import { BUCKET_MS, bucketStart, digestOf, type HistoryDigest } from './digest';
import { cleaningsFrom, entryOf } from './history-json';
import { RefusedAnswer, requestJson } from '../http-json';

const DigestStruct = object({
  count: number(),
  hash: string(),
  buckets: array(object({ from: string(), count: number(), hash: string() })),
});

/** Periods a history of three years spans, with room: a digest with more is no digest of ours. */
const MOST_BUCKETS = 40;
/** Cleanings sent in one POST at most: a body stays well under the 2 MiB a node takes. */
const MOST_PER_POST = 2_000;
/** How often one peer's trouble may be warned about. */
const WARN_EVERY_MS = 10 * 60_000;

/** The periods (their start, ms) in which the two digests differ. */
function differingBuckets(ours: HistoryDigest, theirs: HistoryDigest): Set<string> {
  const mine = new Map(ours.buckets.map((bucket) => [bucket.from, bucket]));
  const differing = new Set<string>();
  for (const bucket of theirs.buckets) {
    const own = mine.get(bucket.from);
    if (own?.hash !== bucket.hash) differing.add(bucket.from);
    mine.delete(bucket.from);
  }
  for (const from of mine.keys()) differing.add(from);
  return differing;
}

/** Ours that the peer lacks, or describes less well. */
function lacking(ours: History, theirs: readonly Cleaning[], buckets: Set<string>): Cleaning[] {
  const known = new Map(theirs.map((cleaning) => [cleaning.at, cleaning]));
  return ours.filter((cleaning) => {
    if (!buckets.has(formatRfc3339(bucketStart(cleaning.at)))) return false;
    const their = known.get(cleaning.at);
    return their === undefined || preciser(cleaning, their) !== their;
  });
}

/**
 * One exchange: their digest; for each period that differs, their cleanings of it; ours
 * that they lack are sent to them. Resolves with theirs that we lack (or describe less
 * well). Throws a RefusedAnswer for anything one of our nodes would not send.
 */
export async function exchangeWith(peer: HistoryPeer, ours: History, now: number): Promise<Cleaning[]> {
  const [bad, theirs] = validate(await requestJson(peer, 'GET', '/api/history/digest'), DigestStruct);
  if (bad) throw new RefusedAnswer(`its digest is not one: ${bad.message}`);
  if (theirs.buckets.length > MOST_BUCKETS) {
    throw new RefusedAnswer(`its digest has ${theirs.buckets.length} periods of 30 days, more than 3 years hold`);
  }
  const digest = digestOf(ours);
  if (theirs.hash === digest.hash) return [];
  const buckets = differingBuckets(digest, theirs);
  const received: Cleaning[] = [];
  for (const bucket of theirs.buckets) {
    if (!buckets.has(bucket.from) || bucket.count === 0) continue;
    const from = Date.parse(bucket.from);
    const path = `/api/history?from=${encodeURIComponent(bucket.from)}&to=${encodeURIComponent(formatRfc3339(from + BUCKET_MS))}`;
    const checked = cleaningsFrom(await requestJson(peer, 'GET', path), now);
    if (!checked.ok) throw new RefusedAnswer(`its cleanings from ${bucket.from}: ${checked.problem}`);
    received.push(...checked.value);
  }
  const give = lacking(ours, received, buckets);
  for (let i = 0; i < give.length; i += MOST_PER_POST) {
    await requestJson(peer, 'POST', '/api/history', give.slice(i, i + MOST_PER_POST).map(entryOf));
  }
  const mine = new Map(ours.map((cleaning) => [cleaning.at, cleaning]));
  return received.filter((cleaning) => {
    const own = mine.get(cleaning.at);
    return own === undefined || preciser(own, cleaning) !== own;
  });
}

/**
 * Exchanges with peers as the history asks, one at a time with each peer (a request for
 * one that is busy runs once it is done, with the newest history). What peers have that
 * we lack comes back as `history.received`; a peer that sends what no node of ours would
 * is refused, named in a warning at most every 10 minutes.
 */
export function historySyncActor(log: Logger, now: () => number = Date.now) {
  return fromCallback<ExchangeCommand>(({ receive, sendBack }) => {
    let stopped = false;
    const next = new Map<string, ExchangeCommand | null>();
    const warnings = new PerSenderLimit(WARN_EVERY_MS);

    const warn = (peer: HistoryPeer, error: Error): void => {
      const name = peer.name ?? historyPeerKey(peer);
      const where = `${name} (http://${historyPeerKey(peer)})`;
      const refused = error instanceof RefusedAnswer;
      const record = {
        event: refused ? 'history.refused' : 'history.unreachable',
        peer: name,
        url: `http://${historyPeerKey(peer)}`,
        problem: error.message,
      };
      const text = refused
        ? `refused the history of ${where}: ${error.message}; ours is unchanged`
        : `could not compare histories with ${where}: ${error.message}; trying again in a later round`;
      const warning = warnings.take(historyPeerKey(peer));
      if (warning) log.warn({ ...record, suppressed: warning.suppressed }, text);
      else log.debug(record, text);
    };

    const run = (command: ExchangeCommand): void => {
      const key = historyPeerKey(command.peer);
      next.set(key, null);
      exchangeWith(command.peer, command.history, now())
        .then(
          (cleanings) => {
            if (!stopped && cleanings.length > 0)
              sendBack({ type: 'history.received', cleanings } satisfies HistoryEvent);
          },
          (error: unknown) => warn(command.peer, error as Error),
        )
        .finally(() => {
          const queued = next.get(key);
          next.delete(key);
          if (queued && !stopped) run(queued);
        });
    };

    receive((command) => {
      const key = historyPeerKey(command.peer);
      if (next.has(key)) next.set(key, command);
      else run(command);
    });
    return () => {
      stopped = true;
    };
  });
}
