import { assertEvent, assign, emit, enqueueActions, not, raise, setup } from 'xstate';
import type { Level } from '../../common/levels';
import type { WallClock } from '../shared/clock';
import { isQuietAt, msUntilLocalMinute, type QuietHours } from '../reminder/quiet-hours';
import { covers, furtherNotified, isStale, noticesFor, notifiedAfter, type Notice, type Notified } from './notices';

export interface NotifyInput {
  /** The levels that are told of (`notify.levels`). */
  levels: readonly Level[];
  /** How often an overdue box is told of again (`notify.repeat`, ms); 0: never. */
  repeatMs: number;
  /** Notifications wait for these to end (`notify.quiet`); null: none. */
  quietHours: QuietHours | null;
  timeZone: string;
  clock: WallClock;
  /** What the household was told before this node started (its file), or null. */
  notified: Notified | null;
}

export interface NotifyContext extends NotifyInput {
  lastCleaned: number | null;
  level: Level;
  /** Held until quiet hours end: the latest one due meanwhile. */
  held: Notice | null;
  /** Due while another node sends: sent here if that node goes silent soon after. */
  owed: Notice | null;
  /** This node is the one that sends (by the sender rule). */
  sender: boolean;
}

export type NotifyEvent =
  /** The node's view, whenever its time or level changes. */
  | { type: 'notify.view'; lastCleaned: number | null; level: Level }
  /** Whether this node is the household's sender now (sender-rule.ts), whenever what it knows changes. */
  | { type: 'notify.sender'; sender: boolean }
  /** What a node with targets says it has told the household: the sender asked, or any of them at the start. */
  | { type: 'notify.told'; told: Notified | null }
  /** The sender, asked, did not answer at all (refused, or nothing within 5 s): it is gone. */
  | { type: 'notify.gone' }
  /** The sender could not be asked (it serves no page), or its answer could not be read: asked again later. */
  | { type: 'notify.unclear' }
  // Raised within: a notice due (it may wait for quiet hours), and one ready to go out.
  | { type: 'notice.due'; notice: Notice }
  | { type: 'notice.ready'; notice: Notice }
  | { type: 'repeat.check' }
  | { type: 'hold.check' }
  | { type: 'notified.taken' };

export type NotifyEmitted =
  /** Send it to every target. */
  | { type: 'notify.send'; notice: Notice }
  /** What the household has been told changed: for the file, so that a restart does not tell it again. */
  | { type: 'notify.noted'; notified: Notified | null }
  /** Ask the sender what it has told (answered with `notify.told`, `notify.gone` or `notify.unclear`). */
  | { type: 'notify.ask' }
  /** Ask every node with targets what it has told (each answer a `notify.told`): at the start, for a lost file. */
  | { type: 'notify.recall' };

const quietNow = (context: NotifyContext): boolean =>
  context.quietHours !== null && isQuietAt(context.quietHours, context.clock.now(), context.timeZone);

/**
 * When notifications go out, and which: the levels of `notify.levels` as the household's
 * box reaches them, again every `notify.repeat` while it is overdue, held through quiet
 * hours and sent once when they end, and after any of them the one "cleaned" message of
 * the cleaning that ends the wait. Every node with targets runs one and decides alike; only
 * the household's sender (`notify.sender`) sends. What another node should have sent is
 * owed: a few seconds later this node asks the sender whether it told it, and sends it when
 * the sender does not answer. What the nodes say they told is kept here too (the file), so
 * that neither a node taking over nor one restarted without its file tells it again.
 */
