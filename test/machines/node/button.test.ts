import { createActor, SimulatedClock } from 'xstate';
import { buttonMachine, HOLD_MS, type ButtonMeaning } from '../../../machines/node/button-machine';
import { advance } from '../../support/time';

/** The button machine on a simulated clock, with what it said. */
function button() {
  const clock = new SimulatedClock();
  const actor = createActor(buttonMachine, { clock });
  const said: ButtonMeaning['type'][] = [];
  actor.on('button.pressed', (event) => said.push(event.type));
  actor.on('button.held', (event) => said.push(event.type));
  actor.start();
  return { clock, actor, said };
}

describe('the button machine', () => {
  it('says "pressed" when a short press ends, not when it begins', () => {
    const { clock, actor, said } = button();
    actor.send({ type: 'button.down' });
    advance(clock, 200);
    expect(said).toEqual([]);
    actor.send({ type: 'button.up' });
    expect(said).toEqual(['button.pressed']);
  });

  it('says "pressed" for a press that ends just before 3 s, and nothing more', () => {
    const { clock, actor, said } = button();
    actor.send({ type: 'button.down' });
    advance(clock, HOLD_MS - 1);
    actor.send({ type: 'button.up' });
    advance(clock, 10 * HOLD_MS);
    expect(said).toEqual(['button.pressed']);
  });

  it('says "held" at 3 s while the button is still down, and no cleaning when it comes up', () => {
    const { clock, actor, said } = button();
    actor.send({ type: 'button.down' });
    advance(clock, HOLD_MS - 1);
    expect(said).toEqual([]);
    advance(clock, 1);
    expect(said).toEqual(['button.held']);
    advance(clock, 5_000);
    actor.send({ type: 'button.up' });
    expect(said).toEqual(['button.held']);
  });

  it('times each press afresh, and ignores a second down or a stray up', () => {
    const { clock, actor, said } = button();
    actor.send({ type: 'button.up' });
    actor.send({ type: 'button.down' });
    advance(clock, 2_000);
    actor.send({ type: 'button.down' });
    advance(clock, 900);
    actor.send({ type: 'button.up' });
    actor.send({ type: 'button.down' });
    advance(clock, 2_000);
    actor.send({ type: 'button.up' });
    expect(said).toEqual(['button.pressed', 'button.pressed']);
  });

  it('takes a keyboard’s whole press and whole hold at once', () => {
    const { actor, said } = button();
    actor.send({ type: 'button.press' });
    actor.send({ type: 'button.hold' });
    expect(said).toEqual(['button.pressed', 'button.held']);
  });
});
