import { raw, webHarness } from '../support/web-harness';

type Harness = Awaited<ReturnType<typeof webHarness>>;

/** The head of a POST to `path` whose body follows in pieces (chunked), and one such piece. */
const chunkedHead = (path: string) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;

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
});
