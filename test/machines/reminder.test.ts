import { createActor, SimulatedClock } from 'xstate';
import { displayMachine } from '../../machines/displayMachine';
import { reminderMachine } from '../../machines/reminderMachine';
import { stripRecorder } from '../support/strip-recorder';
import { advance, HOUR } from '../support/time';

// 2026-01-15 12:00 UTC: noon, outside the default quiet hours.
const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);

function startReminder(lastCleaned: number | null, quietHours: { start: number; end: number } | null = null) {
  const clock = new SimulatedClock();
  clock.set(NOON);
  const strip = stripRecorder();
  const machine = reminderMachine.provide({
    actors: { display: displayMachine.provide({ actors: { strip: strip.actor } }) },
  });
  const actor = createActor(machine, {
    clock,
    input: { lastCleaned, quietHours, timeZone: 'UTC', clock },
  });
  const levels: string[] = [];
  actor.on('level.changed', (event) => levels.push(event.level));
  actor.start();
  return { actor, clock, strip, levels };
}

describe('reminder machine', () => {
  it.each([
    [null, 'unknown', '#000014'],
    [NOON - 1 * HOUR, 'fresh', '#003c00'],
    [NOON - 9 * HOUR, 'settled', '#001400'],
    [NOON - 13 * HOUR, 'soon', '#ff3c00'],
    [NOON - 25 * HOUR, 'now', '#ff0000'],
    [NOON - 27 * HOUR, 'overdue', '#ff0000'],
  ])('a cleaning at %p starts at level %s showing %s', (lastCleaned, level, colour) => {
    const { strip, levels } = startReminder(lastCleaned);
    expect(levels).toEqual([level]);
    expect(strip.shown).toEqual([colour]);
  });

  it('walks through every level as 27 simulated hours pass', () => {
    const { clock, strip, levels } = startReminder(NOON);
    advance(clock, 27 * HOUR);
    expect(levels.filter((level, i) => levels[i - 1] !== level)).toEqual([
      'fresh',
      'settled',
      'soon',
      'now',
      'overdue',
    ]);
    expect(strip.current()).toBe('#ff0000');
  });

  it('blinks red 500 ms on and 500 ms off once overdue', () => {
    const { clock, strip } = startReminder(NOON - 30 * HOUR);
    expect(strip.current()).toBe('#ff0000');
    clock.increment(500);
    expect(strip.current()).toBe('#000000');
    clock.increment(500);
    expect(strip.current()).toBe('#ff0000');
  });

  it('goes back to fresh at once when the time changes', () => {
    const { actor, strip } = startReminder(NOON - 30 * HOUR);
    actor.send({ type: 'time.changed', lastCleaned: NOON });
    expect(strip.current()).toBe('#003c00');
    expect(actor.getSnapshot().value).toEqual({ ok: 'fresh' });
  });

  it('follows a wall-clock jump within a minute', () => {
    const { clock, strip } = startReminder(NOON);
    clock.set(NOON + 13 * HOUR);
    clock.increment(60_000);
    expect(strip.current()).toBe('#ff3c00');
  });

  it('stays dark in quiet hours while the level advances underneath', () => {
    // Quiet from 13:00 to 07:00; cleaned at noon.
    const { clock, strip, levels } = startReminder(NOON, { start: 13 * 60, end: 7 * 60 });
    expect(strip.current()).toBe('#003c00');
    advance(clock, 1 * HOUR);
    expect(strip.current()).toBe('#000000');
    advance(clock, 18 * HOUR - 1);
    // 06:59:59.999 next day: still quiet, though 19 h have passed.
    expect(strip.current()).toBe('#000000');
    advance(clock, 1);
    // 07:00 next day: 19 h after the cleaning.
    expect(strip.current()).toBe('#ff3c00');
    expect(levels).toContain('settled');
  });

  it('turns the strip dark and releases it on SHUTDOWN', () => {
    const { actor, strip } = startReminder(NOON);
    actor.send({ type: 'SHUTDOWN' });
    expect(strip.current()).toBe('#000000');
    expect(strip.released()).toBe(1);
    expect(actor.getSnapshot().status).toBe('done');
  });
});
