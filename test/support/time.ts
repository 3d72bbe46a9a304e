import type { SimulatedClock } from 'xstate';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** The tests' usual now: a Thursday in January, at noon UTC. */
export const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);

interface Timeout {
  start: number;
  timeout: number;
}

/** When the clock's next timer is due, if one is due by `until`. */
function nextDue(clock: SimulatedClock, until: number): number | undefined {
  const { timeouts } = clock as unknown as { timeouts: Map<number, Timeout> };
  let next: number | undefined;
  for (const { start, timeout } of timeouts.values()) {
    const at = start + timeout;
    if (at <= until && (next === undefined || at < next)) next = at;
  }
  return next;
}

/**
 * Advances a SimulatedClock by `ms`, running each timer at the very time it is due.
 * `increment` alone moves the clock to the end first and then runs every timer due
 * by then: timers that read the clock (the next level, quiet hours) would see the
 * wrong time.
 */
export function advance(clock: SimulatedClock, ms: number): void {
  const until = clock.now() + ms;
  for (let due = nextDue(clock, until); due !== undefined; due = nextDue(clock, until)) {
    clock.set(Math.max(clock.now(), due));
  }
  clock.set(until);
}
