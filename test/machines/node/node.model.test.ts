import { getSimplePaths } from 'xstate/graph';
import type { NodeEvent } from '../../../machines/node/node-events';
import { nodeMachine } from '../../../machines/node/node-machine';
import { DEFAULT_THRESHOLDS, levelAt } from '../../../machines/reminder/levels';
import { afterEvents, delayName, playDelay, standingClock, stateKey } from '../../support/graph';
import { NOON, nodeHarness, nodeInput, settle } from '../../support/node-harness';

const SAVED_TIME = NOON - 13 * 3_600_000;
const ADOPTED_TIME = NOON - 3_600_000;
const KITCHEN = { address: '10.0.0.2', port: 5300 };

/** The times the node can hold, as vertices of the graph: repeated presses add no new ones. */
function timeKind(lastCleaned: number | null): string {
  if (lastCleaned === null) return 'unknown';
  if (lastCleaned === ADOPTED_TIME) return 'adopted';
  return lastCleaned === SAVED_TIME ? 'loaded' : 'pressed';
}

describe('node machine, every simple path through its graph', () => {
  const events = [
    { type: 'xstate.done.actor.loadState', output: SAVED_TIME },
    { type: 'xstate.error.actor.loadState', error: new Error('unreadable') },
    // A press, once saved: its report alone changes no state (the store has it).
    { type: 'store.answered', lastCleaned: NOON, saved: true },
    // A later time from a peer, once the cluster has passed it on.
    { type: 'cluster.adopted', lastCleaned: ADOPTED_TIME, from: KITCHEN },
    { type: 'SHUTDOWN' },
    { type: 'xstate.done.actor.reminder' },
    { type: 'xstate.done.actor.cluster' },
    { type: 'store.idle' },
    { type: 'history.idle' },
    ...afterEvents(nodeMachine),
  ] as unknown as NodeEvent[];
  // The node knows which of its saves were cleanings recorded here; the walk has no press
  // before the store's answer, so its answer stands for one (the replay below presses).
  const walked = nodeMachine.provide({
    guards: {
      'moves the time forward': ({ context, event }) =>
        event.type === 'store.answered' && (context.lastCleaned === null || event.lastCleaned > context.lastCleaned),
    },
  });
  const paths = getSimplePaths(walked, {
    events,
    input: nodeInput(standingClock(NOON)),
    // A press (which the stub store answers at once) can only come while the button is watched.
    filterEvents: (snapshot, event) =>
      snapshot.status === 'active' &&
      (event.type !== 'store.answered' || snapshot.matches({ live: { life: 'running' } })) &&
      // A peer's time is later than the node's only before a press.
      (event.type !== 'cluster.adopted' ||
        (snapshot.matches({ live: { life: 'running' } }) && (snapshot.context.lastCleaned ?? 0) < ADOPTED_TIME)),
    serializeState: (snapshot) => `${stateKey(snapshot.value)} ${timeKind(snapshot.context.lastCleaned)}`,
  });

  it('reaches starting, running, every step of shutting down, and stopped', () => {
    const reached = new Set(paths.map((path) => stateKey(path.state.value)));
    expect(reached).toContain('starting');
    expect(reached).toContain('live.life.running,adoption.shown');
    expect(reached).toContain('live.life.running,adoption.settling');
    expect(reached).toContain('stopped');
    const shuttingDown = [...reached].filter((key) => key.startsWith('live.life.shuttingDown'));
    // Four regions, each waiting or done, but not all four done (the node has stopped then).
    expect(shuttingDown).toHaveLength(15);
  });

  it.each(paths.map((path) => [path.steps.map((step) => step.event.type).join(' → '), path] as const))(
    '%s',
    async (_, path) => {
      const node = nodeHarness([], { stubs: true });
      for (const step of path.steps) {
        const { type } = step.event as { type: string };
        const before = node.actor.getSnapshot().context.lastCleaned;
        if (type === 'xstate.done.actor.loadState') node.load.resolve?.(SAVED_TIME);
        else if (type === 'xstate.error.actor.loadState') node.load.reject?.(new Error('unreadable'));
        // The stub store saves at once: a press is its report and its answer.
        else if (type === 'store.answered') node.press();
        else if (type === 'cluster.adopted') node.receive(KITCHEN, ADOPTED_TIME);
        else if (type === 'SHUTDOWN') node.actor.send({ type });
        else if (type === 'xstate.done.actor.reminder') node.child('reminder').send({ type: 'finish' });
        else if (type === 'xstate.done.actor.cluster') node.goodbye.answer?.();
        else if (type === 'store.idle') node.flush.answer?.();
        else if (type === 'history.idle') node.historyFlush.answer?.();
        else if (delayName(type)) playDelay(nodeMachine, type, node.actor.getSnapshot().context, node.clock);
        await settle();
        const snapshot = node.actor.getSnapshot();
        expect(stateKey(snapshot.value)).toBe(stateKey(step.state.value));

        if (type === 'xstate.done.actor.loadState') {
          expect(node.heard()).toEqual([]);
          expect(snapshot.context.lastCleaned).toBe(SAVED_TIME);
          // Not the history's: how it was recorded is not known.
          expect(node.recorded).toEqual([]);
        }
        if (type === 'store.answered') {
          // Saved first, then told to the reminder.
          const time = node.written.at(-1);
          expect(time).toBe(before === null ? NOON : Math.max(NOON, before + 1000));
          expect(node.heard().at(-1)).toEqual({ type: 'time.changed', lastCleaned: time });
          expect(node.recorded.at(-1)).toEqual({ at: time, source: 'button', node: 'kitchen-3f2a' });
        }
        if (type === 'cluster.adopted') {
          // Announced and in the view at once; on the strip a moment later.
          expect(node.emitted.slice(-2)).toEqual([
            expect.objectContaining({ type: 'time.changed', reason: 'adopted' }),
            {
              type: 'view.changed',
              // With its own level, not the one of the time before: the reminder hears of it later.
              view: expect.objectContaining({
                lastCleaned: ADOPTED_TIME,
                level: levelAt(ADOPTED_TIME, node.clock.now(), DEFAULT_THRESHOLDS),
              }),
            },
          ]);
          expect(node.heard().at(-1)).not.toEqual({ type: 'time.changed', lastCleaned: ADOPTED_TIME });
        }
        if (delayName(type) === 'settle') {
          // Shown now, unless a press came meanwhile and was shown itself.
          expect(node.heard().at(-1)).toEqual({ type: 'time.changed', lastCleaned: snapshot.context.lastCleaned });
          if (snapshot.context.lastCleaned === ADOPTED_TIME) {
            expect(node.recorded.at(-1)).toEqual({ at: ADOPTED_TIME, source: 'network', node: null });
          }
        }
        if (type === 'SHUTDOWN' && snapshot.matches('live')) {
          expect(node.heard().at(-1)).toEqual({ type: 'SHUTDOWN' });
          expect(node.released.button).toBe(1);
        }
        if (
          snapshot.status === 'done' &&
          path.steps.some((s) => (s.event as { type: string }).type === 'xstate.done.actor.loadState')
        ) {
          expect(node.released).toEqual({ button: 1, file: 1 });
        }
      }
    },
  );
});
