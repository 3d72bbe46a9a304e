// The page, made live: the node renders it (it works without this script); this keeps it
// current from the node's event stream, every minute, and records cleanings with fetch.
import {
  boxHistory,
  historyChart,
  historyItems,
  pageStats,
  statsLine,
  type PageHistory,
} from '../common/history-view.js';
import type { BoxJson, HouseholdEntry, StateJson } from '../common/api-json.js';
import { agoLine, householdItems, levelTitle } from '../common/page-text.js';
import type { KeyState } from '../common/household-key.js';
import {
  boxPhrase,
  boxPickerOptions,
  boxState,
  openQuestion,
  undoControl,
  whoChoices,
  type BoxNote,
} from '../common/box-cards.js';
import { peopleLine, type PeopleFigures } from '../common/people-line.js';
import { boxesList, keepingFocus, redraw } from './boxes-list.js';
import { householdKeySection } from './household-key-section.js';

const root = document.documentElement;
const find = <T extends Element>(selector: string): T | null => document.querySelector<T>(selector);
const main = find<HTMLElement>('main');
let state: StateJson | null = null;
let household: HouseholdEntry[] = [];
let history: PageHistory | null = null;
let figures: PeopleFigures | null = null;
// The page brings the boxes and the names it was rendered with; the event stream keeps the boxes current.
let boxes = JSON.parse(main?.dataset.boxes ?? '[]') as BoxJson[];
const people = JSON.parse(main?.dataset.people ?? '[]') as string[];
/** The box whose history is shown, null for the household's: as the picker says. */
let shownBox: string | null = find<HTMLSelectElement>('.box-picker select')?.value ?? boxes[0]?.box ?? null;
if (shownBox === '') shownBox = null;
/** What the page holds for each box by name: a press waiting to be named, what came of the last action. */
const notes = new Map<string, BoxNote>();
const ownBox = (): string | undefined => boxes[0]?.box;

function note(box: string): BoxNote {
  let held = notes.get(box);
  if (!held) notes.set(box, (held = {}));
  return held;
}

/** Says `text` on the box's line (the node's own box: the line under its buttons). */
function say(box: string | undefined, text: string): void {
  const key = box ?? ownBox() ?? '';
  note(key).message = text;
  const line =
    key === (ownBox() ?? '')
      ? find('.actions .message')
      : [...document.querySelectorAll<HTMLElement>('.boxes li.box')]
          .find((li) => li.dataset.box === key)
          ?.querySelector('.message');
  if (line) line.textContent = text;
}

function showAgo(): void {
  const ago = find('.ago');
  if (state && ago) ago.textContent = agoLine(state.lastCleaned, Date.now());
}

function showHousehold(): void {
  const list = find('.household ul');
  if (list) list.innerHTML = householdItems(household, state?.name ?? '', Date.now());
}

/** The chart, the figures and the list of the chosen box: they move on with the clock too (the wait since). */
function showHistory(): void {
  const figure = find('.history figure');
  const stats = find('.history .stats');
  const list = find('.history .cleanings');
  const line = find('.history .people');
  if (!history || !figure || !stats || !list) return;
  const now = Date.now();
  const chosen = boxHistory(history, shownBox);
  figure.innerHTML = historyChart(chosen, now);
  stats.textContent = statsLine(pageStats(chosen, now));
  list.innerHTML = historyItems(chosen, now);
  if (line) line.textContent = peopleLine(figures, shownBox);
}

let undoExpiry: ReturnType<typeof setTimeout> | undefined;

