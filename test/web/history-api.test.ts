import type { Cleaning } from '../../common/history';
import { historyOf } from '../../machines/history/history-set';
import { NOON, viewOf, webHarness } from '../support/web-harness';
import { request } from '../support/http-client';
import { DAY, HOUR } from '../support/time';

type Harness = Awaited<ReturnType<typeof webHarness>>;

const rfc = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');
const cleaning = (at: number, source: Cleaning['source'] = 'button', node: string | null = 'kitchen-3f2a') => ({
  at,
  source,
  node,
});

describe('the history API', () => {
  let web: Harness;
  beforeEach(async () => {
    web = await webHarness();
  });
  afterEach(() => web.stop());
  const json = async (...args: Parameters<typeof request>) => {
    const answer = await request(...args);
    return { ...answer, json: JSON.parse(answer.body) as unknown };
  };
  const post = (body: string, headers: Record<string, string> = {}) =>
    json(web.port, {
      method: 'POST',
      path: '/api/history',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
    });
  const offered = () => web.reports.filter((report) => report.type === 'history.offered');

  describe('GET /api/history', () => {
    beforeEach(() =>
      web.showHistory(
        historyOf(
          [cleaning(NOON - 2 * DAY, 'web', null), cleaning(NOON - DAY, 'network', null), cleaning(NOON - HOUR)],
          NOON,
        ),
      ),
    );

    it('lists the cleanings newest first, at in RFC 3339, with how and where', async () => {
      const answer = await json(web.port, { path: '/api/history' });
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual([
        { at: rfc(NOON - HOUR), source: 'button', node: 'kitchen-3f2a' },
        { at: rfc(NOON - DAY), source: 'network', node: null },
        { at: rfc(NOON - 2 * DAY), source: 'web', node: null },
      ]);
    });

    it('gives the newest N with limit, and those from ≤ at < to', async () => {
      expect((await json(web.port, { path: '/api/history?limit=1' })).json).toEqual([
        { at: rfc(NOON - HOUR), source: 'button', node: 'kitchen-3f2a' },
      ]);
      const range = `from=${encodeURIComponent(rfc(NOON - 2 * DAY))}&to=${encodeURIComponent(rfc(NOON - HOUR))}`;
      const answer = await json(web.port, { path: `/api/history?${range}` });
      expect((answer.json as { at: string }[]).map((entry) => entry.at)).toEqual([
        rfc(NOON - DAY),
        rfc(NOON - 2 * DAY),
      ]);
    });

    it.each(['limit=0', 'limit=10001', 'limit=ten', 'from=yesterday', 'to=2026-02-30T00:00:00Z'])(
      'refuses %s with a 400 that names it',
      async (query) => {
        const answer = await json(web.port, { path: `/api/history?${query}` });
        expect(answer.status).toBe(400);
        expect((answer.json as { error: string }).error).toContain(query.split('=')[0]);
      },
    );
  });

  describe('GET /api/history/stats', () => {
    it('counts the cleanings of 7 and 30 days, the intervals, and the hours overdue', async () => {
      // Every day at noon for 20 days, then a wait of 30 h (4 h overdue), then now.
      const days = Array.from({ length: 20 }, (_, i) => cleaning(NOON - 30 * HOUR - (19 - i) * DAY));
      web.showHistory(historyOf([...days, cleaning(NOON)], NOON));
      const answer = await json(web.port, { path: '/api/history/stats' });
      expect(answer.json).toEqual({
        cleanings7Days: 7,
        cleanings30Days: 21,
        medianIntervalHours: 24,
        longestIntervalHours: 30,
        overdueHours30Days: 4,
        // Nobody named, nobody's turn: every cleaning of 30 days names nobody.
        people: [],
        unsaid30Days: 21,
        turn: null,
      });
    });
  });

  describe('GET /api/history/stats, who cleaned', () => {
    const by = (at: number, name: string | undefined, box?: string): Cleaning => ({
      ...cleaning(at),
      ...(box === undefined ? {} : { box }),
      ...(name === undefined ? {} : { by: name }),
    });
    const history = historyOf(
      [
        by(NOON - 40 * DAY, 'Ben'),
        by(NOON - 3 * DAY, 'Anna'),
        by(NOON - 2 * DAY, 'Anna', 'upstairs'),
        by(NOON - DAY, undefined),
        by(NOON - 2 * HOUR, 'Ben', 'upstairs'),
        by(NOON - HOUR, 'Ben'),
      ],
      NOON,
    );
    // Ben's last cleaning was a mistaken press, taken back: it counts in no figure.
    const withdrawn = [{ at: NOON - HOUR, when: NOON - HOUR + 60_000, node: 'kitchen-3f2a' }];

    it('counts each person’s cleanings that stand, their share, their last cleaning, and whose turn it is', async () => {
      web.show(viewOf({ people: ['Anna', 'Ben', 'Cleo'] }));
      web.showHistory(history, withdrawn);
      const answer = (await json(web.port, { path: '/api/history/stats' })).json as Record<string, unknown>;
      expect(answer).toMatchObject({ cleanings30Days: 4, cleanings7Days: 4 });
      expect(answer.people).toEqual([
        { name: 'Anna', cleanings30Days: 2, share: 0.67, lastCleaned: rfc(NOON - 2 * DAY) },
        { name: 'Ben', cleanings30Days: 1, share: 0.33, lastCleaned: rfc(NOON - 2 * HOUR) },
        { name: 'Cleo', cleanings30Days: 0, share: 0, lastCleaned: null },
      ]);
      expect(answer.unsaid30Days).toBe(1);
      expect(answer.turn).toBe('Cleo');
    });

    it('gives one box’s figures with ?box=, and refuses a name no box may have', async () => {
      web.show(viewOf({ people: ['Anna', 'Ben'] }));
      web.showHistory(history, withdrawn);
      const upstairs = (await json(web.port, { path: '/api/history/stats?box=upstairs' })).json as Record<
        string,
        unknown
      >;
      expect(upstairs).toMatchObject({ cleanings30Days: 2, unsaid30Days: 0, turn: 'Anna' });
      const litter = (await json(web.port, { path: `/api/history/stats?box=${encodeURIComponent('litter box')}` }))
        .json as Record<string, unknown>;
      // The default box: Anna once, nobody once, Ben's press withdrawn, his older one past 30 days.
      expect(litter).toMatchObject({ cleanings30Days: 2, unsaid30Days: 1, turn: 'Ben' });
      const bad = await json(web.port, { path: '/api/history/stats?box=up%2Fstairs' });
      expect(bad.status).toBe(400);
      expect((bad.json as { error: string }).error).toContain('box="up/stairs"');
    });
  });

  describe('POST /api/history', () => {
    it('takes the cleanings a peer sends (202), for the node', async () => {
      const body = JSON.stringify([{ at: rfc(NOON - HOUR), source: 'reset', node: 'hall-1234' }]);
      const answer = await post(body);
      expect(answer.status).toBe(202);
      expect(answer.json).toEqual({ accepted: 1 });
      expect(offered()).toEqual([
        {
          type: 'history.offered',
          cleanings: [cleaning(NOON - HOUR, 'reset', 'hall-1234')],
          withdrawals: [],
          from: { address: '127.0.0.1' },
        },
      ]);
    });

    it.each([
      ['not JSON', '[{"at":'],
      ['not a list', '{"at":"2026-01-15T11:00:00+00:00"}'],
      ['an unknown source', JSON.stringify([{ at: rfc(NOON), source: 'vacuum', node: null }])],
      ['a time in the future', JSON.stringify([{ at: rfc(NOON + HOUR), source: 'web', node: null }])],
      ['a time before 1970', JSON.stringify([{ at: '1969-12-31T23:59:59+00:00', source: 'web', node: null }])],
      ['a name no node has', JSON.stringify([{ at: rfc(NOON), source: 'web', node: 'x'.repeat(64) }])],
      ['one bad among good ones', JSON.stringify([{ at: rfc(NOON), source: 'web', node: null }, { at: 'soon' }])],
    ])('refuses %s with 400, takes nothing, and warns once naming the sender', async (_, body) => {
      const first = await post(body);
      expect(first.status).toBe(400);
      expect(await post(body)).toMatchObject({ status: 400 });
      expect(offered()).toEqual([]);
      const warnings = web.records.filter((record) => record.event === 'history.refused');
      expect(warnings).toEqual([expect.objectContaining({ level: 40, peer: '127.0.0.1' })]);
    });

    it('refuses a cross-site request (403) and a body over 2 MiB (413)', async () => {
      const cross = await post('[]', { Origin: 'http://evil.example' });
      expect(cross.status).toBe(403);
      const huge = await post(`[${'{"at":"2026-01-15T11:00:00+00:00","source":"web","node":null},'.repeat(40_000)}{}]`);
      expect(huge.status).toBe(413);
      expect(offered()).toEqual([]);
    });
  });

  describe('POST /api/cleaned from reset', () => {
    it('records a cleaning as reset when the body says so, and refuses any other source', async () => {
      const timer = setInterval(() => {
        for (const report of web.reports.filter((r) => r.type === 'cleaning.reported')) {
          web.show(viewOf({ lastCleaned: NOON }));
          web.answer(String(report.ticket));
        }
      }, 5);
      try {
        const ok = await json(web.port, {
          method: 'POST',
          path: '/api/cleaned',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ at: rfc(NOON), source: 'reset' }),
        });
        expect(ok.status).toBe(200);
        expect(web.reports.filter((r) => r.type === 'cleaning.reported')).toEqual([
          { type: 'cleaning.reported', source: 'reset', at: NOON, ticket: expect.any(String) },
        ]);
        const button = await json(web.port, {
          method: 'POST',
          path: '/api/cleaned',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ source: 'button' }),
        });
        expect(button.status).toBe(400);
      } finally {
        clearInterval(timer);
      }
    });
  });
});
