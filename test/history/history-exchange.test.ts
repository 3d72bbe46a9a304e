import * as http from 'node:http';
import { createActor, setup, type AnyEventObject } from 'xstate';
import type { Cleaning } from '../../common/history';
import { historyOf, type History } from '../../machines/history/history-set';
import type { ExchangeCommand, HistoryPeer } from '../../machines/history/history-events';
import { digestOf } from '../../src/history/digest';
import { exchangeWith, historySyncActor } from '../../src/history/peer-exchange';
import { RefusedAnswer } from '../../src/cluster/peer-http';
import { capturingLogger } from '../support/capturing-logger';
import { freeTcpPort } from '../support/node-process';
import { until } from '../support/until';
import { NOON, webHarness } from '../support/web-harness';
import { DAY, HOUR } from '../support/time';

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
    const theirs = historyOf(
      [shared, at(NOON - 2 * DAY, 'reset', 'hall-1234'), at(NOON - HOUR, 'network', null)],
      NOON,
    );
    const ours = historyOf([shared, at(NOON - HOUR), at(NOON - 100 * DAY, 'web', 'attic-77aa')], NOON);
    web.showHistory(theirs);
    const { received, settled } = await exchangeWith(peerAt(web.port), ours, NOON);
    // Theirs of the last days, and not the network one: ours says more of that second.
    expect(received).toEqual([at(NOON - 2 * DAY, 'reset', 'hall-1234')]);
    expect(settled).toBe(false);
    expect(offered()).toEqual([at(NOON - 100 * DAY, 'web', 'attic-77aa'), at(NOON - HOUR)]);
  });

  it('sends nothing and takes nothing when the digests agree', async () => {
    const same = historyOf([at(NOON - DAY), at(NOON - HOUR)], NOON);
    web.showHistory(same);
    expect(await exchangeWith(peerAt(web.port), same, NOON)).toEqual({ received: [], withdrawals: [], settled: true });
    expect(offered()).toEqual([]);
  });

  it('makes a new node whole: a peer of 10,000 cleanings sends them all', async () => {
    const many = historyOf(
      Array.from({ length: 10_000 }, (_, i) => at(NOON - i * 2 * HOUR, 'button', 'hall-1234')),
      NOON,
    );
    web.showHistory(many);
    const { received } = await exchangeWith(peerAt(web.port), [], NOON);
    expect(historyOf(received, NOON)).toEqual(many);
  });
});

describe('a peer that sends what none of ours would', () => {
  const digestWith = (history: History) => JSON.stringify(digestOf(history));
  const future: History = [at(NOON + DAY)];
  /** A digest of `buckets` periods of 30 days before NOON, each claiming `count` cleanings. */
  const digestOfPeriods = (buckets: number, count: number) =>
    JSON.stringify({
      count: buckets * count,
      hash: 'x',
      buckets: Array.from({ length: buckets }, (_, i) => ({
        // The periods before the one of NOON: all their cleanings are past.
        from: rfc(Math.floor(NOON / (30 * DAY) - i - 1) * 30 * DAY),
        count,
        hash: 'x',
      })),
    });
  /** The cleanings a period asked for by `path` holds: `count` of them, 30 minutes apart from its start. */
  const periodAnswer = (path: string, count: number) => {
    const from = Date.parse(new URLSearchParams(path.split('?')[1]).get('from') ?? '');
    return JSON.stringify(
      Array.from({ length: count }, (_, i) => ({
        at: rfc(from + i * 30 * 60_000),
        source: 'web',
        node: 'x'.repeat(60),
      })),
    );
  };
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
      /more than 3 years|more than 16384 bytes/,
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
      /more than \d+ bytes/,
    ],
    [
      'an answer nested a million levels deep',
      (path) => ({
        body: path.startsWith('/api/history/digest') ? `${'['.repeat(1e6)}${']'.repeat(1e6)}` : '[]',
      }),
      /more than \d+ bytes|nested more than/,
    ],
    [
      'a period said to hold more cleanings than 30 days do',
      (path) => ({ body: path.startsWith('/api/history/digest') ? digestOfPeriods(1, 5_000) : '[]' }),
      /5000 cleanings from .*, more than 30 days hold/,
    ],
    [
      'cleanings of another period than the one asked for',
      (path) => ({
        body: path.startsWith('/api/history/digest')
          ? digestOfPeriods(1, 1)
          : JSON.stringify([{ at: rfc(NOON - 400 * DAY), source: 'web', node: null }]),
      }),
      /asked for .*, it answered/,
    ],
    [
      'more than an exchange reads, in plausible pieces: 36 periods of 1,440 entries each',
      (path) => ({
        body: path.startsWith('/api/history/digest') ? digestOfPeriods(36, 1440) : periodAnswer(path, 1440),
      }),
      /passed the 4194304 bytes an exchange reads/,
    ],
  ];

  it.each(cases)('is refused for %s, and nothing is sent to it', async (_, answer, problem) => {
    const fake = await fakePeer(answer);
    try {
      const exchange = exchangeWith(fake.peer, historyOf([at(NOON - HOUR)], NOON), NOON);
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
        sync.send({ type: 'history-sync.exchange', peer: fake.peer, history: [], withdrawals: [] });
        await until(() => refusals().length >= i, `refusal ${i}`);
      }
      // The first a warning; the others only for whoever reads debug records.
      expect(refusals()).toEqual([
        expect.objectContaining({ level: 40, peer: 'hall-1234', url: `http://127.0.0.1:${fake.peer.port}` }),
        expect.objectContaining({ level: 20 }),
        expect.objectContaining({ level: 20 }),
      ]);
      // Only that the exchanges ended unsettled: the history is asked to leave it be for a while.
      expect(reports.map((report) => [report.type, report.settled])).toEqual([
        ['history.exchanged', false],
        ['history.exchanged', false],
        ['history.exchanged', false],
      ]);
    } finally {
      parent.stop();
      fake.close();
    }
  });
});
