import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchChromium, SCREENSHOTS } from '../support/browser';
import { freeTcpPort, NodeProcess, runCli, stopAll, tempDir } from '../support/node-process';
import { describeNeeding } from '../support/requirements';

describeNeeding(['chromium', 'build'], 'the household key on the page, in Chromium', () => {
  let temp: ReturnType<typeof tempDir>;
  const nodes: NodeProcess[] = [];
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  const portA = freeTcpPort();
  const portB = freeTcpPort();
  const portC = freeTcpPort();
  const state = (name: string) => path.join(temp.dir, name, 'state');

  beforeAll(async () => {
    temp = tempDir();
    expect((await runCli(['household', 'new', '--state-file', state('kitchen')])).status).toBe(0);
    for (const [name, port] of [
      ['kitchen', portA],
      ['hall', portB],
      ['porch', portC],
    ] as const) {
      const node = new NodeProcess(['--name', name, '--state-file', state(name), '--http-port', String(port)]);
      nodes.push(node);
      await node.waitFor((r) => r.event === 'http.listening', `the page of ${name}`);
    }
    chromium = await launchChromium();
  }, 40_000);

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

  it('joins a node from its own page on a phone: "Add a node" on a member, "Join the household" here, the same six digits', async () => {
    const fingerprint = String((await nodes[0].waitFor((r) => r.event === 'household.key', 'the key')).fingerprint);
    const member = await chromium.browser.newPage();
    await member.goto(`http://127.0.0.1:${portA}/`);
    await member.getByRole('button', { name: 'Add a node' }).click();
    await member.locator('.key .invite').waitFor();

    const phone = await chromium.browser.newPage({ viewport: { width: 360, height: 740 } });
    await phone.goto(`http://127.0.0.1:${portC}/`);
    const field = phone.getByRole('textbox', { name: /Join the household/ });
    // A mistyped member is refused with its reason, and the node stays without a key.
    await field.fill('kitchen local/');
    await phone.getByRole('button', { name: 'Join the household' }).click();
    await phone.locator('.join-message', { hasText: 'Not joined' }).waitFor();
    expect(await phone.locator('.join-message').textContent()).toContain('is not a member to join');
    await field.fill(`127.0.0.1:${portA}`);
    await phone.locator('section.key').screenshot({ path: path.join(SCREENSHOTS, 'household-join-phone.png') });
    await phone.getByRole('button', { name: 'Join the household' }).click();
    await phone.locator('.key .joined-via .code').waitFor();
    const code = await phone.locator('.key .joined-via .code').textContent();
    expect(code).toMatch(/^\d{3} \d{3}$/);
    // The digits may come first by the node's event stream (its key changed), the line with the
    // answer to the POST.
    await phone.locator('.join-message', { hasText: 'Joined:' }).waitFor();
    expect(await phone.locator('.join-message').textContent()).toBe(
      `Joined: this node holds the household key ${fingerprint} now.`,
    );
    expect(await phone.locator('.key .fingerprint code').textContent()).toBe(fingerprint);
    // The member's page shows the same six digits, live.
    await member.locator('.key .joined .code', { hasText: code ?? '' }).waitFor();
    // Nothing is wider than the phone.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await phone.locator('section.key').screenshot({ path: path.join(SCREENSHOTS, 'household-joined-phone.png') });
    await member.close();
    await phone.close();
  }, 30_000);
});
