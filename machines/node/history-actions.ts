import { boxField } from '../../common/boxes';
import { assertEvent } from 'xstate';
import type { HistoryEvent } from '../history/history-events';
import { pressTime } from '../shared/time-rules';
import { boxTimes, canSayWho, canUndo } from '../history/boxes';
import { sameKey } from '../history/history-set';
import { historyPeers, sameHistoryPeers } from './history-peers';
import type { Asked, NodeEmitted } from './node-events';
import { answeredSave, isDone, ownBox } from './node-context';
import { assign, emit, enqueueActions, sendTo } from './node-setup';

/** What an undo and a naming are answered with. */
const ANSWERS = { undo: 'undo.answered', naming: 'naming.answered' } as const;

const SECOND = 1_000;

/**
 * The node machine's actions for the shared history: what is recorded in it (cleanings here,
 * of other boxes, adopted ones), undo and who cleaned, what it is told of the peers, and the
 * requests that wait until the history shows what they asked for.
 */
export const historyActions = {
  // A press within the burst of the cleaning held: its request is answered at once.
  'answer the requester': enqueueActions(({ event, enqueue }) => {
    assertEvent(event, 'cleaning.reported');
    if (event.ticket) enqueue.emit({ type: 'cleaning.answered', ticket: event.ticket });
  }),
  // A request waits for this: once the history has the cleaning (it was just told), the view
  // that shows the cleaning, and whether it may be taken back, has been emitted. A cleaning the
  // history holds already changes nothing there, and is answered at once.
  'answer once the history has it': enqueueActions(({ context, event, enqueue }) => {
    assertEvent(event, ['store.answered', 'cleaning.reported']);
    const ticket = event.type === 'cleaning.reported' ? event.ticket : answeredSave(context, event.lastCleaned)?.ticket;
    if (!ticket) return;
    const at = event.type === 'cleaning.reported' ? (event.at ?? context.settings.clock.now()) : event.lastCleaned;
    const asked: Asked = { kind: 'cleaning', ticket, box: ownBox(context), at };
    if (isDone(context, asked)) enqueue.emit({ type: 'cleaning.answered', ticket });
    else enqueue.assign({ asked: [...context.asked, asked] });
  }),
  // The history's file follows the state file: a cleaning "now" and an adopted time are
  // recorded once the store has answered for them, saved or not. A cleaning reported at an
  // earlier time than the household's is not saved at all, and comes here at once.
  'record in the history': sendTo('history', ({ context, event }): HistoryEvent => {
    assertEvent(event, ['store.answered', 'cleaning.reported']);
    const node = context.name;
    const box = boxField(ownBox(context));
    if (event.type === 'cleaning.reported') {
      const at = event.at ?? context.settings.clock.now();
      const by = event.by === undefined ? {} : { by: event.by };
      return { type: 'history.record', cleaning: { at, source: event.source, node, ...box, ...by } };
    }
    const saving = answeredSave(context, event.lastCleaned);
    const source = saving?.source ?? null;
    // An adopted time is the sender's offer: it counts against what that address may add.
    const from = saving?.from ? { from: { address: saving.from.address } } : {};
    const by = saving?.by === undefined ? {} : { by: saving.by };
    const cleaning =
      source === null
        ? { at: event.lastCleaned, source: 'network' as const, node: null, ...box }
        : { at: event.lastCleaned, source, node, ...box, ...by };
    return { type: 'history.record', cleaning, ...from };
  }),
  // A box this node does not stand by has no store and no UDP time here: the history records
  // it, offers it to every peer at once, and the request is answered once it shows.
  'record the cleaning of another box': enqueueActions(({ context, event, enqueue }) => {
    assertEvent(event, 'cleaning.reported');
    const box = event.box ?? ownBox(context);
    const latest = boxTimes(context.history, context.withdrawals).get(box)?.at ?? null;
    const at = event.at ?? pressTime(context.settings.clock.now(), latest);
    const held = at !== null && context.history.some((cleaning) => sameKey(cleaning, { at, ...boxField(box) }));
    if (at === null || held) {
      if (event.ticket) enqueue.emit({ type: 'cleaning.answered', ticket: event.ticket });
      return;
    }
    if (event.ticket)
      enqueue.assign({ asked: [...context.asked, { kind: 'cleaning', ticket: event.ticket, box, at }] });
    const by = event.by === undefined ? {} : { by: event.by };
    enqueue.sendTo('history', {
      type: 'history.record',
      cleaning: { at, source: event.source, node: context.name, ...boxField(box), ...by },
    } satisfies HistoryEvent);
  }),
  // Only who serves a history counts, not what each peer said: most reports change nothing here.
  'tell the history its peers': enqueueActions(({ context, event, enqueue }) => {
    assertEvent(event, 'cluster.peers');
    const peers = historyPeers(event.peers);
    if (!sameHistoryPeers(historyPeers(context.peers), peers))
      enqueue.sendTo('history', { type: 'history.peers', peers } satisfies HistoryEvent);
  }),
  'pass on the offered history': sendTo('history', ({ event }) => {
    assertEvent(event, 'history.offered');
    return event;
  }),
  'take the history': assign(({ event }) => {
    assertEvent(event, 'history.changed');
    return { history: event.history, withdrawals: event.withdrawals };
  }),
  'show the history': emit(({ event }): NodeEmitted => {
    assertEvent(event, 'history.changed');
    return { type: 'history.changed', history: event.history, withdrawals: event.withdrawals };
  }),
  // canUndo decides here, where the history is known; the history machine takes our own withdrawal as it is.
  'take back the cleaning': enqueueActions(({ context, event, enqueue }) => {
    assertEvent(event, 'cleaning.undo');
    const { box, at, ticket } = event;
    const now = context.settings.clock.now();
    const verdict = canUndo(context.history, context.withdrawals, box, at, now, context.settings.undoWindowMs);
    if (!verdict.ok) {
      enqueue.emit({ type: 'undo.answered', ticket, ...verdict });
      return;
    }
    const when = Math.floor(now / SECOND) * SECOND;
    enqueue.assign({ asked: [...context.asked, { kind: 'undo', ticket, box, at }] });
    enqueue.sendTo('history', {
      type: 'history.withdraw',
      withdrawal: { at, ...boxField(box), when, node: context.name },
    } satisfies HistoryEvent);
  }),
  'say who cleaned': enqueueActions(({ context, event, enqueue }) => {
    assertEvent(event, 'cleaning.named');
    const { box, at, by, ticket } = event;
    const { clock, undoWindowMs } = context.settings;
    const verdict = canSayWho(
      context.history,
      context.withdrawals,
      box,
      at,
      by,
      context.name,
      clock.now(),
      undoWindowMs,
    );
    if (!verdict.ok) {
      enqueue.emit({ type: 'naming.answered', ticket, ...verdict });
      return;
    }
    enqueue.assign({ asked: [...context.asked, { kind: 'naming', ticket, box, at, by }] });
    enqueue.sendTo('history', { type: 'history.record', cleaning: verdict.cleaning } satisfies HistoryEvent);
  }),
  // After the view that shows it: whoever asked sees the change when the answer comes.
  'answer what the history shows': enqueueActions(({ context, enqueue }) => {
    const done = context.asked.filter((asked) => isDone(context, asked));
    if (done.length === 0) return;
    enqueue.assign({ asked: context.asked.filter((asked) => !done.includes(asked)) });
    for (const { kind, ticket } of done) {
      enqueue.emit(
        kind === 'cleaning' ? { type: 'cleaning.answered', ticket } : { type: ANSWERS[kind], ticket, ok: true },
      );
    }
  }),
  'pass on what the history refused': emit(({ event }): NodeEmitted => {
    assertEvent(event, 'history.refused');
    return event;
  }),
};
