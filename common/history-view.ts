import { dateFormat } from './date-formats.js';
import { historyStats } from './history-stats.js';
import { formatDuration } from './durations.js';
import { SOURCE_WORDS, type HistoryEntry, type HistoryStats } from './history.js';
import { LEVEL_NAMES, levelAfter, type LevelThresholds } from './levels.js';
import { clockTime, escapeHtml } from './page-text.js';

/*
 * The history as the page shows it, the same on the node (which renders the page) and in
 * the browser (which redraws it on each `history` event, and as time passes).
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WINDOW_MS = 30 * DAY;

/** The page's `history` event: what the list, the figures and the chart are drawn from. */
export interface PageHistory {
  /** Newest first: the cleanings of the last 30 days, the one before them, and at least the last 10. */
  cleanings: HistoryEntry[];
  /** When each level begins after a cleaning, ms: the chart's bands. */
  thresholds: LevelThresholds;
}

interface Interval {
  from: number;
  to: number;
  /** Up to now: the box has not been cleaned since. */
  ongoing: boolean;
}

const hours = (value: number | null) => (value === null ? '–' : formatDuration(value * HOUR));

/** `7 days: 6 cleanings · 30 days: 27 · median interval 23 h 50 min · longest 1 d 7 h · never overdue in 30 days` */
export function statsLine(stats: HistoryStats): string {
  return [
    `7 days: ${stats.cleanings7Days} cleaning${stats.cleanings7Days === 1 ? '' : 's'}`,
    `30 days: ${stats.cleanings30Days}`,
    `median interval ${hours(stats.medianIntervalHours)}`,
    `longest ${hours(stats.longestIntervalHours)}`,
    stats.overdueHours30Days === 0
      ? 'never overdue in 30 days'
      : `overdue ${hours(stats.overdueHours30Days)} in 30 days`,
  ].join(' · ');
}

/** The last cleanings, newest first: when, after how long (coloured by the level it reached), how and where. */
export function historyItems(history: PageHistory, now: number, timeZone?: string, count = 8): string {
  const { cleanings, thresholds } = history;
  if (cleanings.length === 0) return '<li class="empty">No cleaning recorded yet.</li>';
  return cleanings
    .slice(0, count)
    .map((entry, i) => {
      const at = Date.parse(entry.at);
      const previous = cleanings[i + 1] as HistoryEntry | undefined;
      const gap = previous ? at - Date.parse(previous.at) : null;
      const level = gap === null ? 'unreachable' : levelAfter(gap, thresholds);
      const after = gap === null ? '' : `after ${formatDuration(gap)}`;
      const how = [SOURCE_WORDS[entry.source], entry.node ?? ''].filter(Boolean).join(' · ');
      return (
        `<li class="cleaning level-${level}"><span class="swatch" aria-hidden="true"></span>` +
        `<span class="when">${escapeHtml(clockTime(at, now, timeZone))}</span>` +
        `<span class="after">${escapeHtml(after)}</span><span class="how">${escapeHtml(how)}</span></li>`
      );
    })
    .join('');
}

/** Each wait between cleanings that ended in the last 30 days, and the one since the last cleaning. */
function intervals(cleanings: readonly HistoryEntry[], now: number): Interval[] {
  const times = cleanings.map((entry) => Date.parse(entry.at)).sort((a, b) => a - b);
  const waits: Interval[] = [];
  for (let i = 1; i < times.length; i += 1) {
    if (times[i] > now - WINDOW_MS && times[i] <= now) waits.push({ from: times[i - 1], to: times[i], ongoing: false });
  }
  const last = times[times.length - 1];
  if (last !== undefined && last <= now) waits.push({ from: last, to: now, ongoing: true });
  return waits;
}

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * The last 30 days as an SVG chart: one bar per wait between cleanings, at the time it
 * ended and as high as it lasted, over bands in the strip's colours at the level
 * thresholds; the wait since the last cleaning is drawn open. Styled by the page's CSS.
 */
