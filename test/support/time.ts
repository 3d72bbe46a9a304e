import type { SimulatedClock } from 'xstate';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/**
 * Advances a SimulatedClock in small steps. One big `increment` would run every
 * timer that falls inside it with the clock already at the end, so timers that
 * read the clock (the next level, quiet hours) would see the wrong time.
 */
export function advance(clock: SimulatedClock, ms: number, step = MINUTE): void {
  for (let left = ms; left > 0; left -= step) clock.increment(Math.min(step, left));
}
