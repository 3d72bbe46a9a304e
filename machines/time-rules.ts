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
