// The callbacks of page.evaluate run in the browser.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, SCREENSHOTS } from '../support/browser';
import { Lan } from '../support/netns';
import { NodeProcess, stateFileAged, stopAll, tempDir } from '../support/node-process';
import { pastTheBurst } from '../support/press-burst';
import { LAN, describeNeeding } from '../support/requirements';
import { HOUR } from '../support/time';

const LIGHT_GREEN = '#003c00';
describeNeeding([...LAN, 'chromium'], 'the page in Chromium, on a LAN of three nodes and a phone', () => {
  let lan: Lan;
  let temp: ReturnType<typeof tempDir>;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  const nodes: NodeProcess[] = [];

  beforeAll(async () => {
    temp = tempDir();
    lan = new Lan(4, '10.89.0');
    for (let i = 0; i < 3; i += 1) {
      const stateFile = stateFileAged(path.join(temp.dir, `node${i}`, 'state'), 13 * HOUR);
      nodes.push(
        new NodeProcess(['--name', `node${i}`, '--state-file', stateFile, '--quiet-hours', 'off'], {
          netns: lan.hosts[i].ns,
        }),
      );
    }
    for (const node of nodes) {
      await node.waitFor(
        () => new Set(node.records.filter((r) => r.event === 'peer.found').map((r) => r.name)).size === 2,
        'the other two nodes',
        30_000,
      );
    }
    // The browser runs on the fourth host: a phone on the LAN.
    chromium = await launchChromium(lan.hosts[3].ns);
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await stopAll(nodes);
    lan?.remove();
    temp?.remove();
  });

  const open = async (width: number, height: number): Promise<Page> => {
    const page = await chromium.browser.newPage({ viewport: { width, height } });
    await page.goto(`http://${lan.hosts[0].address}:5380/`);
    return page;
  };
  const rootData = (page: Page, name: string) =>
    page.evaluate((attribute) => document.documentElement.getAttribute(attribute), name);

  it('shows the level, the time and the household, and records a cleaning that every node adopts', async () => {
    const page = await open(390, 844);
    expect(await rootData(page, 'data-level')).toBe('soon');
    await expect(page.textContent('h1')).resolves.toBe('Due soon');
    await expect(page.textContent('.ago')).resolves.toMatch(
      /^last cleaned 13 h 0 min ago \((\w{3} \d+ \w{3} )?\d\d:\d\d\)$/,
    );
    await page.waitForFunction(() => document.querySelectorAll('.household li').length === 3);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'page-phone-due-soon.png') });

    // A stray tap does nothing: the first opens the confirmation, the second records.
    await page.click('details.confirm summary');
    expect(await rootData(page, 'data-level')).toBe('soon');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'page-phone-confirm.png') });
    await page.click('details.confirm button');
    await page.waitForFunction(() => document.documentElement.dataset.level === 'fresh');
    await page.waitForFunction(() => document.querySelector('.message')?.textContent?.startsWith('Recorded'));
    const recorded = await nodes[0].waitFor(
      (r) => r.event === 'time.changed' && r.reason === 'press' && r.source === 'web',
      'the cleaning from the page',
    );
    expect(await rootData(page, 'data-last-cleaned')).toBe(recorded.lastCleaned);
    await Promise.all(nodes.map((node) => node.waitForLed(LIGHT_GREEN)));
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.household li')].every((li) => li.classList.contains('level-fresh')),
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'page-phone-fresh.png') });
    await page.close();
  });

  it('follows a press on another node within a second, without a reload', async () => {
    const page = await open(1280, 800);
    await page.waitForFunction(() => document.querySelectorAll('.household li').length === 3);
    const loaded = await page.evaluate(() => performance.getEntriesByType('navigation').length);
    await pastTheBurst();
    nodes[2].press();
    const pressedAt = Date.now();
    const pressed = await nodes[2].waitFor(
      (r) => r.event === 'time.changed' && r.reason === 'press' && r.source === 'button',
      'the press on node2',
    );
    await page.waitForFunction((time) => document.documentElement.dataset.lastCleaned === time, pressed.lastCleaned, {
      timeout: 1000,
    });
    expect(Date.now() - pressedAt).toBeLessThan(1000);
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(loaded);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'page-desktop.png') });
    await page.close();
  });

  it('records a cleaning earlier than the household’s as history, changing nothing shown', async () => {
    const page = await open(390, 844);
    const shown = await rootData(page, 'data-last-cleaned');
    await page.click('details.earlier summary');
    const anHourAgo = await page.evaluate(() => {
      const then = new Date(Date.now() - 3_600_000);
      return new Date(then.getTime() - then.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    });
    await page.fill('input[name="at"]', anHourAgo);
    await page.click('details.earlier button');
    await page.waitForFunction(() => document.querySelector('.message')?.textContent?.includes('later cleaning'));
    expect(await rootData(page, 'data-last-cleaned')).toBe(shown);
    await page.close();
  });
});