/** Every box: the node's own in the top card ("Undo", who cleaned), the others in the list, the picker. */
function showBoxes(): void {
  const now = Date.now();
  const own = boxes[0] as BoxJson | undefined;
  const several = boxes.length > 1;
  const options = { now, people, notes };
  keepingFocus(() => {
    const undo = find('.undo-slot');
    if (undo) redraw(undo, own ? undoControl(own, now) : '');
    const who = find('.who-slot');
    const asking = own ? openQuestion(own, notes.get(own.box)) : undefined;
    if (who) redraw(who, own && asking ? whoChoices(own.box, asking, people) : '');
    const list = find<HTMLElement>('.boxes ul');
    if (list)
      boxesList(
        list,
        boxes.slice(1),
        (box) => boxState(box, options),
        (box) => notes.get(box)?.message ?? '',
      );
  });
  const name = find('.own-box');
  if (name) name.textContent = several && own ? own.box : '';
  find<HTMLElement>('.boxes')?.toggleAttribute('hidden', !several);
  const picker = find<HTMLElement>('.box-picker');
  const select = picker?.querySelector('select');
  if (picker && select) {
    if (shownBox !== null && !boxes.some((box) => box.box === shownBox)) shownBox = ownBox() ?? null;
    picker.toggleAttribute('hidden', !several);
    const names = boxes.map((box) => box.box);
    if (select.dataset.names !== JSON.stringify(names)) {
      select.dataset.names = JSON.stringify(names);
      select.innerHTML = boxPickerOptions(names, shownBox);
    }
  }
  // "Undo" goes when its window closes, not at the next minute.
  clearTimeout(undoExpiry);
  const ends = boxes.map((box) => (box.undoUntil ? Date.parse(box.undoUntil) : Infinity)).filter((end) => end > now);
  if (ends.length > 0 && Math.min(...ends) < Infinity) undoExpiry = setTimeout(showBoxes, Math.min(...ends) - now + 50);
}

const keySection = householdKeySection(
  () => state?.name ?? '',
  (text) => say(undefined, text),
);

function showState(next: StateJson): void {
  state = next;
  root.dataset.level = next.level;
  root.dataset.lastCleaned = next.lastCleaned ?? '';
  for (const name of [...root.classList]) if (name.startsWith('level-')) root.classList.remove(name);
  root.classList.add(`level-${next.level}`);
  root.classList.toggle('quiet', next.quiet);
  const level = find('.level');
  if (level) level.textContent = levelTitle(next.level);
  const name = find('.node-name');
  if (name) name.textContent = next.name;
  document.title = `${next.name} · litter box`;
  showAgo();
}

async function refreshBoxes(): Promise<void> {
  const response = await fetch('/api/boxes');
  if (response.ok) boxes = (await response.json()) as BoxJson[];
  showBoxes();
}

/** Who cleaned the box shown, and whose turn: the node counts them (`/api/history/stats`). */
async function refreshFigures(): Promise<void> {
  const response = await fetch(`/api/history/stats${shownBox === null ? '' : `?box=${encodeURIComponent(shownBox)}`}`);
  if (response.ok) figures = (await response.json()) as PeopleFigures;
  showHistory();
}

const data = <T>(event: Event): T => JSON.parse((event as MessageEvent<string>).data) as T;

function follow(): void {
  const events = new EventSource('/api/events');
  events.addEventListener('state', (event) => showState(data<StateJson>(event)));
  events.addEventListener('household', (event) => {
    household = data<HouseholdEntry[]>(event);
    showHousehold();
  });
  events.addEventListener('key', (event) => {
    keySection.show(data<KeyState>(event));
  });
  events.addEventListener('history', (event) => {
    history = data<PageHistory>(event);
    showHistory();
    // Who cleaned and whose turn change with the history.
    refreshFigures().catch(() => undefined);
  });
  events.addEventListener('boxes', (event) => {
    boxes = data<BoxJson[]>(event);
    showBoxes();
  });
  // The browser reconnects by itself; the page says meanwhile that what it shows may be old.
  events.addEventListener('open', () => root.classList.remove('offline'));
  events.addEventListener('error', () => root.classList.add('offline'));
}

/** A datetime-local value (`2026-12-01T08:30`, the browser's time) as RFC 3339. */
const instant = (local: string): string => new Date(local).toISOString();

/** Posts `body` as JSON: the answer's JSON, or the node's `error`. */
async function post<T>(path: string, body: object): Promise<T | { error: string }> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as T | { error: string };
}

/** The "Cleaned now" of the box `box` (its card's summary): where the focus goes back to. */
function focusCleanedNow(box: string): void {
  const details =
    box === ownBox()
      ? find('.actions details.confirm')
      : [...document.querySelectorAll<HTMLElement>('.boxes li.box')]
          .find((li) => li.dataset.box === box)
          ?.querySelector('details.confirm');
  details?.querySelector<HTMLElement>('summary')?.focus();
}

