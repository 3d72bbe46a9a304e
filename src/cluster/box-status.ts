import { array, boolean, nullable, refine, size, string, type, validate } from 'superstruct';
import { boxNameProblem, DEFAULT_BOX } from '../../common/boxes';
import type { Level, LevelThresholds } from '../../common/levels';
import { peerKey } from '../../machines/cluster/peer-address';
import { levelAt } from '../../machines/reminder/levels';
import { parseRfc3339Seconds, Rfc3339 } from '../time/timestamp';
import type { HouseholdNode } from './household-probe';
import type { NodeStatus } from './household-status';
import { requestJson } from './peer-http';

/*
 * `status` by box (issue 25): the nodes grouped by the boxes they show (their TXT `boxes=`),
 * each box's time. UDP carries the default box's time alone, so a node's time of any other
 * box is asked of its page (`GET /api/boxes`), and only of a node that shows one.
 */

/** The boxes a node shows: as its TXT says; the default box for an original, an earlier node, a --peer. */
export const boxesShown = (node: { boxes?: readonly string[] }): readonly string[] =>
  node.boxes && node.boxes.length > 0 ? node.boxes : [DEFAULT_BOX];

/** A node's times of its boxes other than the default one (ms; null: it knows none), as its page said them. */
export type PageTimes = Map<string, Map<string, number | null>>;

/** A household has a handful of boxes: an answer listing more than this is no node's of ours. */
const MOST_BOXES_ANSWERED = 300;
/** `GET /api/boxes` of that many boxes is about 60 KB. */
const MOST_BOXES_BYTES = 128 * 1024;

const BoxName = refine(string(), 'box name', (value) => boxNameProblem(value) ?? true);
/** The fields of `GET /api/boxes` read here (common/api-json.ts `BoxJson`); the others are not looked at. */
const BoxesAnswer = size(
  array(type({ box: BoxName, lastCleaned: nullable(Rfc3339), own: boolean() })),
  0,
  MOST_BOXES_ANSWERED,
);

/** Whom to ask over HTTP: ours with a page that show a box other than the default one. */
const asksPage = (node: HouseholdNode): node is HouseholdNode & { http: number } =>
  node.http !== null && boxesShown(node).some((box) => box !== DEFAULT_BOX);

/**
 * Asks each node that shows a box other than the default one for its boxes, all at once, until
 * `deadline`. A node that does not answer, or answers what is no list of boxes, is left out:
 * its rows say "no answer".
 */
export async function askPages(nodes: Iterable<HouseholdNode>, deadline: number): Promise<PageTimes> {
  const times: PageTimes = new Map();
  const asked = [...nodes].filter(asksPage).map(async (node) => {
    try {
      const answer = await requestJson(
        { address: node.address, port: node.http },
        'GET',
        '/api/boxes',
        undefined,
        MOST_BOXES_BYTES,
      );
      const [problem, boxes] = validate(answer, BoxesAnswer);
      if (problem) return;
      const own = boxes.filter((box) => box.own);
      times.set(
        peerKey(node),
        new Map(own.map((box) => [box.box, box.lastCleaned === null ? null : parseRfc3339Seconds(box.lastCleaned)])),
      );
    } catch {
      // Unreachable, or no page of ours: its rows say so.
    }
  });
  const left = Math.max(deadline - Date.now(), 1000);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(asked), new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
  clearTimeout(timer);
  return new Map(times);
}

/** One node under one box it shows: its time of that box. */
export interface BoxRow {
  node: NodeStatus;
  answered: boolean;
  lastCleaned: number | null;
  level: Level | 'unreachable';
  /** Answered with a time other than the box's newest. */
  disagrees: boolean;
}

/** A box and the nodes that show it; its time is the newest they answered. */
export interface BoxGroup {
  box: string;
  lastCleaned: number | null;
  rows: BoxRow[];
}

/**
 * The nodes by box: the default box first (where the originals are), then the others by name;
 * within each, the nodes in the order given. The default box's time is what each node
 * answered over UDP; another box's, what its page said.
 */
export function boxGroups(
  statuses: readonly NodeStatus[],
  pages: PageTimes,
  now: number,
  thresholds: LevelThresholds,
): BoxGroup[] {
  const cells = new Map<string, Omit<BoxRow, 'disagrees' | 'level'>[]>();
  for (const node of statuses) {
    for (const box of boxesShown(node)) {
      const page = pages.get(peerKey(node));
      const time = box === DEFAULT_BOX ? (node.answered ? node.lastCleaned : undefined) : page?.get(box);
      const rows = cells.get(box) ?? [];
      rows.push({ node, answered: time !== undefined, lastCleaned: time ?? null });
      cells.set(box, rows);
    }
  }
  const order = [...cells.keys()].sort((a, b) => (a === DEFAULT_BOX ? -1 : b === DEFAULT_BOX ? 1 : a.localeCompare(b)));
  return order.map((box) => {
    const rows = cells.get(box) ?? [];
    const times = rows.flatMap((row) => (row.answered && row.lastCleaned !== null ? [row.lastCleaned] : []));
    const newest = times.length > 0 ? Math.max(...times) : null;
    return {
      box,
      lastCleaned: newest,
      rows: rows.map((row) => ({
        ...row,
        level: row.answered ? levelAt(row.lastCleaned, now, row.node.levels ?? thresholds) : 'unreachable',
        disagrees: row.answered && row.lastCleaned !== newest,
      })),
    };
  });
}
