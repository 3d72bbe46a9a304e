import type { HouseholdEntry } from '../../common/api-json';
import { agoLine, escapeHtml as escape, householdItems, levelTitle } from '../../common/page-text';
import { historyChart, historyItems, pageStats, statsLine, type PageHistory } from '../../common/history-view';
import type { StateJson } from '../../common/api-json';
import { keyItems, type KeyState } from '../../common/household-key';

export interface PageModel {
  state: StateJson;
  household: readonly HouseholdEntry[];
  history: PageHistory;
  /** The household key's state (never the key). */
  key: KeyState;
  /** The node's time zone: the page without JavaScript shows times in it. */
  timeZone: string;
  now: number;
}

/**
 * The page, rendered on the server: it shows the state and its forms work without
 * JavaScript; the script makes it live. The root element carries `data-level` and
 * `data-last-cleaned` (tests and user styles rely on them).
 */
export function renderPage(model: PageModel, localNow: string): string {
  const { state } = model;
  return `<!doctype html>
<html lang="en" class="level-${state.level}${state.quiet ? ' quiet' : ''}" data-level="${state.level}" data-last-cleaned="${escape(state.lastCleaned ?? '')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escape(state.name)} · litter box</title>
<link rel="manifest" href="/manifest.webmanifest">
<link rel="icon" href="/icon.svg" type="image/svg+xml">
<link rel="apple-touch-icon" href="/icon-192.png">
<link rel="stylesheet" href="/assets/app.css">
<link rel="stylesheet" href="/assets/levels.css">
<script type="module" src="/assets/web/app.js"></script>
</head>
<body>
<main>
<section class="now" aria-live="polite">
<div class="swatch" aria-hidden="true"></div>
<div>
<p class="node-name">${escape(state.name)}</p>
<h1 class="level">${escape(levelTitle(state.level))}</h1>
<p class="ago" data-time-zone="${escape(model.timeZone)}">${escape(agoLine(state.lastCleaned, model.now, model.timeZone))}</p>
<p class="quiet-note">Quiet hours: the strip is dark.</p>
</div>
</section>
<section class="actions">
<details class="confirm">
<summary>Cleaned now</summary>
<form method="post" action="/api/cleaned">
<p>Did you just clean the litter box?</p>
<button type="submit">Yes, cleaned now</button>
</form>
</details>
<details class="earlier">
<summary>Cleaned earlier…</summary>
<form method="post" action="/api/cleaned">
<label>When (${escape(model.timeZone)} time)
<input type="datetime-local" name="at" max="${escape(localNow)}" required></label>
<button type="submit">Record it</button>
</form>
</details>
<p class="message" role="status"></p>
</section>
<section class="household">
<h2>Household</h2>
<ul>${householdItems(model.household, state.name, model.now, model.timeZone)}</ul>
</section>
<section class="key">
<h2>Household key</h2>
<div class="key-state">${keyItems(model.key, state.name, model.now, model.timeZone)}</div>
<p class="join-message" role="status"></p>
</section>
<section class="history">
<h2>History</h2>
<figure>${historyChart(model.history, model.now, model.timeZone)}</figure>
<p class="stats">${escape(statsLine(pageStats(model.history, model.now)))}</p>
<ol class="cleanings">${historyItems(model.history, model.now, model.timeZone)}</ol>
</section>
</main>
</body>
</html>
`;
}
