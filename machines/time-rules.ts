const SECOND = 1000;

/**
 * The time a button press records: now, in whole seconds (what the wire carries),
 * but at least one second after the current time, so that a node whose clock is a
 * little behind the household's still moves the time forward.
 */
export function pressTime(now: number, current: number | null): number {
  const nowSeconds = Math.floor(now / SECOND) * SECOND;
  return current === null ? nowSeconds : Math.max(nowSeconds, current + SECOND);
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
