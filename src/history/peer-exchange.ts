import type { Logger } from 'pino';
import { array, literal, number, object, optional, string, validate } from 'superstruct';
import { fromCallback } from 'xstate';
import type { Cleaning, Withdrawal } from '../../common/history';
import { withdrawalKey, type Withdrawals } from '../../machines/history/withdrawals';
import { KEPT_FOR_MS, keyOf, MOST_PER_DAY, refines, type History } from '../../machines/history/history-set';
import { MAX_AHEAD_MS } from '../../machines/shared/time-rules';
import {
  historyPeerKey,
  type ExchangeCommand,
  type HistoryEvent,
  type HistoryPeer,
} from '../../machines/history/history-events';
import { PerSenderLimit } from '../limits/per-sender-limit';
import { formatRfc3339 } from '../time/timestamp';
import { BUCKET_MS, bucketStart, digestOf, type HistoryDigest } from './digest';
import { entryOf, itemsFrom, legacyView, withdrawalEntryOf } from './history-json';
import { AnswerTooLarge, RefusedAnswer, requestJson, requestSizedJson, type Signer } from '../cluster/peer-http';
import type { Household } from '../household/household';
import { signingWith } from '../household/request-signer';

const DigestStruct = object({
  count: number(),
  hash: string(),
  buckets: array(object({ from: string(), count: number(), hash: string() })),
  // Our nodes since issue 25 say so: they serve withdrawals, and boxes and names (docs/boxes.md).
  format: optional(literal(2)),
});

/** What our requests add: a node that reads it answers everything; an earlier one ignores it. */
const FORMAT = 'format=2';

/** Periods a history of three years spans, with room: a digest with more is no digest of ours. */
const MOST_BUCKETS = 40;
/**
 * A period of 30 days holds at most this many cleanings a peer may give (MOST_PER_DAY a day),
 * and as many withdrawals (MOST_PER_DAY of a day's cleanings).
 */
const MOST_PER_BUCKET = 2 * 30 * MOST_PER_DAY;
/** A digest of 40 periods is about 5 KiB. */
const MOST_DIGEST_BYTES = 16 * 1024;
/**
 * A period's entries, each under 400 bytes as JSON: a box and a name of 32 characters, each up
 * to 4 bytes in UTF-8, beside the 130 bytes of a cleaning of the default box.
 */
const MOST_ENTRY_BYTES = 400;
const MOST_BUCKET_BYTES = MOST_PER_BUCKET * MOST_ENTRY_BYTES;
/** What one exchange reads in all, whatever the peer says of its history. */
export const MOST_EXCHANGE_BYTES = 4 * 1024 * 1024;
/** Entries sent in one POST at most: a body stays under the 256 KiB a node takes. */
const MOST_PER_POST = 500;
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
  withdrawals: Withdrawal[];
  settled: boolean;
}

