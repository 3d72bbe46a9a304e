// The list of the household's other boxes, redrawn in place: a box's card keeps its open
// "Cleaned now" and the line that says what came of it; only its state is drawn again.
import type { BoxJson } from '../common/api-json.js';
import { boxItem } from '../common/box-cards.js';

/** What each redrawn element was last drawn from. */
const drawn = new WeakMap<Element, string>();

/**
 * Puts `html` into `element` when it differs from what was drawn there last: a redraw every
 * minute would take a screen reader's place, and be read out again in a live region.
 */
export function redraw(element: Element, html: string): void {
  if (drawn.get(element) === html) return;
  element.innerHTML = html;
  drawn.set(element, html);
}

/** What identifies a control among the redrawn ones: its box, its kind, and the name it says. */
function controlKey(element: Element | null): string | null {
  const box = element?.closest<HTMLElement>('[data-box]')?.dataset.box;
  if (!element || box === undefined) return null;
  return JSON.stringify([box, element.tagName, element.className, (element as HTMLElement).dataset.by ?? null]);
}

/**
 * Runs `redraw`, and gives the focus back to the control that had it when `redraw` replaced
 * it with another of the same box and kind ("Undo", a name): a keyboard or a screen reader
 * does not lose its place each time a box changes.
 */
export function keepingFocus(redraw: () => void): void {
  const active = document.activeElement;
  const key = controlKey(active);
  redraw();
  if (key === null || (active && document.contains(active))) return;
  const again = [...document.querySelectorAll<HTMLElement>('button, summary, select')].find(
    (element) => controlKey(element) === key,
  );
  again?.focus();
}

/**
 * Shows `boxes` in `list`: the cards of boxes already shown are updated (their level and
 * state), the list is built again only when the boxes themselves change, with their open
 * confirmations and lines kept.
 */
export function boxesList(
  list: HTMLElement,
  boxes: readonly BoxJson[],
  state: (box: BoxJson) => string,
  message: (box: string) => string,
): void {
  const cards = [...list.querySelectorAll<HTMLElement>(':scope > li.box')];
  const same = cards.length === boxes.length && cards.every((card, i) => card.dataset.box === boxes[i].box);
  if (!same) {
    const open = new Set(cards.filter((card) => card.querySelector('details[open]')).map((card) => card.dataset.box));
    list.innerHTML = boxes.map((box) => boxItem(box, { now: Date.now(), people: [] })).join('');
    for (const card of list.querySelectorAll<HTMLElement>(':scope > li.box')) {
      if (open.has(card.dataset.box)) card.querySelector('details')?.setAttribute('open', '');
      const line = card.querySelector('.message');
      if (line) line.textContent = message(card.dataset.box ?? '');
    }
  }
  list.querySelectorAll<HTMLElement>(':scope > li.box').forEach((card, i) => {
    const box = boxes[i];
    for (const name of [...card.classList]) if (name.startsWith('level-')) card.classList.remove(name);
    card.classList.add(`level-${box.level}`);
    const shown = card.querySelector('.box-state');
    if (shown) redraw(shown, state(box));
  });
}
