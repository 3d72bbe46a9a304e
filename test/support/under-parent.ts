import {
  createActor,
  setup,
  type ActorRefFrom,
  type AnyEventObject,
  type AnyStateMachine,
  type SimulatedClock,
} from 'xstate';

/**
 * Runs `machine` as the child of a parent that only records what the child tells it,
 * as the machines that report to their parent (the reminder, the display, the store,
 * the cluster) need one.
 */
export function underParent<TMachine extends AnyStateMachine>(
  machine: TMachine,
  input: unknown,
  clock: SimulatedClock,
) {
  const reports: AnyEventObject[] = [];
  const parent = setup({ actors: { child: machine as AnyStateMachine } }).createMachine({
    invoke: { id: 'child', src: 'child', input: () => input },
    on: { '*': { actions: ({ event }) => reports.push(event) } },
  });
  const actor = createActor(parent, { clock }).start();
  const child = actor.getSnapshot().children.child as ActorRefFrom<TMachine>;
  return { parent: actor, child, reports };
}
