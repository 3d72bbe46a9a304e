// The callbacks of page.evaluate run in the browser.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { SOURCE_WORDS, type HistorySource } from '../../common/history';
import { formatRfc3339 } from '../../src/time/timestamp';
import { SCREENSHOTS } from '../support/browser';
import { startPageNode, stopPageNode, type PageNode } from '../support/page-node';
import type { NodeProcess } from '../support/node-process';
import { describeNeeding } from '../support/requirements';
import { HOUR } from '../support/time';

/** Waits of the last 30 days and a bit, in hours, oldest first: each level at least once, two overdue. */
const WAITS = [
  20, 9, 14, 30, 6, 11, 23, 25, 7, 13, 40, 10, 18, 5, 22, 12, 27, 8, 16, 24, 9, 21, 15, 11, 19, 26.5, 10, 6,
];
const SOURCES: HistorySource[] = ['button', 'web', 'button', 'reset', 'mqtt', 'network'];
const NODES = ['kitchen', 'hall', null];

describeNeeding(['chromium'], 'the history on the page, in Chromium', () => {
  let started: PageNode | undefined;
  let node: NodeProcess;
  let chromium: PageNode['chromium'];
  let url: string;
  const cleanings: { at: string; source: HistorySource; node: string | null }[] = [];

  beforeAll(async () => {
    started = await startPageNode(
      (dir) => {
        // The last cleaning 5 h ago; the ones before it at the waits above.
        let at = Math.floor((Date.now() - 5 * HOUR) / 1000) * 1000;
        for (let i = WAITS.length; i >= 0; i -= 1) {
          const source = SOURCES[i % SOURCES.length];
          cleanings.unshift({ at: formatRfc3339(at), source, node: source === 'network' ? null : NODES[i % 2] });
          if (i > 0) at -= Math.round(WAITS[i - 1] * HOUR);
        }
        fs.writeFileSync(path.join(dir, 'state'), cleanings[cleanings.length - 1].at);
        fs.writeFileSync(
          path.join(dir, 'history.jsonl'),
          cleanings.map((cleaning) => `${JSON.stringify(cleaning)}\n`).join(''),
        );
      },
      [],
      { match: (r) => r.event === 'history.loaded' && r.cleanings === cleanings.length, what: 'the history loaded' },
    );
    ({ node, url, chromium } = started);
  }, 30_000);

  afterAll(() => stopPageNode(started));

  const bars = (page: Page) =>
    page.$$eval('svg.chart rect.bar', (rects) =>
      rects.map((rect) => ({
        level: [...rect.classList].find((name) => name.startsWith('level-')),
        height: Number(rect.getAttribute('height')),
        ongoing: rect.classList.contains('ongoing'),
      })),
    );

  it('draws one bar per wait of the last 30 days over the level bands, and lists the last cleanings', async () => {
    const page = await chromium.browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(url);
    // Every wait that ended within the 30 days, and the one still running.
    const since = Date.now() - 30 * 24 * HOUR;
    const ended = cleanings.filter((cleaning, i) => i > 0 && Date.parse(cleaning.at) > since).length;
    const drawn = await bars(page);
    expect(drawn).toHaveLength(ended + 1);
    expect(drawn.filter((bar) => bar.ongoing)).toHaveLength(1);
    // Each wait's bar has the colour of the level it reached: the 40 h and 27 h waits overdue, the 6 h ones fresh.
    expect(drawn.filter((bar) => bar.level === 'level-overdue').length).toBeGreaterThanOrEqual(2);
    expect(new Set(drawn.map((bar) => bar.level))).toEqual(
      new Set(['level-fresh', 'level-settled', 'level-soon', 'level-now', 'level-overdue']),
    );
    const tallest = drawn.reduce((a, b) => (b.height > a.height ? b : a));
    expect(tallest.level).toBe('level-overdue');
    // Every bar within the chart, as the phone draws it: none past the end of its axis (the wait since, at
    // "today", was half out of it).
    const edges = await page.$$eval('svg.chart rect.bar', (rects) => rects.map((r) => r.getBoundingClientRect().right));
    const axisEnd = await page.$eval('svg.chart line.axis', (line) => line.getBoundingClientRect().right);
    for (const right of edges) expect(right).toBeLessThanOrEqual(axisEnd + 0.01);
    await page.locator('svg.chart').screenshot({ path: path.join(SCREENSHOTS, 'history-chart-phone.png') });
    await expect(page.$$eval('svg.chart rect.band', (rects) => rects.length)).resolves.toBe(5);

    // The list: newest first, with where and how.
    const items = await page.$$eval('ol.cleanings li', (lis) => lis.map((li) => li.textContent ?? ''));
    expect(items).toHaveLength(8);
    const newest = cleanings[cleanings.length - 1];
    expect(items[0]).toContain(`${SOURCE_WORDS[newest.source]} · ${newest.node}`);
    expect(items[0]).toContain(`after ${WAITS[WAITS.length - 1]} h 0 min`);
    await expect(page.textContent('p.stats')).resolves.toMatch(/^7 days: \d+ cleanings · 30 days: \d+ · .* · overdue /);
    await page.locator('section.history').screenshot({ path: path.join(SCREENSHOTS, 'history-phone.png') });
    await page.close();
  });

  it('adds a press to the list and the chart at once, without a reload', async () => {
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
    await page.goto(url);
    const before = (await bars(page)).length;
    const first = await page.textContent('ol.cleanings li .when');
    node.press();
    await page.waitForFunction((count) => document.querySelectorAll('svg.chart rect.bar').length === count, before + 1);
    await expect(page.textContent('ol.cleanings li .how')).resolves.toBe('button · kitchen');
    await expect(page.textContent('ol.cleanings li:nth-child(2) .when')).resolves.toBe(first);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'history-desktop-dark.png'), fullPage: true });
    await page.close();
  });
});
