import type { BoxJson, StateJson } from '../../common/api-json';
import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';
import { keyAnswer } from '../../src/web/household-routes';
import { chosenBox, renderPage, type PageModel } from '../../src/web/page-html';

const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);
const HOUR = 3_600_000;
const rfc = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');

const state: StateJson = {
  name: 'kitchen-3f2a',
  lastCleaned: rfc(NOON - HOUR),
  ageSeconds: 3600,
  level: 'fresh',
  colour: '#003c00',
  quiet: false,
};
const box = (name: string, parts: Partial<BoxJson> = {}): BoxJson => ({
  box: name,
  lastCleaned: rfc(NOON - HOUR),
  ageSeconds: 3600,
  level: 'fresh',
  colour: '#003c00',
  nodes: ['kitchen-3f2a'],
  by: null,
  undoUntil: null,
  own: true,
  ...parts,
});
const model = (parts: Partial<PageModel> = {}): PageModel => ({
  state,
  household: [],
  key: keyAnswer(null),
  history: {
    cleanings: [
      { at: rfc(NOON - HOUR), source: 'button', node: 'kitchen-3f2a', box: 'upstairs', by: 'Anna' },
      { at: rfc(NOON - 2 * HOUR), source: 'button', node: 'kitchen-3f2a' },
      { at: rfc(NOON - 30 * HOUR), source: 'button', node: 'kitchen-3f2a', box: 'upstairs' },
    ],
    thresholds: DEFAULT_THRESHOLDS,
  },
  boxes: [box('litter box')],
  people: ['Anna', 'Ben'],
  figures: null,
  timeZone: 'UTC',
  now: NOON,
  ...parts,
});
const page = (parts: Partial<PageModel> = {}) => renderPage(model(parts), '2026-01-15T12:00');

describe('the page as the node renders it', () => {
  it('with one box, looks as it did before there were boxes: no list of boxes, no picker, no box named', () => {
    const html = page({ history: { ...model().history, cleanings: model().history.cleanings.slice(1, 2) } });
    expect(html).toContain('<section class="boxes" hidden>');
    expect(html).toContain('<form class="box-picker" method="get" action="/" hidden>');
    expect(html).toContain('<p class="own-box"></p>');
    expect(html).toContain('<p>Did you just clean the litter box?</p>');
    // The node's own box is posted only when there are several to choose from.
    expect(html).not.toContain('name="box" value');
    expect(html).toContain('<div class="undo-slot"></div>');
  });

  it('with several boxes, names the node’s own at the top and lists the others, each with "Cleaned now"', () => {
    const html = page({ boxes: [box('upstairs', { undoUntil: rfc(NOON + HOUR) }), box('litter box')] });
    expect(html).toContain('<p class="own-box">upstairs</p>');
    expect(html).toContain('<p>Did you just clean upstairs?</p>');
    // "Cleaned now", "Cleaned earlier…" and "Undo" each say which box.
    expect(html.match(/<input type="hidden" name="box" value="upstairs">/g)).toHaveLength(3);
    expect(html).toMatch(
      /<section class="boxes">\n<h2>Other boxes<\/h2>\n<ul><li class="box level-fresh" data-box="litter box">/,
    );
    expect(html).toContain('aria-label="Cleaned the litter box now"');
    expect(html).toMatch(/<div class="undo-slot"><form class="undo" [^>]+data-box="upstairs">/);
    // The names go to the script, escaped into an attribute.
    expect(html).toContain('data-people="[&quot;Anna&quot;,&quot;Ben&quot;]"');
  });

  it('shows the history of the node’s own box first, of another or of the household when asked', () => {
    const boxes = [box('upstairs'), box('litter box')];
    expect(chosenBox(boxes, undefined)).toBe('upstairs');
    expect(chosenBox(boxes, 'litter box')).toBe('litter box');
    expect(chosenBox(boxes, '')).toBeNull();
    // A box the household does not have: the node's own.
    expect(chosenBox(boxes, 'garage')).toBe('upstairs');
    const listed = (html: string) => html.match(/<li class="cleaning/g)?.length;
    expect(listed(page({ boxes }))).toBe(2);
    expect(page({ boxes })).toContain('<option value="upstairs" selected>');
    expect(listed(page({ boxes, historyBox: 'litter box' }))).toBe(1);
    expect(listed(page({ boxes, historyBox: '' }))).toBe(3);
  });

  it('says who cleaned and whose turn when the figures have them', () => {
    const figures = { people: [{ name: 'Anna', cleanings30Days: 1, share: 1 }], turn: 'Ben' };
    expect(page({ figures })).toContain('<p class="people">30 days, litter box: Anna 1 (100 %) · Ben’s turn next</p>');
    expect(page()).toContain('<p class="people"></p>');
  });
});
