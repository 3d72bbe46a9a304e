import {
  boxHistory,
  historyChart,
  historyItems,
  pageStats,
  statsLine,
  type PageEntry,
  type PageHistory,
} from '../../common/history-view';
import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';
import { historyTable } from '../../src/commands/history-report';
import { DAY, HOUR, NOON } from '../support/time';

const rfc = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');

/** Waits of 20 h, 25 h and 30 h ending in the last days, one of 5 h before the 30 days, and 3 h since. */
const history: PageHistory = {
  cleanings: [
    NOON - 3 * HOUR,
    NOON - 33 * HOUR,
    NOON - 58 * HOUR,
    NOON - 78 * HOUR,
    NOON - 40 * DAY,
    NOON - 40 * DAY - 5 * HOUR,
  ].map((at, i) => ({
    at: rfc(at),
    source: i === 0 ? ('web' as const) : ('button' as const),
    node: i === 0 ? null : 'hall-1234',
  })),
  thresholds: DEFAULT_THRESHOLDS,
};

describe('the history on the page', () => {
  it('draws one bar per wait that ended in the last 30 days, coloured by the level it reached, and the wait since', () => {
    const svg = historyChart(history, NOON, 'UTC');
    const bars = [...svg.matchAll(/<rect class="bar ([^"]+)"/g)].map((match) => match[1]);
    // Oldest first: 36 d 18 h (it ended within the 30 days), 20 h, 25 h, 30 h, and the open one of 3 h.
    expect(bars).toEqual(['level-overdue', 'level-soon', 'level-now', 'level-overdue', 'level-fresh ongoing']);
    expect(svg).toContain('<title>since 09:00: 3 h 0 min so far</title>');
    expect([...svg.matchAll(/<rect class="band (level-\w+)"/g)].map((match) => match[1])).toEqual([
      'level-fresh',
      'level-settled',
      'level-soon',
      'level-now',
      'level-overdue',
    ]);
    // The longest wait (37 d) is cut at 72 h: the chart stays legible.
    expect(svg).toContain('>72 h</text>');
    expect(svg).toMatch(/^<svg class="chart" viewBox="0 0 360 180" role="img" aria-label="[^"]+">/);
  });

  it('keeps every bar within the chart, the open one too, however overdue', () => {
    // The last cleaning 80 h ago: the open wait is overdue and taller than the chart; another just now.
    const at = (times: number[]): PageHistory => ({
      ...history,
      cleanings: times.map((time) => ({ at: rfc(time), source: 'button', node: null })),
    });
    const charts: PageHistory[] = [
      at([NOON - 80 * HOUR, NOON - 100 * HOUR, NOON - 120 * HOUR]),
      history,
      at([NOON, NOON - 26 * HOUR, NOON - 50 * HOUR]),
    ];
    for (const chart of charts) {
      const svg = historyChart(chart, NOON, 'UTC');
      const edge = Number(/<line class="axis" x1="[\d.]+" y1="[\d.]+" x2="([\d.]+)"/.exec(svg)?.[1]);
      const top = Number(/<rect class="band level-overdue" x="[\d.]+" y="([\d.]+)"/.exec(svg)?.[1]);
      const bars = [...svg.matchAll(/<rect class="bar [^"]*?( ongoing)?" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"/g)];
      expect(bars.length).toBeGreaterThan(0);
      for (const [, ongoing, x, y, width] of bars) {
        // An outlined bar's stroke (1.5) reaches 0.75 beyond its box.
        const stroke = ongoing ? 0.75 : 0;
        expect(Number(x) + Number(width) + stroke).toBeLessThanOrEqual(edge);
        expect(Number(y)).toBeGreaterThanOrEqual(top);
      }
    }
  });

  it('lists the last cleanings with when, after how long, how and where, escaped', () => {
    const items = historyItems(
      { ...history, cleanings: [{ at: rfc(NOON), source: 'web', node: '<b>' }, ...history.cleanings] },
      NOON,
      'UTC',
      3,
    );
    expect(items.match(/<li/g)).toHaveLength(3);
    expect(items).toContain('<span class="when">12:00</span><span class="after">after 3 h 0 min</span>');
    expect(items).toContain('page · &lt;b&gt;');
    expect(items).toContain('class="cleaning level-now"');
    expect(historyItems({ ...history, cleanings: [] }, NOON)).toContain('No cleaning recorded yet');
  });

  it('says the figures of the last 7 and 30 days in one line', () => {
    expect(statsLine(pageStats(history, NOON))).toBe(
      // Waits of 36 d 18 h (overdue from 30 days ago to its end: 642 h), 20, 25 and 30 h (4 h overdue).
      '7 days: 4 cleanings · 30 days: 4 · median interval 1 d 3 h · longest 36 d 18 h · overdue 26 d 22 h in 30 days',
    );
  });
});

