import { createActor, SimulatedClock } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { displayMachine } from '../../machines/displayMachine';
import { reminderMachine, type ReminderEvent } from '../../machines/reminderMachine';
import { afterEvents, delayName, playDelay, stateKey } from '../support/graph';
import { stripRecorder } from '../support/strip-recorder';

const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);

/** What the strip must show in each state: the oracle, written independently of the machine. */
const SHOWS: Record<string, string> = {
  unknown: '#000014',
  'ok.fresh': '#003c00',
  'ok.settled': '#001400',
  'due.soon': '#ff3c00',
  'due.now': '#ff0000',
  'overdue.on': '#ff0000',
  'overdue.off': '#000000',
  stopped: '#000000',
};

type GraphEvent = ReminderEvent | { type: string };

const HOUR = 3_600_000;

/** Where the walks start: no time known, and a cleaning of each age that begins a level. */
const STARTS: (number | null)[] = [null, NOON, NOON - 9 * HOUR, NOON - 13 * HOUR, NOON - 25 * HOUR, NOON - 27 * HOUR];

function inputFor(lastCleaned: number | null, clock: SimulatedClock) {
  return { lastCleaned, quietHours: null, timeZone: 'UTC', clock };
}

describe('reminder machine, the shortest path to every state from each starting level', () => {
  const traversalClock = new SimulatedClock();
  traversalClock.set(NOON);
  // The graph is walked with the clock standing still: a cleaning "now", and the
  // levels that follow each other by delays. Playing a path advances a real clock.
  const events: GraphEvent[] = [
    { type: 'time.changed', lastCleaned: NOON },
    { type: 'SHUTDOWN' },
    ...afterEvents(reminderMachine, ['recheck']),
  ];
  const walks = STARTS.flatMap((lastCleaned) =>
    getShortestPaths(reminderMachine, {
      events: events as ReminderEvent[],
      input: inputFor(lastCleaned, traversalClock),
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
          `${lastCleaned === null ? 'unknown' : `${(NOON - lastCleaned) / HOUR} h`}: ${path.steps
            .map((step) => step.event.type.replace(/^xstate\.after\.([^.]+)\..*$/, 'after $1'))
            .join(' → ')}`,
          lastCleaned,
          path,
        ] as const,
    ),
  )('%s', (_, lastCleaned, path) => {
    const clock = new SimulatedClock();
    clock.set(NOON);
    const strip = stripRecorder();
    const actor = createActor(
      reminderMachine.provide({
        actors: { display: displayMachine.provide({ actors: { strip: strip.actor } }) },
      }),
      { clock, input: inputFor(lastCleaned, clock) },
    ).start();
    for (const step of path.steps) {
      const { type } = step.event;
      if (delayName(type)) playDelay(reminderMachine, type, actor.getSnapshot().context, clock);
      else if (type === 'time.changed') actor.send({ type, lastCleaned: clock.now() });
      else if (type === 'SHUTDOWN') actor.send({ type });
      const expected = stateKey(step.state.value);
      expect(stateKey(actor.getSnapshot().value)).toBe(expected);
      expect(strip.current()).toBe(SHOWS[expected]);
    }
    if (actor.getSnapshot().status === 'done') expect(strip.released()).toBe(1);
  });
});
