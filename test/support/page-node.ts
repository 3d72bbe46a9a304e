import * as path from 'node:path';
import { launchChromium } from './browser';
import { freeTcpPort, freeUdpPort, NodeProcess, tempDir, type LogRecord } from './node-process';

/** A node serving its page, Chromium to look at it, and the folder of its files. */
export interface PageNode {
  temp: ReturnType<typeof tempDir>;
  node: NodeProcess;
  /** The page, `http://127.0.0.1:PORT/`. */
  url: string;
  chromium: Awaited<ReturnType<typeof launchChromium>>;
}

/**
 * The set-up of a browser test of one node: `kitchen` on 127.0.0.1 (its state file in a
 * folder of its own, which `write` fills first; free ports, no mDNS, no quiet hours) with
 * `args` besides, waited for until it serves its page (and until `ready`, when given).
 */
export async function startPageNode(
  write: (dir: string) => void,
  args: readonly string[] = [],
  ready?: { match: (record: LogRecord) => boolean; what: string },
): Promise<PageNode> {
  const temp = tempDir();
  write(temp.dir);
  const httpPort = freeTcpPort();
  const node = new NodeProcess([
    ...['--name', 'kitchen', '--state-file', path.join(temp.dir, 'state'), '--quiet-hours', 'off', '--no-mdns'],
    ...args,
    ...['--port', String(freeUdpPort()), '--http-port', String(httpPort)],
  ]);
  if (ready) await node.waitFor(ready.match, ready.what);
  await node.waitFor((record) => record.event === 'http.listening', 'the page');
  const chromium = await launchChromium();
  return { temp, node, url: `http://127.0.0.1:${httpPort}/`, chromium };
}

/** Ends what `startPageNode` started, whatever of it did start. */
export async function stopPageNode(started: PageNode | undefined): Promise<void> {
  await started?.chromium.close();
  started?.node.kill('SIGKILL');
  await started?.node.exited;
  started?.temp.remove();
}
