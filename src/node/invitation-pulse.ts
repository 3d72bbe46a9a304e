import { createActor, fromCallback } from 'xstate';
import { invitationMachine } from '../../machines/household/invitation-machine';
import type { Observer } from '../../machines/node/node-link';
import type { Household } from '../household/household';
import { INVITE_BLUE, type StripOutput } from './strip-output';

/**
 * The strip pulses blue while a node may join the household through this one: from an
 * invitation ("Add a node" on the page, or the button held for 3 s) until a join takes it
 * or its 2 minutes are over (machines/household/invitation-machine.ts); then it shows the
 * levels again. Beside the node, as the page is: it follows the household, not the view.
 */
export function invitationPulse(household: Household, output: StripOutput): Observer {
  return () => {
    const pulse = fromCallback(() => {
      output.pulse(INVITE_BLUE);
      return () => output.endPulse();
    });
    const invitation = createActor(invitationMachine.provide({ actors: { pulse } }));
    invitation.start();
    // The invitation the strip shows, by its end: a new end is a new invitation.
    let shownUntil = 0;
    const stopHearing = household.onChange(() => {
      const until = household.invitedUntil;
      if (until !== 0 && until !== shownUntil) invitation.send({ type: 'invitation.opened' });
      else if (until === 0 && shownUntil !== 0) invitation.send({ type: 'invitation.closed' });
      shownUntil = until;
    });
    return () => {
      stopHearing();
      invitation.stop();
    };
  };
}
