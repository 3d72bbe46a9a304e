import type { BoxJson } from '../../common/api-json';
import {
  boxItem,
  boxPickerOptions,
  openQuestion,
  otherBoxItems,
  undoControl,
  whoChoices,
} from '../../common/box-cards';
import { peopleLine } from '../../common/people-line';

const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);
const MINUTE = 60_000;
const rfc = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');

const box = (parts: Partial<BoxJson> = {}): BoxJson => ({
  box: 'upstairs',
  lastCleaned: rfc(NOON - 2 * MINUTE),
  ageSeconds: 120,
  level: 'fresh',
  colour: '#003c00',
  nodes: ['hall-1234', 'attic'],
  by: null,
  undoUntil: rfc(NOON + 8 * MINUTE),
  own: false,
  ...parts,
});
const options = { now: NOON, people: ['Anna', 'Ben'], timeZone: 'UTC' };

describe('the boxes on the page', () => {
  it('offers "Undo" of the last cleaning until its window closes, as a form that works without the script', () => {
    const undo = undoControl(box(), NOON, 'UTC');
    expect(undo).toContain('<form class="undo" method="post" action="/api/cleaned/undo" data-box="upstairs">');
    expect(undo).toContain(
      '<button type="submit" name="at" value="2026-01-15T11:58:00+00:00" aria-label="Undo the cleaning of upstairs at 11:58">Undo</button>',
    );
    expect(undo).toContain('possible until 12:08');
    // Closed: at its end, and for a box with nothing to take back.
    expect(undoControl(box(), NOON + 8 * MINUTE, 'UTC')).toBe('');
    expect(undoControl(box({ undoUntil: null }), NOON, 'UTC')).toBe('');
    expect(undoControl(box({ box: 'litter box' }), NOON, 'UTC')).toContain('Undo the cleaning of the litter box at');
  });

  it('asks who cleaned with a button per name and "skip", each labelled; nothing when the household names nobody', () => {
    const who = whoChoices('upstairs', rfc(NOON), ['Anna', "O'Brien"]);
    expect(who).toContain('role="group" aria-label="Who cleaned upstairs?" data-box="upstairs"');
    expect(who).toContain('data-at="2026-01-15T12:00:00+00:00"');
    expect(who).toContain('data-by="O&#39;Brien" aria-label="O&#39;Brien cleaned it">O&#39;Brien</button>');
    expect(who).toContain('<button type="button" class="skip" aria-label="Skip: leave it unsaid">skip</button>');
    expect(whoChoices('upstairs', rfc(NOON), [])).toBe('');
  });

  it('lists every box but the node’s own, each with its level, time, who and where, and its own "Cleaned now"', () => {
    const items = otherBoxItems(
      [box({ box: 'litter box' }), box({ by: 'Anna', level: 'soon' }), box({ box: 'b<x', undoUntil: null })],
      options,
    );
    expect(items.match(/<li class="box/g)).toHaveLength(2);
    expect(items).not.toContain('data-box="litter box"');
    const upstairs = boxItem(box({ by: 'Anna', level: 'soon' }), options);
    expect(upstairs).toMatch(/^<li class="box level-soon" data-box="upstairs">/);
    expect(upstairs).toContain('<h3 class="box-name">upstairs</h3><p class="box-level">Due soon</p>');
    expect(upstairs).toContain('<p class="box-ago">last cleaned 2 min ago (11:58)</p>');
    expect(upstairs).toContain('cleaned by Anna · on hall-1234, attic');
    expect(upstairs).toContain('<input type="hidden" name="box" value="upstairs">');
    expect(upstairs).toContain('aria-label="Cleaned upstairs now">Cleaned now</summary>');
    expect(upstairs).toContain('class="undo"');
    // Names are escaped everywhere.
    expect(items).toContain('data-box="b&lt;x"');
    expect(items).not.toContain('b<x');
  });

  it('asks who cleaned a box only while the page holds its press, and says what came of the last action', () => {
    expect(boxItem(box(), options)).not.toContain('class="who"');
    const notes = new Map([['upstairs', { asking: rfc(NOON - 2 * MINUTE), message: 'Recorded.' }]]);
    const asked = boxItem(box(), { ...options, notes });
    expect(asked).toContain('class="who"');
    expect(asked).toContain('<p class="message" role="status">Recorded.</p>');
  });

  it('stops asking once the press is named elsewhere (another phone, the event stream first) or is no longer the last', () => {
    const notes = new Map([['upstairs', { asking: rfc(NOON - 2 * MINUTE) }]]);
    expect(boxItem(box({ by: 'Ben' }), { ...options, notes })).not.toContain('class="who"');
    expect(boxItem(box({ lastCleaned: rfc(NOON - MINUTE) }), { ...options, notes })).not.toContain('class="who"');
    expect(openQuestion(box(), notes.get('upstairs'))).toBe(rfc(NOON - 2 * MINUTE));
    expect(openQuestion(box({ by: 'Ben' }), notes.get('upstairs'))).toBeUndefined();
    expect(openQuestion(box(), undefined)).toBeUndefined();
  });

  it('picks a box for the history, or the household', () => {
    expect(boxPickerOptions(['upstairs', 'basement'], 'basement')).toBe(
      '<option value="upstairs">upstairs</option><option value="basement" selected>basement</option>' +
        '<option value="">All boxes</option>',
    );
    expect(boxPickerOptions(['upstairs'], null)).toContain('<option value="" selected>All boxes</option>');
  });
});

describe('who cleaned, under the figures', () => {
  it('says each person’s cleanings and share, the unsaid ones and whose turn; nothing without names', () => {
    const figures = {
      people: [
        { name: 'Anna', cleanings30Days: 5, share: 0.63 },
        { name: 'Ben', cleanings30Days: 3, share: 0.38 },
      ],
      unsaid30Days: 2,
      turn: 'Ben',
    };
    expect(peopleLine(figures, null)).toBe(
      '30 days, every box: Anna 5 (63 %) · Ben 3 (38 %) · 2 unsaid · Ben’s turn next',
    );
    expect(peopleLine({ people: [{ name: 'Anna', cleanings30Days: 0, share: null }], turn: 'Anna' }, 'upstairs')).toBe(
      '30 days, upstairs: Anna 0 · Anna’s turn next',
    );
    expect(peopleLine({ people: [], turn: null }, null)).toBe('');
    // A node whose figures have no people yet (an earlier version).
    expect(peopleLine({}, null)).toBe('');
    expect(peopleLine(null, null)).toBe('');
  });
});
