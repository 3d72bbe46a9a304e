import { householdItems } from '../../common/page-text';
import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';
import { parseLevels } from '../../src/settings/levels-setting';
import { describePeer, txtRecord } from '../../src/cluster/txt-record';
import { householdJson } from '../../src/web/household-json';
import { NOON, peer, viewOf } from '../support/web-harness';
import { HOUR } from '../support/time';

const THREE_CATS = parseLevels('4h,6h,12h,14h');

describe('nodes whose levels differ', () => {
  it('say their levels in their mDNS TXT record, which our nodes read (and an original node has none)', () => {
    const txt = txtRecord(5380, THREE_CATS);
    expect(txt).toEqual({ impl: 'cat-litter-reminder-ts', proto: '1', http: '5380', levels: '4h,6h,12h,14h' });
    const service = { name: 'hall', port: 5300, txt, referer: { address: '10.0.0.3' } };
    expect(describePeer(service, 5300, () => ({}))?.levels).toEqual(THREE_CATS);
    expect(describePeer({ ...service, txt: { ...txt, levels: '12h,8h' } }, 5300, () => ({}))?.levels).toBeNull();
    expect(describePeer({ ...service, txt: {} }, 5300, () => ({}))?.levels).toBeNull();
  });

  it('are shown by their own levels on the page, which says so', () => {
    // Seven hours ago: due soon by 4h/6h/12h/14h, still fresh by the original's 8h.
    const said = NOON - 7 * HOUR;
    const view = viewOf({
      lastCleaned: said,
      level: 'fresh',
      peers: [
        peer({ name: 'hall', said, levels: THREE_CATS }),
        peer({ name: 'attic', address: '10.0.0.4', said, levels: DEFAULT_THRESHOLDS }),
      ],
    });
    const household = householdJson(view, { address: '10.0.0.2', port: 5300 }, NOON);
    expect(household.map((entry) => [entry.name, entry.level, entry.levels])).toEqual([
      ['kitchen-3f2a', 'fresh', undefined],
      ['hall', 'soon', '4h,6h,12h,14h'],
      ['attic', 'fresh', undefined],
    ]);
    const html = householdItems(household, 'kitchen-3f2a', NOON, 'UTC');
    expect(html).toContain('its levels: 4h, 6h, 12h, 14h');
    expect(html.match(/its levels/g)).toHaveLength(1);
  });
});
