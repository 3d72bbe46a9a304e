import {
  define,
  enums,
  nullable,
  object,
  optional,
  pattern,
  size,
  string,
  type StructError,
  validate,
} from 'superstruct';
import { boxField, boxNameProblem, personNameProblem } from '../../common/boxes';
import {
  HISTORY_SOURCES,
  type Cleaning,
  type HistoryEntry,
  type Withdrawal,
  type WithdrawalEntry,
} from '../../common/history';
import { keyOf } from '../../machines/history/history-set';
import type { Withdrawals } from '../../machines/history/withdrawals';
import { EARLIEST_MS, MAX_AHEAD_MS } from '../../machines/shared/time-rules';
import { formatRfc3339, parseRfc3339Seconds, Rfc3339 } from '../time/timestamp';

/**
 * An mDNS instance name is one DNS label: at most 63 bytes; and it is printed on terminals
 * and pages, so no control characters (an escape sequence could rewrite a terminal).
 */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const NodeName = pattern(size(string(), 1, 63), /^[^\u0000-\u001f\u007f-\u009f]*$/);

/** A name checked by its rule (common/boxes.ts), which says what is wrong with it. */
const checkedName = (what: string, problem: (value: string) => string | null) =>
  define<string>(what, (value) =>
    typeof value === 'string' ? (problem(value) ?? true) : `expected a string, not ${typeof value}`,
  );

const BoxName = checkedName('box', boxNameProblem);
const PersonName = checkedName('person', personNameProblem);

/*
 * Both are `object`s: a key not named here refuses the entry, as it does on every earlier node
 * (whose entry knows only `at`, `source` and `node`). A key a later version adds may change
 * what the entry means, as `withdrawn` does, so it is never skipped over.
 */
const HistoryEntryStruct = object({
  at: Rfc3339,
  source: enums(HISTORY_SOURCES),
  node: nullable(NodeName),
  box: optional(BoxName),
  by: optional(PersonName),
});
const WithdrawalEntryStruct = object({ withdrawn: Rfc3339, box: optional(BoxName), when: Rfc3339, node: NodeName });

/** Keys in this order, `box` only for a box other than the default, `by` only when said: one cleaning, one line. */
export function entryOf(cleaning: Cleaning): HistoryEntry {
  return {
    at: formatRfc3339(cleaning.at),
    source: cleaning.source,
    node: cleaning.node,
    ...boxField(cleaning.box),
    ...(cleaning.by === undefined ? {} : { by: cleaning.by }),
  };
}

export function withdrawalEntryOf(withdrawal: Withdrawal): WithdrawalEntry {
  return {
    withdrawn: formatRfc3339(withdrawal.at),
    ...boxField(withdrawal.box),
    when: formatRfc3339(withdrawal.when),
    node: withdrawal.node,
  };
}

/**
 * One JSON line per cleaning and per withdrawal, as the file writes them and the digest hashes
 * them: a node's name may hold a space or a newline, and only an encoding that cannot be
 * misread gives two different histories two different hashes.
 */
export const lineOf = (cleaning: Cleaning): string => `${JSON.stringify(entryOf(cleaning))}\n`;
export const withdrawalLineOf = (withdrawal: Withdrawal): string =>
  `${JSON.stringify(withdrawalEntryOf(withdrawal))}\n`;

/** Newest first, as the API and the command give them. */
export function entriesNewestFirst(cleanings: readonly Cleaning[]): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (let i = cleanings.length - 1; i >= 0; i -= 1) entries.push(entryOf(cleanings[i]));
  return entries;
}

