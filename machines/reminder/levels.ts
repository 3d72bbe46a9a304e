import { levelAfter, type Level, type LevelThresholds } from '../../common/levels';

const HOUR = 3_600_000;

/** The original program's thresholds: 8, 12, 24 and 26 hours. */
export const DEFAULT_THRESHOLDS: Readonly<LevelThresholds> = {
  settled: 8 * HOUR,
  soon: 12 * HOUR,
  now: 24 * HOUR,
  overdue: 26 * HOUR,
};

export const BLINK_MS = 500;

// A timer set longer than this fires at once (setTimeout's 32-bit limit): a time far
// ahead of the clock would run through every level in milliseconds. The reminder's
// once-a-minute re-check sets the timer again long before this runs out.
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** The level for a cleaning at `lastCleaned` seen at `now` (both ms since the epoch). */
export function levelAt(lastCleaned: number | null, now: number, thresholds: LevelThresholds): Level {
  if (lastCleaned === null) return 'unknown';
  // A time slightly ahead of our clock (a peer whose clock runs fast) still means "just cleaned".
  return levelAfter(Math.max(0, now - lastCleaned), thresholds);
}

/** The age at which the level after `level` begins; null when none follows. */
function endOf(level: Level, thresholds: LevelThresholds): number | null {
  switch (level) {
    case 'fresh':
      return thresholds.settled;
    case 'settled':
      return thresholds.soon;
    case 'soon':
      return thresholds.now;
    case 'now':
      return thresholds.overdue;
    default:
      return null;
  }
}

/**
 * Milliseconds until the level seen at `now` gives way to the next one (0 when none
 * follows). Whole milliseconds and at least one: a timer that fires a little before the
 * wall clock gets there (the two clocks drift apart) is set again for what is left, and
 * what is left must shrink to nothing.
 */
export function msUntilNextLevel(lastCleaned: number | null, now: number, thresholds: LevelThresholds): number {
  const end = lastCleaned === null ? null : endOf(levelAt(lastCleaned, now, thresholds), thresholds);
  if (lastCleaned === null || end === null) return 0;
  return Math.min(Math.max(1, Math.ceil(lastCleaned + end - now)), LONGEST_TIMER_MS);
}
