import { assign, createActor, fromCallback, fromPromise, setup, SimulatedClock, type AnyActorRef } from 'xstate';
import {
  type DiscoveredPeer,
  type DiscoveryCommand,
  type TransportCommand,
} from '../../machines/cluster/cluster-events';
import { clusterMachine } from '../../machines/cluster/cluster-machine';
import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';
import { nodeMachine } from '../../machines/node/node-machine';
import type { NodeEmitted, NodeInput } from '../../machines/node/node-events';
import { DEFAULT_BOX } from '../../common/boxes';
import { UNDO_WINDOW_MS } from '../../machines/history/boxes';
import type { reminderMachine, ReminderEvent } from '../../machines/reminder/reminder-machine';
import {
  storeMachine,
  type FileCommand,
  type FlushCommand,
  type SaveCommand,
} from '../../machines/store/store-machine';
import type { Cleaning } from '../../common/history';
import { historyMachine } from '../../machines/history/history-machine';
import { type AppendCommand, type ExchangeCommand, type HistoryEvent } from '../../machines/history/history-events';
import type { PeerAddress } from '../../machines/cluster/peer-address';
import { NOON } from './time';

type StoreCommand = SaveCommand | FlushCommand;

/** Stands in for the reminder: records what it hears and finishes only when the test says so. */
const reminderStub = setup({
  types: { events: {} as ReminderEvent | { type: 'finish' }, context: {} as { heard: ReminderEvent[] } },
}).createMachine({
  context: { heard: [] },
  initial: 'showing',
  states: {
    showing: {
      on: {
        '*': {
          actions: assign({ heard: ({ context, event }) => [...context.heard, event as ReminderEvent] }),
        },
        finish: 'done',
      },
    },
    done: { type: 'final' },
  },
});

export function nodeInput(clock: { now(): number }, peers: PeerAddress[] = []): NodeInput {
  return {
    name: 'kitchen-3f2a',
    quietHours: null,
    timeZone: 'UTC',
    thresholds: DEFAULT_THRESHOLDS,
    clock,
    peers,
    random: () => 0.5,
    boxes: [DEFAULT_BOX],
    people: [],
    undoWindowMs: UNDO_WINDOW_MS,
  };
}

/**
 * The node machine with its own store and cluster machines, and every actor at the
 * edge replaced by a stub the test drives: the loader resolves when told, the file
 * writes at once (or, with `disk.slow`, when the test says), the transport records,
 * discovery answers the goodbye when told, the reminder records what it hears. The
 * history is the real machine, its file appending at once (`appended`) and its exchanges
 * recorded (`exchanges`). With `stubs`, the store and the history are stubs that answer
 * saves at once and are idle at the shutdown only when the test says (`flush`, `historyFlush`).
 */