export const notifyMachine = setup({
  types: {
    context: {} as NotifyContext,
    input: {} as NotifyInput,
    events: {} as NotifyEvent,
    emitted: {} as NotifyEmitted,
  },
  actions: {
    'take the view': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'notify.view');
      const after = { lastCleaned: event.lastCleaned, level: event.level };
      const notices = noticesFor(context, after, context.notified, context.levels);
      // A wait that ended is told of no more: what was held or owed about it is dropped.
      enqueue.assign({
        ...after,
        held: isStale(context.held, after.lastCleaned) ? null : context.held,
        owed: isStale(context.owed, after.lastCleaned) ? null : context.owed,
      });
      for (const notice of notices) enqueue.raise({ type: 'notice.due', notice });
      enqueue.raise({ type: 'repeat.check' });
      enqueue.raise({ type: 'hold.check' });
    }),
    'take the sender': assign(({ event }) => {
      assertEvent(event, 'notify.sender');
      return { sender: event.sender };
    }),
    hold: assign(({ event }) => {
      assertEvent(event, 'notice.due');
      return { held: event.notice };
    }),
    'release the held notice': enqueueActions(({ context, enqueue }) => {
      if (context.held !== null) enqueue.raise({ type: 'notice.ready', notice: context.held });
      enqueue.assign({ held: null });
    }),
    'make ready': raise(({ event }) => {
      assertEvent(event, 'notice.due');
      return { type: 'notice.ready' as const, notice: event.notice };
    }),
    // What the sender tells, or the others hold as the sender's to tell: the notice ready, or, at
    // the end of the first seconds, the one that fell due meanwhile (owed, and not noted till then).
    'note it': enqueueActions(({ context, event, enqueue }) => {
      const notice = event.type === 'notice.ready' ? event.notice : context.owed;
      if (notice === null) return;
      const notified = notifiedAfter(notice, context.clock.now());
      enqueue.assign({ notified });
      enqueue.emit({ type: 'notify.noted', notified });
    }),
    send: emit(({ event }) => {
      assertEvent(event, 'notice.ready');
      return { type: 'notify.send' as const, notice: event.notice };
    }),
    owe: assign(({ event }) => {
      assertEvent(event, 'notice.ready');
      return { owed: event.notice };
    }),
    'send what is owed': enqueueActions(({ context, enqueue }) => {
      if (context.owed !== null) enqueue.emit({ type: 'notify.send', notice: context.owed });
      enqueue.assign({ owed: null });
    }),
    'forget what is owed': assign({ owed: null }),
    'ask the sender': emit({ type: 'notify.ask' as const }),
    recall: emit({ type: 'notify.recall' as const }),
    /**
     * What another node told: a notice owed here that it covers is no longer owed, and its
     * record of it is the household's (its time: the repeat counts from it); else the further
     * of its word and this node's.
     */
    'take what was told': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'notify.told');
      const { told } = event;
      const covered = context.owed !== null && covers(told, context.owed, context.clock.now(), context.repeatMs);
      const notified = covered && told !== null ? told : furtherNotified(context.notified, told, context.lastCleaned);
      if (notified !== context.notified) {
        enqueue.assign({ notified });
        enqueue.emit({ type: 'notify.noted', notified });
        enqueue.raise({ type: 'notified.taken' });
      }
      if (covered) {
        enqueue.assign({ owed: null });
        enqueue.raise({ type: 'hold.check' });
      }
    }),
    'repeat now': raise(({ context }) => ({
      type: 'notice.due' as const,
      notice: { kind: 'level' as const, level: context.level, lastCleaned: context.lastCleaned ?? 0, repeat: true },
    })),
  },
  guards: {
    'is quiet': ({ context }) => quietNow(context),
    'is the sender': ({ context }) => context.sender,
    'becomes the sender': ({ event }) => {
      assertEvent(event, 'notify.sender');
      return event.sender;
    },
    'owes something': ({ context }) => context.owed !== null,
    'covers what is owed': ({ context, event }) => {
      assertEvent(event, 'notify.told');
      return context.owed !== null && covers(event.told, context.owed, context.clock.now(), context.repeatMs);
    },
    'holds nothing': ({ context }) => context.held === null,
    'repeats now': ({ context }) =>
      context.repeatMs > 0 &&
      context.lastCleaned !== null &&
      context.level === 'overdue' &&
      context.levels.includes('overdue'),
  },
  delays: {
    // From the last notification of this wait (before a restart too), else from now.
    'notify.repeat': ({ context }) => {
      const next = context.notified === null ? 0 : context.notified.at + context.repeatMs - context.clock.now();
      return next > 0 ? Math.min(next, context.repeatMs) : context.repeatMs;
    },
    // Until the local clock reads the end of quiet hours (then looked at again: a change of daylight-saving time).
    'notify.quiet': ({ context }) =>
      context.quietHours === null
        ? 0
        : msUntilLocalMinute(context.quietHours.end, context.clock.now(), context.timeZone),
    /**
     * How long after a notice falls due the sender is asked whether it told it: the sender,
     * whose clock agrees within a second or two, has by then (it notes what it tells before
     * it posts it). The sender's silence is not waited for: the repair rounds find a peer
     * silent after 30 s to 3 minutes, too late for a hand-over within a minute.
     */
    'notify.ask': 5_000,
    /**
     * How long an owed notice is kept while the sender answers but has not told it (its
     * clock behind; its own quiet hours or levels, which then stand), or cannot be asked
     * (it serves no page: its silence is then what hands over). Asked again every
     * `notify.ask` meanwhile.
     */
    'notify.handover': 90_000,
    // At the start, long enough for mDNS to show the household's nodes: nobody is the sender before it knows them.
    'notify.settle': 15_000,
    // At the start, when mDNS has shown the nodes with targets: their answers (5 s at most) come before `notify.settle`.
    'notify.recall': 9_000,
  },
}).createMachine({
  id: 'notify',
  context: ({ input }) => ({ ...input, lastCleaned: null, level: 'unknown', held: null, owed: null, sender: false }),
  type: 'parallel',
  on: {
    'notify.view': { actions: 'take the view' },
  },
  states: {
    /** Again while it stays overdue. */
    repeat: {
      initial: 'off',
      states: {
        off: { on: { 'repeat.check': { guard: 'repeats now', target: 'on' } } },
        on: {
          after: { 'notify.repeat': { target: 'on', reenter: true, actions: 'repeat now' } },
          on: {
            'repeat.check': { guard: not('repeats now'), target: 'off' },
            // Whatever went out (held through quiet hours, say), the next one is a whole `notify.repeat` later.
            'notice.ready': { target: 'on', reenter: true },
            // Another node's word on when it last told: counted from then.
            'notified.taken': { target: 'on', reenter: true },
          },
        },
      },
    },
    /** Quiet hours: what is due waits for them to end, and the latest of it goes out once. */
    quiet: {
      initial: 'open',
      states: {
        open: {
          on: {
            'notice.due': [{ guard: 'is quiet', target: 'holding', actions: 'hold' }, { actions: 'make ready' }],
          },
        },
        holding: {
          on: {
            'notice.due': { actions: 'hold' },
            // A cleaning ended the wait it was held for: nothing is left to say.
            'hold.check': { guard: 'holds nothing', target: 'open' },
          },
          after: {
            'notify.quiet': [
              { guard: 'is quiet', target: 'holding', reenter: true },
              { target: 'open', actions: 'release the held notice' },
            ],
          },
        },
      },
    },
    /** Who sends: this node when it is the sender; else what is due is owed, and sent here if the sender is gone. */
    handover: {
      initial: 'settling',
      on: { 'notify.sender': { actions: 'take the sender' }, 'notify.told': { actions: 'take what was told' } },
      states: {
        // What falls due in the first seconds is owed, not noted: the nodes ask each other what
        // they told (`recall`), and one that says it told what nobody sent yet would leave it
        // unsent when the whole household starts at once (after a power cut).
        settling: {
          on: { 'notice.ready': { actions: 'owe' } },
          after: {
            'notify.recall': { actions: 'recall' },
            'notify.settle': [
              { guard: 'is the sender', target: 'idle', actions: ['note it', 'send what is owed'] },
              { guard: 'owes something', target: 'owing', actions: 'note it' },
              { target: 'idle' },
            ],
          },
        },
        idle: {
          on: {
            'notice.ready': [
              { guard: 'is the sender', actions: ['note it', 'send'] },
              { target: 'owing', actions: ['note it', 'owe'] },
            ],
          },
        },
        owing: {
          on: {
            'notice.ready': [
              { guard: 'is the sender', target: 'idle', actions: ['note it', 'forget what is owed', 'send'] },
              { target: 'owing', reenter: true, actions: ['note it', 'owe'] },
            ],
            'notify.sender': {
              guard: 'becomes the sender',
              target: 'idle',
              actions: ['take the sender', 'send what is owed'],
            },
            // A cleaning ended the wait it was owed for, or the sender said it told it.
            'hold.check': { guard: not('owes something'), target: 'idle' },
          },
          // The sender answered all along: its word stands.
          after: { 'notify.handover': { target: 'idle', actions: 'forget what is owed' } },
          initial: 'waiting',
          states: {
            waiting: { after: { 'notify.ask': 'asking' } },
            asking: {
              entry: 'ask the sender',
              on: {
                'notify.told': [
                  // Told: no longer owed (`hold.check` leaves for idle).
                  { guard: 'covers what is owed', actions: 'take what was told' },
                  // There, and not told yet (its clock is behind, or it is leaving): asked again.
                  { target: 'waiting', actions: 'take what was told' },
                ],
                'notify.gone': { target: '#notify.handover.idle', actions: 'send what is owed' },
                'notify.unclear': { target: 'waiting' },
              },
            },
          },
        },
      },
    },
  },
});
