import { SimulatedClock } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { displayMachine } from '../../../machines/reminder/display-machine';
import { DEFAULT_THRESHOLDS } from '../../../machines/reminder/levels';
import { reminderMachine, type ReminderEvent, type ReminderInput } from '../../../machines/reminder/reminder-machine';
import { afterEvents, delayName, playDelay, standingClock, pathTitle, stateKey, walkable } from '../../support/graph';
import { stripRecorder } from '../../support/strip-recorder';
import { underParent } from '../../support/under-parent';
import { HOUR, NOON } from '../../support/time';

/** What the strip must show in each state: the oracle, written independently of the machine. */
const SHOWS: Record<string, string> = {
  unknown: '#000014',
  'fresh.waiting': '#003c00',
  'settled.waiting': '#001400',
  'soon.waiting': '#ff3c00',
  'now.waiting': '#ff0000',
  'overdue.blink.on,watch.waiting': '#ff0000',
  'overdue.blink.off,watch.waiting': '#000000',
  stopped: '#000000',
};

/** What the reminder must have told its parent last, in each state. */
const LEVEL: Record<string, string> = {
  unknown: 'unknown',
  'fresh.waiting': 'fresh',
  'settled.waiting': 'settled',
  'soon.waiting': 'soon',
  'now.waiting': 'now',
  'overdue.blink.on,watch.waiting': 'overdue',
  'overdue.blink.off,watch.waiting': 'overdue',
};

type GraphEvent = ReminderEvent | { type: string };

/** Where the walks start: no time known, and a cleaning of each age that begins a level. */
const STARTS: (number | null)[] = [null, NOON, NOON - 9 * HOUR, NOON - 13 * HOUR, NOON - 25 * HOUR, NOON - 27 * HOUR];

function inputFor(lastCleaned: number | null, clock: { now(): number }): ReminderInput {
  return { lastCleaned, thresholds: DEFAULT_THRESHOLDS, quietHours: null, timeZone: 'UTC', clock };
}

describe('reminder machine, the shortest path to every state from each starting level', () => {
  // Each state of the walk carries its own wall clock, which its timers move on: the
  // levels follow each other as time passes. The re-check, which only looks again, is left out.
  const walkableReminder = walkable(reminderMachine, (context: ReminderInput, ms: number) => ({
    ...context,
    clock: standingClock(context.clock.now() + ms),
  }));
  const events: GraphEvent[] = [
    { type: 'time.changed', lastCleaned: NOON },
    { type: 'SHUTDOWN' },
    ...afterEvents(reminderMachine, ['recheck']),
  ];
  const walks = STARTS.flatMap((lastCleaned) =>
    getShortestPaths(walkableReminder, {
      events: events as ReminderEvent[],
      input: inputFor(lastCleaned, standingClock(NOON)),
      filterEvents: (snapshot) => snapshot.status === 'active',
    }).map((path) => ({ lastCleaned, path })),
  );

  it('reaches every level and the stopped state', () => {
    const reached = new Set(walks.map(({ path }) => stateKey(path.state.value)));
    expect([...reached].sort()).toEqual(Object.keys(SHOWS).sort());
  });

  it.each(
    walks.map(
      ({ lastCleaned, path }) =>
        [
          pathTitle(lastCleaned === null ? 'unknown' : `${(NOON - lastCleaned) / HOUR} h`, path.steps),
          lastCleaned,
          path,
        ] as const,
    ),
  )('%s', (_, lastCleaned, path) => {
    const clock = new SimulatedClock();
    clock.set(NOON);
    const strip = stripRecorder();
    const machine = reminderMachine.provide({
      actors: { display: displayMachine.provide({ actors: { strip: strip.actor } }) },
    });
    const { child: actor, reports } = underParent(machine, inputFor(lastCleaned, clock), clock);
    for (const step of path.steps) {
      const { type } = step.event;
      if (delayName(type)) playDelay(reminderMachine, type, actor.getSnapshot().context, clock);
      else if (type === 'time.changed') actor.send({ type, lastCleaned: NOON });
      else if (type === 'SHUTDOWN') actor.send({ type });
      const expected = stateKey(step.state.value);
      expect(stateKey(actor.getSnapshot().value)).toBe(expected);
      expect(strip.current()).toBe(SHOWS[expected]);
      const levels = reports.filter((report) => report.type === 'reminder.level').map((report) => report.level);
      if (expected !== 'stopped') expect(levels.at(-1)).toBe(LEVEL[expected]);
      // Each level is told once, as it begins.
      expect(levels.every((level, i) => i === 0 || level !== levels[i - 1])).toBe(true);
    }
    if (actor.getSnapshot().status === 'done') expect(strip.released()).toBe(1);
  });
});
