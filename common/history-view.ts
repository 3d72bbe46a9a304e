import { boxOf } from './boxes.js';
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

/** A cleaning as the page gets it: withdrawn ones say when and where they were taken back. */
export interface PageEntry extends HistoryEntry {
  withdrawn?: { when: string; node: string };
}

/** The page's `history` event: what the list, the figures and the chart are drawn from. */
export interface PageHistory {
  /**
   * Newest first: the cleanings of the last 30 days, the one before them, and at least the last
   * 10; of every box, withdrawn ones too (listed struck through, left out of the chart and figures).
   */
  cleanings: PageEntry[];
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

/** The cleanings that stand: a withdrawn one is listed, but neither drawn nor counted. */
const standing = (cleanings: readonly PageEntry[]): PageEntry[] => cleanings.filter((entry) => !entry.withdrawn);

/** The history of one box (`box`), or of the whole household (null). */
export function boxHistory(history: PageHistory, box: string | null): PageHistory {
  return box === null ? history : { ...history, cleanings: history.cleanings.filter((entry) => boxOf(entry) === box) };
}

/** What a withdrawn cleaning says in place of its wait: when and where it was taken back. */
function withdrawnWords(entry: PageEntry, now: number, timeZone?: string): string {
  const withdrawn = entry.withdrawn;
  return withdrawn ? `taken back ${clockTime(Date.parse(withdrawn.when), now, timeZone)} on ${withdrawn.node}` : '';
}

/**
 * The last cleanings, newest first: when, after how long (coloured by the level it reached), how
 * and where, who when said, and the box when the list holds several. A withdrawn cleaning is
 * struck through and says when it was taken back; the waits run between the cleanings that stand.
 */
export function historyItems(history: PageHistory, now: number, timeZone?: string, count = 8): string {
  const { cleanings, thresholds } = history;
  if (cleanings.length === 0) return '<li class="empty">No cleaning recorded yet.</li>';
  const severalBoxes = new Set(cleanings.map(boxOf)).size > 1;
  return cleanings
    .slice(0, count)
    .map((entry, i) => {
      const at = Date.parse(entry.at);
      const previous = cleanings.slice(i + 1).find((other) => !other.withdrawn && boxOf(other) === boxOf(entry));
      const gap = previous && !entry.withdrawn ? at - Date.parse(previous.at) : null;
      const level = gap === null ? 'unreachable' : levelAfter(gap, thresholds);
      const after = entry.withdrawn ? 'withdrawn' : gap === null ? '' : `after ${formatDuration(gap)}`;
      const how = [
        severalBoxes ? boxOf(entry) : '',
        entry.by ? `by ${entry.by}` : '',
        SOURCE_WORDS[entry.source],
        entry.node ?? '',
        withdrawnWords(entry, now, timeZone),
      ]
        .filter(Boolean)
        .join(' · ');
      const when = escapeHtml(clockTime(at, now, timeZone));
      return (
        `<li class="cleaning level-${level}${entry.withdrawn ? ' withdrawn' : ''}"><span class="swatch" aria-hidden="true"></span>` +
        `<span class="when">${entry.withdrawn ? `<s>${when}</s>` : when}</span>` +
        `<span class="after">${escapeHtml(after)}</span><span class="how">${escapeHtml(how)}</span></li>`
      );
    })
    .join('');
}

/** The times of the cleanings that stand, oldest first, box by box. */
function timesByBox(cleanings: readonly PageEntry[]): number[][] {
  const boxes = new Map<string, number[]>();
  for (const entry of standing(cleanings)) {
    const times = boxes.get(boxOf(entry)) ?? [];
    times.push(Date.parse(entry.at));
    boxes.set(boxOf(entry), times);
  }
  return [...boxes.values()].map((times) => times.sort((a, b) => a - b));
}

/**
 * Each wait between a box's cleanings that ended in the last 30 days, and the one since its last
 * cleaning, for every box in `cleanings`.
 */
function intervals(cleanings: readonly PageEntry[], now: number): Interval[] {
  const waits: Interval[] = [];
  for (const times of timesByBox(cleanings)) {
    for (let i = 1; i < times.length; i += 1) {
      if (times[i] > now - WINDOW_MS && times[i] <= now)
        waits.push({ from: times[i - 1], to: times[i], ongoing: false });
    }
    const last = times[times.length - 1];
    if (last !== undefined && last <= now) waits.push({ from: last, to: now, ongoing: true });
  }
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

/**
 * The figures of the last 7 and 30 days at `now`, from what the page has, of the cleanings that
 * stand. Of several boxes (the household's): the cleanings of all, the waits of each box
 * between its own cleanings, and the time each box was overdue, added up.
 */
export function pageStats(history: PageHistory, now: number): HistoryStats {
  const perBox = timesByBox(history.cleanings).map((times) =>
    historyStats(
      times.map((at) => ({ at, source: 'button' as const, node: null })),
      now,
      history.thresholds.overdue,
    ),
  );
  if (perBox.length <= 1) return perBox[0] ?? historyStats([], now, history.thresholds.overdue);
  const waits = intervals(history.cleanings, now)
    .filter((wait) => !wait.ongoing)
    .map((wait) => wait.to - wait.from)
    .sort((a, b) => a - b);
  const hoursOf = (ms: number) => Math.round((ms / HOUR) * 10) / 10;
  const middle = Math.floor(waits.length / 2);
  const median = waits.length % 2 === 1 ? waits[middle] : (waits[middle - 1] + waits[middle]) / 2;
  const sum = (pick: (stats: HistoryStats) => number) => perBox.reduce((total, stats) => total + pick(stats), 0);
  return {
    cleanings7Days: sum((stats) => stats.cleanings7Days),
    cleanings30Days: sum((stats) => stats.cleanings30Days),
    medianIntervalHours: waits.length > 0 ? hoursOf(median) : null,
    longestIntervalHours: waits.length > 0 ? hoursOf(waits[waits.length - 1]) : null,
    overdueHours30Days: Math.round(sum((stats) => stats.overdueHours30Days) * 10) / 10,
  };
}
