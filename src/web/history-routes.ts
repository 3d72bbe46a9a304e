import type { IncomingMessage } from 'node:http';
import { create } from 'superstruct';
import type { Cleaning, Withdrawal } from '../../common/history';
import { boxNameProblem, boxOf } from '../../common/boxes';
import { keyOf } from '../../machines/history/history-set';
import type { Withdrawals } from '../../machines/history/withdrawals';
import type { PageHistory } from '../../common/history-view';
import type { LevelThresholds } from '../../common/levels';
import { between, MOST_CLEANINGS, type History } from '../../machines/history/history-set';
import { digestOf } from '../history/digest';
import { entriesNewestFirst, itemsFrom, legacyView, shownEntries, withdrawalEntryOf } from '../history/history-json';
import { historyStats } from '../../common/history-stats';
import { peopleStats } from '../../common/people-stats';
import { standing } from '../../machines/history/boxes';
import { formatRfc3339, parseRfc3339Seconds, Rfc3339 } from '../time/timestamp';
import { readBody, RequestError } from './cleaning-request';
import { crossSiteProblem } from './guards';
import { parseBoundedJson } from '../limits/bounded-json';

/** A peer posts at most 500 entries at once (src/history/peer-exchange.ts): under 200 KiB. */
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
  /** Cleanings and withdrawals `from` (an address) sent, checked: the node takes in what the history's rules allow. */
  offerHistory(cleanings: Cleaning[], withdrawals: Withdrawal[], from: string): void;
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

/** Whether a request reads what issue 25 added (`format=2`): our nodes' exchange does. */
const isCurrent = (query: URLSearchParams): boolean => query.get('format') === '2';

/**
 * `GET /api/history?limit=N&from=T&to=T&box=NAME`: newest first, `from` ≤ at < `to`. With
 * `format=2` (our nodes' exchange), the cleanings and the withdrawals as the file holds them.
 * Without it: from a period (`from`, `to`: an earlier node's exchange), the legacy view it reads
 * (docs/boxes.md); otherwise (the page, `history`, curl) each cleaning with its box and who
 * cleaned, marked when withdrawn.
 */
export function historyAnswer(site: HistorySite, query: URLSearchParams): unknown {
  const limit = limitParameter(query);
  const from = timeParameter(query, 'from');
  const to = timeParameter(query, 'to');
  const box = boxParameter(query);
  const ranged = (items: History): History =>
    from === null && to === null ? items : between(items, from ?? -Infinity, to ?? Infinity);
  const newest = (items: History): History => items.slice(Math.max(0, items.length - limit));
  const all = site.history();
  if (!isCurrent(query) && (from !== null || to !== null)) return entriesNewestFirst(newest(ranged(legacyView(all))));
  const chosen = newest(ranged(box === null ? all : all.filter((cleaning) => boxOf(cleaning) === box)));
  const chosenKeys = new Set(chosen.map(keyOf));
  const withdrawals = site.withdrawals().filter((withdrawal) => chosenKeys.has(keyOf(withdrawal)));
  if (!isCurrent(query)) return shownEntries(chosen, withdrawals);
  return [...entriesNewestFirst(chosen), ...withdrawals.map(withdrawalEntryOf)];
}

/** `?box=NAME`: that box alone; null for the whole household. A name no box may have is a 400. */
function boxParameter(query: URLSearchParams): string | null {
  const value = query.get('box');
  if (value === null) return null;
  const problem = boxNameProblem(value);
  if (problem) throw new RequestError(400, `box=${JSON.stringify(value)}: ${problem}`);
  return value;
}

/**
 * `GET /api/history/stats[?box=NAME]`: the figures of the cleanings that stand (withdrawn ones
 * left out), of one box or the household's, and who cleaned them: `people` (the household's
 * names first, then any other the history gives) and whose `turn` it is.
 */
export function statsAnswer(site: HistorySite, query: URLSearchParams, people: readonly string[]) {
  const box = boxParameter(query);
  const counted = standing(site.history(), site.withdrawals()).filter(
    (cleaning) => box === null || boxOf(cleaning) === box,
  );
  const now = site.now();
  const perPerson = peopleStats(counted, people, now);
  return {
    ...historyStats(counted, now, site.thresholds().overdue),
    people: perPerson.people.map((person) => ({
      ...person,
      lastCleaned: person.lastCleaned === null ? null : formatRfc3339(person.lastCleaned),
    })),
    unsaid30Days: perPerson.unsaid30Days,
    turn: perPerson.turn,
  };
}

const RECENT_MS = 30 * 24 * 3_600_000;
/** The page lists this many at least, however long ago. */
const LISTED_AT_LEAST = 10;

/** What the page draws: the cleanings of the last 30 days and the one before them, at least the last 10. */
export function pageHistory(site: HistorySite): PageHistory {
  const history = site.history();
  let first = history.length;
  while (first > 0 && history[first - 1].at > site.now() - RECENT_MS) first -= 1;
  first = Math.max(0, Math.min(first - 1, history.length - LISTED_AT_LEAST));
  return { cleanings: shownEntries(history.slice(first), site.withdrawals()), thresholds: site.thresholds() };
}

/**
 * `GET /api/history/digest`: with `format=2` (our nodes), of the cleanings and withdrawals,
 * saying so; without it (an earlier node), of the legacy view it serves such a node.
 */
export const digestAnswer = (site: HistorySite, query: URLSearchParams): unknown =>
  isCurrent(query)
    ? { ...digestOf(site.history(), site.withdrawals()), format: 2 }
    : digestOf(legacyView(site.history()));

/** `POST /api/history`: cleanings from a peer, a JSON list; all taken, or none (400, and a warning). */
export async function offeredHistory(
  site: HistorySite,
  request: IncomingMessage,
  /** Read already when the request was signed (src/household/http-signing.ts). */
  read?: Buffer,
): Promise<unknown> {
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
  const body = parseBoundedJson(read ?? (await readBody(request, MOST_HISTORY_BODY_BYTES)), {
    mostBytes: MOST_HISTORY_BODY_BYTES,
    mostDepth: MOST_HISTORY_BODY_DEPTH,
  });
  if (!body.ok) {
    site.refused(from, `a body that is ${body.problem}`);
    throw new RequestError(400, `refused, nothing was added: the body is ${body.problem}`);
  }
  const checked = itemsFrom(body.value, site.now());
  if (!checked.ok) {
    site.refused(from, checked.problem);
    throw new RequestError(400, `refused, nothing was added: ${checked.problem}`);
  }
  const { cleanings, withdrawals } = checked.value;
  site.offerHistory(cleanings, withdrawals, from);
  return { accepted: cleanings.length + withdrawals.length };
}
