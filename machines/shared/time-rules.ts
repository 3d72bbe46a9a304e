const SECOND = 1000;

/**
 * Presses this close after the household's time are the cleaning it already holds: a
 * person who presses twice, the button and then the page, or a flood of requests, make
 * one cleaning, not one a second.
 */
export const PRESS_BURST_MS = 10 * SECOND;

/**
 * The time a press ("cleaned now") records: now, in whole seconds (what the wire carries).
 * Null when the household's time is no more than a burst before now, or ahead of our
 * clock (a peer's clock runs fast): the press is that cleaning, and nothing new is
 * recorded. So a press never sets a time beyond this node's clock, however many come.
 */
export function pressTime(now: number, current: number | null): number | null {
  const nowSeconds = Math.floor(now / SECOND) * SECOND;
  return current !== null && current >= nowSeconds - PRESS_BURST_MS ? null : nowSeconds;
}

/** How far ahead of our clock a peer's time may be: more is a broken clock, not a cleaning. */
export const MAX_AHEAD_MS = 10 * 60 * 1000;

/**
 * The earliest time taken from a peer: the Unix epoch. The wire allows years back to
 * -262143, which no cleaning had and no state file (four-digit years) can hold.
 */
export const EARLIEST_MS = 0;

/** A peer's time replaces ours only when it is later, and neither before the epoch nor implausibly far in the future. */
export function isAdoptable(offered: number, ours: number | null, now: number): boolean {
  return (ours === null || offered > ours) && offered >= EARLIEST_MS && offered <= now + MAX_AHEAD_MS;
}

export function isTooFarAhead(offered: number, ours: number | null, now: number): boolean {
  return (ours === null || offered > ours) && offered > now + MAX_AHEAD_MS;
}

/** The peer is behind us (older time, or none), so it should hear ours. */
export function isBehind(offered: number | null, ours: number | null): boolean {
  return ours !== null && (offered === null || offered < ours);
}
