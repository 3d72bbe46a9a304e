// The page, made live: the node renders it (it works without this script); this keeps it
// current from the node's event stream, every minute, and records cleanings with fetch.
import { historyChart, historyItems, pageStats, statsLine, type PageHistory } from '../common/history-view.js';
import type { HouseholdEntry, StateJson } from '../common/api-json.js';
import { agoLine, householdItems, levelTitle } from '../common/page-text.js';
import { keyItems, type KeyState } from '../common/household-key.js';

const root = document.documentElement;
const find = <T extends Element>(selector: string): T | null => document.querySelector<T>(selector);
let state: StateJson | null = null;
let household: HouseholdEntry[] = [];
let history: PageHistory | null = null;
let key: KeyState | null = null;

function say(text: string): void {
  const message = find('.message');
  if (message) message.textContent = text;
}

function showAgo(): void {
  const ago = find('.ago');
  if (state && ago) ago.textContent = agoLine(state.lastCleaned, Date.now());
}

function showHousehold(): void {
  const list = find('.household ul');
  if (list) list.innerHTML = householdItems(household, state?.name ?? '', Date.now());
}

/** The chart, the figures and the list: they move on with the clock too (the wait since the last cleaning). */
function showHistory(): void {
  const figure = find('.history figure');
  const stats = find('.history .stats');
  const list = find('.history .cleanings');
  if (!history || !figure || !stats || !list) return;
  const now = Date.now();
  figure.innerHTML = historyChart(history, now);
  stats.textContent = statsLine(pageStats(history, now));
  list.innerHTML = historyItems(history, now);
}

function showKey(): void {
  const section = find('.key-state');
  if (key && section) section.innerHTML = keyItems(key, state?.name ?? '', Date.now());
}

/** "Add a node": the node accepts one join for 2 minutes; its `key` event shows the invitation. */
async function invite(): Promise<void> {
  const response = await fetch('/api/household/invite', { method: 'POST' });
  const body = (await response.json()) as KeyState | { error: string };
  if ('error' in body) say(`No invitation: ${body.error}`);
  else {
    key = body;
    showKey();
  }
}

/**
 * "Join the household": this node asks the member for the key, as `household join` does. The
 * result (the six digits, to compare with the member's page) comes back with the key's state.
 */
function tellJoin(text: string): void {
  const message = find('.join-message');
  if (message) message.textContent = text;
}

async function join(member: string): Promise<void> {
  tellJoin(`Joining through ${member}…`);
  const response = await fetch('/api/household/join-via', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ member }),
  });
  const body = (await response.json()) as KeyState | { error: string };
  if ('error' in body) {
    tellJoin(`Not joined: ${body.error}`);
    return;
  }
  key = body;
  showKey();
  // The digits are in the key's section, beside the member's name, as the page without JavaScript shows them.
  tellJoin(`Joined: this node holds the household key ${body.fingerprint ?? ''} now.`);
}

document.addEventListener('submit', (event) => {
  const form = event.target as HTMLFormElement;
  const action = form.getAttribute('action');
  if (action === '/api/household/invite') {
    event.preventDefault();
    invite().catch(() => say('No invitation: the node did not answer. Try again.'));
  } else if (action === '/api/household/join-via') {
    event.preventDefault();
    const member = form.querySelector<HTMLInputElement>('input[name="member"]')?.value.trim() ?? '';
    join(member).catch(() => tellJoin('Not joined: this node did not answer. Try again.'));
  }
});

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

function follow(): void {
  const events = new EventSource('/api/events');
  events.addEventListener('state', (event) => showState(JSON.parse((event as MessageEvent<string>).data) as StateJson));
  events.addEventListener('household', (event) => {
    household = JSON.parse((event as MessageEvent<string>).data) as HouseholdEntry[];
    showHousehold();
  });
  events.addEventListener('key', (event) => {
    key = JSON.parse((event as MessageEvent<string>).data) as KeyState;
    showKey();
  });
  events.addEventListener('history', (event) => {
    history = JSON.parse((event as MessageEvent<string>).data) as PageHistory;
    showHistory();
  });
  // The browser reconnects by itself; the page says meanwhile that what it shows may be old.
  events.addEventListener('open', () => root.classList.remove('offline'));
  events.addEventListener('error', () => root.classList.add('offline'));
}

/** A datetime-local value (`2026-12-01T08:30`, the browser's time) as RFC 3339. */
const instant = (local: string): string => new Date(local).toISOString();

async function record(form: HTMLFormElement): Promise<void> {
  const at = form.querySelector<HTMLInputElement>('input[name="at"]')?.value;
  const before = state?.lastCleaned ?? null;
  say('Recording…');
  const response = await fetch('/api/cleaned', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(at ? { at: instant(at) } : {}),
  });
  const body = (await response.json()) as StateJson | { error: string };
  if ('error' in body) {
    say(`Not recorded: ${body.error}`);
    return;
  }
  showState(body);
  form.closest('details')?.removeAttribute('open');
  say(
    at && body.lastCleaned === before
      ? 'Recorded. The household has a later cleaning, so the time shown stays.'
      : 'Recorded: every node of the household hears of it.',
  );
}

for (const form of document.querySelectorAll<HTMLFormElement>('.actions form')) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    record(form).catch(() => say('Not recorded: the node did not answer. Try again.'));
  });
}
// "2 h 14 min ago" moves on with the clock; so does the latest time the picker takes.
setInterval(() => {
  showAgo();
  showHousehold();
  showHistory();
  showKey();
  const picker = find<HTMLInputElement>('input[name="at"]');
  const now = new Date();
  if (picker) picker.max = new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}, 60_000);
follow();
