import type { Logger } from 'pino';
import { array, number, object, string, validate } from 'superstruct';
import { fromCallback } from 'xstate';
import type { Cleaning } from '../../common/history';
import { KEPT_FOR_MS, keyOf, MOST_PER_DAY, refines, type History } from '../../machines/history/history-set';
import { MAX_AHEAD_MS } from '../../machines/shared/time-rules';
import {
  historyPeerKey,
  type ExchangeCommand,
  type HistoryEvent,
  type HistoryPeer,
} from '../../machines/history/history-machine';
import { heldBack, PerSenderLimit } from '../limits/per-sender-limit';
import { formatRfc3339 } from '../time/timestamp';
import { BUCKET_MS, bucketStart, digestOf, type HistoryDigest } from './digest';
import { cleaningsFrom, entryOf } from './history-json';
import { AnswerTooLarge, RefusedAnswer, requestJson, requestSizedJson, type Signer } from '../cluster/peer-http';
import type { Household } from '../household/household';
import { signingWith } from '../household/request-signer';

const DigestStruct = object({
  count: number(),
  hash: string(),
  buckets: array(object({ from: string(), count: number(), hash: string() })),
});

/** Periods a history of three years spans, with room: a digest with more is no digest of ours. */
const MOST_BUCKETS = 40;
/** A period of 30 days holds at most this many cleanings a peer may give (MOST_PER_DAY a day). */
const MOST_PER_BUCKET = 30 * MOST_PER_DAY;
/** A digest of 40 periods is about 5 KiB. */
const MOST_DIGEST_BYTES = 16 * 1024;
/** A period's cleanings, each under 130 bytes as JSON. */
const MOST_BUCKET_BYTES = MOST_PER_BUCKET * 130;
/** What one exchange reads in all, whatever the peer says of its history. */
export const MOST_EXCHANGE_BYTES = 1024 * 1024;
/** Cleanings sent in one POST at most: a body stays well under the 256 KiB a node takes. */
const MOST_PER_POST = 2_000;
/** How often one peer's trouble may be warned about. */
const WARN_EVERY_MS = 10 * 60_000;

/** The periods (their start) in which the two digests differ, by count or by hash. */
function differingBuckets(ours: HistoryDigest, theirs: HistoryDigest): Set<string> {
  const mine = new Map(ours.buckets.map((bucket) => [bucket.from, bucket]));
  const differing = new Set<string>();
  for (const bucket of theirs.buckets) {
    const own = mine.get(bucket.from);
    if (own?.hash !== bucket.hash || own.count !== bucket.count) differing.add(bucket.from);
    mine.delete(bucket.from);
  }
  for (const from of mine.keys()) differing.add(from);
  return differing;
}

/** Ours that the peer lacks, or that say more than its description. */
function lacking(ours: History, theirs: readonly Cleaning[], buckets: Set<string>): Cleaning[] {
  const known = new Map(theirs.map((cleaning) => [keyOf(cleaning), cleaning]));
  return ours.filter((cleaning) => {
    if (!buckets.has(formatRfc3339(bucketStart(cleaning.at)))) return false;
    const their = known.get(keyOf(cleaning));
    return their === undefined || refines(cleaning, their);
  });
}

/** What an exchange brought: theirs that ours lacks or describes less well; settled when both were the same. */
export interface Exchanged {
  received: Cleaning[];
  settled: boolean;
}

/** What is left of the bytes an exchange may read: each request takes at most that. */
class ReadBudget {
  constructor(
    private left: number,
    private readonly signer: Signer | undefined,
  ) {}

  async request(peer: HistoryPeer, path: string, most: number): Promise<unknown> {
    const allowed = Math.min(most, this.left);
    const overspent = new RefusedAnswer(`its answers passed the ${MOST_EXCHANGE_BYTES} bytes an exchange reads`);
    if (allowed <= 0) throw overspent;
    const { value, bytes } = await requestSizedJson(peer, 'GET', path, undefined, allowed, this.signer).catch(
      (error: unknown) => {
        // Cut off by what was left of the exchange's bytes, not by the request's own bound.
        throw error instanceof AnswerTooLarge && allowed < most ? overspent : error;
      },
    );
    this.left -= bytes;
    return value;
  }
}

/**
 * One exchange: their digest; for each period that differs, their cleanings of it; ours
 * that they lack are sent to them. Resolves with theirs that we lack (or describe less
 * well). Reads at most MOST_EXCHANGE_BYTES in all, and only periods within the three
 * years and a plausible count. Throws a RefusedAnswer for anything one of our nodes would
 * not send.
 */
