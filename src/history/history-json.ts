import { enums, nullable, object, pattern, size, string, type StructError, validate } from 'superstruct';
import { HISTORY_SOURCES, type Cleaning, type HistoryEntry } from '../../common/history';
import { EARLIEST_MS, MAX_AHEAD_MS } from '../../machines/shared/time-rules';
import { formatRfc3339, parseRfc3339Seconds, Rfc3339 } from '../time/timestamp';

/**
 * An mDNS instance name is one DNS label: at most 63 bytes; and it is printed on terminals
 * and pages, so no control characters (an escape sequence could rewrite a terminal).
 */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const NodeName = pattern(size(string(), 1, 63), /^[^\u0000-\u001f\u007f-\u009f]*$/);

const HistoryEntryStruct = object({ at: Rfc3339, source: enums(HISTORY_SOURCES), node: nullable(NodeName) });

export function entryOf(cleaning: Cleaning): HistoryEntry {
  return { at: formatRfc3339(cleaning.at), source: cleaning.source, node: cleaning.node };
}

/** Newest first, as the API and the command give them. */
export function entriesNewestFirst(cleanings: readonly Cleaning[]): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (let i = cleanings.length - 1; i >= 0; i -= 1) entries.push(entryOf(cleanings[i]));
  return entries;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

function problemOf(error: StructError): string {
  const where = error.path.length > 0 ? `at ${error.path.join('.')}: ` : '';
  return `${where}${error.message}`;
}

/**
 * A time no cleaning can have: before 1970, or ahead of our clock (`now`; null: not looked
 * at) by more than a clock may be wrong.
 */
function timeProblem(at: number, now: number | null): string | null {
  if (at < EARLIEST_MS) return 'before 1970';
  if (now !== null && at > now + MAX_AHEAD_MS) return `in the future (this node's clock says ${formatRfc3339(now)})`;
  return null;
}

/**
 * One cleaning from outside, checked, or what is wrong with it. A line of our own file is
 * not held to the clock (`now` null): a Pi's clock may not be set yet after boot.
 */
export function cleaningFrom(value: unknown, now: number | null): Checked<Cleaning> {
  const [error, entry] = validate(value, HistoryEntryStruct);
  if (error) return { ok: false, problem: problemOf(error) };
  const at = parseRfc3339Seconds(entry.at);
  const problem = timeProblem(at, now);
  if (problem) return { ok: false, problem: `${JSON.stringify(entry.at)} is ${problem}` };
  return { ok: true, value: { at, source: entry.source, node: entry.node } };
}

/**
 * A list of cleanings from a peer, all of it checked: one bad entry refuses the whole list,
 * as a peer that sends one is not to be believed on the rest.
 */
export function cleaningsFrom(value: unknown, now: number | null): Checked<Cleaning[]> {
  if (!Array.isArray(value)) return { ok: false, problem: `expected a list of cleanings, not ${typeof value}` };
  const cleanings: Cleaning[] = [];
  for (const [i, entry] of (value as unknown[]).entries()) {
    const checked = cleaningFrom(entry, now);
    if (!checked.ok) return { ok: false, problem: `entry ${i}: ${checked.problem}` };
    cleanings.push(checked.value);
  }
  return { ok: true, value: cleanings };
}
