import { assign, createActor, fromCallback, fromPromise, setup, SimulatedClock, type AnyActorRef } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import { nodeMachine, type NodeEvent, type StoreCommand } from '../../machines/nodeMachine';
import type { reminderMachine, ReminderEvent } from '../../machines/reminderMachine';
import { afterEvents, delayName, playDelay, stateKey } from '../support/graph';

const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);
const SAVED_TIME = NOON - 13 * 3_600_000;

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

function harness() {
  const clock = new SimulatedClock();
  clock.set(NOON);
  const load: { resolve?: (time: number | null) => void; reject?: (error: Error) => void } = {};
  const saved: number[] = [];
  let press: (() => void) | undefined;
  const released = { button: 0, store: 0 };
  const machine = nodeMachine.provide({
    actors: {
      loadState: fromPromise<number | null>(
        () => new Promise((resolve, reject) => Object.assign(load, { resolve, reject })),
      ),
      store: fromCallback<StoreCommand>(({ receive, sendBack }) => {
        receive(({ lastCleaned }) => {
          saved.push(lastCleaned);
          sendBack({ type: 'store.saved', lastCleaned });
        });
        return () => (released.store += 1);
      }),
      button: fromCallback(({ sendBack }) => {
        press = () => sendBack({ type: 'button.pressed' });
        return () => (released.button += 1);
      }),
      reminder: reminderStub as unknown as typeof reminderMachine,
    },
  });
  const actor = createActor(machine, { clock, input: { quietHours: null, timeZone: 'UTC', clock } }).start();
  const reminder = (): AnyActorRef => actor.getSnapshot().children.reminder as AnyActorRef;
  const heard = (): ReminderEvent[] => reminder().getSnapshot().context.heard;
  return { actor, clock, load, saved, released, reminder, heard, press: () => press?.() };
}

/** The times the node can hold, as vertices of the graph: repeated presses add no new ones. */
function timeKind(lastCleaned: number | null): string {
  if (lastCleaned === null) return 'unknown';
  return lastCleaned === SAVED_TIME ? 'loaded' : 'pressed';
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('node machine, every simple path through its graph', () => {
  const events = [
    { type: 'xstate.done.actor.loadState', output: SAVED_TIME },
    { type: 'xstate.error.actor.loadState', error: new Error('unreadable') },
    { type: 'button.pressed' },
    { type: 'SHUTDOWN' },
    { type: 'xstate.done.actor.reminder' },
    ...afterEvents(nodeMachine),
  ] as unknown as NodeEvent[];
  const traversalClock = new SimulatedClock();
  traversalClock.set(NOON);
  const paths = getSimplePaths(nodeMachine, {
    events,
    input: { quietHours: null, timeZone: 'UTC', clock: traversalClock },
    filterEvents: (snapshot) => snapshot.status === 'active',
    serializeState: (snapshot) => `${stateKey(snapshot.value)} ${timeKind(snapshot.context.lastCleaned)}`,
  });

  it('reaches starting, running, shutting down and stopped', () => {
    const reached = new Set(paths.map((path) => stateKey(path.state.value)));
    expect([...reached].sort()).toEqual(['live.running', 'live.shuttingDown', 'starting', 'stopped']);
  });

  it.each(paths.map((path) => [path.steps.map((step) => step.event.type).join(' → '), path] as const))(
    '%s',
    async (_, path) => {
      const node = harness();
      for (const step of path.steps) {
        const { type } = step.event as { type: string };
        const before = node.actor.getSnapshot().context.lastCleaned;
        if (type === 'xstate.done.actor.loadState') node.load.resolve?.(SAVED_TIME);
        else if (type === 'xstate.error.actor.loadState') node.load.reject?.(new Error('unreadable'));
        else if (type === 'button.pressed') node.press();
        else if (type === 'SHUTDOWN') node.actor.send({ type });
        else if (type === 'xstate.done.actor.reminder') node.reminder().send({ type: 'finish' });
        else if (delayName(type)) playDelay(nodeMachine, type, node.actor.getSnapshot().context, node.clock);
        await settle();
        const snapshot = node.actor.getSnapshot();
        expect(stateKey(snapshot.value)).toBe(stateKey(step.state.value));

        if (type === 'xstate.done.actor.loadState') {
          expect(node.heard()).toEqual([]);
          expect(snapshot.context.lastCleaned).toBe(SAVED_TIME);
        }
        if (type === 'button.pressed') {
          // Saved first, then told to the reminder.
          const time = node.saved.at(-1);
          expect(time).toBe(before === null ? NOON : Math.max(NOON, before + 1000));
          expect(node.heard().at(-1)).toEqual({ type: 'time.changed', lastCleaned: time });
        }
        if (type === 'SHUTDOWN' && snapshot.matches('live')) {
          expect(node.heard().at(-1)).toEqual({ type: 'SHUTDOWN' });
          expect(node.released.button).toBe(1);
        }
        if (snapshot.status === 'done' && path.steps.some((s) => (s.event as { type: string }).type === 'xstate.done.actor.loadState')) {
          expect(node.released).toEqual({ button: 1, store: 1 });
        }
      }
    },
  );

  it('records a press at least one second after a time ahead of its own clock', async () => {
    const node = harness();
    node.load.resolve?.(NOON + 5_000);
    await settle();
    node.press();
    expect(node.saved).toEqual([NOON + 6_000]);
  });
});
