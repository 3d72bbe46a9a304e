import type { BoxJson } from './api-json.js';
import { DEFAULT_BOX } from './boxes.js';
import { agoLine, clockTime, escapeHtml as escape, levelTitle } from './page-text.js';

/*
 * The boxes of the household as the page shows them, the same on the node (which renders the
 * page) and in the browser (which redraws them on each `boxes` event and as time passes): the
 * node's own box in the large card at the top, every other box below it with its own "Cleaned
 * now"; "Undo" while a cleaning may still be taken back, and the household's names to say who
 * cleaned after a press.
 */

/** What the page holds for a box besides its JSON: a press waiting to be named, a line to say. */
export interface BoxNote {
  /** The cleaning just recorded here (RFC 3339): the page asks who did it, until a name or "skip". */
  asking?: string;
  message?: string;
}

export interface BoxCardOptions {
  now: number;
  /** The household's names, offered after "Cleaned now". */
  people: readonly string[];
  notes?: ReadonlyMap<string, BoxNote>;
  /** The node's time zone on the node; undefined in the browser (its own). */
  timeZone?: string;
}

/** A box as a sentence names it: `the litter box` for the default one, else its name (`upstairs`). */
export const boxPhrase = (box: string): string => (box === DEFAULT_BOX ? 'the litter box' : box);

/** The box's attribute value: the page's script finds a box's controls by it. */
const boxAttribute = (box: string): string => `data-box="${escape(box)}"`;

/**
 * "Undo" for the box's last cleaning while it may still be taken back (`undoUntil` after
 * `now`), else nothing. A form, so that it works without the script too.
 */
export function undoControl(box: BoxJson, now: number, timeZone?: string): string {
  if (box.undoUntil === null || box.lastCleaned === null || Date.parse(box.undoUntil) <= now) return '';
  const at = Date.parse(box.lastCleaned);
  const until = clockTime(Date.parse(box.undoUntil), now, timeZone);
  const label = `Undo the cleaning of ${boxPhrase(box.box)} at ${clockTime(at, now, timeZone)}`;
  return (
    `<form class="undo" method="post" action="/api/cleaned/undo" ${boxAttribute(box.box)}>` +
    `<input type="hidden" name="box" value="${escape(box.box)}">` +
    // The time goes with the button, not in an input: the page's one `input[name="at"]` stays the picker's.
    `<button type="submit" name="at" value="${escape(box.lastCleaned)}" aria-label="${escape(label)}">Undo</button>` +
    `<span class="until">possible until ${escape(until)}</span></form>`
  );
}

/** The household's names as one-tap choices for the cleaning `at` of `box`, and "skip"; nothing without names. */
export function whoChoices(box: string, at: string, people: readonly string[]): string {
  if (people.length === 0) return '';
  const question = `Who cleaned ${boxPhrase(box)}?`;
  const names = people.map(
    (name) =>
      `<button type="button" class="name" data-by="${escape(name)}" aria-label="${escape(`${name} cleaned it`)}">` +
      `${escape(name)}</button>`,
  );
  return (
    `<div class="who" role="group" aria-label="${escape(question)}" ${boxAttribute(box)} data-at="${escape(at)}">` +
    `<p>${escape(question)}</p><div class="names">${names.join('')}` +
    '<button type="button" class="skip" aria-label="Skip: leave it unsaid">skip</button></div></div>'
  );
}

/**
 * The cleaning the page still asks about for `box`: the press it holds while that press is the
 * box's last and nobody has named it. Another phone may name it first, or the node's event
 * stream may bring this phone's own answer before the answer's reply: the question goes then.
 */
export function openQuestion(box: BoxJson, note: BoxNote | undefined): string | undefined {
  const asking = note?.asking;
  return asking !== undefined && asking === box.lastCleaned && box.by === null ? asking : undefined;
}

/** Who cleaned, then the box's nodes: `cleaned by Anna · on hall, attic`. */
function boxDetails(box: BoxJson): string {
  return [box.by ? `cleaned by ${box.by}` : '', box.nodes.length > 0 ? `on ${box.nodes.join(', ')}` : '']
    .filter(Boolean)
    .join(' · ');
}

/** The part of a box's card the script redraws as it changes: level, time, who and where, "Undo", the question. */
export function boxState(box: BoxJson, options: BoxCardOptions): string {
  const asking = openQuestion(box, options.notes?.get(box.box));
  return (
    `<span class="swatch" aria-hidden="true"></span>` +
    `<h3 class="box-name">${escape(box.box)}</h3>` +
    `<p class="box-level">${escape(levelTitle(box.level))}</p>` +
    `<p class="box-ago">${escape(agoLine(box.lastCleaned, options.now, options.timeZone))}</p>` +
    `<p class="box-details">${escape(boxDetails(box))}</p>` +
    undoControl(box, options.now, options.timeZone) +
    (asking ? whoChoices(box.box, asking, options.people) : '')
  );
}

/**
 * One of the other boxes: its state, its own "Cleaned now" (asking first, as the top card's
 * does: a stray tap records nothing), and the line that says what came of it.
 */
export function boxItem(box: BoxJson, options: BoxCardOptions): string {
  const note = options.notes?.get(box.box);
  return (
    `<li class="box level-${box.level}" ${boxAttribute(box.box)}>` +
    `<div class="box-state">${boxState(box, options)}</div>` +
    `<details class="confirm"><summary aria-label="${escape(`Cleaned ${boxPhrase(box.box)} now`)}">Cleaned now</summary>` +
    `<form method="post" action="/api/cleaned"><input type="hidden" name="box" value="${escape(box.box)}">` +
    `<p>Did you just clean ${escape(boxPhrase(box.box))}?</p><button type="submit">Yes, cleaned now</button></form>` +
    `</details><p class="message" role="status">${escape(note?.message ?? '')}</p></li>`
  );
}

/** Every box but the node's own (the first), as the list below the top card. */
export const otherBoxItems = (boxes: readonly BoxJson[], options: BoxCardOptions): string =>
  boxes
    .slice(1)
    .map((box) => boxItem(box, options))
    .join('');

/**
 * The history's box picker: each box, then the household's (value ''); `chosen` null for the
 * household's.
 */
export function boxPickerOptions(boxes: readonly string[], chosen: string | null): string {
  const option = (value: string, words: string) =>
    `<option value="${escape(value)}"${(chosen ?? '') === value ? ' selected' : ''}>${escape(words)}</option>`;
  return [...boxes.map((box) => option(box, box)), option('', 'All boxes')].join('');
}
