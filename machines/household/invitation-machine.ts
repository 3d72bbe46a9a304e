import { fromCallback, setup } from 'xstate';

/** How long an invitation lasts: a join within it is answered, once. */
export const INVITE_MS = 2 * 60_000;

export type InvitationEvent =
  /** An invitation was opened ("Add a node" on the page, or the button held): anew if one was open. */
  | { type: 'invitation.opened' }
  /** It was used up by a join, or ended with a new key. */
  | { type: 'invitation.closed' };

/**
 * While a node may join through this one, the strip pulses (the `pulse` actor, which the
 * node supplies): from the invitation until a join takes it, or for 2 minutes. An invitation
 * opened again while one is open starts the 2 minutes again, and the pulse goes on.
 */
export const invitationMachine = setup({
  types: {
    events: {} as InvitationEvent,
    children: {} as { pulse: 'pulse' },
  },
  actors: {
    // Replaced by the strip's pulse through `provide`; the default shows nothing.
    pulse: fromCallback(() => undefined),
  },
  delays: {
    inviteFor: INVITE_MS,
  },
}).createMachine({
  id: 'invitation',
  initial: 'closed',
  states: {
    closed: {
      on: { 'invitation.opened': 'open' },
    },
    open: {
      invoke: { id: 'pulse', src: 'pulse' },
      on: { 'invitation.closed': 'closed' },
      initial: 'waiting',
      states: {
        waiting: {
          after: { inviteFor: '#invitation.closed' },
          on: { 'invitation.opened': { target: 'waiting', reenter: true } },
        },
      },
    },
  },
});
