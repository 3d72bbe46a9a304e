import { assign, assertEvent, sendParent, sendTo, setup } from 'xstate';
import { DARK, type Colour } from '../../common/colour';
import { LEVEL_COLOURS, type Level } from '../../common/levels';
import type { WallClock } from '../shared/clock';
import { displayMachine, type QuietReport } from './display-machine';
import type { LevelThresholds } from '../../common/levels';
import { BLINK_MS, levelAt, msUntilNextLevel } from './levels';
import type { QuietHours } from './quiet-hours';

export interface ReminderInput {
  lastCleaned: number | null;
  thresholds: LevelThresholds;
  quietHours: QuietHours | null;
  timeZone: string;
  clock: WallClock;
  /** The box it reminds of, when the strip shows several: its reports name it. */
  box?: string;
}

/** What may change while the node runs (a configuration reloaded). */
export interface ReminderSettings {
  type: 'reminder.settings';
  thresholds: LevelThresholds;
  quietHours: QuietHours | null;
  timeZone: string;
}

export type ReminderEvent =
  /** A new time (null: none any more, its only cleaning withdrawn). */
  { type: 'time.changed'; lastCleaned: number | null } | ReminderSettings | { type: 'SHUTDOWN' } | QuietReport;

/** What the reminder tells its parent: each change of level, and of quiet hours (from its display). */
export type ReminderReport = { type: 'reminder.level'; level: Level; box?: string } | QuietReport;

type Steady = Exclude<Level, 'unknown' | 'overdue'>;

const takeSettings = ['take the settings', 'pass the settings to the display'] as const;

/**
 * A level that gives way to the next one when its time is up. The timers lead to a fresh
 * look at the wall clock, never straight to the next level: the scheduler's clock and the
 * wall clock drift apart (NTP slews a Pi's clock), so a timer may fire early. While the
 * level holds, only the timers are set again; the strip and the parent hear nothing.
 */
function steadyLevel(level: Steady) {
  const stillHere = { type: 'is level', params: { level } } as const;
  const next = [{ guard: stillHere, target: 'waiting', reenter: true }, { target: '#reminder.evaluating' }] as const;
  return {
    entry: [
      { type: 'show colour', params: { colour: LEVEL_COLOURS[level] } },
      { type: 'report level', params: { level } },
    ],
    on: {
      'time.changed': [
        { guard: { type: 'keeps level', params: { level } }, target: '.waiting', actions: 'remember time' },
        { target: '#reminder.evaluating', actions: 'remember time' },
      ],
      // The same level by the new thresholds: its timer set again, nobody told.
      'reminder.settings': [
        { guard: { type: 'keeps level with them', params: { level } }, target: '.waiting', actions: takeSettings },
        { target: '#reminder.evaluating', actions: takeSettings },
      ],
    },
    initial: 'waiting',
    states: {
      waiting: { after: { nextLevel: next, recheck: next } },
    },
  } as const;
}

/**
 * Turns the time of the last cleaning into a level and its colour, and tells its parent
 * of each new level. The display child owns the strip and quiet hours.
 */