export function historyChart(history: PageHistory, now: number, timeZone?: string): string {
  const [width, height, left, right, top, bottom] = [360, 180, 30, 8, 8, 22];
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const waits = intervals(history.cleanings, now);
  const longest = Math.max(30, ...waits.map((wait) => (wait.to - wait.from) / HOUR));
  const topHours = Math.min(72, Math.ceil(longest / 6) * 6);
  const y = (h: number) => round(top + plotHeight * (1 - Math.min(h, topHours) / topHours));
  const x = (t: number) => round(left + (plotWidth * (t - (now - WINDOW_MS))) / WINDOW_MS);
  const { settled, soon, now: due, overdue } = history.thresholds;
  const bands: [string, number, number][] = [
    ['fresh', 0, settled],
    ['settled', settled, soon],
    ['soon', soon, due],
    ['now', due, overdue],
    ['overdue', overdue, topHours * HOUR],
  ];
  const parts: string[] = [];
  for (const [level, from, to] of bands) {
    if (from / HOUR >= topHours) continue;
    const [y1, y2] = [y(to / HOUR), y(from / HOUR)];
    parts.push(
      `<rect class="band level-${level}" x="${left}" y="${y1}" width="${plotWidth}" height="${round(y2 - y1)}"/>`,
    );
  }
  let lastLabel = Infinity;
  for (const threshold of [settled, soon, due, overdue, topHours * HOUR]) {
    const at = y(threshold / HOUR);
    // Labels closer than a line apart (24 h and 26 h, say) would overlap: the lower one is kept.
    if (lastLabel - at < 11) continue;
    lastLabel = at;
    parts.push(
      `<text class="axis" x="${left - 4}" y="${round(at + 3.5)}" text-anchor="end">${round(threshold / HOUR)} h</text>`,
    );
  }
  for (let day = 28; day >= 0; day -= 7) {
    const t = now - day * DAY;
    const label = day === 0 ? 'today' : dateFormat('en-GB', { timeZone, day: 'numeric', month: 'short' }).format(t);
    parts.push(
      `<text class="axis" x="${x(t)}" y="${height - 6}" text-anchor="${day === 0 ? 'end' : 'middle'}">${escapeHtml(label)}</text>`,
    );
  }
  const barWidth = round(Math.max(2, Math.min(9, plotWidth / Math.max(1, waits.length) / 1.6)));
  for (const wait of waits) {
    const h = (wait.to - wait.from) / HOUR;
    const level = levelAfter(wait.to - wait.from, history.thresholds);
    // Centred on when it ended, but never past the chart's right edge (the wait since, ending now, would be
    // half out); the open one is outlined (a stroke of 1.5, half of it outside): its box keeps 1 clear.
    const rightmost = left + plotWidth - barWidth - (wait.ongoing ? 1 : 0);
    const barX = round(Math.min(x(wait.to) - barWidth / 2, rightmost));
    const title = wait.ongoing
      ? `since ${clockTime(wait.from, now, timeZone)}: ${formatDuration(wait.to - wait.from)} so far`
      : `${clockTime(wait.to, now, timeZone)}: after ${formatDuration(wait.to - wait.from)} (${LEVEL_NAMES[level]})`;
    parts.push(
      `<rect class="bar level-${level}${wait.ongoing ? ' ongoing' : ''}" x="${barX}" y="${y(h)}" width="${barWidth}" ` +
        `height="${round(y(0) - y(h))}"><title>${escapeHtml(title)}</title></rect>`,
    );
  }
  const label = 'Hours between cleanings over the last 30 days, against the strip’s levels';
  return (
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${label}">` +
    `${parts.join('')}<line class="axis" x1="${left}" y1="${y(0)}" x2="${left + plotWidth}" y2="${y(0)}"/></svg>`
  );
}

/** The figures of the last 7 and 30 days at `now`, from what the page has. */
export function pageStats(history: PageHistory, now: number): HistoryStats {
  const oldestFirst = history.cleanings
    .map((entry) => ({ at: Date.parse(entry.at), source: entry.source, node: entry.node }))
    .reverse();
  return historyStats(oldestFirst, now, history.thresholds.overdue);
}
