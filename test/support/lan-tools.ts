import { execFile, execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { Host } from './netns';

/** One HTTP request from `host`, as a browser there would send it (`init` as fetch takes it: a POST, its body). */
export function httpFrom(host: Host, url: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  const script = `fetch(${JSON.stringify(url)}, ${JSON.stringify(init)}).then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() })))`;
  return new Promise((resolve, reject) =>
    execFile('ip', ['netns', 'exec', host.ns, process.execPath, '-e', script], (error, stdout) => {
      if (error) reject(new Error(`fetch ${url} from ${host.ns} failed`, { cause: error }));
      else resolve(JSON.parse(stdout) as { status: number; body: string });
    }),
  );
}

/** Runs test/support/mdns-stranger.js on `host` with `args` (forged mDNS records), to its end. */
export function stranger(host: Host, ...args: string[]): Promise<void> {
  const script = path.join(__dirname, 'mdns-stranger.js');
  return new Promise((resolve, reject) =>
    execFile('ip', ['netns', 'exec', host.ns, process.execPath, script, ...args], (error, _stdout, stderr) => {
      if (error) reject(new Error(`the stranger (${args.join(' ')}) failed: ${stderr}`, { cause: error }));
      else resolve();
    }),
  );
}

function nft(host: Host, ...args: string[]): string {
  return execFileSync('ip', ['netns', 'exec', host.ns, 'nft', ...args], { encoding: 'utf8' });
}

/**
 * Counts the UDP datagrams `host` sends but for mDNS (the cluster's, to any port: a peer
 * may advertise any): call the result for the count so far.
 */
export function countDatagramsSent(host: Host): () => number {
  nft(host, 'add', 'table', 'inet', 'sent');
  nft(host, 'add', 'chain', 'inet', 'sent', 'out', '{ type filter hook output priority 0; }');
  nft(host, 'add', 'rule', 'inet', 'sent', 'out', 'udp', 'dport', '!=', '5353', 'counter');
  return () => Number(/packets (\d+)/.exec(nft(host, 'list', 'table', 'inet', 'sent'))?.[1] ?? NaN);
}

/** Drops the UpdateState datagrams `host` sends (bincode variant 1), until the returned function is called. */
export function blockUpdates(host: Host): () => void {
  nft(host, 'add', 'table', 'inet', 'noupdates');
  nft(host, 'add', 'chain', 'inet', 'noupdates', 'out', '{ type filter hook output priority 0; }');
  nft(host, 'add', 'rule', 'inet', 'noupdates', 'out', 'udp', 'dport', '5300', '@th,64,32', '0x01000000', 'drop');
  return () => nft(host, 'delete', 'table', 'inet', 'noupdates');
}
