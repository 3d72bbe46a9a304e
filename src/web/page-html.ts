import type { BoxJson, HouseholdEntry, StateJson } from '../../common/api-json';
import { boxPhrase, boxPickerOptions, otherBoxItems, undoControl } from '../../common/box-cards';
import { agoLine, escapeHtml as escape, householdItems, levelTitle } from '../../common/page-text';
import {
  boxHistory,
  historyChart,
  historyItems,
  pageStats,
  statsLine,
  type PageHistory,
} from '../../common/history-view';
import { keyItems, type KeyState } from '../../common/household-key';
import { peopleLine, type PeopleFigures } from '../../common/people-line';

export interface PageModel {
  state: StateJson;
  household: readonly HouseholdEntry[];
  history: PageHistory;
  /** The household key's state (never the key). */
  key: KeyState;
  /** Every box of the household, the node's own first (`GET /api/boxes`). */
  boxes: readonly BoxJson[];
  /** The household's names, offered after "Cleaned now". */
  people: readonly string[];
  /** `GET /api/history/stats` of the box whose history is shown: its `people` and `turn` are shown when there. */
  figures: PeopleFigures | null;
  /** The box whose history is shown (`/?box=NAME`; '' the household's); undefined: the node's own. */
  historyBox?: string;
  /** The node's time zone: the page without JavaScript shows times in it. */
  timeZone: string;
  now: number;
}

/** The box whose history the page shows: the one asked for when the household has it, else the node's own. */
export function chosenBox(boxes: readonly BoxJson[], asked: string | undefined): string | null {
  if (asked === '') return null;
  if (asked !== undefined && boxes.some((box) => box.box === asked)) return asked;
  return boxes[0]?.box ?? null;
}

/**
 * The page, rendered on the server: it shows the state and its forms work without
 * JavaScript; the script makes it live. The root element carries `data-level` and
 * `data-last-cleaned` (tests and user styles rely on them). With one box it looks as it did
 * before there were boxes; with several, the node's own is the top card, named, and the
 * others follow, each with its "Cleaned now".
 */
export function renderPage(model: PageModel, localNow: string): string {
  const { state, boxes } = model;
  const own = boxes[0] as BoxJson | undefined;
  const several = boxes.length > 1;
  const options = { now: model.now, people: model.people, timeZone: model.timeZone };
  const shown = chosenBox(boxes, model.historyBox);
  const history = boxHistory(model.history, shown);
  const ownBoxInput = several && own ? `<input type="hidden" name="box" value="${escape(own.box)}">` : '';
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
<main data-people="${escape(JSON.stringify(model.people))}" data-boxes="${escape(JSON.stringify(boxes))}">
<section class="now" aria-live="polite">
<div class="swatch" aria-hidden="true"></div>
<div>
<p class="node-name">${escape(state.name)}</p>
<p class="own-box">${several && own ? escape(own.box) : ''}</p>
<h1 class="level">${escape(levelTitle(state.level))}</h1>
<p class="ago" data-time-zone="${escape(model.timeZone)}">${escape(agoLine(state.lastCleaned, model.now, model.timeZone))}</p>
<div class="undo-slot">${own ? undoControl(own, model.now, model.timeZone) : ''}</div>
<p class="quiet-note">Quiet hours: the strip is dark.</p>
</div>
</section>
<section class="actions"${own ? ` data-box="${escape(own.box)}"` : ''}>
<details class="confirm">
<summary>Cleaned now</summary>
<form method="post" action="/api/cleaned">${ownBoxInput}
<p>Did you just clean ${escape(boxPhrase(own?.box ?? 'litter box'))}?</p>
<button type="submit">Yes, cleaned now</button>
</form>
</details>
<details class="earlier">
<summary>Cleaned earlier…</summary>
<form method="post" action="/api/cleaned">${ownBoxInput}
<label>When (${escape(model.timeZone)} time)
<input type="datetime-local" name="at" max="${escape(localNow)}" required></label>
<button type="submit">Record it</button>
</form>
</details>
<div class="who-slot"></div>
<p class="message" role="status"></p>
</section>
<section class="boxes"${several ? '' : ' hidden'}>
<h2>Other boxes</h2>
<ul>${otherBoxItems(boxes, options)}</ul>
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
<form class="box-picker" method="get" action="/"${several ? '' : ' hidden'}>
<label>Box <select name="box">${boxPickerOptions(
    boxes.map((box) => box.box),
    shown,
  )}</select></label>
<noscript><button type="submit">Show</button></noscript>
</form>
<figure>${historyChart(history, model.now, model.timeZone)}</figure>
<p class="stats">${escape(statsLine(pageStats(history, model.now)))}</p>
<p class="people">${escape(peopleLine(model.figures, shown))}</p>
<ol class="cleanings">${historyItems(history, model.now, model.timeZone)}</ol>
</section>
</main>
</body>
</html>
`;
}
