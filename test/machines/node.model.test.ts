import { SimulatedClock } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import type { NodeEvent } from '../../machines/node-types';
import { nodeMachine } from '../../machines/nodeMachine';
import { afterEvents, delayName, playDelay, stateKey } from '../support/graph';
import { NOON, nodeHarness, nodeInput, settle } from '../support/node-harness';

const SAVED_TIME = NOON - 13 * 3_600_000;

/** The times the node can hold, as vertices of the graph: repeated presses add no new ones. */
function timeKind(lastCleaned: number | null): string {
  if (lastCleaned === null) return 'unknown';
  return lastCleaned === SAVED_TIME ? 'loaded' : 'pressed';
}

describe('node machine, every simple path through its graph', () => {
  const events = [
    { type: 'xstate.done.actor.loadState', output: SAVED_TIME },
    { type: 'xstate.error.actor.loadState', error: new Error('unreadable') },
    { type: 'button.pressed' },
    { type: 'SHUTDOWN' },
    { type: 'xstate.done.actor.reminder' },
    { type: 'discovery.stopped' },
    ...afterEvents(nodeMachine),
  ] as unknown as NodeEvent[];
  const traversalClock = new SimulatedClock();
  traversalClock.set(NOON);
  const paths = getSimplePaths(nodeMachine, {
    events,
    input: nodeInput(traversalClock),
    filterEvents: (snapshot) => snapshot.status === 'active',
    serializeState: (snapshot) => `${stateKey(snapshot.value)} ${timeKind(snapshot.context.lastCleaned)}`,
  });

  it('reaches starting, running, shutting down and stopped', () => {
    const reached = new Set(paths.map((path) => stateKey(path.state.value)));
    expect([...reached].sort()).toEqual([
      'live.running.repairing',
      'live.shuttingDown.strip.dark,mdns.leaving',
      'live.shuttingDown.strip.darkening,mdns.gone',
      'live.shuttingDown.strip.darkening,mdns.leaving',
      'starting',
      'stopped',
    ]);
  });

  it.each(paths.map((path) => [path.steps.map((step) => step.event.type).join(' → '), path] as const))(
    '%s',
    async (_, path) => {
      const node = nodeHarness();
      for (const step of path.steps) {
        const { type } = step.event as { type: string };
        const before = node.actor.getSnapshot().context.lastCleaned;
        if (type === 'xstate.done.actor.loadState') node.load.resolve?.(SAVED_TIME);
        else if (type === 'xstate.error.actor.loadState') node.load.reject?.(new Error('unreadable'));
        else if (type === 'button.pressed') node.press();
        else if (type === 'SHUTDOWN') node.actor.send({ type });
        else if (type === 'xstate.done.actor.reminder') node.reminder().send({ type: 'finish' });
        else if (type === 'discovery.stopped') node.goodbye.answer?.();
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
        if (
          snapshot.status === 'done' &&
          path.steps.some((s) => (s.event as { type: string }).type === 'xstate.done.actor.loadState')
        ) {
          expect(node.released).toEqual({ button: 1, store: 1 });
        }
      }
    },
  );

  it('records a press at least one second after a time ahead of its own clock', async () => {
    const node = nodeHarness();
    node.load.resolve?.(NOON + 5_000);
    await settle();
    node.press();
    expect(node.saved).toEqual([NOON + 6_000]);
  });
});
