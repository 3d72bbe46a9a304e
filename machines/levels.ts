import type { Colour } from '../common/colour';

/** How long ago the box was cleaned, in the words the rest of the program uses. */
export type Level = 'unknown' | 'fresh' | 'settled' | 'soon' | 'now' | 'overdue';

const HOUR = 3_600_000;

/** The original program's thresholds: each known level lasts until this age. */
export const LEVEL_ENDS_AT: Readonly<Record<Exclude<Level, 'unknown' | 'overdue'>, number>> = {
  fresh: 8 * HOUR,
  settled: 12 * HOUR,
  soon: 24 * HOUR,
  now: 26 * HOUR,
};

export const LEVEL_COLOURS: Readonly<Record<Level, Colour>> = {
  // Dim blue: distinct from every green, and not alarming before anyone has pressed the button.
  unknown: '#000014',
  fresh: '#003c00',
  settled: '#001400',
  soon: '#ff3c00',
  now: '#ff0000',
  overdue: '#ff0000',
};

export const BLINK_MS = 500;

// A timer set longer than this fires at once (setTimeout's 32-bit limit): a time far
// ahead of the clock would run through every level in milliseconds. The reminder's
// once-a-minute re-check sets the timer again long before this runs out.
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** The level for a cleaning at `lastCleaned` seen at `now` (both ms since the epoch). */
export function levelAt(lastCleaned: number | null, now: number): Level {
  if (lastCleaned === null) return 'unknown';
  // A time slightly ahead of our clock (a peer whose clock runs fast) still means "just cleaned".
  const age = Math.max(0, now - lastCleaned);
  if (age < LEVEL_ENDS_AT.fresh) return 'fresh';
  if (age < LEVEL_ENDS_AT.settled) return 'settled';
  if (age < LEVEL_ENDS_AT.soon) return 'soon';
  if (age < LEVEL_ENDS_AT.now) return 'now';
  return 'overdue';
}

/** Milliseconds until the level seen at `now` gives way to the next one (0 when none follows). */
export function msUntilNextLevel(lastCleaned: number | null, now: number): number {
  const level = levelAt(lastCleaned, now);
  if (lastCleaned === null || level === 'unknown' || level === 'overdue') return 0;
  return Math.min(lastCleaned + LEVEL_ENDS_AT[level] - now, LONGEST_TIMER_MS);
}
