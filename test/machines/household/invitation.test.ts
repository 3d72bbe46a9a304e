import { createActor, fromCallback, SimulatedClock } from 'xstate';
import { INVITE_MS, invitationMachine } from '../../../machines/household/invitation-machine';
import { advance, SECOND } from '../../support/time';

/** The invitation on a simulated clock, with a pulse that notes when it starts and stops. */
function invitation() {
  const clock = new SimulatedClock();
  const pulses: string[] = [];
  const pulse = fromCallback(() => {
    pulses.push(`start ${clock.now()}`);
    return () => pulses.push(`stop ${clock.now()}`);
  });
  const actor = createActor(invitationMachine.provide({ actors: { pulse } }), { clock });
  actor.start();
  return { clock, actor, pulses };
}

describe('the invitation machine', () => {
  it('pulses from the invitation for 2 minutes, then stops', () => {
    const { clock, actor, pulses } = invitation();
    expect(pulses).toEqual([]);
    actor.send({ type: 'invitation.opened' });
    expect(pulses).toEqual(['start 0']);
    advance(clock, INVITE_MS - 1);
    expect(pulses).toEqual(['start 0']);
    advance(clock, 1);
    expect(pulses).toEqual(['start 0', `stop ${INVITE_MS}`]);
    expect(actor.getSnapshot().value).toBe('closed');
  });

  it('stops pulsing at once when a join takes the invitation', () => {
    const { clock, actor, pulses } = invitation();
    actor.send({ type: 'invitation.opened' });
    advance(clock, 30 * SECOND);
    actor.send({ type: 'invitation.closed' });
    expect(pulses).toEqual(['start 0', `stop ${30 * SECOND}`]);
    advance(clock, INVITE_MS);
    expect(pulses).toHaveLength(2);
  });

  it('starts the 2 minutes again for an invitation opened anew, without a break in the pulse', () => {
    const { clock, actor, pulses } = invitation();
    actor.send({ type: 'invitation.opened' });
    advance(clock, 60 * SECOND);
    actor.send({ type: 'invitation.opened' });
    advance(clock, INVITE_MS - 1);
    expect(pulses).toEqual(['start 0']);
    advance(clock, 1);
    expect(pulses).toEqual(['start 0', `stop ${60 * SECOND + INVITE_MS}`]);
  });

  it('pulses again for the next invitation', () => {
    const { clock, actor, pulses } = invitation();
    actor.send({ type: 'invitation.opened' });
    actor.send({ type: 'invitation.closed' });
    advance(clock, SECOND);
    actor.send({ type: 'invitation.opened' });
    expect(pulses).toEqual(['start 0', 'stop 0', `start ${SECOND}`]);
  });
});
