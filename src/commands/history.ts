import { array, create, type Infer, nullable, number, optional, size, string, type } from 'superstruct';
import type { Cleaning, Withdrawal } from '../../common/history';
import { commandFlags, type FlagSpecs } from '../settings/command-line';
import { flagReader } from '../settings/readings';
import { systemTimeZone } from '../settings/readings';
import { MOST_CLEANINGS } from '../../machines/history/history-set';
import { itemsFrom, shownEntries } from '../history/history-json';
import { requestJson } from '../cluster/peer-http';
import { statsLine } from '../../common/history-view';
import { historyTable, peopleReport } from './history-report';
import { Rfc3339 } from '../time/timestamp';
import { printable } from './printable';
import { readTimeoutMs } from './probe-options';
import { findNode, pagePortHint, readBox, readNode } from './node-option';
import { commandThresholds, LEVEL_FLAGS, LEVEL_HELP } from '../settings/command-levels';

export const HISTORY_HELP = `Usage: cat-litter-reminder history [flags]

Shows the household's history of cleanings, newest first, as one of our nodes
found by mDNS (or --node) knows it: when, how long after the previous one
(coloured by the level the strip had reached), where and how it was recorded;
then the last 7 and 30 days at a glance; and, once cleanings name who
cleaned (people:), each person's cleanings and share of the last 30 days,
their last cleaning, and whose turn it is (the fewest cleanings). Withdrawn
cleanings (undo) count in none of the figures.

Flags:
  --json                the cleanings as JSON, newest first: [{"at" (RFC 3339),
                        "source" (button|web|reset|mqtt|network), "node" (its name,
                        or null)}], as GET /api/history gives them
  --limit N             how many cleanings, 1-10000 (default 20)
  --box NAME            the cleanings and figures of this box alone (default:
                        the household's, every box)
  --node HOST[:PORT]    ask this node at its page's port (default 5380; not the
                        UDP port status shows) instead of the first found by mDNS
  --timeout SECONDS     bounds the whole command (default 3)
${LEVEL_HELP}
  --help                show this help

Exit status: 0 when a node answered, 1 when none was found or it did not answer,
2 on bad flags.
`;

const HISTORY_FLAGS: FlagSpecs = {
  ...LEVEL_FLAGS,
  box: { value: true },
  help: { value: false },
  json: { value: false },
  limit: { value: true },
  node: { value: true },
  timeout: { value: true },
};

/** The household's 12 and the names other nodes' lists give: more is no answer of ours. */
const MOST_PEOPLE_SHOWN = 100;
/** A node before names answers without `people`, `unsaid30Days` and `turn`. */
const StatsAnswer = type({
  cleanings7Days: number(),
  cleanings30Days: number(),
  medianIntervalHours: nullable(number()),
  longestIntervalHours: nullable(number()),
  overdueHours30Days: number(),
  people: optional(
    size(
      array(
        type({
          name: size(string(), 1, 200),
          cleanings30Days: number(),
          share: nullable(number()),
          lastCleaned: nullable(Rfc3339),
        }),
      ),
      0,
      MOST_PEOPLE_SHOWN,
    ),
  ),
  unsaid30Days: optional(number()),
  turn: optional(nullable(size(string(), 1, 200))),
});

export async function historyCommand(argv: readonly string[]): Promise<number> {
  const flags = commandFlags(argv, HISTORY_FLAGS, HISTORY_HELP);
  if (!flags) return 0;
  const { whole } = flagReader(flags);
  const limit = whole('limit', 20, 1, 10_000);
  const timeoutMs = readTimeoutMs(flags);
  const named = readNode(flags);
  const box = readBox(flags);
  const ofBox = box === null ? '' : `&box=${encodeURIComponent(box)}`;
  const thresholds = commandThresholds(flags, process.env);
  const started = Date.now();
  const node = await findNode(named, started + timeoutMs);
  if (!node) {
    process.stderr.write(
      `cat-litter-reminder: no node of ours found by mDNS within ${timeoutMs / 1000} s (try --node HOST[:PORT])\n`,
    );
    return 1;
  }
  const where = `http://${node.address}:${node.port}`;
  let cleanings: Cleaning[];
  let withdrawals: Withdrawal[];
  let stats: Infer<typeof StatsAnswer>;
  try {
    // One more than shown: the oldest shown is measured from the one before it. With
    // `format=2`, the withdrawals of those cleanings come as lines of their own, checked as
    // the history's exchange checks them.
    const most = Math.min(limit + 1, MOST_CLEANINGS);
    const answer = itemsFrom(await requestJson(node, 'GET', `/api/history?limit=${most}${ofBox}&format=2`), null);
    if (!answer.ok) throw new Error(`its history is not one: ${answer.problem}`);
    ({ cleanings, withdrawals } = answer.value);
    stats = create(await requestJson(node, 'GET', `/api/history/stats?${ofBox.slice(1)}`), StatsAnswer);
  } catch (error) {
    const problem = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED' && named ? pagePortHint(named) : '';
    process.stderr.write(
      `cat-litter-reminder: ${where} did not give its history: ${printable((error as Error).message)}${problem}\n`,
    );
    return 1;
  }
  const oldestFirst = [...cleanings].reverse();
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(shownEntries(oldestFirst.slice(-limit), withdrawals), null, 2)}\n`);
    return 0;
  }
  if (cleanings.length === 0) {
    process.stdout.write(`no cleaning${box === null ? '' : ` of ${box}`} recorded yet (asked ${where})\n`);
    return 0;
  }
  const colour = Boolean(process.stdout.isTTY);
  const timeZone = systemTimeZone();
  const people = peopleReport(stats.people ?? [], stats.turn ?? null, stats.unsaid30Days ?? 0, timeZone);
  process.stdout.write(
    `${historyTable(oldestFirst, limit, timeZone, colour, thresholds, withdrawals)}\n\n${statsLine(stats)}\n` +
      (people ? `\n${people}\n` : ''),
  );
  return 0;
}