export const reminderMachine = setup({
  types: {
    context: {} as ReminderInput,
    input: {} as ReminderInput,
    events: {} as ReminderEvent,
    children: {} as { display: 'display' },
  },
  actors: {
    display: displayMachine,
  },
  actions: {
    'show colour': sendTo('display', (_, { colour }: { colour: Colour }) => ({
      type: 'display.colour' as const,
      colour,
    })),
    'report level': sendParent(({ context }, params: { level: Level }): ReminderReport => ({
      type: 'reminder.level',
      level: params.level,
      ...(context.box === undefined ? {} : { box: context.box }),
    })),
    'pass on quiet hours': sendParent(({ event }): ReminderReport => {
      assertEvent(event, 'display.quiet');
      return event;
    }),
    'turn display off': sendTo('display', { type: 'display.off' }),
    'take the settings': assign(({ event }) => {
      assertEvent(event, 'reminder.settings');
      return { thresholds: event.thresholds, quietHours: event.quietHours, timeZone: event.timeZone };
    }),
    'pass the settings to the display': sendTo('display', ({ event }) => {
      assertEvent(event, 'reminder.settings');
      return { type: 'display.settings' as const, quietHours: event.quietHours, timeZone: event.timeZone };
    }),
    'remember time': assign({
      lastCleaned: ({ event }) => {
        assertEvent(event, 'time.changed');
        return event.lastCleaned;
      },
    }),
  },
  guards: {
    'is level': ({ context }, params: { level: Level }) =>
      levelAt(context.lastCleaned, context.clock.now(), context.thresholds) === params.level,
    'keeps level with them': ({ context, event }, params: { level: Level }) => {
      assertEvent(event, 'reminder.settings');
      return levelAt(context.lastCleaned, context.clock.now(), event.thresholds) === params.level;
    },
    'keeps level': ({ context, event }, params: { level: Level }) => {
      assertEvent(event, 'time.changed');
      return levelAt(event.lastCleaned, context.clock.now(), context.thresholds) === params.level;
    },
  },
  delays: {
    nextLevel: ({ context }) => msUntilNextLevel(context.lastCleaned, context.clock.now(), context.thresholds),
    blink: BLINK_MS,
    // Follows jumps of the wall clock (NTP setting a Pi's clock after boot), which fire no timer.
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
      ...(context.box === undefined ? {} : { box: context.box }),
    }),
  },
  initial: 'evaluating',
  on: {
    'time.changed': { target: '.evaluating', actions: 'remember time' },
    // New levels: the time is looked at anew.
    'reminder.settings': { target: '.evaluating', actions: takeSettings },
    'display.quiet': { actions: 'pass on quiet hours' },
    SHUTDOWN: '.stopped',
  },
  states: {
    evaluating: {
      always: [
        { guard: { type: 'is level', params: { level: 'unknown' } }, target: 'unknown' },
        { guard: { type: 'is level', params: { level: 'fresh' } }, target: 'fresh' },
        { guard: { type: 'is level', params: { level: 'settled' } }, target: 'settled' },
        { guard: { type: 'is level', params: { level: 'soon' } }, target: 'soon' },
        { guard: { type: 'is level', params: { level: 'now' } }, target: 'now' },
        { target: 'overdue' },
      ],
    },
    unknown: {
      // Unknown by any thresholds.
      on: { 'reminder.settings': { actions: takeSettings } },
      entry: [
        { type: 'show colour', params: { colour: LEVEL_COLOURS.unknown } },
        { type: 'report level', params: { level: 'unknown' } },
      ],
    },
    fresh: steadyLevel('fresh'),
    settled: steadyLevel('settled'),
    soon: steadyLevel('soon'),
    now: steadyLevel('now'),
    overdue: {
      type: 'parallel',
      entry: { type: 'report level', params: { level: 'overdue' } },
      on: {
        'reminder.settings': [
          { guard: { type: 'keeps level with them', params: { level: 'overdue' } }, actions: takeSettings },
          { target: '#reminder.evaluating', actions: takeSettings },
        ],
        // A later time that is still overdue (a peer's old one): the blinking goes on.
        'time.changed': [
          { guard: { type: 'keeps level', params: { level: 'overdue' } }, actions: 'remember time' },
          { target: '#reminder.evaluating', actions: 'remember time' },
        ],
      },
      states: {
        blink: {
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
        // Overdue is the last level: only a jump of the wall clock back ends it.
        watch: {
          initial: 'waiting',
          states: {
            waiting: {
              after: {
                recheck: [
                  { guard: { type: 'is level', params: { level: 'overdue' } }, target: 'waiting', reenter: true },
                  { target: '#reminder.evaluating' },
                ],
              },
            },
          },
        },
      },
    },
    stopped: {
      type: 'final',
      entry: 'turn display off',
      on: { 'reminder.settings': {} },
    },
  },
});
