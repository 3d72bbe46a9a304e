import type { Cleaning } from '../../common/history';
import { until } from '../support/until';
import { request, stream } from '../support/http-client';
import { NOON, viewOf, webHarness } from '../support/web-harness';

const HOUR = 3_600_000;
const MINUTE = 60_000;

describe('the boxes as the page server gives them', () => {
  let web: Awaited<ReturnType<typeof webHarness>>;
  beforeEach(async () => {
    web = await webHarness();
  });
  afterEach(() => web.stop());

  const cleaning = (at: number, parts: Partial<Cleaning> = {}): Cleaning => ({
    at,
    source: 'web',
    node: 'kitchen-3f2a',
    ...parts,
  });

  it('marks a withdrawn cleaning in the page’s history with when and where it was first taken back', async () => {
    const upstairs = cleaning(NOON - 2 * MINUTE, { box: 'upstairs', by: 'Anna' });
    web.showHistory(
      [cleaning(NOON - 10 * HOUR), cleaning(NOON - 2 * MINUTE), upstairs],
      [
        { at: upstairs.at, box: 'upstairs', when: NOON - MINUTE, node: 'hall-1234' },
        { at: upstairs.at, box: 'upstairs', when: NOON - 90_000, node: 'attic' },
      ],
    );
    // A page opened now gets it first thing.
    const open = stream(web.port);
    await until(() => open.events.some((event) => event.event === 'history'), 'the history event');
    const history = open.events.filter((event) => event.event === 'history').pop()?.data as {
      cleanings: unknown[];
    };
    open.close();
    expect(history.cleanings).toEqual([
      {
        at: '2026-01-15T11:58:00+00:00',
        source: 'web',
        node: 'kitchen-3f2a',
        box: 'upstairs',
        by: 'Anna',
        withdrawn: { when: '2026-01-15T11:58:30+00:00', node: 'attic' },
      },
      // The default box's cleaning of the same second stands.
      { at: '2026-01-15T11:58:00+00:00', source: 'web', node: 'kitchen-3f2a' },
      { at: '2026-01-15T02:00:00+00:00', source: 'web', node: 'kitchen-3f2a' },
    ]);
  });

  it('renders every box the node knows, the household’s names, and Undo of the one that may be taken back', async () => {
    web.show(
      viewOf({
        people: ['Anna', 'Ben'],
        boxes: [
          {
            box: 'upstairs',
            lastCleaned: NOON - 2 * MINUTE,
            by: null,
            level: 'fresh',
            colour: '#003c00',
            undo: { at: NOON - 2 * MINUTE, until: NOON + 8 * MINUTE },
            nodes: ['kitchen-3f2a'],
            own: true,
          },
          {
            box: 'basement',
            lastCleaned: NOON - 25 * HOUR,
            by: 'Ben',
            level: 'now',
            colour: '#ff0000',
            undo: null,
            nodes: ['cellar'],
            own: false,
          },
        ],
      }),
    );
    const page = (await request(web.port, { path: '/' })).body;
    expect(page).toContain('<p class="own-box">upstairs</p>');
    expect(page).toContain('<li class="box level-now" data-box="basement">');
    expect(page).toContain('cleaned by Ben · on cellar');
    expect(page).toContain(
      'name="at" value="2026-01-15T11:58:00+00:00" aria-label="Undo the cleaning of upstairs at 11:58"',
    );
    // The picker's is the page's one input named `at` (the page's script and its tests find it so).
    expect(page.match(/<input[^>]+name="at"/g)).toHaveLength(1);
    expect(page).toContain('possible until 12:08');
    expect(page).toContain('data-people="[&quot;Anna&quot;,&quot;Ben&quot;]"');
  });
});
