import {
  createEmptyActor,
  type AnyActorScope,
  type AnyStateMachine,
  type AnyStateNode,
  type SimulatedClock,
  type StateValue,
} from 'xstate';
import { advance } from './time';

const AFTER = /^xstate\.after\.([^.]+)\./;

/**
 * The `after` events of a machine, as events the graph tools can traverse, less
 * the delays named in `exclude` (the once-a-minute re-check changes no state).
 */
export function afterEvents(machine: AnyStateMachine, exclude: readonly string[] = []): { type: string }[] {
  const found: { type: string }[] = [];
  const visit = (node: AnyStateNode): void => {
    for (const transition of node.after) {
      const delay = AFTER.exec(transition.eventType)?.[1];
      if (delay && !exclude.includes(delay)) found.push({ type: transition.eventType });
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return found;
}

/** An event as a step of a test's name: `after nextLevel` for a timer, else its type. */
export function stepName(eventType: string): string {
  const delay = delayName(eventType);
  return delay === undefined ? eventType : `after ${delay}`;
}

/** A path's name for its test: where it starts, then each step. */
export function pathTitle<TEvent extends { type: string }>(
  start: string,
  steps: readonly { event: TEvent }[],
  name: (event: TEvent) => string = (event) => stepName(event.type),
): string {
  return `${start}: ${steps.map((step) => name(step.event)).join(' → ')}`;
}

/** The delay name of an `after` event type, or undefined for any other event. */
export function delayName(eventType: string): string | undefined {
  return AFTER.exec(eventType)?.[1];
}

/** The machine's own delay for an `after` event, computed from `context` as the machine does. */
export function delayMs(machine: AnyStateMachine, eventType: string, context: unknown): number {
  const name = delayName(eventType);
  const delay = name === undefined ? undefined : machine.implementations.delays[name];
  if (delay === undefined) throw new Error(`no delay for ${eventType}`);
  return typeof delay === 'number' ? delay : delay({ context, event: { type: eventType } } as never, undefined);
}

/** Plays an `after` event on a running actor: advances the simulated clock by the machine's delay for it. */
export function playDelay(machine: AnyStateMachine, eventType: string, context: unknown, clock: SimulatedClock): void {
  advance(clock, delayMs(machine, eventType, context));
}

/** A wall clock that stands at one time: in a walk over the graph, each state carries its own. */
export const standingClock = (at: number) => ({ now: () => at });

/** `{ ok: 'fresh' }` → `ok.fresh`, for tables keyed by state. */
export function stateKey(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([key, child]) => (child === undefined ? key : `${key}.${stateKey(child)}`))
    .join(',');
}

/**
 * The machine as the graph tools can walk it:
 * - with a parent: the tools run it in a scope of their own, without one, where
 *   `sendParent` has nobody to send to; here its scope has one that ignores it all;
 * - with time that passes: given `laterBy`, which makes a context whose wall clock
 *   reads `ms` later, an `after` event first moves the state's clock on by its delay,
 *   as a timer fires once its time has passed. Guards that read the clock then see
 *   the time the timer was meant for, and a timer that leads to a fresh look at the
 *   clock goes where it would on a node.
 */
export function walkable<TMachine extends AnyStateMachine>(
  machine: TMachine,
  laterBy?: (context: never, ms: number) => unknown,
): TMachine {
  const parent = createEmptyActor();
  const scoped = (scope: AnyActorScope): AnyActorScope => ({
    ...scope,
    self: new Proxy(scope.self, { get: (self, key) => (key === '_parent' ? parent : Reflect.get(self, key)) }),
  });
  const timed = (snapshot: { context: never }, event: { type: string }) =>
    laterBy && delayName(event.type)
      ? { ...snapshot, context: laterBy(snapshot.context, delayMs(machine, event.type, snapshot.context)) }
      : snapshot;
  return new Proxy(machine, {
    get(target, key) {
      if (key === 'transition') {
        return (snapshot: { context: never }, event: { type: string }, scope: AnyActorScope) =>
          target.transition(timed(snapshot, event) as never, event, scoped(scope));
      }
      if (key === 'getInitialSnapshot') {
        return (scope: AnyActorScope, input: unknown) => target.getInitialSnapshot(scoped(scope), input);
      }
      return Reflect.get(target, key) as unknown;
    },
  });
}