async function record(form: HTMLFormElement): Promise<void> {
  const at = form.querySelector<HTMLInputElement>('input[name="at"]')?.value;
  const box = form.querySelector<HTMLInputElement>('input[name="box"]')?.value ?? ownBox();
  const before = state?.lastCleaned ?? null;
  say(box, 'Recording…');
  const sent = form.querySelector<HTMLInputElement>('input[name="box"]') ? { box } : {};
  const body = await post<StateJson>('/api/cleaned', { ...sent, ...(at ? { at: instant(at) } : {}) });
  if ('error' in body) {
    say(box, `Not recorded: ${body.error}`);
    return;
  }
  if (box === ownBox() || box === undefined) showState(body);
  form.closest('details')?.removeAttribute('open');
  const where = box === undefined || box === ownBox() ? 'every node of the household' : `every node showing ${box}`;
  say(
    box,
    at && body.lastCleaned === before && box === ownBox()
      ? 'Recorded. The household has a later cleaning, so the time shown stays.'
      : `Recorded: ${where} hears of it.`,
  );
  await refreshBoxes().catch(() => undefined);
  // Who did it: asked after a press, of the cleaning the press made, while it may still be named.
  const made = boxes.find((shown) => shown.box === box);
  if (at || !box || people.length === 0 || !made?.lastCleaned || !made.undoUntil) return;
  note(box).asking = made.lastCleaned;
  showBoxes();
  const who = document.querySelector<HTMLElement>(`.who[data-at="${made.lastCleaned}"] button`);
  who?.focus();
}

async function sayWho(box: string, at: string, by: string | null): Promise<void> {
  if (by !== null) {
    const body = await post<unknown>('/api/cleaned/by', { at, box, by });
    if (body !== null && typeof body === 'object' && 'error' in body) {
      say(box, `Not saved: ${(body as { error: string }).error}`);
      return;
    }
    say(box, `Recorded: ${by} cleaned ${boxPhrase(box)}.`);
  }
  delete note(box).asking;
  await refreshBoxes().catch(() => showBoxes());
  focusCleanedNow(box);
}

async function undo(box: string, at: string): Promise<void> {
  say(box, 'Taking it back…');
  const body = await post<unknown>('/api/cleaned/undo', { at, box });
  if (body !== null && typeof body === 'object' && 'error' in body) {
    say(box, `Not taken back: ${(body as { error: string }).error}`);
    return;
  }
  if (note(box).asking === at) delete note(box).asking;
  say(box, `Taken back: ${boxPhrase(box)} shows its cleaning before that one again, on every node.`);
  await refreshBoxes().catch(() => showBoxes());
  focusCleanedNow(box);
}

// The boxes' lists are redrawn as they change: their forms and buttons are answered here, by delegation.
document.addEventListener('submit', (event) => {
  const form = event.target as HTMLFormElement;
  const box = form.querySelector<HTMLInputElement>('input[name="box"]')?.value;
  const fail = (what: string) => () => say(box, `${what}: the node did not answer. Try again.`);
  if (form.matches('form.undo')) {
    event.preventDefault();
    const at = form.querySelector<HTMLButtonElement>('button[name="at"]')?.value ?? '';
    undo(box ?? '', at).catch(fail('Not taken back'));
  } else if (form.matches('form[action="/api/cleaned"]')) {
    event.preventDefault();
    record(form).catch(fail('Not recorded'));
  }
});
document.addEventListener('click', (event) => {
  const button = (event.target as Element).closest<HTMLButtonElement>('.who button');
  const group = button?.closest<HTMLElement>('.who');
  if (!button || !group?.dataset.box || !group.dataset.at) return;
  const { box, at } = group.dataset;
  sayWho(box, at, button.dataset.by ?? null).catch(() => say(box, 'Not saved: the node did not answer. Try again.'));
});
find<HTMLSelectElement>('.box-picker select')?.addEventListener('change', (event) => {
  shownBox = (event.target as HTMLSelectElement).value || null;
  figures = null;
  showHistory();
  refreshFigures().catch(() => undefined);
});
// "2 h 14 min ago" moves on with the clock; so does the latest time the picker takes.
setInterval(() => {
  showAgo();
  showHousehold();
  showHistory();
  keySection.show();
  showBoxes();
  const picker = find<HTMLInputElement>('input[name="at"]');
  const now = new Date();
  if (picker) picker.max = new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}, 60_000);
showBoxes();
follow();
