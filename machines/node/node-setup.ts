import { fromCallback, fromPromise, setup } from 'xstate';
import { clusterMachine } from '../cluster/cluster-machine';
import { historyMachine } from '../history/history-machine';
import { reminderMachine } from '../reminder/reminder-machine';
import { storeMachine } from '../store/store-machine';
import type { NodeContext, NodeEmitted, NodeEvent, NodeInput } from './node-events';
import { nodeGuards } from './node-guards';

/**
 * The node machine's types, children, guards and delays, on their own so that its actions can
 * live in files of their own (one concern each), typed by `nodeSetup.assign`, `.sendTo`,
 * `.emit` and `.enqueueActions`, and the machine (node-machine.ts) can put them together.
 */
export const nodeSetup = setup({
  types: {
    context: {} as NodeContext,
    input: {} as NodeInput,
    events: {} as NodeEvent,
    emitted: {} as NodeEmitted,
    children: {} as {
      loadState: 'loadState';
      store: 'store';
      cluster: 'cluster';
      reminder: 'reminder';
      button: 'button';
      history: 'history';
      /** The reminder of each other box the strip shows (reminderOf). */
      [box: `reminder:${string}`]: 'reminder';
    },
  },
  actors: {
    // The real implementations come from src/ through `provide`.
    loadState: fromPromise<number | null>(() => Promise.resolve(null)),
    button: fromCallback(() => undefined),
    store: storeMachine,
    cluster: clusterMachine,
    reminder: reminderMachine,
    history: historyMachine,
  },
  guards: nodeGuards,
  delays: {
    // Leaves room within the 3 s a stopping node is given.
    shutdownGrace: 2_000,
    // Long enough for a new time to have gone round the household (a few ms), short
    // enough that nobody sees the strip wait.
    settle: 20,
  },
});

/** The node's typed action creators, for the files of its actions. */
export const { assign, emit, enqueueActions, sendTo } = nodeSetup;