/** Withdrawals of the differing periods that the other side lacks. */
function lackingWithdrawals(ours: Withdrawals, theirs: readonly Withdrawal[], buckets: Set<string>): Withdrawal[] {
  const known = new Set(theirs.map(withdrawalKey));
  return ours.filter(
    (withdrawal) => buckets.has(formatRfc3339(bucketStart(withdrawal.at))) && !known.has(withdrawalKey(withdrawal)),
  );
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
 * One exchange: their digest; for each period that differs, their cleanings (and withdrawals)
 * of it; ours that they lack are sent to them. Resolves with theirs that we lack (or describe
 * less well). Reads at most MOST_EXCHANGE_BYTES in all, and only periods within the three
 * years and a plausible count. Throws a RefusedAnswer for anything one of our nodes would
 * not send. A peer whose digest has no `format` is of an earlier version: it is compared, and
 * given, the legacy view alone (the default box's cleanings, without names), which it reads.
 */
export async function exchangeWith(
  peer: HistoryPeer,
  all: History,
  now: number,
  allWithdrawals: Withdrawals = [],
  /** With a household key: every request signed, every answer checked. */
  signer?: Signer,
): Promise<Exchanged> {
  const budget = new ReadBudget(MOST_EXCHANGE_BYTES, signer);
  const [bad, theirs] = validate(
    await budget.request(peer, `/api/history/digest?${FORMAT}`, MOST_DIGEST_BYTES),
    DigestStruct,
  );
  if (bad) throw new RefusedAnswer(`its digest is not one: ${bad.message}`);
  if (theirs.buckets.length > MOST_BUCKETS) {
    throw new RefusedAnswer(`its digest has ${theirs.buckets.length} periods of 30 days, more than 3 years hold`);
  }
  const current = theirs.format === 2;
  const ours = current ? all : legacyView(all);
  const withdrawals = current ? allWithdrawals : [];
  const digest = digestOf(ours, withdrawals);
  if (theirs.hash === digest.hash && theirs.count === digest.count) {
    return { received: [], withdrawals: [], settled: true };
  }
  const buckets = differingBuckets(digest, theirs);
  const received: Cleaning[] = [];
  const receivedWithdrawals: Withdrawal[] = [];
  for (const bucket of theirs.buckets) {
    const from = Date.parse(bucket.from);
    if (!buckets.has(bucket.from) || bucket.count === 0) continue;
    // Periods out of the history's reach are not worth reading: what is in them would not be taken.
    if (!(from + BUCKET_MS > now - KEPT_FOR_MS && from <= now + MAX_AHEAD_MS)) continue;
    if (bucket.count > MOST_PER_BUCKET) {
      throw new RefusedAnswer(`it says it has ${bucket.count} cleanings from ${bucket.from}, more than 30 days hold`);
    }
    const to = from + BUCKET_MS;
    const range = `from=${encodeURIComponent(bucket.from)}&to=${encodeURIComponent(formatRfc3339(to))}`;
    const path = `/api/history?${range}${current ? `&${FORMAT}` : ''}`;
    const checked = itemsFrom(await budget.request(peer, path, MOST_BUCKET_BYTES), now);
    if (!checked.ok) throw new RefusedAnswer(`its cleanings from ${bucket.from}: ${checked.problem}`);
    const { cleanings, withdrawals: theirWithdrawals } = checked.value;
    if (!current && theirWithdrawals.length > 0) throw new RefusedAnswer('it sent withdrawals unasked');
    const outside = [...cleanings, ...theirWithdrawals].find((item) => item.at < from || item.at >= to);
    if (outside) throw new RefusedAnswer(`asked for ${bucket.from}, it answered ${formatRfc3339(outside.at)}`);
    received.push(...cleanings);
    receivedWithdrawals.push(...theirWithdrawals);
  }
  const give = [
    ...lacking(ours, received, buckets).map(entryOf),
    ...lackingWithdrawals(withdrawals, receivedWithdrawals, buckets).map(withdrawalEntryOf),
  ];
  for (let i = 0; i < give.length; i += MOST_PER_POST) {
    await requestJson(peer, 'POST', '/api/history', give.slice(i, i + MOST_PER_POST), undefined, signer);
  }
  const mine = new Map(ours.map((cleaning) => [keyOf(cleaning), cleaning]));
  const news = received.filter((cleaning) => {
    const own = mine.get(keyOf(cleaning));
    return own === undefined || refines(cleaning, own);
  });
  const held = new Set(withdrawals.map(withdrawalKey));
  const newWithdrawals = receivedWithdrawals.filter((withdrawal) => !held.has(withdrawalKey(withdrawal)));
  return { received: news, withdrawals: newWithdrawals, settled: false };
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
      warnings.warnOrDebug(log, historyPeerKey(peer), record, text);
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
      exchangeWith(peer, command.history, now(), command.withdrawals, held ? signingWith(held, now) : undefined)
        .then(
          ({ received, withdrawals, settled }) => {
            if (stopped) return;
            // Its answers verified: it holds the key.
            if (held) household?.sightings.proven(peer.address);
            if (received.length + withdrawals.length > 0)
              sendBack({ type: 'history.received', cleanings: received, withdrawals, from: peer });
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
