import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM } from './needs';

/** Where the tests leave their screenshots (not committed): look at them. */
export const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'artifacts', 'screenshots');

/**
 * Headless Chromium, as root (no sandbox), with nothing of its own going to the network;
 * in the network namespace `netns` when given (a laptop on a test LAN).
 */
export async function launchChromium(netns?: string): Promise<{ browser: Browser; close: () => Promise<void> }> {
  let executablePath = CHROMIUM;
  let wrapperDir: string | undefined;
  if (netns) {
    wrapperDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-in-'));
    executablePath = path.join(wrapperDir, 'chromium');
    fs.writeFileSync(executablePath, `#!/bin/sh\nexec ip netns exec ${netns} ${CHROMIUM} "$@"\n`, { mode: 0o755 });
  }
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    browser,
    close: async () => {
      await browser.close();
      if (wrapperDir) fs.rmSync(wrapperDir, { recursive: true, force: true });
    },
  };
}
