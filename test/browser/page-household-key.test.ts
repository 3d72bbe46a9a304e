import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchChromium } from '../support/browser';
import { freeTcpPort, NodeProcess, runCli, stopAll, tempDir } from '../support/node-process';
import { describeNeeding } from '../support/requirements';

describeNeeding(['chromium', 'build'], 'the household key on the page, in Chromium', () => {
  let temp: ReturnType<typeof tempDir>;
  const nodes: NodeProcess[] = [];
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  const portA = freeTcpPort();
  const portB = freeTcpPort();
  const state = (name: string) => path.join(temp.dir, name, 'state');

  beforeAll(async () => {
    temp = tempDir();
    expect((await runCli(['household', 'new', '--state-file', state('kitchen')])).status).toBe(0);
    for (const [name, port] of [
      ['kitchen', portA],
      ['hall', portB],
    ] as const) {
      const node = new NodeProcess(['--name', name, '--state-file', state(name), '--http-port', String(port)]);
      nodes.push(node);
      await node.waitFor((r) => r.event === 'http.listening', `the page of ${name}`);
    }
    chromium = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await chromium?.close();
    await stopAll(nodes);
    temp?.remove();
  });

  it('says plainly that a node without a key lets anyone write the history', async () => {
    const page = await chromium.browser.newPage();
    await page.goto(`http://127.0.0.1:${portB}/`);
    await page.locator('.key .no-key').waitFor();
    expect(await page.locator('.key').textContent()).toContain('anyone on the network can write');
    await page.close();
  });

  it('shows the fingerprint, opens an invitation with "Add a node", and shows the six digits of the join', async () => {
    const fingerprint = String((await nodes[0].waitFor((r) => r.event === 'household.key', 'the key')).fingerprint);
    const page = await chromium.browser.newPage();
    await page.goto(`http://127.0.0.1:${portA}/`);
    expect(await page.locator('.key .fingerprint code').textContent()).toBe(fingerprint);
    await page.getByRole('button', { name: 'Add a node' }).click();
    await page.locator('.key .invite').waitFor();
    expect(await page.locator('.key .invite').textContent()).toContain('household join kitchen.local');
    const joined = await runCli(['household', 'join', `127.0.0.1:${portA}`, '--state-file', state('hall')]);
    expect(joined.status).toBe(0);
    const code = /code (\d{3} \d{3})/.exec(joined.stdout)?.[1];
    // Live, by the node's event stream: no reload.
    await page.locator('.key .joined .code').waitFor();
    expect(await page.locator('.key .joined .code').textContent()).toBe(code);
    expect(await page.locator('.key .invite').count()).toBe(0);
    const html = await page.content();
    const key = fs.readFileSync(path.join(temp.dir, 'kitchen', 'household.key'), 'utf8').trim();
    expect(html).not.toContain(key);
    await page.close();
  }, 30_000);
});
