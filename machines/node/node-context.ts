import { boxField, DEFAULT_BOX, boxOf } from '../../common/boxes';
import { boxTimes } from '../history/boxes';
import { sameKey, type History } from '../history/history-set';
import type { Withdrawals } from '../history/withdrawals';
import type { BoxParts } from './box-views';
import type { Asked, NodeContext, Saving } from './node-events';

/*
 * What the node machine reads of its context: pure questions (which box it stands by, what an
 * undo changes, whether a request shows in the history yet), apart from the statechart so that
 * the machine's file holds its states and what they do.
 */

/** The box this node stands by: the first its strip shows. */
export const ownBox = (context: NodeContext): string => context.settings.boxes[0];

/** Whether what `asked` asked for shows in the history now: the withdrawal made here, the name said, the cleaning. */
export function isDone(context: NodeContext, asked: Asked): boolean {
  const key = { at: asked.at, ...boxField(asked.box) };
  if (asked.kind === 'undo')
    return context.withdrawals.some((withdrawal) => sameKey(withdrawal, key) && withdrawal.node === context.name);
  return context.history.some(
    (cleaning) => sameKey(cleaning, key) && (asked.kind === 'cleaning' || cleaning.by === asked.by),
  );
}

/** The box that UDP and original nodes carry: a node of it keeps its time in the cluster. */
export const standsByTheDefaultBox = (context: NodeContext): boolean => ownBox(context) === DEFAULT_BOX;

/**
 * What a new history changes of the node's own box: a time held that was taken back gives way to
 * the one that stands now (the only way the time goes back); and for a box other than the
 * default one, whose time UDP does not carry, a later cleaning a peer recorded is taken.
 */
export function ownBoxChange(
  context: NodeContext,
  { history, withdrawals }: { history: History; withdrawals: Withdrawals },
): { box: string; held: number | null; standing: number | null; withdrawn: boolean } | null {
  const box = ownBox(context);
  const held = context.lastCleaned;
  const standing = boxTimes(history, withdrawals).get(box)?.at ?? null;
  const withdrawn =
    held !== null && withdrawals.some((withdrawal) => sameKey(withdrawal, { at: held, ...boxField(box) }));
  const later = !standsByTheDefaultBox(context) && standing !== null && (held === null || standing > held);
  return withdrawn || later ? { box, held, standing, withdrawn } : null;
}

/** The times of the default box's cleanings taken back, each once, oldest first. */
export const defaultWithdrawn = (withdrawals: Withdrawals): number[] => [
  ...new Set(withdrawals.filter((withdrawal) => boxOf(withdrawal) === DEFAULT_BOX).map(({ at }) => at)),
];

/** The id of the reminder of a box the strip shows besides the node's own (whose reminder is `reminder`). */
export const reminderOf = (box: string): `reminder:${string}` => `reminder:${box}`;

/** Every reminder: the own box's, then one for each other box the strip shows. */
export const reminderIds = (context: NodeContext): string[] => [
  'reminder',
  ...context.settings.boxes.slice(1).map(reminderOf),
];

/** What the boxes' views are made of, from what the node knows. */
export const boxParts = (context: NodeContext): BoxParts => ({
  name: context.name,
  boxes: context.settings.boxes,
  lastCleaned: context.lastCleaned,
  level: context.level,
  levels: new Map(Object.entries(context.levels)),
  history: context.history,
  withdrawals: context.withdrawals,
  peers: context.peers,
  thresholds: context.settings.thresholds,
  undoWindowMs: context.settings.undoWindowMs,
  now: context.settings.clock.now(),
});

/** The household's time, or a later one recorded here that is still being saved. */
export const latestHere = (context: NodeContext): number | null =>
  context.pressed !== null && (context.lastCleaned === null || context.pressed > context.lastCleaned)
    ? context.pressed
    : context.lastCleaned;

/** The save the store has just answered: the oldest of that time (the store answers each once). */
export const answeredSave = (context: NodeContext, lastCleaned: number): Saving | undefined =>
  context.saving.find((saving) => saving.lastCleaned === lastCleaned);
