import * as net from 'node:net';
import { until } from '../support/until';
import { webHarness } from '../support/web-harness';
import { raw, request, stream } from '../support/http-client';

type Harness = Awaited<ReturnType<typeof webHarness>>;

/** The head of a POST to `path` whose body follows in pieces (chunked), and one such piece. */
const chunkedHead = (path: string) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;

/**
 * One host that holds `count` connections to the node from `from`, each opened again as
 * soon as it is dropped, until `stop` (a request's headers begun and never finished).
 */
function connectionFlood(port: number, from: string, count: number) {
  let stopped = false;
  const open = new Set<net.Socket>();
  const connect = (): void => {
    if (stopped) return;
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: from });
    open.add(socket);
    socket.on('error', () => undefined);
    socket.on('connect', () => socket.write('GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '));
    socket.on('close', () => {
      open.delete(socket);
      setImmediate(connect);
    });
  };
  for (let i = 0; i < count; i += 1) connect();
  return {
    open: () => open.size,
    stop: () => {
      stopped = true;
      for (const socket of open) socket.destroy();
    },
  };
}

describe('the page server against one host that asks too much', () => {
  let web: Harness;
  beforeEach(async () => {
    web = await webHarness();
  });
  afterEach(() => web.stop());

  describe('bodies', () => {
    it.each(['/api/cleaned', '/api/history'])(
      'refuses JSON nested too deep on %s at its first piece (400), and closes without waiting for the rest',
      async (path) => {
        const started = Date.now();
        // A kilobyte of `[` and no end: the node must not wait for the rest of it.
        const answer = await raw(web.port, chunkedHead(path) + chunk('['.repeat(1024)), 5_000);
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(answer).toMatch(/^HTTP\/1\.1 400 [\s\S]*Connection: close[\s\S]*nested more than 8 levels deep/);
        expect(web.reports.filter((report) => report.type !== 'household.refresh')).toEqual([]);
      },
    );

    it('refuses a body whose Content-Length is over the limit at once (413), reading none of it', async () => {
      const started = Date.now();
      const head =
        'POST /api/cleaned HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'Content-Length: 10000000\r\n\r\n';
      const answer = await raw(web.port, head, 5_000);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(answer).toMatch(/^HTTP\/1\.1 413 [\s\S]*"the body is 10000000 bytes, more than the 4096 taken"/);
    });

    it('closes a connection whose body it refused without reading it, and keeps the others alive', async () => {
      const refused = await raw(web.port, chunkedHead('/api/cleaned') + chunk('x'.repeat(5000)), 5_000);
      expect(refused).toMatch(/^HTTP\/1\.1 413 [\s\S]*Connection: close/);
      // Two requests on one connection: a GET leaves it open for the next.
      const kept = await raw(
        web.port,
        'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
        5_000,
      );
      expect(kept.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    });
  });

  describe('one host and the others', () => {
    const streams: ReturnType<typeof stream>[] = [];
    afterEach(() => {
      for (const open of streams.splice(0)) open.close();
    });

    it('answers everyone else while one address holds 300 connections, reopened as soon as dropped', async () => {
      const flood = connectionFlood(web.port, '127.0.0.2', 300);
      try {
        await until(() => flood.open() >= 300, 'the flood to be under way');
        // Long enough for the flood to have been refused and to have come back many times.
        await new Promise((resolve) => setTimeout(resolve, 500));
        for (let i = 0; i < 10; i += 1) expect((await request(web.port, { from: '127.0.0.1' })).status).toBe(200);
        const refused = await request(web.port, { from: '127.0.0.2' }).catch(() => null);
        // Refused, or never answered: either way not served to the flooding host.
        expect(refused?.status ?? 503).toBe(503);
      } finally {
        flood.stop();
      }
    });

    it('serves 8 pages to one address that asks for 40, answers the rest with 503, and still serves the others', async () => {
      for (let i = 0; i < 40; i += 1) streams.push(stream(web.port, undefined, '127.0.0.2'));
      await until(() => streams.every((open) => open.status() !== 0), 'the streams to be answered');
      expect(streams.map((open) => open.status()).sort()).toEqual([...Array(8).fill(200), ...Array(32).fill(503)]);
      const other = stream(web.port, undefined, '127.0.0.1');
      streams.push(other);
      await until(() => other.status() !== 0, 'the other address to be answered');
      expect(other.status()).toBe(200);
      // A stream closed gives its address its place again.
      streams[0].close();
      const again = stream(web.port, undefined, '127.0.0.2');
      streams.push(again);
      await until(() => again.status() !== 0, 'the new stream to be answered');
      expect(again.status()).toBe(200);
    });
  });

  describe('POSTs from one address', () => {
    const press = (from: string) =>
      request(web.port, {
        method: 'POST',
        path: '/api/cleaned',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
        from,
      }).catch(() => null);
    const reported = () => web.reports.filter((report) => report.type === 'cleaning.reported');

    it('takes 20 presses at once from one address, answers the rest 429 with Retry-After, and serves the others', async () => {
      // The node answers none until 20 are taken: all 30 are under way at once.
      const answers = Array.from({ length: 30 }, () => press('127.0.0.1'));
      await until(() => reported().length === 20, 'the 20 presses taken');
      for (const report of reported()) web.answer(String(report.ticket));
      const limited = (await Promise.all(answers)).filter((answer) => answer?.status === 429);
      expect(limited).toHaveLength(10);
      expect(limited[0]?.headers['retry-after']).toBe('1');
      expect(JSON.parse(limited[0]?.body ?? '{}')).toEqual({
        error: 'too many requests to /api/cleaned from 127.0.0.1: try again in 1 s; nothing was changed',
      });
      void press('127.0.0.2');
      await until(() => reported().length === 21, 'the press of another address');
      expect(web.records.filter((record) => record.event === 'http.limited')).toEqual([
        expect.objectContaining({ from: '127.0.0.1', path: '/api/cleaned', suppressed: 0 }),
      ]);
    });

    it('refuses history posts past 10 at once from one address (429)', async () => {
      const post = () =>
        raw(
          web.port,
          'POST /api/history HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
            'Content-Length: 2\r\nConnection: close\r\n\r\n[]',
          5_000,
        );
      const answers = [];
      for (let i = 0; i < 15; i += 1) answers.push(await post());
      expect(answers.map((answer) => answer.slice(9, 12))).toEqual([...Array(10).fill('202'), ...Array(5).fill('429')]);
    });
  });
});
