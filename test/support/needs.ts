/*
 * What the tests need of the machine (root, tools, a browser, a broker, the build), and
 * whether it has it. No jest here: the benchmark builds its LAN with these too.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasMosquitto } from './mosquitto';
import { CLI } from './node-process';

/** Debian's chromium: the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

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
  chromium: { present: () => fs.existsSync(CHROMIUM), remedy: 'apt install chromium' },
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

/** Why a test named `title` cannot run, with how to get each thing missing. */
export function whyNot(title: string, lacking: readonly Need[]): string {
  const remedies = lacking.map((need) => `${need} (${NEEDS[need].remedy})`).join(', ');
  return `"${title}" cannot run here: it needs ${remedies}`;
}
