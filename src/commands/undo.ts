import { commandFlags, type FlagSpecs } from '../settings/command-line';
import { systemTimeZone } from '../settings/readings';
import { formatLocal } from '../time/local-time';
import { formatRfc3339 } from '../time/timestamp';
import { requestJson, type HttpNode } from '../cluster/peer-http';
import { askBoxes, boxesFrom, type AnsweredBox } from './boxes-answer';
import { findNode, pagePortHint, readBox, readNode, refusalOf } from './node-option';
import { printable } from './printable';
import { readTimeoutMs } from './probe-options';

export const UNDO_HELP = `Usage: cat-litter-reminder undo [flags]

Takes back the last cleaning of a box (a mistaken press), within the undo window
(undo.window, 10 minutes by default) of when it was recorded: every node of the
household then shows the box's previous cleaning again. Asks one of our nodes
found by mDNS (or --node) over HTTP, as the page's "Undo" does. The withdrawn
cleaning stays in the history, marked withdrawn.

Flags:
  --box NAME            the box (default: the box the node stands by)
  --node HOST[:PORT]    ask this node at its page's port (default 5380; not the
                        UDP port status shows) instead of the first found by mDNS
  --timeout SECONDS     bounds finding the node (default 3)
  --help                show this help

Exit status: 0 when the cleaning was taken back; 1 when no node was found or
answered, or the node refused (the box has no cleaning, it was recorded longer
ago than the window, a later one overtook it), with its reason; 2 on bad flags.
`;

const UNDO_FLAGS: FlagSpecs = {
  box: { value: true },
  help: { value: false },
  node: { value: true },
  timeout: { value: true },
};

const fail = (text: string): number => {
  process.stderr.write(`cat-litter-reminder: ${text}\n`);
  return 1;
};

/** The box asked for (or the node's own, listed first), or a sentence saying why there is none. */
function chosenBox(
  boxes: readonly AnsweredBox[],
  named: string | null,
  where: string,
): (AnsweredBox & { lastCleaned: number }) | string {
  const box = named === null ? boxes[0] : boxes.find((known) => known.box === named);
  if (box === undefined) {
    const names = boxes.map((known) => JSON.stringify(printable(known.box))).join(', ') || 'none';
    return `${where} knows no box ${JSON.stringify(named)} (its boxes: ${names}); nothing was taken back`;
  }
  if (box.lastCleaned === null) {
    return `${JSON.stringify(printable(box.box))} has no cleaning at ${where}; nothing was taken back`;
  }
  return { ...box, lastCleaned: box.lastCleaned };
}

export async function undoCommand(argv: readonly string[]): Promise<number> {
  const flags = commandFlags(argv, UNDO_FLAGS, UNDO_HELP);
  if (!flags) return 0;
  const timeoutMs = readTimeoutMs(flags);
  const named = readNode(flags);
  const box = readBox(flags);
  const node = await findNode(named, Date.now() + timeoutMs);
  if (!node) return fail(`no node of ours found by mDNS within ${timeoutMs / 1000} s (try --node HOST[:PORT])`);
  const where = `http://${node.address}:${node.port}`;
  const local = (ms: number | null) =>
    ms === null ? 'no cleaning' : `${formatLocal(ms, systemTimeZone(), { seconds: true })} (${formatRfc3339(ms)})`;
  try {
    const chosen = chosenBox(await askBoxes(node), box, where);
    if (typeof chosen === 'string') return fail(chosen);
    const after = await withdraw(node, chosen);
    const shown = printable(chosen.box);
    const standing = after.find((known) => known.box === chosen.box)?.lastCleaned ?? null;
    process.stdout.write(
      `took back the cleaning of ${shown} at ${local(chosen.lastCleaned)}` +
        `${chosen.by === null ? '' : ` by ${printable(chosen.by)}`}, at ${where}\n` +
        `${shown} now stands at ${local(standing)}\n`,
    );
    return 0;
  } catch (error) {
    const refusal = refusalOf(error, [400, 409]);
    if (refusal) return fail(`${where} refused the undo (${refusal.status}): ${refusal.reason}`);
    const hint = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED' && named ? pagePortHint(named) : '';
    return fail(`${where} did not take the cleaning back: ${printable((error as Error).message)}${hint}`);
  }
}

/** `POST /api/cleaned/undo` of the box's last cleaning: the node's boxes after it. */
async function withdraw(node: HttpNode, box: AnsweredBox & { lastCleaned: number }): Promise<AnsweredBox[]> {
  const body = { at: formatRfc3339(box.lastCleaned), box: box.box };
  return boxesFrom(await requestJson(node, 'POST', '/api/cleaned/undo', body));
}