/** Each cleaning's entry, newest first, marked withdrawn when it was (by its earliest withdrawal). */
export function shownEntries(cleanings: readonly Cleaning[], withdrawals: Withdrawals): HistoryEntry[] {
  const withdrawn = new Map<string, Withdrawal>();
  for (const withdrawal of withdrawals) {
    const key = keyOf(withdrawal);
    const held = withdrawn.get(key);
    if (!held || withdrawal.when < held.when) withdrawn.set(key, withdrawal);
  }
  const entries = entriesNewestFirst(cleanings);
  return entries.map((entry, i) => {
    const withdrawal = withdrawn.get(keyOf(cleanings[entries.length - 1 - i]));
    return withdrawal
      ? { ...entry, withdrawn: { when: formatRfc3339(withdrawal.when), node: withdrawal.node } }
      : entry;
  });
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
  // A name is given where the cleaning was recorded, so it always comes with how and where.
  if (entry.by !== undefined && (entry.source === 'network' || entry.node === null)) {
    return {
      ok: false,
      problem: `names who cleaned (${JSON.stringify(entry.by)}) but not how and where it was recorded`,
    };
  }
  return {
    ok: true,
    value: {
      at,
      source: entry.source,
      node: entry.node,
      ...boxField(entry.box),
      ...(entry.by === undefined ? {} : { by: entry.by }),
    },
  };
}

/** One withdrawal from outside, checked, or what is wrong with it; `now` as for cleaningFrom. */
export function withdrawalFrom(value: unknown, now: number | null): Checked<Withdrawal> {
  const [error, entry] = validate(value, WithdrawalEntryStruct);
  if (error) return { ok: false, problem: problemOf(error) };
  const at = parseRfc3339Seconds(entry.withdrawn);
  const when = parseRfc3339Seconds(entry.when);
  const problem = timeProblem(at, now) ?? timeProblem(when, now);
  if (problem) return { ok: false, problem: `a withdrawal ${problem}` };
  return { ok: true, value: { at, ...boxField(entry.box), when, node: entry.node } };
}

/** A line of the file, an entry of the API: a cleaning, or (its first key `withdrawn`) a withdrawal. */
export type HistoryItem = { cleaning: Cleaning } | { withdrawal: Withdrawal };

export function itemFrom(value: unknown, now: number | null): Checked<HistoryItem> {
  if (typeof value === 'object' && value !== null && 'withdrawn' in value) {
    const checked = withdrawalFrom(value, now);
    return checked.ok ? { ok: true, value: { withdrawal: checked.value } } : checked;
  }
  const checked = cleaningFrom(value, now);
  return checked.ok ? { ok: true, value: { cleaning: checked.value } } : checked;
}

/**
 * Cleanings and withdrawals, as a peer sends them, all of it checked: one bad entry refuses the
 * whole list, as a peer that sends one is not to be believed on the rest.
 */
export function itemsFrom(
  value: unknown,
  now: number | null,
): Checked<{ cleanings: Cleaning[]; withdrawals: Withdrawal[] }> {
  if (!Array.isArray(value)) return { ok: false, problem: `expected a list of cleanings, not ${typeof value}` };
  const cleanings: Cleaning[] = [];
  const withdrawals: Withdrawal[] = [];
  for (const [i, entry] of (value as unknown[]).entries()) {
    const checked = itemFrom(entry, now);
    if (!checked.ok) return { ok: false, problem: `entry ${i}: ${checked.problem}` };
    if ('cleaning' in checked.value) cleanings.push(checked.value.cleaning);
    else withdrawals.push(checked.value.withdrawal);
  }
  return { ok: true, value: { cleanings, withdrawals } };
}

/**
 * What a node of an earlier version reads (docs/boxes.md): the default box's cleanings, without
 * who cleaned; withdrawn ones too, as it took them before they were withdrawn. Served to a
 * request without `format=2`, and hashed into the digest such a request gets, so that an older
 * node and ours settle when they hold the same cleanings of the default box.
 */
export const legacyView = (cleanings: readonly Cleaning[]): Cleaning[] =>
  cleanings.flatMap((cleaning) =>
    cleaning.box === undefined ? [{ at: cleaning.at, source: cleaning.source, node: cleaning.node }] : [],
  );
