import { assign, assertEvent, fromCallback, not, sendParent, sendTo, setup } from 'xstate';
import { DARK, type Colour } from '../../common/colour';
import type { WallClock } from '../shared/clock';
import { isQuietAt, msUntilLocalMinute, type QuietHours } from './quiet-hours';

/** What the display tells the strip driver actor. */
export interface StripCommand {
  type: 'strip.show';
  colour: Colour;
}

export interface DisplayInput {
  quietHours: QuietHours | null;
  timeZone: string;
  clock: WallClock;
  /** The box it shows, when the strip shows several (each box a display of its own). */
  box?: string;
}

/** What the strip driver actor is told it shows: one box of several, or (absent) the whole strip. */
export interface StripInput {
  box?: string;
}

export type DisplayEvent =
  | { type: 'display.colour'; colour: Colour }
  | { type: 'display.off' }
  /** Quiet hours or their time zone changed (a configuration reloaded). */
  | { type: 'display.settings'; quietHours: QuietHours | null; timeZone: string };

/** What the display tells its parent: each time quiet hours begin or end. */
export interface QuietReport {
  type: 'display.quiet';
  quiet: boolean;
}

/**
 * Owns the strip: shows the colour the reminder asks for, keeps the strip dark
 * during quiet hours, and turns it dark for good on `display.off`. Every timer leads
 * to a fresh look at the wall clock, which may not be where the timer expected it.
 */
export const displayMachine = setup({
  types: {
    context: {} as DisplayInput & { colour: Colour },
    input: {} as DisplayInput,
    events: {} as DisplayEvent,
    children: {} as { strip: 'strip' },
  },
  actors: {
    // Replaced by the real driver through `provide`; the default shows nothing.
    strip: fromCallback<StripCommand>(() => undefined),
  },
  actions: {
    'remember colour': assign({
      colour: ({ event }) => {
        assertEvent(event, 'display.colour');
        return event.colour;
      },
    }),
    'take the settings': assign(({ event }) => {
      assertEvent(event, 'display.settings');
      return { quietHours: event.quietHours, timeZone: event.timeZone };
    }),
    'show colour': sendTo('strip', (_, { colour }: { colour: Colour }) => ({ type: 'strip.show' as const, colour })),
    'report quiet hours': sendParent((_, params: { quiet: boolean }): QuietReport => ({
      type: 'display.quiet',
      quiet: params.quiet,
    })),
  },
  guards: {
    'has no quiet hours': ({ context }) => context.quietHours === null,
    'is quiet time': ({ context }) =>
      context.quietHours !== null && isQuietAt(context.quietHours, context.clock.now(), context.timeZone),
  },
  delays: {
    untilQuietBegins: ({ context }) =>
      context.quietHours === null
        ? 0
        : msUntilLocalMinute(context.quietHours.start, context.clock.now(), context.timeZone),
    untilQuietEnds: ({ context }) =>
      context.quietHours === null
        ? 0
        : msUntilLocalMinute(context.quietHours.end, context.clock.now(), context.timeZone),
    // Follows wall-clock jumps (NTP after boot on a Pi without a real-time clock) and DST.
    recheck: 60_000,
  },
}).createMachine({
  id: 'display',
  context: ({ input }) => ({ ...input, colour: DARK }),
  invoke: {
    id: 'strip',
    src: 'strip',
    input: ({ context }) => (context.box === undefined ? {} : { box: context.box }),
  },
  initial: 'waiting',
  on: {
    'display.off': '.off',
    // Looked at anew: quiet hours may begin or end with the change.
    'display.settings': { target: '.checking', actions: 'take the settings' },
  },
  states: {
    // Nothing is drawn before the reminder has said what to show, so the first frame is a real one.
    waiting: {
      on: {
        'display.colour': { target: 'checking', actions: 'remember colour' },
        'display.settings': { actions: 'take the settings' },
      },
    },
    checking: {
      always: [
        { guard: 'has no quiet hours', target: 'lit.always' },
        { guard: 'is quiet time', target: 'quiet' },
        { target: 'lit.untilQuiet' },
      ],
    },
    lit: {
      entry: [
        { type: 'show colour', params: ({ context }) => ({ colour: context.colour }) },
        { type: 'report quiet hours', params: { quiet: false } },
      ],
      on: {
        'display.colour': {
          actions: ['remember colour', { type: 'show colour', params: ({ context }) => ({ colour: context.colour }) }],
        },
      },
      initial: 'always',
      states: {
        always: {},
        untilQuiet: {
          after: {
            untilQuietBegins: [
              { guard: 'is quiet time', target: '#display.quiet' },
              { target: 'untilQuiet', reenter: true },
            ],
            recheck: [
              { guard: 'is quiet time', target: '#display.quiet' },
              { target: 'untilQuiet', reenter: true },
            ],
          },
        },
      },
    },
    quiet: {
      entry: [
        { type: 'show colour', params: { colour: DARK } },
        { type: 'report quiet hours', params: { quiet: true } },
      ],
      on: {
        'display.colour': { actions: 'remember colour' },
      },
      initial: 'waiting',
      states: {
        // Re-entered (timers set again) while the clock still says quiet.
        waiting: {
          after: {
            untilQuietEnds: [
              { guard: not('is quiet time'), target: '#display.lit.untilQuiet' },
              { target: 'waiting', reenter: true },
            ],
            recheck: [
              { guard: not('is quiet time'), target: '#display.lit.untilQuiet' },
              { target: 'waiting', reenter: true },
            ],
          },
        },
      },
    },
    off: {
      type: 'final',
      on: { 'display.settings': {} },
      entry: { type: 'show colour', params: { colour: DARK } },
    },
  },
});