export async function exchangeWith(
  peer: HistoryPeer,
  ours: History,
  now: number,
  /** With a household key: every request signed, every answer checked. */
  signer?: Signer,
): Promise<Exchanged> {
  const budget = new ReadBudget(MOST_EXCHANGE_BYTES, signer);
  const [bad, theirs] = validate(await budget.request(peer, '/api/history/digest', MOST_DIGEST_BYTES), DigestStruct);
  if (bad) throw new RefusedAnswer(`its digest is not one: ${bad.message}`);
  if (theirs.buckets.length > MOST_BUCKETS) {
    throw new RefusedAnswer(`its digest has ${theirs.buckets.length} periods of 30 days, more than 3 years hold`);
  }
  const digest = digestOf(ours);
  if (theirs.hash === digest.hash && theirs.count === digest.count) return { received: [], settled: true };
  const buckets = differingBuckets(digest, theirs);
  const received: Cleaning[] = [];
  for (const bucket of theirs.buckets) {
    const from = Date.parse(bucket.from);
    if (!buckets.has(bucket.from) || bucket.count === 0) continue;
    // Periods out of the history's reach are not worth reading: what is in them would not be taken.
    if (!(from + BUCKET_MS > now - KEPT_FOR_MS && from <= now + MAX_AHEAD_MS)) continue;
    if (bucket.count > MOST_PER_BUCKET) {
      throw new RefusedAnswer(`it says it has ${bucket.count} cleanings from ${bucket.from}, more than 30 days hold`);
    }
    const to = from + BUCKET_MS;
    const path = `/api/history?from=${encodeURIComponent(bucket.from)}&to=${encodeURIComponent(formatRfc3339(to))}`;
    const checked = cleaningsFrom(await budget.request(peer, path, MOST_BUCKET_BYTES), now);
    if (!checked.ok) throw new RefusedAnswer(`its cleanings from ${bucket.from}: ${checked.problem}`);
    const outside = checked.value.find((cleaning) => cleaning.at < from || cleaning.at >= to);
    if (outside) throw new RefusedAnswer(`asked for ${bucket.from}, it answered ${formatRfc3339(outside.at)}`);
    received.push(...checked.value);
  }
  const give = lacking(ours, received, buckets);
  for (let i = 0; i < give.length; i += MOST_PER_POST) {
    await requestJson(peer, 'POST', '/api/history', give.slice(i, i + MOST_PER_POST).map(entryOf), undefined, signer);
  }
  const mine = new Map(ours.map((cleaning) => [keyOf(cleaning), cleaning]));
  const news = received.filter((cleaning) => {
    const own = mine.get(keyOf(cleaning));
    return own === undefined || refines(cleaning, own);
  });
  return { received: news, settled: false };
}

/**
 * Exchanges with peers as the history asks, one at a time with each peer (a request for
 * one that is busy runs once it is done, with the newest history). What peers have that
 * we lack comes back as `history.received`; a peer that sends what no node of ours would
 * is refused, named in a warning at most every 10 minutes.
 */
export function historySyncActor(log: Logger, now: () => number = Date.now, household?: Household) {
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
      if (warning) log.warn({ ...record, ...warning }, text + heldBack(warning));
      else log.debug(record, text);
    };

    const run = (command: ExchangeCommand): void => {
      const key = historyPeerKey(command.peer);
      next.set(key, null);
      const { peer } = command;
      const held = household?.key;
      // Another household's node, or one of ours without the key yet: nothing is exchanged with it.
      if (held && household && !household.sightings.mayExchange(peer.address)) {
        next.delete(key);
        sendBack({ type: 'history.exchanged', peer, settled: false } satisfies HistoryEvent);
        return;
      }
      exchangeWith(peer, command.history, now(), held ? signingWith(held, now) : undefined)
        .then(
          ({ received, settled }) => {
            if (stopped) return;
            // Its answers verified: it holds the key.
            if (held) household?.sightings.proven(peer.address);
            if (received.length > 0) sendBack({ type: 'history.received', cleanings: received, from: peer });
            sendBack({ type: 'history.exchanged', peer, settled } satisfies HistoryEvent);
          },
          (error: unknown) => {
            warn(peer, error as Error);
            if (!stopped) sendBack({ type: 'history.exchanged', peer, settled: false } satisfies HistoryEvent);
          },
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
