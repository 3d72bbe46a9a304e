import { DEFAULT_BOX } from '../../common/boxes';
import { assertEvent } from 'xstate';
import type { HistoryEvent } from '../history/history-events';
import { levelAt } from '../reminder/levels';
import { pressTime } from '../shared/time-rules';
import type { SaveCommand } from '../store/store-machine';
import { boxTimes } from '../history/boxes';
import type { NodeEmitted, Saving } from './node-events';
import { answeredSave, defaultWithdrawn, latestHere, ownBoxChange, standsByTheDefaultBox } from './node-context';
import { assign, emit, enqueueActions, sendTo } from './node-setup';

/**
 * The node machine's actions for the time of its own box (the time loaded is taken in
 * node-machine.ts, as an action with params): a cleaning saved, a time adopted from a peer, what the store answered, and who is told of it (the reminder,
 * the household over UDP, the observers); what the history says of the own box is followed.
 */
export const ownTimeActions = {
  // Only a cleaning that is new comes here: the guards before it turn away a press within
  // the burst of the last one, and a cleaning at a time earlier than the household's. The
  // node remembers where the cleaning came from and who waits for it; the store is told
  // only the time.
  'save the cleaning': enqueueActions(({ context, event, enqueue }) => {
    assertEvent(event, 'cleaning.reported');
    const pressed = pressTime(context.settings.clock.now(), latestHere(context));
    const lastCleaned = event.at ?? pressed;
    if (lastCleaned === null) return;
    const saving: Saving = {
      lastCleaned,
      source: event.source,
      ...(event.by === undefined ? {} : { by: event.by }),
      from: null,
      ticket: event.ticket ?? null,
    };
    enqueue.assign({
      saving: [...context.saving, saving],
      ...(event.at === undefined ? { pressed: lastCleaned } : {}),
    });
    enqueue.sendTo('store', { type: 'store.save', lastCleaned } satisfies SaveCommand);
  }),
  // Announced and passed on already: the file follows.
  'save the adopted time': enqueueActions(({ context, enqueue }) => {
    if (!context.adopted) return;
    const { lastCleaned, from } = context.adopted;
    const saving: Saving = { lastCleaned, source: null, from, ticket: null };
    enqueue.assign({ saving: [...context.saving, saving] });
    enqueue.sendTo('store', { type: 'store.save', lastCleaned } satisfies SaveCommand);
  }),
  'forget the save': assign(({ context, event }) => {
    assertEvent(event, 'store.answered');
    const answered = answeredSave(context, event.lastCleaned);
    return { saving: context.saving.filter((saving) => saving !== answered) };
  }),
  'take the time': assign({
    lastCleaned: ({ event }) => {
      assertEvent(event, 'store.answered');
      return event.lastCleaned;
    },
  }),
  // Its level with it: the view goes out at once, before the reminder hears of the time.
  'take the adopted time': assign(({ context, event }) => {
    assertEvent(event, 'cluster.adopted');
    const { lastCleaned, from } = event;
    const { clock, thresholds } = context.settings;
    return { lastCleaned, adopted: { lastCleaned, from }, level: levelAt(lastCleaned, clock.now(), thresholds) };
  }),
  'tell the reminder': enqueueActions(({ context, enqueue }) => {
    if (context.lastCleaned !== null)
      enqueue.sendTo('reminder', { type: 'time.changed', lastCleaned: context.lastCleaned });
  }),
  // UDP carries the default box's time alone: original nodes belong to it, and adopt whatever
  // they are sent. Another box's cleaning goes round our nodes in the history (offered at once).
  'tell the household': enqueueActions(({ context, event, enqueue }) => {
    assertEvent(event, 'store.answered');
    if (standsByTheDefaultBox(context))
      enqueue.sendTo('cluster', { type: 'cluster.share' as const, lastCleaned: event.lastCleaned });
  }),
  // A node of another box keeps the default box's time too (it answers original nodes with
  // it): the history takes it, as a time adopted from that address.
  "record the default box's time": sendTo('history', ({ event }): HistoryEvent => {
    assertEvent(event, 'cluster.adopted');
    return {
      type: 'history.record',
      cleaning: { at: event.lastCleaned, source: 'network', node: null },
      from: { address: event.from.address },
    };
  }),
  // The cluster hears which of the default box's times were taken back, and which stands now.
  'tell the cluster what was withdrawn': enqueueActions(({ context, event, enqueue }) => {
    assertEvent(event, 'history.changed');
    const before = defaultWithdrawn(context.withdrawals);
    const withdrawn = defaultWithdrawn(event.withdrawals);
    if (withdrawn.length === before.length) return;
    const restored = boxTimes(event.history, event.withdrawals).get(DEFAULT_BOX)?.at ?? null;
    enqueue.sendTo('cluster', { type: 'cluster.withdrawn' as const, withdrawn, restored });
  }),
  // Told to the reminder, the store and the log (ownBoxChange says what changes).
  'follow the own box': enqueueActions(({ context, event, enqueue }) => {
    assertEvent(event, 'history.changed');
    const change = ownBoxChange(context, event);
    if (!change) return;
    const { box, held, standing, withdrawn } = change;
    const { clock, thresholds } = context.settings;
    enqueue.assign({ lastCleaned: standing, level: levelAt(standing, clock.now(), thresholds), adopted: null });
    enqueue.sendTo('reminder', { type: 'time.changed' as const, lastCleaned: standing });
    // A withdrawal goes back to the cleaning that stands, or, when none does, removes the file.
    if (withdrawn)
      enqueue.sendTo('store', { type: 'store.save', lastCleaned: standing, back: true } satisfies SaveCommand);
    else if (standing !== null)
      enqueue.sendTo('store', { type: 'store.save', lastCleaned: standing } satisfies SaveCommand);
    if (withdrawn && held !== null) enqueue.emit({ type: 'time.withdrawn', box, at: held, restored: standing });
    else if (standing !== null) {
      enqueue.emit({ type: 'time.changed', lastCleaned: standing, reason: 'history', source: null, from: null });
    }
  }),
  'announce the time': emit(({ context, event }): NodeEmitted => {
    assertEvent(event, ['store.answered', 'cluster.adopted']);
    const { lastCleaned } = event;
    if (event.type === 'cluster.adopted')
      return { type: 'time.changed', lastCleaned, reason: 'adopted', source: null, from: event.from };
    const source = answeredSave(context, lastCleaned)?.source ?? null;
    return { type: 'time.changed', lastCleaned, reason: 'recorded', source, from: null };
  }),
  'offer the time to the household': sendTo('cluster', ({ event }) => {
    assertEvent(event, 'time.offered');
    return { type: 'cluster.offered' as const, lastCleaned: event.lastCleaned, from: event.from };
  }),
};
