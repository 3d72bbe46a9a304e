import { SimulatedClock } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import { displayMachine, type DisplayEvent } from '../../../machines/reminder/display-machine';

type DisplayContext = ReturnType<typeof displayMachine.getInitialSnapshot>['context'];
import type { QuietHours } from '../../../machines/reminder/quiet-hours';
import {
  afterEvents,
  delayName,
  playDelay,
  standingClock,
  pathTitle,
  stateKey,
  stepName,
  walkable,
} from '../../support/graph';
import { stripRecorder } from '../../support/strip-recorder';
import { underParent } from '../../support/under-parent';

const DEFAULT_QUIET: QuietHours = { start: 22 * 60, end: 7 * 60 };

const STARTS: { label: string; at: number; quietHours: QuietHours | null }[] = [
  { label: 'noon, quiet 22:00-07:00', at: Date.UTC(2026, 0, 15, 12), quietHours: DEFAULT_QUIET },
  { label: '23:00, quiet 22:00-07:00', at: Date.UTC(2026, 0, 15, 23), quietHours: DEFAULT_QUIET },
  { label: '03:00, quiet 13:00-04:30', at: Date.UTC(2026, 0, 15, 3), quietHours: { start: 13 * 60, end: 4 * 60 + 30 } },
  { label: 'noon, no quiet hours', at: Date.UTC(2026, 0, 15, 12), quietHours: null },
];

const GREEN = '#003c00';
const ORANGE = '#ff3c00';

describe('display machine, every simple path through its graph', () => {
  const events: DisplayEvent[] = [
    { type: 'display.colour', colour: GREEN },
    { type: 'display.colour', colour: ORANGE },
    { type: 'display.off' },
    ...(afterEvents(displayMachine, ['recheck']) as unknown as DisplayEvent[]),
  ];
  // Each state of the walk carries its own wall clock, which its timers move on.
  const walkableDisplay = walkable(displayMachine, (context: DisplayContext, ms: number) => ({
    ...context,
    clock: standingClock(context.clock.now() + ms),
  }));
  const walks = STARTS.flatMap((start) =>
    getSimplePaths(walkableDisplay, {
      events,
      input: { quietHours: start.quietHours, timeZone: 'UTC', clock: standingClock(start.at) },
      filterEvents: (snapshot) => snapshot.status === 'active',
      // The colour matters for what a lit strip shows, so it is part of the state.
      serializeState: (snapshot) => `${stateKey(snapshot.value)} ${snapshot.context.colour}`,
    }).map((path) => ({ start, path })),
  );

  it('reaches waiting, lit (always and until quiet), quiet and off', () => {
    const reached = new Set(walks.map(({ path }) => stateKey(path.state.value)));
    expect([...reached].sort()).toEqual(['lit.always', 'lit.untilQuiet', 'off', 'quiet.waiting', 'waiting']);
  });

  it.each(
    walks.map(
      ({ start, path }) =>
        [
          pathTitle(start.label, path.steps, (event) =>
            event.type === 'display.colour' ? `colour ${event.colour}` : stepName(event.type),
          ),
          start,
          path,
        ] as const,
    ),
  )('%s', (_, start, path) => {
    const clock = new SimulatedClock();
    clock.set(start.at);
    const strip = stripRecorder();
    const { child: actor, reports } = underParent(
      displayMachine.provide({ actors: { strip: strip.actor } }),
      { quietHours: start.quietHours, timeZone: 'UTC', clock },
      clock,
    );
    let asked: string | undefined;
    for (const step of path.steps) {
      const { event } = step;
      if (delayName(event.type)) playDelay(displayMachine, event.type, actor.getSnapshot().context, clock);
      else if (event.type === 'display.colour' || event.type === 'display.off') actor.send(event);
      if (event.type === 'display.colour') asked = event.colour;
      const state = stateKey(step.state.value);
      expect(stateKey(actor.getSnapshot().value)).toBe(state);
      const expected = state === 'waiting' ? undefined : state.startsWith('lit') ? asked : '#000000';
      expect(strip.current()).toBe(expected);
      // The parent hears of quiet hours as they begin and end, and of nothing else.
      const quiet = reports.filter((report) => report.type === 'display.quiet').map((report) => report.quiet);
      expect(quiet.every((value, i) => i === 0 || value !== quiet[i - 1])).toBe(true);
      if (state.startsWith('lit') || state.startsWith('quiet')) expect(quiet.at(-1)).toBe(state.startsWith('quiet'));
    }
  });
});
