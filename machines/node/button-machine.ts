import { emit, setup } from 'xstate';

/** How long the button is held to invite a node into the household, rather than to say "cleaned". */
export const HOLD_MS = 3_000;

/**
 * What a button driver says (hardware/types.ts `ButtonAction`): a pin says `down` and `up`,
 * a keyboard a whole `press` or `hold`.
 */
export type ButtonEvent =
  { type: 'button.down' } | { type: 'button.up' } | { type: 'button.press' } | { type: 'button.hold' };

/** What a press meant: a cleaning (a short press), or an invitation (held for 3 s). */
export type ButtonMeaning = { type: 'button.pressed' } | { type: 'button.held' };

/**
 * Times the button. A press that ends within 3 s is a cleaning, said when it ends: until then
 * it may still become a hold. A press held for 3 s is an invitation, said at once, while the
 * finger is still down (so that the strip answers it), and its end says nothing: a person who
 * holds the button to add a node has not cleaned the box.
 */
export const buttonMachine = setup({
  types: {
    events: {} as ButtonEvent,
    emitted: {} as ButtonMeaning,
  },
  actions: {
    'say pressed': emit({ type: 'button.pressed' } as const),
    'say held': emit({ type: 'button.held' } as const),
  },
  delays: {
    holdFor: HOLD_MS,
  },
}).createMachine({
  id: 'button',
  initial: 'up',
  states: {
    up: {
      on: {
        'button.down': 'down',
        'button.press': { actions: 'say pressed' },
        'button.hold': { actions: 'say held' },
      },
    },
    down: {
      after: { holdFor: 'held' },
      on: { 'button.up': { target: 'up', actions: 'say pressed' } },
    },
    held: {
      entry: 'say held',
      on: { 'button.up': 'up' },
    },
  },
});
