// The callbacks of page.evaluate run in the browser.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { BoxJson } from '../../common/api-json';
import { formatRfc3339 } from '../../src/time/timestamp';
import { SCREENSHOTS } from '../support/browser';
import { startPageNode, stopPageNode, type PageNode } from '../support/page-node';
import { describeNeeding } from '../support/requirements';

const HOUR = 3_600_000;
/** A phone held upright: the narrowest the page is made for. */
const PHONE = { width: 360, height: 800 };

describeNeeding(['chromium'], 'two boxes on the page, with Undo and who cleaned, in Chromium', () => {
  let started: PageNode | undefined;
  let chromium: PageNode['chromium'];
  let url: string;
  const second = (ms: number) => Math.floor(ms / 1000) * 1000;
  // Upstairs cleaned 13 h ago (due soon), the basement 25 h ago by Ben (due now); a day of cleanings before.
  const upstairsAt = formatRfc3339(second(Date.now() - 13 * HOUR));
  const basementAt = formatRfc3339(second(Date.now() - 25 * HOUR));

  beforeAll(async () => {
    started = await startPageNode(
      (dir) => {
        const lines = [
          { at: formatRfc3339(second(Date.now() - 40 * HOUR)), source: 'button', node: 'kitchen', box: 'upstairs' },
          {
            at: formatRfc3339(second(Date.now() - 44 * HOUR)),
            source: 'web',
            node: 'kitchen',
            box: 'basement',
            by: 'Anna',
          },
          { at: basementAt, source: 'web', node: 'kitchen', box: 'basement', by: 'Ben' },
          { at: upstairsAt, source: 'button', node: 'kitchen', box: 'upstairs' },
        ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
        fs.writeFileSync(path.join(dir, 'history.jsonl'), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
        fs.writeFileSync(path.join(dir, 'state'), upstairsAt);
      },
      ['--boxes', 'upstairs,basement', '--people', 'Anna,Ben'],
    );
    ({ url, chromium } = started);
  }, 30_000);

  afterAll(() => stopPageNode(started));

  const boxes = async (): Promise<BoxJson[]> => (await fetch(`${url}api/boxes`)).json() as Promise<BoxJson[]>;
  const boxOf = async (name: string) => (await boxes()).find((box) => box.box === name);
  const card = (name: string) => `.boxes li.box[data-box="${name}"]`;
  const focused = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');
  const open = async (): Promise<Page> => {
    const page = await chromium.browser.newPage({ viewport: PHONE });
    await page.goto(url);
    return page;
  };

  it('shows the node’s own box at the top and the other with its level, time and "Cleaned now", at 360 px', async () => {
    const page = await open();
    await expect(page.textContent('.own-box')).resolves.toBe('upstairs');
    await expect(page.textContent('h1')).resolves.toBe('Due soon');
    await expect(page.textContent(`${card('basement')} .box-level`)).resolves.toBe('Due now');
    await expect(page.textContent(`${card('basement')} .box-details`)).resolves.toBe('cleaned by Ben · on kitchen');
    // Nothing wider than the phone: no sideways scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    // Every control says what it does.
    const unnamed = await page.$$eval(
      'button, summary, select',
      (controls) =>
        controls.filter((control) => !(control.getAttribute('aria-label') ?? control.textContent ?? '').trim()).length,
    );
    expect(unnamed).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'boxes-phone-start.png'), fullPage: true });
    // The top of the page, as a phone shows it: docs/images/boxes-phone.png is a copy.
    await page.screenshot({ path: path.join(SCREENSHOTS, 'boxes-phone.png') });
    await page.close();
  });

  it('records a press on the other box, asks who cleaned, and saves the name', async () => {
    const page = await open();
    await page.click(`${card('basement')} details.confirm summary`);
    await page.click(`${card('basement')} details.confirm button`);
    await page.waitForSelector(`${card('basement')} .who`);
    await expect(page.textContent(`${card('basement')} .box-level`)).resolves.toBe('Fresh');
    // The focus goes to the first name: one tap, or Enter.
    await expect(focused(page)).resolves.toBe('Anna');
    const pressed = await boxOf('basement');
    expect(pressed?.undoUntil).not.toBeNull();
    expect(Date.parse(pressed?.lastCleaned ?? '')).toBeGreaterThan(Date.now() - 60_000);
    await page.click(`${card('basement')} .who button[data-by="Ben"]`);
    await page.waitForFunction(
      (selector) => document.querySelector(`${selector} .box-details`)?.textContent?.startsWith('cleaned by Ben'),
      card('basement'),
    );
    // The question goes with the name, whichever of the answer's reply and the event stream comes first.
    expect(await page.$(`${card('basement')} .who`)).toBeNull();
    expect((await boxOf('basement'))?.by).toBe('Ben');
    // The focus comes back to the box's "Cleaned now" once the reply is in.
    await page.waitForFunction(() => document.activeElement?.textContent === 'Cleaned now');
    await expect(page.textContent(`${card('basement')} .message`)).resolves.toBe('Recorded: Ben cleaned basement.');
    // The node's own box is untouched.
    await expect(page.textContent('h1')).resolves.toBe('Due soon');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'boxes-phone-named.png'), fullPage: true });
    await page.close();
  });

  it('records a press on the node’s own box, skips the name, and takes it back with Undo', async () => {
    const page = await open();
    await page.click('.actions details.confirm summary');
    await page.click('.actions details.confirm button');
    await page.waitForSelector('.who-slot .who');
    await page.waitForFunction(() => document.documentElement.dataset.level === 'fresh');
    const pressed = await boxOf('upstairs');
    await page.click('.who-slot button.skip');
    await page.waitForFunction(() => !document.querySelector('.who-slot .who'));
    expect((await boxOf('upstairs'))?.by).toBeNull();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'boxes-phone-undo.png') });
    await page.click('.undo-slot form.undo button');
    // The node sends the page its new state and history on the event stream before it answers the
    // undo: the line says "Taken back" with the answer, and the focus comes back to "Cleaned now"
    // once the boxes are fetched again after it.
    await page.waitForFunction(() =>
      document.querySelector('.actions .message')?.textContent?.startsWith('Taken back'),
    );
    await page.waitForFunction(() => document.activeElement?.textContent === 'Cleaned now');
    expect(await page.$('.undo-slot form.undo')).toBeNull();
    // Back to the cleaning before, on the page (by the event stream) and on the node.
    await page.waitForFunction((time) => document.documentElement.dataset.lastCleaned === time, upstairsAt);
    await expect(page.textContent('h1')).resolves.toBe('Due soon');
    expect((await boxOf('upstairs'))?.lastCleaned).toBe(upstairsAt);
    // The press stays in the history, struck through, and out of the figures (the stream's `history`
    // event, which comes after its `state`).
    await page.waitForFunction(() => document.querySelector('ol.cleanings li')?.classList.contains('withdrawn'));
    const first = page.locator('ol.cleanings li').first();
    await expect(first.getAttribute('class')).resolves.toContain('withdrawn');
    await expect(first.locator('.when s').count()).resolves.toBe(1);
    expect(pressed?.lastCleaned).not.toBe(upstairsAt);
    await expect(page.textContent('p.stats')).resolves.toMatch(/30 days: 2 ·/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'boxes-phone-undone.png'), fullPage: true });
    await page.close();
  });

  it('shows the history, the figures and who cleaned of the box picked, or of the household', async () => {
    const page = await open();
    // Who cleaned and whose turn come from the node's figures (GET /api/history/stats, with `people`
    // from the version that counts them): the page says them when the node gives them, else nothing.
    const figures = async (query: string) =>
      ((await (await fetch(`${url}api/history/stats${query}`)).json()) as { people?: unknown[] }).people !== undefined;
    const peopleLine = () => page.textContent('.history .people');
    await page.selectOption('.box-picker select', 'basement');
    await page.waitForFunction(() =>
      document.querySelector('ol.cleanings li .how')?.textContent?.startsWith('by Ben · page · kitchen'),
    );
    if (await figures('?box=basement')) {
      await page.waitForFunction(() =>
        document
          .querySelector('.history .people')
          ?.textContent?.startsWith('30 days, basement: Anna 1 (33 %) · Ben 2 (67 %)'),
      );
    } else {
      await expect(peopleLine()).resolves.toBe('');
    }
    await page.selectOption('.box-picker select', '');
    // The household's list names each cleaning's box.
    await page.waitForFunction(() =>
      [...document.querySelectorAll('ol.cleanings li .how')].some((how) => how.textContent?.startsWith('upstairs')),
    );
    const hows = await page.$$eval('ol.cleanings li .how', (spans) => spans.map((span) => span.textContent ?? ''));
    expect(hows.some((how) => how.startsWith('basement · by Ben'))).toBe(true);
    if (await figures('')) {
      await page.waitForFunction(() =>
        document.querySelector('.history .people')?.textContent?.startsWith('30 days, every box'),
      );
    }
    await page.locator('section.history').screenshot({ path: path.join(SCREENSHOTS, 'boxes-history-phone.png') });
    await page.close();
  });
});
