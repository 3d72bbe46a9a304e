import { dateFormat } from '../../common/date-formats';

/**
 * `2026-11-24 14:20` (or `14:20:05` with seconds) in `timeZone`: the way the command
 * line shows a time, sortable and the same in every locale (Swedish writes it so).
 */
export function formatLocal(epochMs: number, timeZone: string, options: { seconds?: boolean } = {}): string {
  return dateFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(options.seconds ? { second: '2-digit' } : {}),
  }).format(new Date(epochMs));
}

/** Date.UTC, but the years 0 to 99 are those years: Date.UTC reads them as 1900 to 1999. */
function utc(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

/** How far `timeZone` is ahead of UTC at the instant `epochMs`, in ms. */
function zoneOffset(epochMs: number, timeZone: string): number {
  const parts = dateFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(epochMs));
  const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = utc(field('year'), field('month'), field('day'), field('hour'), field('minute'), field('second'));
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant a wall-clock time `2026-12-01T08:30` (as a form's datetime-local input
 * sends it) names in `timeZone`, in whole seconds; null when it is no real date and time.
 */
export function localToEpoch(local: string, timeZone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!match) return null;
  const [year, month, day, hour, minute, second = 0] = match.slice(1).map((part) => Number(part ?? 0));
  const asUtc = utc(year, month, day, hour, minute, second);
  const date = new Date(asUtc);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  // The offset at the guess, then at the result: right on both sides of a change of the clocks.
  const guess = asUtc - zoneOffset(asUtc, timeZone);
  return asUtc - zoneOffset(guess, timeZone);
}
