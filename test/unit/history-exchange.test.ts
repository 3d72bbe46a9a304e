import * as http from 'node:http';
import { createActor, setup, type AnyEventObject } from 'xstate';
import type { Cleaning } from '../../common/history';
import { historyOf, type History } from '../../machines/history-set';
import type { ExchangeCommand, HistoryPeer } from '../../machines/historyMachine';
import { digestOf } from '../../src/history/digest';
import { exchangeWith, historySyncActor } from '../../src/history/peer-exchange';
import { RefusedAnswer } from '../../src/http-json';
import { capturingLogger } from '../support/capturing-logger';
import { freeTcpPort } from '../support/node-process';
import { until } from '../support/until';
import { NOON, webHarness } from '../support/web-harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const rfc = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');
const at = (ms: number, source: Cleaning['source'] = 'button', node: string | null = 'kitchen-3f2a'): Cleaning => ({
  at: ms,
  source,
  node,
});
const peerAt = (port: number): HistoryPeer => ({ name: 'hall-1234', address: '127.0.0.1', port });

/** A peer that answers each request as `answer` says: what a hostile or broken node might send. */
async function fakePeer(answer: (path: string) => { status?: number; body: string }) {
  const port = freeTcpPort();
  const posts: string[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.method === 'POST') posts.push(body);
      const { status = 200, body: text } = answer(request.url ?? '');
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { peer: peerAt(port), posts, close: () => server.close() };
}

describe('exchanging histories with a peer', () => {
  let web: Awaited<ReturnType<typeof webHarness>>;
  beforeEach(async () => {
    web = await webHarness();
  });
  afterEach(() => web.stop());
  const offered = () =>
    web.reports.filter((report) => report.type === 'history.offered').flatMap((r) => r.cleanings as Cleaning[]);

  it('takes what the peer has and ours lacks, and sends it what it lacks, period by period', async () => {
    const shared = at(NOON - 40 * DAY, 'web', null);
    const theirs = historyOf([shared, at(NOON - 2 * DAY, 'reset', 'hall-1234'), at(NOON - HOUR, 'network', null)]);
    const ours = historyOf([shared, at(NOON - HOUR), at(NOON - 100 * DAY, 'web', 'attic-77aa')]);
    web.showHistory(theirs);
    const received = await exchangeWith(peerAt(web.port), ours, NOON);
    // Theirs of the last days, and not the network one: ours says more of that second.
    expect(received).toEqual([at(NOON - 2 * DAY, 'reset', 'hall-1234')]);
    expect(offered()).toEqual([at(NOON - 100 * DAY, 'web', 'attic-77aa'), at(NOON - HOUR)]);
  });

  it('sends nothing and takes nothing when the digests agree', async () => {
    const same = historyOf([at(NOON - DAY), at(NOON - HOUR)]);
    web.showHistory(same);
    expect(await exchangeWith(peerAt(web.port), same, NOON)).toEqual([]);
    expect(offered()).toEqual([]);
  });

  it('makes a new node whole: a peer of 10,000 cleanings sends them all', async () => {
    const many = historyOf(Array.from({ length: 10_000 }, (_, i) => at(NOON - i * 2 * HOUR, 'button', 'hall-1234')));
    web.showHistory(many);
    const received = await exchangeWith(peerAt(web.port), [], NOON);
    expect(historyOf(received)).toEqual(many);
  });
});

describe('a peer that sends what none of ours would', () => {
  const digestWith = (history: History) => JSON.stringify(digestOf(history));
  const future = historyOf([at(NOON + DAY)]);
  const cases: [string, (path: string) => { status?: number; body: string }, RegExp][] = [
    ['no JSON', () => ({ body: '<html>hello</html>' }), /not JSON/],
    ['a digest of the wrong shape', () => ({ body: '{"count":"many"}' }), /digest is not one/],
    [
      'a digest of a thousand periods',
      () => ({
        body: JSON.stringify({
          count: 1000,
          hash: 'x',
          buckets: Array.from({ length: 1000 }, (_, i) => ({ from: rfc(i * 30 * DAY), count: 1, hash: 'x' })),
        }),
      }),
      /more than 3 years/,
    ],
    [
      'a cleaning in the future',
      (path) => ({
        body: path.startsWith('/api/history/digest')
          ? digestWith(future)
          : JSON.stringify([{ at: rfc(NOON + DAY), source: 'web', node: null }]),
      }),
      /in the future/,
    ],
    [
      'cleanings of the wrong shape',
      (path) => ({ body: path.startsWith('/api/history/digest') ? digestWith(future) : '[{"when":"now"}]' }),
      /entry 0/,
    ],
    [
      'an answer far too large',
      (path) => ({
        body: path.startsWith('/api/history/digest') ? digestWith(future) : `["${'x'.repeat(3 * 1024 * 1024)}"]`,
      }),
      /more than 2097152 bytes/,
    ],
  ];

  it.each(cases)('is refused for %s, and nothing is sent to it', async (_, answer, problem) => {
    const fake = await fakePeer(answer);
    try {
      const exchange = exchangeWith(fake.peer, historyOf([at(NOON - HOUR)]), NOON);
      await expect(exchange).rejects.toBeInstanceOf(RefusedAnswer);
      await expect(exchange).rejects.toThrow(problem);
      expect(fake.posts).toEqual([]);
    } finally {
      fake.close();
    }
  });

  it('is named in one warning per 10 minutes, and nothing of it reaches the history', async () => {
    const fake = await fakePeer(() => ({ body: 'not json' }));
    const { log, records } = capturingLogger();
    const reports: AnyEventObject[] = [];
    const parent = createActor(
      setup({ actors: { sync: historySyncActor(log, () => NOON) } }).createMachine({
        invoke: { id: 'sync', src: 'sync' },
        on: { '*': { actions: ({ event }) => reports.push(event) } },
      }),
    ).start();
    const sync = parent.getSnapshot().children.sync as unknown as { send(command: ExchangeCommand): void };
    try {
      const refusals = () => records.filter((r) => r.event === 'history.refused');
      for (let i = 1; i <= 3; i += 1) {
        sync.send({ type: 'history-sync.exchange', peer: fake.peer, history: [] });
        await until(() => refusals().length >= i, `refusal ${i}`);
      }
      // The first a warning; the others only for whoever reads debug records.
      expect(refusals()).toEqual([
        expect.objectContaining({ level: 40, peer: 'hall-1234', url: `http://127.0.0.1:${fake.peer.port}` }),
        expect.objectContaining({ level: 20 }),
        expect.objectContaining({ level: 20 }),
      ]);
      expect(reports).toEqual([]);
    } finally {
      parent.stop();
      fake.close();
    }
  });
});
