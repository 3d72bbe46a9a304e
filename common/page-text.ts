import { dateFormat } from './date-formats.js';
import { formatAgo } from './durations.js';
import type { HouseholdEntry } from './api-json.js';
import { LEVEL_NAMES, type Level } from './levels.js';

/*
 * The words and the household list of the page, the same on the node (which renders the
 * page) and in the browser (which keeps it live). `timeZone` undefined: the browser's own.
 */

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The level in words, for a heading: `Due soon`. */
export function levelTitle(level: Level | 'unreachable'): string {
  const words = level === 'unreachable' ? 'not answering' : LEVEL_NAMES[level];
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `08:31` today, `Mon 30 Nov 08:31` on an earlier day. */
export function clockTime(epochMs: number, now: number, timeZone?: string): string {
  const day = (ms: number) =>
    dateFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
  const time = dateFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(epochMs);
  if (day(epochMs) === day(now)) return time;
  return `${dateFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short' }).format(epochMs)} ${time}`;
}

/** `last cleaned 2 h 14 min ago (08:31)`, or what to do while the time is not known. */
export function agoLine(lastCleaned: string | null, now: number, timeZone?: string): string {
  if (lastCleaned === null) return 'not known yet — press Cleaned now when you clean the box';
  const at = Date.parse(lastCleaned);
  return `${formatAgo(now - at)} (${clockTime(at, now, timeZone)})`;
}

/** The household as the page lists it: one that disagrees with the newest time, or does not answer, is marked. */
export function householdItems(
  household: readonly HouseholdEntry[],
  self: string,
  now: number,
  timeZone?: string,
): string {
  const times = household.map((node) => node.lastCleaned).filter((time): time is string => time !== null);
  const newest = times.length > 0 ? Math.max(...times.map((time) => Date.parse(time))) : null;
  return household
    .map((node) => {
      const silent = node.level === 'unreachable';
      const older = !silent && (node.lastCleaned === null ? newest !== null : Date.parse(node.lastCleaned) !== newest);
      const marks = [
        node.name === self ? 'this node' : '',
        silent ? 'not answering' : '',
        older ? 'has an older time' : '',
        node.levels ? `its levels: ${node.levels.split(',').join(', ')}` : '',
      ];
      const time =
        node.lastCleaned !== null
          ? clockTime(Date.parse(node.lastCleaned), now, timeZone)
          : silent
            ? 'no answer'
            : 'not known yet';
      return (
        `<li class="node level-${node.level}${silent || older ? ' marked' : ''}">` +
        '<span class="swatch" aria-hidden="true"></span>' +
        `<span class="name">${escapeHtml(node.name)}</span><span class="time">${escapeHtml(time)}</span>` +
        `<span class="marks">${escapeHtml(marks.filter(Boolean).join(' · '))}</span></li>`
      );
    })
    .join('');
}
