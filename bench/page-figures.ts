import type { Host } from '../test/support/netns';
import { HOUR, HostProcess, HTTP_PORT, startNode, stopNode, type LanBench } from './host-process';
import { pastTheBurst } from '../test/support/press-burst';

export interface PageFigures {
  /** From a press on one node to the `state` event about it on a page open on another, ms. */
  pressToPageMs: number[];
  /** `GET /api/state`, one request at a time on a kept-alive connection, µs. */
  stateRequestUs: number[];
}

/** A page open on `host`'s node, followed from `viewer`: resolves once the stream is open. */
export async function openPage(bench: LanBench, viewer: Host, host: Host): Promise<HostProcess> {
  const page = new HostProcess(bench, viewer, [process.execPath, bench.agent, 'events', host.address, HTTP_PORT]);
  if ((await page.nextLine()) !== 'ready') throw new Error('the page stream did not open');
  return page;
}

/**
 * Two nodes by mDNS; a page (the event stream) open on the first, from `viewer`. Each
 * round presses the second node's button; the round ends with the page's `state` event.
 */
export async function measurePage(
  bench: LanBench,
  [shown, pressed]: Host[],
  viewer: Host,
  rounds: number,
): Promise<PageFigures> {
  const start = Date.now();
  const nodes = [shown, pressed].map((host, index) => startNode(bench, host, `page${index + 1}`, start - 2 * HOUR));
  try {
    for (const node of nodes) {
      await node.waitFor((record) => record.event === 'peer.found', 'the other node by mDNS', 30_000);
    }
    const page = await openPage(bench, viewer, shown);
    await page.nextLine();
    const pressToPageMs: number[] = [];
    for (let round = 0; round < rounds + 2; round += 1) {
      // Each round's press is a new cleaning, not one of the last one's burst.
      await pastTheBurst();
      const before = nodes[1].records.length;
      const pressedNs = process.hrtime.bigint();
      nodes[1].press();
      const time = await nodes[1].waitFor(
        (record) => nodes[1].records.indexOf(record) >= before && record.event === 'time.changed',
        'the press',
      );
      for (;;) {
        const event = JSON.parse(await page.nextLine()) as { lastCleaned: string; arrivedNs: string };
        if (event.lastCleaned !== time.lastCleaned) continue;
        if (round >= 2) pressToPageMs.push(Number(BigInt(event.arrivedNs) - pressedNs) / 1e6);
        break;
      }
    }
    await page.stop();
    const getter = new HostProcess(bench, viewer, [
      process.execPath,
      bench.agent,
      'get',
      shown.address,
      HTTP_PORT,
      '500',
    ]);
    const { samplesUs } = JSON.parse(await getter.nextLine()) as { samplesUs: number[] };
    return { pressToPageMs, stateRequestUs: samplesUs.slice(100) };
  } finally {
    await Promise.all(nodes.map(stopNode));
  }
}
