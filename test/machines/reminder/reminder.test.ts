import { SimulatedClock } from 'xstate';
import { displayMachine } from '../../../machines/reminder/display-machine';
import { DEFAULT_THRESHOLDS } from '../../../machines/reminder/levels';
import type { QuietHours } from '../../../machines/reminder/quiet-hours';
import { reminderMachine } from '../../../machines/reminder/reminder-machine';
import { stripRecorder } from '../../support/strip-recorder';
import { HOUR, MINUTE, NOON, SECOND, advance } from '../../support/time';
import { underParent } from '../../support/under-parent';
import { TestWallClock } from '../../support/wall-clock';

// 2026-01-15 12:00 UTC: noon, outside the default quiet hours.

const LIGHT_GREEN = '#003c00';
const DARK_GREEN = '#001400';
const ORANGE = '#ff3c00';
const RED = '#ff0000';

function startReminder(
  lastCleaned: number | null,
  options: { quietHours?: QuietHours | null; lagPerHour?: number; thresholds?: typeof DEFAULT_THRESHOLDS } = {},
) {
  const scheduler = new SimulatedClock();
  scheduler.set(NOON);
  const wall = new TestWallClock(scheduler, options.lagPerHour);
  const strip = stripRecorder(wall);
  const machine = reminderMachine.provide({
    actors: { display: displayMachine.provide({ actors: { strip: strip.actor } }) },
  });
  const input = {
    lastCleaned,
    thresholds: options.thresholds ?? DEFAULT_THRESHOLDS,
    quietHours: options.quietHours ?? null,
    timeZone: 'UTC',
    clock: wall,
  };
  const { child, reports } = underParent(machine, input, scheduler);
  const levels = () => reports.filter((report) => report.type === 'reminder.level').map((report) => report.level);
  return { reminder: child, scheduler, wall, strip, levels, reports };
}

/** The frames as the LEDs show them: a repeated colour is no new frame. */
const frames = (shown: readonly string[]) => shown.filter((colour, i) => shown[i - 1] !== colour);

