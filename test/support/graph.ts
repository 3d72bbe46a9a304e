import type { AnyStateMachine, AnyStateNode, SimulatedClock, StateValue } from 'xstate';
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

/** The delay name of an `after` event type, or undefined for any other event. */
export function delayName(eventType: string): string | undefined {
  return AFTER.exec(eventType)?.[1];
}

/**
 * Plays an `after` event on a running actor: advances the simulated clock by the
 * machine's own delay for it, computed from the actor's context as the machine does.
 */
export function playDelay(machine: AnyStateMachine, eventType: string, context: unknown, clock: SimulatedClock): void {
  const name = delayName(eventType);
  const delay = name === undefined ? undefined : machine.implementations.delays[name];
  if (delay === undefined) throw new Error(`no delay for ${eventType}`);
  const ms = typeof delay === 'number' ? delay : delay({ context, event: { type: eventType } } as never, undefined);
  advance(clock, ms, Math.min(ms, 60_000));
}

/** `{ ok: 'fresh' }` → `ok.fresh`, for tables keyed by state. */
export function stateKey(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([key, child]) => (child === undefined ? key : `${key}.${stateKey(child)}`))
    .join(',');
}
