import { dateFormat } from '../../common/date-formats';

/** A daily period, in minutes after local midnight; `start > end` wraps midnight. */
export interface QuietHours {
  start: number;
  end: number;
}

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;

/** Milliseconds since local midnight in `timeZone` at the instant `epochMs`. */
export function localTimeOfDayMs(epochMs: number, timeZone: string): number {
  const parts = dateFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(epochMs));
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value ?? 0);
  const ms = ((epochMs % 1000) + 1000) % 1000;
  return ((field('hour') * 60 + field('minute')) * 60 + field('second')) * 1000 + ms;
}

export function isQuietAt(hours: QuietHours, epochMs: number, timeZone: string): boolean {
  const minute = Math.floor(localTimeOfDayMs(epochMs, timeZone) / MINUTE);
  return hours.start <= hours.end
    ? minute >= hours.start && minute < hours.end
    : minute >= hours.start || minute < hours.end;
}

/**
 * Milliseconds until the local clock next reads `minuteOfDay`. A daylight-saving
 * change in between makes this an hour off; the machines re-check every minute.
 */
export function msUntilLocalMinute(minuteOfDay: number, epochMs: number, timeZone: string): number {
  const nowMs = localTimeOfDayMs(epochMs, timeZone);
  const targetMs = minuteOfDay * MINUTE;
  const ahead = (targetMs - nowMs + DAY_MINUTES * MINUTE) % (DAY_MINUTES * MINUTE);
  return ahead === 0 ? DAY_MINUTES * MINUTE : ahead;
}

export function formatQuietHours(hours: QuietHours | null): string {
  if (hours === null) return 'off';
  const hhmm = (minute: number): string =>
    `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  return `${hhmm(hours.start)}-${hhmm(hours.end)}`;
}
