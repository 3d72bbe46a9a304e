import { assign, createActor, fromCallback, fromPromise, setup, SimulatedClock, type AnyActorRef } from 'xstate';
import type { DiscoveryCommand, PeerAddress, TransportCommand } from '../../machines/cluster-events';
import type { StoreCommand } from '../../machines/node-types';
import { nodeMachine } from '../../machines/nodeMachine';
import type { reminderMachine, ReminderEvent } from '../../machines/reminderMachine';

export const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);

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

export function nodeInput(clock: SimulatedClock, peers: PeerAddress[] = []) {
  return { quietHours: null, timeZone: 'UTC', clock, peers, random: () => 0.5 };
}

/**
 * The node machine with every actor it invokes replaced by a stub the test drives:
 * the loader resolves when told, the store saves at once, the transport records.
 */
export function nodeHarness(peers: PeerAddress[] = []) {
  const clock = new SimulatedClock();
  clock.set(NOON);
  const load: { resolve?: (time: number | null) => void; reject?: (error: Error) => void } = {};
  const saved: number[] = [];
  const sent: TransportCommand[] = [];
  let press: (() => void) | undefined;
  const released = { button: 0, store: 0 };
  /** Set `failing` to make every save fail, as a full disk would. */
  const store = { failing: false };
  const goodbye: { answer?: () => void } = {};
  const machine = nodeMachine.provide({
    actors: {
      loadState: fromPromise<number | null>(
        () => new Promise((resolve, reject) => Object.assign(load, { resolve, reject })),
      ),
      store: fromCallback<StoreCommand>(({ receive, sendBack }) => {
        receive((command) => {
          if (!store.failing) saved.push(command.lastCleaned);
          if (command.type === 'store.retry') {
            sendBack({ type: 'store.retried', lastCleaned: command.lastCleaned, saved: !store.failing });
          } else {
            sendBack({ ...command, type: store.failing ? 'store.failed' : 'store.saved' });
          }
        });
        return () => (released.store += 1);
      }),
      button: fromCallback(({ sendBack }) => {
        press = () => sendBack({ type: 'button.pressed' });
        return () => (released.button += 1);
      }),
      transport: fromCallback<TransportCommand>(({ receive }) => receive((command) => sent.push(command))),
      discovery: fromCallback<DiscoveryCommand>(({ receive, sendBack }) => {
        receive(() => (goodbye.answer = () => sendBack({ type: 'discovery.stopped' })));
      }),
      reminder: reminderStub as unknown as typeof reminderMachine,
    },
  });
  const actor = createActor(machine, { clock, input: nodeInput(clock, peers) }).start();
  const reminder = (): AnyActorRef => actor.getSnapshot().children.reminder as AnyActorRef;
  const heard = (): ReminderEvent[] =>
    (reminder().getSnapshot() as { context: { heard: ReminderEvent[] } }).context.heard;
  return { actor, clock, load, saved, store, sent, released, reminder, heard, goodbye, press: () => press?.() };
}

/** Lets promise callbacks (the loader) run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));