export function nodeHarness(peers: PeerAddress[] = [], options: { stubs?: boolean; input?: Partial<NodeInput> } = {}) {
  const clock = new SimulatedClock();
  clock.set(NOON);
  const load: { resolve?: (time: number | null) => void; reject?: (error: Error) => void } = {};
  const written: (number | null)[] = [];
  const sent: TransportCommand[] = [];
  const emitted: NodeEmitted[] = [];
  const pressers: (() => void)[] = [];
  const released = { button: 0, file: 0 };
  /** `failing`: every write fails, as on a full disk; `slow`: writes finish on `finishWrites()`. */
  const disk = { failing: false, slow: false };
  let pending: (() => void)[] = [];
  const goodbye: { answer?: () => void } = {};
  const discovery: { found?: (peer: DiscoveredPeer) => void } = {};
  const flush: { answer?: () => void } = {};
  const historyFlush: { answer?: () => void } = {};
  const recorded: Cleaning[] = [];
  const appended: Cleaning[] = [];
  const exchanges: ExchangeCommand[] = [];
  const historyStub = fromCallback<HistoryEvent>(({ receive, sendBack }) => {
    receive((event) => {
      if (event.type === 'history.record') recorded.push(event.cleaning);
      if (event.type === 'history.flush') historyFlush.answer = () => sendBack({ type: 'history.idle' });
    });
  });
  // For walks over the node's own graph: saves are answered at once, and the store is
  // idle at the shutdown only when the test says so.
  const storeStub = fromCallback<StoreCommand>(({ receive, sendBack }) => {
    receive((command) => {
      if (command.type === 'store.flush') flush.answer = () => sendBack({ type: 'store.idle' });
      else {
        written.push(command.lastCleaned);
        sendBack(
          command.lastCleaned === null
            ? { type: 'store.cleared', saved: true }
            : { type: 'store.answered', lastCleaned: command.lastCleaned, saved: true },
        );
      }
    });
    return () => (released.file += 1);
  });
  const file = fromCallback<FileCommand>(({ receive, sendBack }) => {
    receive((command) => {
      const finish = (): void => {
        if (!disk.failing) written.push(command.lastCleaned);
        sendBack({
          type: disk.failing ? 'file.failed' : 'file.written',
          lastCleaned: command.lastCleaned,
        });
      };
      if (disk.slow) pending.push(finish);
      else finish();
    });
    return () => (released.file += 1);
  });
  const machine = nodeMachine.provide({
    actors: {
      loadState: fromPromise<number | null>(
        () => new Promise((resolve, reject) => Object.assign(load, { resolve, reject })),
      ),
      store: options.stubs ? (storeStub as unknown as typeof storeMachine) : storeMachine.provide({ actors: { file } }),
      history: options.stubs
        ? (historyStub as unknown as typeof historyMachine)
        : historyMachine.provide({
            actors: {
              file: fromCallback<AppendCommand>(({ receive, sendBack }) =>
                receive((command) => {
                  appended.push(...command.cleanings);
                  sendBack({ type: 'history-file.appended' });
                }),
              ),
              sync: fromCallback<ExchangeCommand>(({ receive }) => receive((command) => exchanges.push(command))),
            },
          }),
      cluster: clusterMachine.provide({
        actors: {
          transport: fromCallback<TransportCommand>(({ receive }) => receive((command) => sent.push(command))),
          discovery: fromCallback<DiscoveryCommand>(({ receive, sendBack }) => {
            discovery.found = (peer) => sendBack({ type: 'peer.found', peer });
            receive((command) => {
              if (command.type === 'discovery.stop') goodbye.answer = () => sendBack({ type: 'discovery.stopped' });
            });
          }),
        },
      }),
      button: fromCallback(({ sendBack }) => {
        const press = () => sendBack({ type: 'cleaning.reported', source: 'button' });
        pressers.push(press);
        return () => {
          pressers.splice(pressers.indexOf(press), 1);
          released.button += 1;
        };
      }),
      reminder: reminderStub as unknown as typeof reminderMachine,
    },
  });
  const actor = createActor(machine, { clock, input: { ...nodeInput(clock, peers), ...options.input } });
  for (const type of [
    'view.changed',
    'time.changed',
    'time.refused',
    'peer.silent',
    'cleaning.answered',
    'household.refreshed',
    'history.changed',
    'undo.answered',
    'naming.answered',
    'time.withdrawn',
  ] as const) {
    actor.on(type, (event) => emitted.push(event));
  }
  actor.start();
  const child = (id: string): AnyActorRef => actor.getSnapshot().children[id as 'reminder'] as AnyActorRef;
  const heard = (): ReminderEvent[] =>
    (child('reminder').getSnapshot() as { context: { heard: ReminderEvent[] } }).context.heard;
  /** A datagram from a peer, as the transport tells the cluster. */
  const receive = (from: PeerAddress, lastCleaned: number | null) =>
    child('cluster').send({ type: 'state.received', from, lastCleaned });
  return {
    actor,
    clock,
    load,
    written,
    disk,
    sent,
    emitted,
    released,
    heard,
    goodbye,
    flush,
    historyFlush,
    recorded,
    appended,
    exchanges,
    receive,
    /** A peer that mDNS found. */
    found: (peer: DiscoveredPeer) => discovery.found?.(peer),
    child,
    views: () => emitted.flatMap((event) => (event.type === 'view.changed' ? [event.view] : [])),
    press: () => pressers.forEach((press) => press()),
    finishWrites: () => {
      const finishing = pending;
      pending = [];
      finishing.forEach((finish) => finish());
    },
  };
}

/** Lets promise callbacks (the loader) run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));

export { NOON } from './time';
