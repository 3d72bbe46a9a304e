import { assign, assertEvent, emit, enqueueActions, fromCallback, fromPromise, sendTo, setup } from 'xstate';
import type { WallClock } from './clock';
import type { QuietHours } from './quiet-hours';
import { reminderMachine } from './reminderMachine';
import { pressTime } from './time-rules';

export interface NodeInput {
  quietHours: QuietHours | null;
  timeZone: string;
  clock: WallClock;
}

export interface NodeContext extends NodeInput {
  /** The node's agreed time of the last cleaning, ms since the epoch; null while unknown. */
  lastCleaned: number | null;
}

/** Asks the store actor to persist a time; it answers `store.saved` or `store.failed`. */
export interface StoreCommand {
  type: 'store.save';
  lastCleaned: number;
}

export type NodeEvent =
  | { type: 'SHUTDOWN' }
  | { type: 'button.pressed' }
  | { type: 'store.saved'; lastCleaned: number }
  | { type: 'store.failed'; lastCleaned: number };

export type NodeEmitted = { type: 'time.changed'; lastCleaned: number };

/**
 * The node's life: load the saved time, run the reminder with the button and the
 * store, and on SHUTDOWN lead every actor out so that the strip ends dark.
 */
export const nodeMachine = setup({
  types: {
    context: {} as NodeContext,
    input: {} as NodeInput,
    events: {} as NodeEvent,
    emitted: {} as NodeEmitted,
    children: {} as {
      loadState: 'loadState';
      store: 'store';
      button: 'button';
      reminder: 'reminder';
    },
  },
  actors: {
    // The real implementations come from src/ through `provide`.
    loadState: fromPromise<number | null>(async () => null),
    store: fromCallback<StoreCommand>(() => undefined),
    button: fromCallback(() => undefined),
    reminder: reminderMachine,
  },
  actions: {
    'record a cleaning now': enqueueActions(({ context, enqueue }) => {
      const lastCleaned = pressTime(context.clock.now(), context.lastCleaned);
      enqueue.assign({ lastCleaned });
      enqueue.sendTo('store', { type: 'store.save', lastCleaned });
    }),
    'tell the reminder': sendTo('reminder', ({ event }) => {
      assertEvent(event, ['store.saved', 'store.failed']);
      return { type: 'time.changed' as const, lastCleaned: event.lastCleaned };
    }),
    'announce time': emit(({ event }) => {
      assertEvent(event, ['store.saved', 'store.failed']);
      return { type: 'time.changed' as const, lastCleaned: event.lastCleaned };
    }),
    'stop the reminder': sendTo('reminder', { type: 'SHUTDOWN' }),
  },
  delays: {
    // Leaves room within the 3 s a stopping service is given.
    shutdownGrace: 2_000,
  },
}).createMachine({
  id: 'node',
  context: ({ input }) => ({ ...input, lastCleaned: null }),
  initial: 'starting',
  states: {
    starting: {
      invoke: {
        id: 'loadState',
        src: 'loadState',
        onDone: {
          target: 'live',
          actions: assign({ lastCleaned: ({ event }) => event.output }),
        },
        // The loader reports what was wrong; the node runs on with an unknown time.
        onError: 'live',
      },
      on: { SHUTDOWN: 'stopped' },
    },
    live: {
      invoke: [
        { id: 'store', src: 'store' },
        {
          id: 'reminder',
          src: 'reminder',
          input: ({ context }) => ({
            lastCleaned: context.lastCleaned,
            quietHours: context.quietHours,
            timeZone: context.timeZone,
            clock: context.clock,
          }),
          onDone: '#node.stopped',
        },
      ],
      initial: 'running',
      states: {
        running: {
          invoke: { id: 'button', src: 'button' },
          on: {
            'button.pressed': { actions: 'record a cleaning now' },
            SHUTDOWN: 'shuttingDown',
          },
        },
        shuttingDown: {
          entry: 'stop the reminder',
          after: { shutdownGrace: '#node.stopped' },
        },
      },
      on: {
        // Persisted (or tried to) before anyone else hears of it.
        'store.saved': { actions: ['tell the reminder', 'announce time'] },
        'store.failed': { actions: ['tell the reminder', 'announce time'] },
      },
    },
    stopped: {
      type: 'final',
    },
  },
});
