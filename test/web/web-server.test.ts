import * as os from 'node:os';
import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';
import { until } from '../support/until';
import { NOON, peer, viewOf, webHarness } from '../support/web-harness';
import { raw, request, stream } from '../support/http-client';
import { HOUR } from '../support/time';

type Harness = Awaited<ReturnType<typeof webHarness>>;

describe('the page server, in this process', () => {
  let web: Harness;
  const streams: ReturnType<typeof stream>[] = [];
  beforeEach(async () => {
    web = await webHarness();
  });
  afterEach(() => {
    for (const open of streams.splice(0)) open.close();
    web.stop();
  });
  const json = async (...args: Parameters<typeof request>) => {
    const answer = await request(...args);
    return { ...answer, json: JSON.parse(answer.body) as Record<string, unknown> };
  };
  const cleanings = () => web.reports.filter((report) => report.type === 'cleaning.reported');
  /** Answers each cleaning the server reports as the node does: a new view, then the answer. */
  const answerCleanings = (lastCleaned: number) => {
    const answered = new Set<string>();
    const timer = setInterval(() => {
      for (const report of cleanings()) {
        const ticket = String(report.ticket);
        if (answered.has(ticket)) continue;
        answered.add(ticket);
        web.show(viewOf({ lastCleaned }));
        web.answer(ticket);
      }
    }, 5);
    return () => clearInterval(timer);
  };

  describe('GET /api/state', () => {
    it('answers with the name, the time, its age, the level, its colour and quiet hours', async () => {
      const answer = await json(web.port);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(answer.json).toEqual({
        name: 'kitchen-3f2a',
        lastCleaned: '2026-01-15T11:00:00+00:00',
        ageSeconds: 3600,
        level: 'fresh',
        colour: '#003c00',
        quiet: false,
      });
    });

    it('says null while the time is unknown, and the steady red while overdue', async () => {
      web.show(viewOf({ lastCleaned: null, level: 'unknown' }));
      expect((await json(web.port)).json).toMatchObject({ lastCleaned: null, ageSeconds: null, level: 'unknown' });
      web.show(viewOf({ lastCleaned: NOON - 30 * HOUR, level: 'overdue', quiet: true }));
      expect((await json(web.port)).json).toMatchObject({ level: 'overdue', colour: '#ff0000', quiet: true });
    });
  });

  describe('GET /api/household', () => {
    it('answers once the node says its peers have answered, with the view that came meanwhile', async () => {
      web.refreshes.held = true;
      const answer = request(web.port, { path: '/api/household' });
      await until(() => web.reports.some((report) => report.type === 'household.refresh'), 'the look at the household');
      web.show(viewOf({ peers: [peer({ said: NOON })] }));
      const started = Date.now();
      web.refreshed();
      const household = JSON.parse((await answer).body) as unknown[];
      // Not a fixed wait: at once (the node's refresh itself is bounded at 250 ms).
      expect(Date.now() - started).toBeLessThan(150);
      expect(household[1]).toMatchObject({ name: 'hall-1234', lastCleaned: '2026-01-15T12:00:00+00:00' });
    });

    it('answers after 500 ms when the node does not say its peers have answered', async () => {
      web.refreshes.held = true;
      const started = Date.now();
      const answer = await request(web.port, { path: '/api/household' });
      expect(answer.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(490);
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('lists this node first, then its peers as status --json does; a silent one is unreachable', async () => {
      web.show(
        viewOf({
          peers: [
            peer(),
            peer({ name: null, address: '10.0.0.9', port: 5301, silent: true }),
            peer({ name: 'attic', answered: false }),
          ],
        }),
      );
      const started = Date.now();
      const answer = await request(web.port, { path: '/api/household' });
      expect(Date.now() - started).toBeLessThan(1000);
      expect(JSON.parse(answer.body)).toEqual([
        {
          name: 'kitchen-3f2a',
          address: '127.0.0.1',
          port: 5300,
          lastCleaned: '2026-01-15T11:00:00+00:00',
          ageSeconds: 3600,
          level: 'fresh',
        },
        {
          name: 'hall-1234',
          address: '10.0.0.3',
          port: 5300,
          lastCleaned: '2026-01-15T11:00:00+00:00',
          ageSeconds: 3600,
          level: 'fresh',
        },
        {
          name: '10.0.0.9:5301',
          address: '10.0.0.9',
          port: 5301,
          lastCleaned: null,
          ageSeconds: null,
          level: 'unreachable',
        },
        { name: 'attic', address: '10.0.0.3', port: 5300, lastCleaned: null, ageSeconds: null, level: 'unreachable' },
      ]);
      // It asked the household first.
      expect(web.reports.filter((report) => report.type === 'household.refresh')).toHaveLength(1);
    });
  });

  describe('POST /api/cleaned', () => {
    it('reports a cleaning now from the page, and answers with the new state once the node has it', async () => {
      const stop = answerCleanings(NOON);
      try {
        const answer = await json(web.port, {
          method: 'POST',
          path: '/api/cleaned',
          headers: { 'Content-Type': 'application/json', Origin: `http://127.0.0.1:${web.port}` },
          body: '{}',
        });
        expect(answer.status).toBe(200);
        expect(answer.json).toMatchObject({ lastCleaned: '2026-01-15T12:00:00+00:00', level: 'fresh' });
        expect(cleanings()).toEqual([{ type: 'cleaning.reported', source: 'web', ticket: expect.any(String) }]);
      } finally {
        stop();
      }
    });

    it('takes the first second of 1970 as a cleaning then, in JSON and as a form, not as one now', async () => {
      const stop = answerCleanings(NOON - 2 * HOUR);
      try {
        for (const [type, body] of [
          ['application/json', JSON.stringify({ at: '1970-01-01T00:00:00+00:00' })],
          ['application/x-www-form-urlencoded', 'at=1970-01-01T00%3A00'],
        ]) {
          await request(web.port, { method: 'POST', path: '/api/cleaned', headers: { 'Content-Type': type }, body });
        }
        expect(cleanings().map((report) => report.at)).toEqual([0, 0]);
      } finally {
        stop();
      }
    });

    it('takes an earlier time as RFC 3339 in JSON, or as a form (RFC 3339, or the local time of a date picker)', async () => {
      const stop = answerCleanings(NOON - 2 * HOUR);
      try {
        await request(web.port, {
          method: 'POST',
          path: '/api/cleaned',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ at: '2026-01-15T10:00:00+00:00' }),
        });
        const form = await request(web.port, {
          method: 'POST',
          path: '/api/cleaned',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
          body: 'at=2026-01-15T09%3A30',
        });
        // The page without JavaScript goes back to itself, which shows the new state.
        expect(form.status).toBe(303);
        expect(form.headers.location).toBe('/');
        expect(cleanings().map((report) => report.at)).toEqual([NOON - 2 * HOUR, NOON - 2.5 * HOUR]);
      } finally {
        stop();
      }
    });

    it.each([
      ['not JSON', 'application/json', '{"at":', /not JSON: "\{\\"at\\":"/],
      ['the wrong shape', 'application/json', '{"at": 5}', /must be \{\} or \{"at"/],
      [
        'no real time',
        'application/json',
        '{"at": "2026-02-30T08:00:00+00:00"}',
        /"2026-02-30T08:00:00\+00:00": not a real date/,
      ],
      ['a time in the future', 'application/json', '{"at": "2026-01-15T12:00:01+00:00"}', /in the future/],
      ['a time before 1970', 'application/json', '{"at": "1969-12-31T23:59:59+00:00"}', /before 1970/],
      ['another type of body', 'text/plain', 'cleaned', /expected application\/json or a form, not "text\/plain"/],
      ['a form with a bad time', 'application/x-www-form-urlencoded', 'at=yesterday', /"yesterday"/],
      // A date picker's year 70 is the year 70, not 1970.
      ['a form in the year 70', 'application/x-www-form-urlencoded', 'at=0070-06-01T08%3A00', /before 1970/],
      ['a form in the year 99', 'application/x-www-form-urlencoded', 'at=0099-06-01T08%3A00', /before 1970/],
    ])('refuses %s with 400 and says what was wrong, recording nothing', async (_, type, body, message) => {
      const answer = await json(web.port, {
        method: 'POST',
        path: '/api/cleaned',
        headers: { 'Content-Type': type },
        body,
      });
      expect(answer.status).toBe(400);
      expect(String(answer.json.error)).toMatch(message);
      expect(cleanings()).toEqual([]);
    });
  });

  describe('against hostile pages and broken clients', () => {
    it.each(['evil.example', 'evil.example:5380', 'kitchen-3f2a.evil.example', '10.0.0.1.evil.example'])(
      'refuses the Host %j with 403 and a JSON error, and nothing else',
      async (host) => {
        const answer = await request(web.port, { path: '/', headers: { Host: host } });
        expect(answer.status).toBe(403);
        expect(JSON.parse(answer.body)).toEqual({ error: expect.stringContaining('does not answer to the name') });
      },
    );

    it.each([
      '127.0.0.1:5380',
      '[::1]:5380',
      'localhost:5380',
      `${os.hostname()}.local`,
      'kitchen-3f2a.local:5380',
      'KITCHEN-3F2A.LOCAL',
    ])('answers to %s', async (host) => {
      expect((await request(web.port, { headers: { Host: host } })).status).toBe(200);
    });

    it.each([
      ['a foreign Origin', { Origin: 'http://evil.example' }],
      ['a foreign Referer', { Referer: 'http://evil.example/page' }],
      ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
      ['an Origin of another port', { Origin: 'http://127.0.0.1:1' }],
    ])('refuses a cleaning with %s (403), and records nothing', async (_, headers) => {
      const answer = await json(web.port, {
        method: 'POST',
        path: '/api/cleaned',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: '{}',
      });
      expect(answer.status).toBe(403);
      expect(String(answer.json.error)).toContain('nothing was changed');
      expect(cleanings()).toEqual([]);
    });

    it('refuses a body over 4 KiB with 413, reading no further', async () => {
      const answer = await json(web.port, {
        method: 'POST',
        path: '/api/cleaned',
        headers: { 'Content-Type': 'application/json' },
        body: `{"at": "${'x'.repeat(5000)}"}`,
      });
      expect(answer.status).toBe(413);
      expect(cleanings()).toEqual([]);
    });

    it('answers every error as JSON, with no CORS header anywhere', async () => {
      const missing = await request(web.port, { path: '/admin' });
      const wrongMethod = await request(web.port, { method: 'DELETE', path: '/api/state' });
      expect([missing.status, wrongMethod.status]).toEqual([404, 405]);
      expect(wrongMethod.headers.allow).toBe('GET, HEAD');
      for (const answer of [missing, wrongMethod, await request(web.port), await request(web.port, { path: '/' })]) {
        expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
      }
      expect(JSON.parse(missing.body)).toEqual({ error: 'nothing at "/admin"' });
    });

    it('answers random bytes with a JSON 400 and closes; thousands of headers with 431', async () => {
      const garbage = await raw(
        web.port,
        Buffer.from([0x16, 0x03, 0x01, 0xff, 0x00, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a]),
      );
      expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*\r\n\r\n\{"error":/);
      const headers = Array.from({ length: 3000 }, (_, i) => `X-H${i}: ${'v'.repeat(10)}`).join('\r\n');
      const many = await raw(web.port, `GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n\r\n`);
      expect(many).toMatch(/^HTTP\/1\.1 431 /);
    });

    it('drops clients whose headers never end within 10 s, and answers the others meanwhile', async () => {
      const started = Date.now();
      const slow = Array.from({ length: 20 }, () =>
        raw(web.port, 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 30_000),
      );
      expect((await request(web.port)).status).toBe(200);
      const dropped = await Promise.all(slow);
      // Dropped by the node, long before the clients would have given up themselves.
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(dropped.every((answer) => answer.startsWith('HTTP/1.1 408'))).toBe(true);
    }, 40_000);

    it('answers a request without a Host with a JSON 400 or 403, never the page', async () => {
      const answer = await raw(web.port, 'GET / HTTP/1.1\r\n\r\n');
      expect(answer).toMatch(/^HTTP\/1\.1 40[03] [\s\S]*\{"error":/);
    });
  });

  describe('GET /api/events', () => {
    it('sends the state, the household and the history at once, then each change of them only', async () => {
      const events = stream(web.port);
      streams.push(events);
      await until(() => events.events.length === 4, 'the first events');
      expect(events.events.map((event) => event.event)).toEqual(['state', 'household', 'history', 'boxes']);
      expect(events.events[2].data).toEqual({ cleanings: [], thresholds: DEFAULT_THRESHOLDS });
      web.show(viewOf());
      web.show(viewOf({ quiet: true }));
      web.show(viewOf({ quiet: true, peers: [peer()] }));
      web.showHistory([{ at: NOON - HOUR, source: 'button', node: 'hall-1234' }]);
      await until(() => events.events.length === 7, 'the changes');
      expect(events.events.slice(4)).toEqual([
        { event: 'state', data: expect.objectContaining({ quiet: true }) },
        { event: 'household', data: expect.arrayContaining([expect.objectContaining({ name: 'hall-1234' })]) },
        {
          event: 'history',
          data: {
            cleanings: [{ at: '2026-01-15T11:00:00+00:00', source: 'button', node: 'hall-1234' }],
            thresholds: DEFAULT_THRESHOLDS,
          },
        },
      ]);
    });

    it('serves 32 pages at once, and answers the next with 503', async () => {
      // From four addresses: one may hold 8 (test/unit/web-limits.test.ts).
      for (let i = 0; i < 32; i += 1) streams.push(stream(web.port, undefined, `127.0.0.${1 + (i % 4)}`));
      await until(() => streams.every((open) => open.status() === 200), 'the streams to open');
      const answer = await request(web.port, { path: '/api/events', from: '127.0.0.5' });
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.body)).toEqual({ error: expect.stringContaining('too many pages') });
    });
  });

  describe('the page', () => {
    it('is rendered on the node with its level and time on the root element, under a strict policy', async () => {
      web.show(viewOf({ level: 'soon', lastCleaned: NOON - 13 * HOUR, peers: [peer({ said: NOON - 20 * HOUR })] }));
      const page = await request(web.port, { path: '/' });
      expect(page.status).toBe(200);
      expect(page.body).toContain('data-level="soon" data-last-cleaned="2026-01-14T23:00:00+00:00"');
      expect(page.body).toContain('<h1 class="level">Due soon</h1>');
      expect(page.body).toContain('last cleaned 13 h 0 min ago (Wed 14 Jan 23:00)');
      expect(page.body).toContain('has an older time');
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(page.headers['x-frame-options']).toBe('DENY');
    });

    it('says what to do while the time is not known', async () => {
      web.show(viewOf({ lastCleaned: null, level: 'unknown' }));
      expect((await request(web.port, { path: '/' })).body).toContain(
        'not known yet — press Cleaned now when you clean the box',
      );
    });

    it('weighs 50 KB at the most with everything it loads', async () => {
      const page = await request(web.port, { path: '/' });
      const loads = [...page.body.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((match) => match[1]);
      const script = await request(web.port, { path: '/assets/web/app.js' });
      // The script's modules: common/ and its own in web/.
      const imports = [...script.body.matchAll(/from '(\.\.\/common\/|\.\/)([^']+)'/g)].map((match) =>
        match[1] === './' ? `/assets/web/${match[2]}` : `/assets/common/${match[2]}`,
      );
      const modules = await Promise.all(imports.map((path) => request(web.port, { path })));
      const nested = modules.flatMap((module) =>
        [...module.body.matchAll(/from '\.\/([^']+)'/g)].map((m) => `/assets/common/${m[1]}`),
      );
      const all = [...new Set([...loads, ...imports, ...nested])].filter((path) => !path.endsWith('.png'));
      const answers = await Promise.all(all.map((path) => request(web.port, { path })));
      expect(answers.map((answer) => answer.status)).toEqual(all.map(() => 200));
      const bytes =
        Buffer.byteLength(page.body) + answers.reduce((sum, answer) => sum + Buffer.byteLength(answer.body), 0);
      expect(bytes).toBeLessThanOrEqual(50 * 1024);
    });
  });
});
