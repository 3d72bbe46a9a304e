import { PRESS_BURST_MS } from '../../machines/shared/time-rules';

/**
 * A press within PRESS_BURST_MS after the household's time is that cleaning (a burst of
 * presses is one): a process test that wants a new cleaning "now" waits the burst out,
 * after `since`, the household's time (ms or RFC 3339; by default, now). There is no event
 * to wait for: the rule reads the clock, and a process's clock is the real one.
 */
export function pastTheBurst(since: number | string = Date.now()): Promise<void> {
  const from = typeof since === 'string' ? Date.parse(since) : since;
  const left = from + PRESS_BURST_MS + 1100 - Date.now();
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, left)));
}
