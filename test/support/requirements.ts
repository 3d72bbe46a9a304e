import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasChromium } from './browser';
import { hasMosquitto } from './mosquitto';
import { CLI } from './node-process';

/** Runs `command` and says whether it could (the tool is installed, and works). */
function runs(command: string, ...args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** What a suite may need of the machine: how to tell it is there, and what to do when it is not. */
const NEEDS = {
  root: { present: () => process.getuid?.() === 0, remedy: 'run the tests as root' },
  iproute2: { present: () => runs('ip', '-V'), remedy: 'apt install iproute2' },
  nftables: { present: () => runs('nft', '--version'), remedy: 'apt install nftables' },
  setpriv: { present: () => runs('setpriv', '--version'), remedy: 'apt install util-linux' },
  chromium: { present: hasChromium, remedy: 'apt install chromium' },
  mosquitto: { present: hasMosquitto, remedy: 'apt install mosquitto' },
  openssl: { present: () => runs('openssl', 'version'), remedy: 'apt install openssl' },
  'python3-zeroconf': {
    present: () => runs('/usr/bin/python3', '-c', 'import zeroconf'),
    remedy: 'apt install python3-zeroconf',
  },
  build: { present: () => fs.existsSync(CLI), remedy: `npm run build (${path.relative(process.cwd(), CLI)})` },
} satisfies Record<string, { present: () => boolean; remedy: string }>;

export type Need = keyof typeof NEEDS;

/** What it takes to build hosts of a test LAN: network namespaces, veth pairs, nftables rules. */
export const LAN: Need[] = ['root', 'iproute2', 'nftables'];

const known = new Map<Need, boolean>();

/** The needs this machine does not meet, each looked at once. */
export function missing(needs: readonly Need[]): Need[] {
  return needs.filter((need) => {
    if (!known.has(need)) known.set(need, NEEDS[need].present());
    return !known.get(need);
  });
}

/** True under CI (`CI=true`): there, a test that cannot run is a failure, not a skip. */
const underCi = (): boolean => process.env.CI === 'true';

function whyNot(title: string, lacking: readonly Need[]): string {
  const remedies = lacking.map((need) => `${need} (${NEEDS[need].remedy})`).join(', ');
  return `"${title}" cannot run here: it needs ${remedies}`;
}

/**
 * `describe` for a suite that needs things of the machine (root, a tool, a browser). Where
 * one is missing, the suite is skipped with a warning that names it and how to get it, so
 * that a skip is never mistaken for a pass; under CI (`CI=true`) the suite fails instead,
 * so that a CI run that lacks a tool cannot pass without the tests that need it.
 */
export function describeNeeding(needs: readonly Need[], title: string, body: () => void): void {
  const lacking = missing(needs);
  if (lacking.length === 0) {
    describe(title, body);
    return;
  }
  if (underCi()) {
    describe(title, () => {
      it('has what it needs', () => {
        throw new Error(`${whyNot(title, lacking)}; under CI a missing tool fails the run`);
      });
    });
    return;
  }
  console.warn(`skipped: ${whyNot(title, lacking)}`);
  describe.skip(title, body);
}

/** `it` for one test that needs things of the machine: skipped with a warning, or failed under CI, as above. */
export function itNeeding(needs: readonly Need[], title: string, body: () => Promise<void>, timeoutMs?: number): void {
  const lacking = missing(needs);
  if (lacking.length === 0) {
    it(title, body, timeoutMs);
  } else if (underCi()) {
    it(title, () => {
      throw new Error(`${whyNot(title, lacking)}; under CI a missing tool fails the run`);
    });
  } else {
    console.warn(`skipped: ${whyNot(title, lacking)}`);
    it.skip(title, body);
  }
}