describe('reminder machine', () => {
  it.each([
    [null, 'unknown', '#000014'],
    [NOON - 1 * HOUR, 'fresh', LIGHT_GREEN],
    [NOON - 9 * HOUR, 'settled', DARK_GREEN],
    [NOON - 13 * HOUR, 'soon', ORANGE],
    [NOON - 25 * HOUR, 'now', RED],
    [NOON - 27 * HOUR, 'overdue', RED],
  ])('a cleaning at %p starts at level %s showing %s', (lastCleaned, level, colour) => {
    const { strip, levels } = startReminder(lastCleaned);
    expect(levels()).toEqual([level]);
    expect(strip.shown).toEqual([colour]);
  });

  it('walks through every level as 27 simulated hours pass, each told once', () => {
    const { scheduler, strip, levels } = startReminder(NOON);
    advance(scheduler, 27 * HOUR);
    expect(levels()).toEqual(['fresh', 'settled', 'soon', 'now', 'overdue']);
    expect(frames(strip.shown).slice(0, 6)).toEqual([LIGHT_GREEN, DARK_GREEN, ORANGE, RED, '#000000', RED]);
  });

  it('tells its parent nothing and shows no frame when the minute re-check finds the level unchanged', () => {
    const { scheduler, strip, levels } = startReminder(NOON - 1 * HOUR);
    advance(scheduler, 30 * MINUTE);
    expect(levels()).toEqual(['fresh']);
    expect(strip.shown).toEqual([LIGHT_GREEN]);
  });

  it('tells its parent nothing and shows no frame for a new time of the same level', () => {
    const { reminder, strip, levels } = startReminder(NOON - 1 * HOUR);
    reminder.send({ type: 'time.changed', lastCleaned: NOON });
    expect(levels()).toEqual(['fresh']);
    expect(strip.shown).toEqual([LIGHT_GREEN]);
  });

  it('counts the level from the new time when a time of the same level comes', () => {
    const { reminder, scheduler, strip } = startReminder(NOON - 7 * HOUR);
    reminder.send({ type: 'time.changed', lastCleaned: NOON });
    advance(scheduler, 2 * HOUR);
    expect(strip.current()).toBe(LIGHT_GREEN);
    advance(scheduler, 6 * HOUR);
    expect(strip.current()).toBe(DARK_GREEN);
  });

  // The wall clock runs slow against the timers' clock, as when NTP slews it, so each level
  // timer fires before the wall clock reaches the level's start. Timers are set again at
  // least every minute (the re-check): losing 1 ms or 20 s a minute, each fires that early.
  it.each([
    ['1 ms', 1, 27 * HOUR],
    ['20 s', 20 * SECOND, 40 * HOUR],
  ])('shows exactly fresh, settled, soon, now, overdue when each timer fires %s early', (_, lagPerMinute, run) => {
    const { scheduler, strip, levels } = startReminder(NOON, { lagPerHour: 60 * lagPerMinute });
    advance(scheduler, run);
    expect(levels()).toEqual(['fresh', 'settled', 'soon', 'now', 'overdue']);
    expect(strip.shown.slice(0, 5)).toEqual([LIGHT_GREEN, DARK_GREEN, ORANGE, RED, RED]);
    // Each level begins no earlier than its threshold by the wall clock, and at most a millisecond after.
    const begins = strip.times.slice(1, 5).map((at) => at - NOON);
    [8 * HOUR, 12 * HOUR, 24 * HOUR, 26 * HOUR].forEach((threshold, i) => {
      expect(begins[i]).toBeGreaterThanOrEqual(threshold);
      expect(begins[i]).toBeLessThan(threshold + 1);
    });
  });

  it('blinks red 500 ms on and 500 ms off once overdue', () => {
    const { scheduler, strip } = startReminder(NOON - 30 * HOUR);
    expect(strip.current()).toBe(RED);
    scheduler.increment(500);
    expect(strip.current()).toBe('#000000');
    scheduler.increment(500);
    expect(strip.current()).toBe(RED);
  });

  it('goes back to fresh at once when the time changes', () => {
    const { reminder, strip, levels } = startReminder(NOON - 30 * HOUR);
    reminder.send({ type: 'time.changed', lastCleaned: NOON });
    expect(strip.current()).toBe(LIGHT_GREEN);
    expect(reminder.getSnapshot().value).toEqual({ fresh: 'waiting' });
    expect(levels()).toEqual(['overdue', 'fresh']);
  });

  it('follows a jump of the wall clock, which fires no timer, within a minute', () => {
    const { scheduler, wall, strip, levels } = startReminder(NOON);
    wall.jump(13 * HOUR);
    scheduler.increment(59 * SECOND);
    expect(strip.current()).toBe(LIGHT_GREEN);
    scheduler.increment(SECOND);
    expect(strip.current()).toBe(ORANGE);
    expect(levels()).toEqual(['fresh', 'soon']);
  });

  it('follows a jump of the wall clock back out of overdue within a minute', () => {
    const { scheduler, wall, strip } = startReminder(NOON - 30 * HOUR);
    wall.jump(-29 * HOUR);
    advance(scheduler, MINUTE);
    expect(strip.current()).toBe(LIGHT_GREEN);
  });

  it('uses the thresholds it is given', () => {
    const { scheduler, strip, levels } = startReminder(NOON, {
      thresholds: { settled: 1 * HOUR, soon: 2 * HOUR, now: 3 * HOUR, overdue: 4 * HOUR },
    });
    advance(scheduler, 1 * HOUR - SECOND);
    expect(strip.current()).toBe(LIGHT_GREEN);
    advance(scheduler, SECOND);
    expect(strip.current()).toBe(DARK_GREEN);
    advance(scheduler, 1 * HOUR);
    expect(strip.current()).toBe(ORANGE);
    advance(scheduler, 2 * HOUR);
    expect(levels()).toEqual(['fresh', 'settled', 'soon', 'now', 'overdue']);
  });

  it('stays dark in quiet hours while the level advances underneath, and says when they begin and end', () => {
    // Quiet from 13:00 to 07:00; cleaned at noon.
    const { scheduler, strip, levels, reports } = startReminder(NOON, { quietHours: { start: 13 * 60, end: 7 * 60 } });
    const quiet = () => reports.filter((report) => report.type === 'display.quiet').map((report) => report.quiet);
    expect(strip.current()).toBe(LIGHT_GREEN);
    advance(scheduler, 1 * HOUR);
    expect(strip.current()).toBe('#000000');
    advance(scheduler, 18 * HOUR - 1);
    // 06:59:59.999 next day: still quiet, though 19 h have passed.
    expect(strip.current()).toBe('#000000');
    advance(scheduler, 1);
    // 07:00 next day: 19 h after the cleaning.
    expect(strip.current()).toBe(ORANGE);
    expect(levels()).toEqual(['fresh', 'settled', 'soon']);
    expect(quiet()).toEqual([false, true, false]);
  });

  it('turns the strip dark and releases it on SHUTDOWN', () => {
    const { reminder, strip } = startReminder(NOON);
    reminder.send({ type: 'SHUTDOWN' });
    expect(strip.current()).toBe('#000000');
    expect(strip.released()).toBe(1);
    expect(reminder.getSnapshot().status).toBe('done');
  });
});
