import { assertEvent } from 'xstate';
import { boxTimes } from '../history/boxes';
import { reminderIds, reminderOf } from './node-context';
import { assign, enqueueActions, sendTo } from './node-setup';

/**
 * The node machine's actions that tell its children what changed: the settings, the other
 * boxes' reminders, the household to refresh, and each step of the shutdown.
 */
export const childrenActions = {
  'refresh the household': sendTo('cluster', { type: 'cluster.refresh' }),
  'take the settings': assign(({ context, event }) => {
    assertEvent(event, 'settings.changed');
    const { quietHours, timeZone, thresholds, peers } = event;
    return { settings: { ...context.settings, quietHours, timeZone, thresholds, peers } };
  }),
  'tell the reminder the settings': enqueueActions(({ context, enqueue }) => {
    const { quietHours, timeZone, thresholds } = context.settings;
    for (const id of reminderIds(context)) {
      enqueue.sendTo(id, { type: 'reminder.settings' as const, quietHours, timeZone, thresholds });
    }
  }),
  // The other boxes the strip shows: a reminder each, whose display paints that box's run.
  'remind of the other boxes': enqueueActions(({ context, enqueue }) => {
    const times = boxTimes(context.history, context.withdrawals);
    for (const box of context.settings.boxes.slice(1)) {
      enqueue.spawnChild('reminder', {
        id: reminderOf(box),
        input: {
          lastCleaned: times.get(box)?.at ?? null,
          thresholds: context.settings.thresholds,
          quietHours: context.settings.quietHours,
          timeZone: context.settings.timeZone,
          clock: context.settings.clock,
          box,
        },
      });
    }
  }),
  // What the history says of the other boxes the strip shows: each reminder hears its box's new time.
  'tell the other reminders': enqueueActions(({ context, event, enqueue }) => {
    assertEvent(event, 'history.changed');
    const before = boxTimes(context.history, context.withdrawals);
    const after = boxTimes(event.history, event.withdrawals);
    for (const box of context.settings.boxes.slice(1)) {
      const lastCleaned = after.get(box)?.at ?? null;
      if (lastCleaned !== (before.get(box)?.at ?? null)) {
        enqueue.sendTo(reminderOf(box), { type: 'time.changed' as const, lastCleaned });
      }
    }
  }),
  'give the cluster its levels': sendTo('cluster', ({ context }) => ({
    type: 'cluster.levels' as const,
    thresholds: context.settings.thresholds,
  })),
  'give the cluster its peers': sendTo('cluster', ({ context }) => ({
    type: 'cluster.peers-given' as const,
    peers: context.settings.peers,
  })),
  'stop the reminder': enqueueActions(({ context, enqueue }) => {
    for (const id of reminderIds(context)) enqueue.sendTo(id, { type: 'SHUTDOWN' as const });
  }),
  'leave the household': sendTo('cluster', { type: 'cluster.leave' }),
  'finish saving': sendTo('store', { type: 'store.flush' }),
  'finish the history': sendTo('history', { type: 'history.flush' }),
};
