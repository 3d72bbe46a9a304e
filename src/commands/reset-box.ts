import { DEFAULT_BOX } from '../../common/boxes';
import { nodesWord, type HouseholdProbe } from '../cluster/household-probe';
import type { HttpNode } from '../cluster/peer-http';
import { systemTimeZone } from '../settings/readings';
import { formatLocal } from '../time/local-time';
import { formatRfc3339 } from '../time/timestamp';
import { askBoxes } from './boxes-answer';
import { printable } from './printable';

/*
 * `reset` of a box other than the default one. Its time travels between our nodes alone (the
 * history, docs/boxes.md): it is never sent over UDP, where an original node would take it for
 * the default box's. So the nodes are asked back over HTTP (`GET /api/boxes`), and only those
 * that show the box count.
 */

/** A node of ours that serves its API, with the name to print. */
type NamedNode = HttpNode & { name: string };

/** A cleaning a node recorded for `reset`: where, of which box, the box's time there, and who cleaned. */
export interface RecordedCleaning {
  node: NamedNode;
  box: string;
  lastCleaned: number | null;
  by: string | null;
}

const ASK_AGAIN_MS = 200;

/**
 * The box the node recorded the cleaning in (the one asked, else the node's own, which its
 * `/api/boxes` lists first) and that box's time there. A node that has no `/api/boxes` is of
 * an earlier version, which knows the default box alone: `stateTime`, what it answered, is that
 * box's.
 */
export async function recordedBox(
  node: NamedNode,
  asked: { box: string | null; by: string | null },
  stateTime: number | null,
): Promise<RecordedCleaning> {
  try {
    const boxes = await askBoxes(node);
    const box = asked.box === null ? boxes[0] : boxes.find((known) => known.box === asked.box);
    if (box) return { node, box: box.box, lastCleaned: box.lastCleaned, by: asked.by };
  } catch {
    // An earlier node: below.
  }
  return { node, box: asked.box ?? DEFAULT_BOX, lastCleaned: stateTime, by: asked.by };
}

/** The line that says where the cleaning was recorded, and who cleaned. */
export const recordedLine = (done: RecordedCleaning): string =>
  `recorded on ${printable(done.node.name)}: the household's history says reset, there` +
  `${done.by === null ? '' : `, cleaned by ${printable(done.by)}`}\n`;

/** What one node says of the box: its time there (ms, or null for none), false when it does not show the box. */
type Seen = number | null | false;

/**
 * Asks the node that recorded the cleaning and every node of ours found (by mDNS) for the
 * box until each one that shows it holds `time` or a later one, or `deadline` passes; prints
 * a line per node and exits as `reset` does. Closes the probe.
 */
export async function resetOtherBox(
  probe: HouseholdProbe,
  done: RecordedCleaning,
  time: number | null,
  deadline: number,
): Promise<number> {
  const seen = new Map<string, Seen>();
  const targets = new Map<string, NamedNode>();
  const holds = (value: Seen | undefined) => value === false || (value != null && time !== null && value >= time);
  for (;;) {
    targets.set(`${done.node.address}:${done.node.port}`, done.node);
    for (const node of probe.nodes.values()) {
      if (node.http !== null) targets.set(`${node.address}:${node.http}`, { ...node, port: node.http });
    }
    await Promise.all(
      [...targets].map(async ([key, node]) => {
        if (holds(seen.get(key))) return;
        try {
          const shown = (await askBoxes(node)).find((known) => known.box === done.box && known.own);
          seen.set(key, shown ? shown.lastCleaned : false);
        } catch {
          // Not answered: asked again.
        }
      }),
    );
    const left = deadline - Date.now();
    if (left <= 0 || [...targets.keys()].every((key) => holds(seen.get(key)))) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(ASK_AGAIN_MS, left)));
  }
  const originals = [...probe.nodes.values()].filter((node) => node.http === null);
  await probe.close();
  return report(
    done,
    time,
    [...targets].map(([key, node]) => ({ key, node, seen: seen.get(key) })),
    originals.length,
  );
}

function report(
  done: RecordedCleaning,
  time: number | null,
  nodes: { key: string; node: NamedNode; seen: Seen | undefined }[],
  withoutPage: number,
): number {
  const local = (ms: number | null) => (ms === null ? 'no time' : formatLocal(ms, systemTimeZone(), { seconds: true }));
  const box = printable(done.box);
  process.stdout.write(`reset ${box} to ${local(time)} (${time === null ? 'none' : formatRfc3339(time)})\n`);
  process.stdout.write(recordedLine(done));
  let showing = 0;
  let holding = 0;
  for (const { key, node, seen } of nodes.sort((a, b) => a.node.name.localeCompare(b.node.name))) {
    if (seen !== false && seen !== undefined) showing += 1;
    if (seen !== false && seen !== undefined && seen !== null && time !== null && seen >= time) holding += 1;
    const outcome =
      seen === undefined
        ? 'did not answer'
        : seen === false
          ? `does not show ${box}`
          : seen === time
            ? 'holds the new time'
            : seen !== null && time !== null && seen > time
              ? `kept a later time, ${local(seen)}`
              : `still holds ${local(seen)}`;
    process.stdout.write(`  ${printable(node.name).padEnd(24)} ${key.padEnd(21)} ${outcome}\n`);
  }
  const unanswered = nodes.filter((node) => node.seen === undefined).length;
  process.stdout.write(
    `${holding} of ${nodesWord(showing)} showing ${box} ${holding === 1 ? 'holds' : 'hold'} the new time or a later one` +
      (withoutPage === 0 ? '' : `; ${withoutPage} without a page (original nodes) were sent nothing of ${box}`) +
      '\n',
  );
  return holding === showing && unanswered === 0 ? 0 : 1;
}
