import { DEFAULT_BOX } from '../../common/boxes';
import { LEVEL_COLOURS, type Level, type LevelThresholds } from '../../common/levels';
import type { PeerView } from '../cluster/peer-view';
import { boxTimes, canUndo } from '../history/boxes';
import type { History } from '../history/history-set';
import type { Withdrawals } from '../history/withdrawals';
import { levelAt } from '../reminder/levels';
import type { BoxView } from './node-view';

/** What the node knows that its boxes' views are made of. */
export interface BoxParts {
  name: string;
  /** This node's boxes, its own first (`boxes:`). */
  boxes: readonly string[];
  /** The own box's time and level, as the node agreed them (the cluster, the store, the reminder). */
  lastCleaned: number | null;
  level: Level;
  /** The level of each other box this strip shows, as its reminder tells it; by levelAt when not told. */
  levels: ReadonlyMap<string, Level>;
  history: History;
  withdrawals: Withdrawals;
  peers: readonly PeerView[];
  thresholds: LevelThresholds;
  undoWindowMs: number;
  now: number;
}

/**
 * The boxes a peer shows: what its TXT `boxes=` says (none when what it said was refused). One
 * of ours that says nothing is of an earlier version, and an original node never says: both
 * are of the default box, and are listed among its nodes.
 */
export const peerBoxes = (peer: PeerView): readonly string[] =>
  peer.ours === true && peer.boxes ? peer.boxes : [DEFAULT_BOX];

/**
 * Every box of the household as this node knows it: its own boxes first, in its order, then
 * every other box its history or a peer names, by name. A box's time is its latest standing
 * cleaning (machines/history/boxes.ts), but for the node's own box, whose time the node agreed
 * with the household already (for the default box, over UDP before the history hears of it).
 */
export function boxViews(parts: BoxParts): BoxView[] {
  const times = boxTimes(parts.history, parts.withdrawals);
  const others = new Set<string>(times.keys());
  for (const peer of parts.peers) if (peer.ours !== null) peerBoxes(peer).forEach((box) => others.add(box));
  for (const box of parts.boxes) others.delete(box);
  const names = [...parts.boxes, ...[...others].sort()];
  return names.map((box, i) => {
    const own = i === 0;
    const standing = times.get(box) ?? null;
    const lastCleaned = own ? parts.lastCleaned : (standing?.at ?? null);
    const level = own ? parts.level : (parts.levels.get(box) ?? levelAt(lastCleaned, parts.now, parts.thresholds));
    const held = lastCleaned === null ? null : standing?.at === lastCleaned ? standing : null;
    const undoable =
      held !== null && canUndo(parts.history, parts.withdrawals, box, held.at, parts.now, parts.undoWindowMs).ok;
    const nodes = [
      ...(i < parts.boxes.length ? [parts.name] : []),
      ...parts.peers.flatMap((peer) =>
        peer.ours !== null && peer.name !== null && peerBoxes(peer).includes(box) ? [peer.name] : [],
      ),
    ];
    return {
      box,
      lastCleaned,
      by: held?.by ?? null,
      level,
      colour: LEVEL_COLOURS[level],
      undo: undoable && held ? { at: held.at, until: held.at + parts.undoWindowMs } : null,
      nodes,
      own: i < parts.boxes.length,
    };
  });
}

/** The household's names: this node's `people`, then those its peers offer (TXT `people=`), each once. */
export function householdPeople(own: readonly string[], peers: readonly PeerView[]): string[] {
  const people = [...own];
  const seen = new Set(own.map((name) => name.toLowerCase()));
  for (const peer of peers) {
    for (const name of peer.people ?? []) {
      if (seen.has(name.toLowerCase())) continue;
      seen.add(name.toLowerCase());
      people.push(name);
    }
  }
  return people;
}
