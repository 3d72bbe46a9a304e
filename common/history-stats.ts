import type { Cleaning, HistoryStats } from './history.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const hours = (ms: number): number => Math.round((ms / HOUR) * 10) / 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * What the history (oldest first) says of the last 7 and 30 days at `now`. Intervals are those that end
 * within the 30 days (the first may begin before); the time overdue counts from the level's
 * threshold `overdueMs` after each cleaning to the next one (or to now), within the 30 days.
 * Before the first cleaning known, nothing is counted.
 */
export function historyStats(history: readonly Cleaning[], now: number, overdueMs: number): HistoryStats {
  const since30 = now - 30 * DAY;
  const past = history.filter((cleaning) => cleaning.at <= now);
  let first = past.length;
  while (first > 0 && past[first - 1].at > since30) first -= 1;
  const intervals: number[] = [];
  for (let i = Math.max(1, first); i < past.length; i += 1) intervals.push(past[i].at - past[i - 1].at);
  let overdue = 0;
  // From the cleaning before the 30 days on: its wait may have run into them.
  for (let i = Math.max(0, first - 1); i < past.length; i += 1) {
    const end = i + 1 < past.length ? past[i + 1].at : now;
    overdue += Math.max(0, end - Math.max(past[i].at + overdueMs, since30));
  }
  return {
    cleanings7Days: past.slice(first).filter((cleaning) => cleaning.at > now - 7 * DAY).length,
    cleanings30Days: past.length - first,
    medianIntervalHours: intervals.length > 0 ? hours(median(intervals)) : null,
    longestIntervalHours: intervals.length > 0 ? hours(Math.max(...intervals)) : null,
    overdueHours30Days: hours(overdue),
  };
}
