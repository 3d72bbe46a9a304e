/**
 * The wall clock the machines read. Injected so that tests drive it: xstate's
 * SimulatedClock satisfies it, and so does `{ now: () => Date.now() }` in src/.
 */
export interface WallClock {
  now(): number;
}