describe('the history command’s table', () => {
  it('puts the newest first, each with the time since the one before and the level it had reached', () => {
    const oldestFirst = [NOON - 50 * HOUR, NOON - 25 * HOUR, NOON].map((at) => ({
      at,
      source: 'button' as const,
      node: 'kitchen-3f2a',
    }));
    expect(historyTable(oldestFirst, 2, 'UTC', false, DEFAULT_THRESHOLDS).split('\n')).toEqual([
      'WHEN              AFTER    LEVEL REACHED  WHERE         HOW',
      '2026-01-15 12:00  1 d 1 h  due now        kitchen-3f2a  button',
      '2026-01-14 11:00  1 d 1 h  due now        kitchen-3f2a  button',
    ]);
  });
});

describe('the history of several boxes on the page', () => {
  const entry = (hoursAgo: number, parts: Partial<PageEntry> = {}): PageEntry => ({
    at: rfc(NOON - hoursAgo * HOUR),
    source: 'web',
    node: 'hall-1234',
    ...parts,
  });
  /** Upstairs every 20 h, the default box every 30 h; upstairs' latest (1 h ago) withdrawn. */
  const household: PageHistory = {
    cleanings: [
      entry(1, { box: 'upstairs', by: 'Anna', withdrawn: { when: rfc(NOON - 0.9 * HOUR), node: 'attic' } }),
      entry(2, { box: 'upstairs', by: 'Ben' }),
      entry(10),
      entry(22, { box: 'upstairs' }),
      entry(40),
    ],
    thresholds: DEFAULT_THRESHOLDS,
  };

  it('shows one box’s cleanings, or all of them', () => {
    expect(boxHistory(household, 'upstairs').cleanings).toHaveLength(3);
    expect(boxHistory(household, 'litter box').cleanings.map((e) => e.at)).toEqual([
      rfc(NOON - 10 * HOUR),
      rfc(NOON - 40 * HOUR),
    ]);
    expect(boxHistory(household, null)).toBe(household);
  });

  it('strikes a withdrawn cleaning through, says when and where it was taken back, and counts the waits of the others', () => {
    const items = historyItems(household, NOON, 'UTC');
    const lines = items.split('</li>').filter(Boolean);
    expect(lines[0]).toContain('class="cleaning level-unreachable withdrawn"');
    expect(lines[0]).toContain('<span class="when"><s>11:00</s></span><span class="after">withdrawn</span>');
    expect(lines[0]).toContain('upstairs · by Anna · page · hall-1234 · taken back 11:06 on attic');
    // Each wait runs from the box's own cleaning before, which stands: 20 h upstairs, 30 h downstairs.
    expect(lines[1]).toContain('<span class="after">after 20 h 0 min</span><span class="how">upstairs · by Ben · page');
    expect(lines[2]).toContain('after 1 d 6 h</span><span class="how">litter box · page');
    // One box: the box is not said on every line.
    expect(historyItems(boxHistory(household, 'upstairs'), NOON, 'UTC')).not.toContain('upstairs ·');
  });

  it('leaves a withdrawn cleaning out of the chart and the figures, and adds up the boxes for the household', () => {
    const upstairs = boxHistory(household, 'upstairs');
    expect(pageStats(upstairs, NOON)).toMatchObject({ cleanings30Days: 2, medianIntervalHours: 20 });
    // The waits since: 2 h upstairs (not 1 h: that one was taken back), 10 h downstairs.
    expect(historyChart(upstairs, NOON, 'UTC')).toContain('<title>since 10:00: 2 h 0 min so far</title>');
    const chart = historyChart(household, NOON, 'UTC');
    expect(chart.match(/<rect class="bar/g)).toHaveLength(4);
    expect(chart).toContain('<title>since 02:00: 10 h 0 min so far</title>');
    expect(pageStats(household, NOON)).toMatchObject({
      cleanings30Days: 4,
      cleanings7Days: 4,
      // The waits of 20 h (upstairs) and 30 h (downstairs).
      medianIntervalHours: 25,
      longestIntervalHours: 30,
    });
  });
});
