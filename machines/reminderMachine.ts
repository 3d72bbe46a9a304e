import { assign, assertEvent, emit, sendTo, setup } from 'xstate';
import type { WallClock } from './clock';
import { DARK, type Colour } from '../common/colour';
import { displayMachine } from './displayMachine';
import { BLINK_MS, LEVEL_COLOURS, levelAt, msUntilNextLevel, type Level } from './levels';
import type { QuietHours } from './quiet-hours';

export interface ReminderInput {
  lastCleaned: number | null;
  quietHours: QuietHours | null;
  timeZone: string;
  clock: WallClock;
}

export type ReminderEvent = { type: 'time.changed'; lastCleaned: number } | { type: 'SHUTDOWN' };

export interface ReminderEmitted {
  type: 'level.changed';
  level: Level;
  lastCleaned: number | null;
}

/**
 * Turns the time of the last cleaning into a level and its colour. Levels follow
 * each other by delays computed from that time; a once-a-minute re-check follows
 * jumps of the wall clock. The display child owns the strip and quiet hours.
 */
export const reminderMachine = setup({
  types: {
    context: {} as ReminderInput,
    input: {} as ReminderInput,
    events: {} as ReminderEvent,
    emitted: {} as ReminderEmitted,
    children: {} as { display: 'display' },
  },
  actors: {
    display: displayMachine,
  },
  actions: {
    'show colour': sendTo('display', (_, params: { colour: Colour }) => ({
      type: 'display.colour' as const,
      colour: params.colour,
    })),
    'announce level': emit(({ context }, params: { level: Level }) => ({
      type: 'level.changed' as const,
      level: params.level,
      lastCleaned: context.lastCleaned,
    })),
    'turn display off': sendTo('display', { type: 'display.off' }),
    'remember time': assign({
      lastCleaned: ({ event }) => {
        assertEvent(event, 'time.changed');
        return event.lastCleaned;
      },
    }),
  },
  guards: {
    'is level': ({ context }, params: { level: Level }) =>
      levelAt(context.lastCleaned, context.clock.now()) === params.level,
  },
  delays: {
    nextLevel: ({ context }) => msUntilNextLevel(context.lastCleaned, context.clock.now()),
    blink: BLINK_MS,
    recheck: 60_000,
  },
}).createMachine({
  id: 'reminder',
  context: ({ input }) => input,
  invoke: {
    id: 'display',
    src: 'display',
    input: ({ context }) => ({
      quietHours: context.quietHours,
      timeZone: context.timeZone,
      clock: context.clock,
    }),
  },
  initial: 'evaluating',
  on: {
    'time.changed': { target: '.evaluating', actions: 'remember time' },
    SHUTDOWN: '.stopped',
  },
  states: {
    evaluating: {
      always: [
        { guard: { type: 'is level', params: { level: 'unknown' } }, target: 'unknown' },
        { guard: { type: 'is level', params: { level: 'fresh' } }, target: 'ok.fresh' },
        { guard: { type: 'is level', params: { level: 'settled' } }, target: 'ok.settled' },
        { guard: { type: 'is level', params: { level: 'soon' } }, target: 'due.soon' },
        { guard: { type: 'is level', params: { level: 'now' } }, target: 'due.now' },
        { target: 'overdue' },
      ],
    },
    unknown: {
      entry: [
        { type: 'show colour', params: { colour: LEVEL_COLOURS.unknown } },
        { type: 'announce level', params: { level: 'unknown' } },
      ],
    },
    ok: {
      after: { recheck: 'evaluating' },
      initial: 'fresh',
      states: {
        fresh: {
          entry: [
            { type: 'show colour', params: { colour: LEVEL_COLOURS.fresh } },
            { type: 'announce level', params: { level: 'fresh' } },
          ],
          after: { nextLevel: 'settled' },
        },
        settled: {
          entry: [
            { type: 'show colour', params: { colour: LEVEL_COLOURS.settled } },
            { type: 'announce level', params: { level: 'settled' } },
          ],
          after: { nextLevel: '#reminder.due.soon' },
        },
      },
    },
    due: {
      after: { recheck: 'evaluating' },
      initial: 'soon',
      states: {
        soon: {
          entry: [
            { type: 'show colour', params: { colour: LEVEL_COLOURS.soon } },
            { type: 'announce level', params: { level: 'soon' } },
          ],
          after: { nextLevel: 'now' },
        },
        now: {
          entry: [
            { type: 'show colour', params: { colour: LEVEL_COLOURS.now } },
            { type: 'announce level', params: { level: 'now' } },
          ],
          after: { nextLevel: '#reminder.overdue' },
        },
      },
    },
    overdue: {
      entry: { type: 'announce level', params: { level: 'overdue' } },
      after: { recheck: 'evaluating' },
      initial: 'on',
      states: {
        on: {
          entry: { type: 'show colour', params: { colour: LEVEL_COLOURS.overdue } },
          after: { blink: 'off' },
        },
        off: {
          entry: { type: 'show colour', params: { colour: DARK } },
          after: { blink: 'on' },
        },
      },
    },
    stopped: {
      type: 'final',
      entry: 'turn display off',
    },
  },
});
