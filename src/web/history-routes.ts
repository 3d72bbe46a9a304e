import type { IncomingMessage } from 'node:http';
import { create } from 'superstruct';
import type { Cleaning, Withdrawal } from '../../common/history';
import type { PageHistory } from '../../common/history-view';
import type { LevelThresholds } from '../../common/levels';
import { between, keyOf, MOST_CLEANINGS, type History } from '../../machines/history/history-set';
import type { Withdrawals } from '../../machines/history/withdrawals';
import { digestOf } from '../history/digest';
import { cleaningsFrom, entriesNewestFirst } from '../history/history-json';
import { historyStats } from '../../common/history-stats';
import { formatRfc3339, parseRfc3339Seconds, Rfc3339 } from '../time/timestamp';
import { readBody, RequestError } from './cleaning-request';
import { crossSiteProblem } from './guards';
import { parseBoundedJson } from '../limits/bounded-json';

/** A peer posts at most 2,000 cleanings at once (src/history/peer-exchange.ts): about 150 KiB. */
export const MOST_HISTORY_BODY_BYTES = 256 * 1024;
/** `[{"at": …}]`: a list of objects of strings; a little room. */
const MOST_HISTORY_BODY_DEPTH = 4;

/** What the history routes need of the server around them. */
export interface HistorySite {
  history(): History;
  /** The cleanings taken back: they stay in the history, and are left out of the figures. */
  withdrawals(): Withdrawals;
  now(): number;
  /** When each level begins after a cleaning (ms), as they are now. */
  thresholds(): LevelThresholds;
  /** Cleanings `from` (an address) sent, checked: the node takes in what the history's rules allow. */
  offerHistory(cleanings: Cleaning[], from: string): void;
  /** A peer (or anyone) sent what no node of ours would: said in a warning, at most so often. */
  refused(from: string, problem: string): void;
}

function timeParameter(query: URLSearchParams, name: string): number | null {
  const value = query.get(name);
  if (value === null) return null;
  try {
    return parseRfc3339Seconds(create(value, Rfc3339));
  } catch {
    throw new RequestError(400, `${name}=${JSON.stringify(value)} is not an RFC 3339 time`);
  }
}

function limitParameter(query: URLSearchParams): number {
  const value = query.get('limit');
  if (value === null) return MOST_CLEANINGS;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MOST_CLEANINGS) {
    throw new RequestError(400, `limit=${JSON.stringify(value)}: expected a whole number from 1 to ${MOST_CLEANINGS}`);
  }
  return Number(value);
}

/** `GET /api/history?limit=N&from=T&to=T`: newest first, `from` ≤ at < `to`. */
export function historyAnswer(site: HistorySite, query: URLSearchParams): unknown {
  const limit = limitParameter(query);
  const from = timeParameter(query, 'from');
  const to = timeParameter(query, 'to');
  const history = site.history();
  const chosen = from === null && to === null ? history : between(history, from ?? -Infinity, to ?? Infinity);
  return entriesNewestFirst(chosen.slice(Math.max(0, chosen.length - limit)));
}

export const statsAnswer = (site: HistorySite): unknown =>
  historyStats(site.history(), site.now(), site.thresholds().overdue);

const RECENT_MS = 30 * 24 * 3_600_000;
/** The page lists this many at least, however long ago. */
const LISTED_AT_LEAST = 10;

/**
 * What the page draws: the cleanings of the last 30 days and the one before them, at least the
 * last 10, of every box; a withdrawn one says when and where it was taken back (the first
 * withdrawal of it), for the page to strike it through and leave it out of its figures.
 */
export function pageHistory(site: HistorySite): PageHistory {
  const history = site.history();
  let first = history.length;
  while (first > 0 && history[first - 1].at > site.now() - RECENT_MS) first -= 1;
  first = Math.max(0, Math.min(first - 1, history.length - LISTED_AT_LEAST));
  const withdrawn = new Map<string, Withdrawal>();
  for (const withdrawal of site.withdrawals()) {
    const earlier = withdrawn.get(keyOf(withdrawal));
    if (earlier === undefined || earlier.when > withdrawal.when) withdrawn.set(keyOf(withdrawal), withdrawal);
  }
  const listed = history.slice(first);
  const entries = entriesNewestFirst(listed);
  const newestFirst = [...listed].reverse();
  return {
    cleanings: entries.map((entry, i) => {
      const taken = withdrawn.get(keyOf(newestFirst[i]));
      return taken ? { ...entry, withdrawn: { when: formatRfc3339(taken.when), node: taken.node } } : entry;
    }),
    thresholds: site.thresholds(),
  };
}

export const digestAnswer = (site: HistorySite): unknown => digestOf(site.history());

/** `POST /api/history`: cleanings from a peer, a JSON list; all taken, or none (400, and a warning). */
export async function offeredHistory(site: HistorySite, request: IncomingMessage): Promise<unknown> {
  const from = request.socket.remoteAddress ?? 'an unknown address';
  const problem = crossSiteProblem(request);
  if (problem) throw new RequestError(403, `${problem} may not add to the history; nothing was changed`);
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new RequestError(
      400,
      `expected application/json, not ${JSON.stringify(request.headers['content-type'] ?? '')}`,
    );
  }
  const body = parseBoundedJson(await readBody(request, MOST_HISTORY_BODY_BYTES), {
    mostBytes: MOST_HISTORY_BODY_BYTES,
    mostDepth: MOST_HISTORY_BODY_DEPTH,
  });
  if (!body.ok) {
    site.refused(from, `a body that is ${body.problem}`);
    throw new RequestError(400, `refused, nothing was added: the body is ${body.problem}`);
  }
  const checked = cleaningsFrom(body.value, site.now());
  if (!checked.ok) {
    site.refused(from, checked.problem);
    throw new RequestError(400, `refused, nothing was added: ${checked.problem}`);
  }
  site.offerHistory(checked.value, from);
  return { accepted: checked.value.length };
}
