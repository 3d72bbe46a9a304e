import fc from 'fast-check';
import { DEFAULT_THRESHOLDS, levelAt, msUntilNextLevel } from '../../../machines/reminder/levels';
import { isQuietAt, msUntilLocalMinute } from '../../../machines/reminder/quiet-hours';
import { PRESS_BURST_MS, pressTime } from '../../../machines/shared/time-rules';
import { HOUR } from '../../support/time';

const T = Date.UTC(2026, 0, 15, 12, 0, 0);

describe('levels', () => {
  it.each([
    [0, 'fresh'],
    [8 * HOUR - 1, 'fresh'],
    [8 * HOUR, 'settled'],
    [12 * HOUR, 'soon'],
    [24 * HOUR, 'now'],
    [26 * HOUR - 1, 'now'],
    [26 * HOUR, 'overdue'],
    [-5 * 60_000, 'fresh'],
  ])('an age of %d ms is %s', (age, level) => {
    expect(levelAt(T - age, T, DEFAULT_THRESHOLDS)).toBe(level);
  });

  it('counts down to the next level, and to nothing once overdue or unknown', () => {
    expect(msUntilNextLevel(T - HOUR, T, DEFAULT_THRESHOLDS)).toBe(7 * HOUR);
    expect(msUntilNextLevel(T - 25 * HOUR, T, DEFAULT_THRESHOLDS)).toBe(HOUR);
    expect(msUntilNextLevel(T - 30 * HOUR, T, DEFAULT_THRESHOLDS)).toBe(0);
    expect(msUntilNextLevel(null, T, DEFAULT_THRESHOLDS)).toBe(0);
  });

  it('never asks for a timer longer than setTimeout keeps, however far ahead the time', () => {
    expect(msUntilNextLevel(T + 2 * HOUR, T, DEFAULT_THRESHOLDS)).toBe(10 * HOUR);
    expect(msUntilNextLevel(T + 30 * 24 * HOUR, T, DEFAULT_THRESHOLDS)).toBe(2 ** 31 - 1);
    expect(msUntilNextLevel(Date.UTC(2062, 10, 24), T, DEFAULT_THRESHOLDS)).toBe(2 ** 31 - 1);
  });
});

describe('quiet hours', () => {
  const night = { start: 22 * 60, end: 7 * 60 };
  it.each([
    ['21:59', false],
    ['22:00', true],
    ['03:00', true],
    ['06:59', true],
    ['07:00', false],
  ])('22:00-07:00 at %s UTC is quiet: %s', (hhmm, quiet) => {
    const [h, m] = hhmm.split(':').map(Number);
    expect(isQuietAt(night, Date.UTC(2026, 0, 15, h, m), 'UTC')).toBe(quiet);
  });

  it('follows the time zone, daylight saving included', () => {
    // 21:30 UTC is 22:30 in Vienna in winter (quiet) and 23:30 in summer (quiet); 20:30 UTC in summer is 22:30.
    expect(isQuietAt(night, Date.UTC(2026, 0, 15, 21, 30), 'Europe/Vienna')).toBe(true);
    expect(isQuietAt(night, Date.UTC(2026, 0, 15, 20, 30), 'Europe/Vienna')).toBe(false);
    expect(isQuietAt(night, Date.UTC(2026, 6, 15, 20, 30), 'Europe/Vienna')).toBe(true);
  });

  it('a daytime period does not wrap', () => {
    expect(isQuietAt({ start: 9 * 60, end: 17 * 60 }, Date.UTC(2026, 0, 15, 12), 'UTC')).toBe(true);
    expect(isQuietAt({ start: 9 * 60, end: 17 * 60 }, Date.UTC(2026, 0, 15, 18), 'UTC')).toBe(false);
  });

  it('counts down to the next local minute, a whole day when it is now', () => {
    expect(msUntilLocalMinute(22 * 60, Date.UTC(2026, 0, 15, 21, 59, 30), 'UTC')).toBe(30_000);
    expect(msUntilLocalMinute(7 * 60, Date.UTC(2026, 0, 15, 22), 'UTC')).toBe(9 * HOUR);
    expect(msUntilLocalMinute(22 * 60, Date.UTC(2026, 0, 15, 22), 'UTC')).toBe(24 * HOUR);
  });
});

describe('press time', () => {
  it('is now in whole seconds after an older time, or none', () => {
    expect(pressTime(T + 999, null)).toBe(T);
    expect(pressTime(T, T - HOUR)).toBe(T);
    expect(pressTime(T, T - PRESS_BURST_MS - 1000)).toBe(T);
  });

  it('is no new time within a burst after the household’s time, or when that time is ahead of our clock', () => {
    expect(pressTime(T, T)).toBeNull();
    expect(pressTime(T, T - PRESS_BURST_MS)).toBeNull();
    expect(pressTime(T, T + 5000)).toBeNull();
  });

  it('never goes past the clock, however many presses come one after the other', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 * PRESS_BURST_MS }), { maxLength: 3000 }), (gaps) => {
        let now = T;
        let current: number | null = null;
        for (const gap of gaps) {
          now += gap;
          current = pressTime(now, current) ?? current;
          expect(current).toBeLessThanOrEqual(now);
        }
      }),
    );
  });
});
