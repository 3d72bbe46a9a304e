import type pino from 'pino';
import { createActor, createMachine } from 'xstate';
import type { ButtonAction, ButtonDriver } from '../../hardware/types';
import { buttonActor } from '../../src/node/device-actors';
import { capturingLogger } from '../support/capturing-logger';

/** A button the test presses, holds, and breaks, by hand. */
function handButton() {
  let act: (action: ButtonAction) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  let stopped = 0;
  const driver: ButtonDriver = {
    watch(onAction, onFailure) {
      act = onAction;
      fail = onFailure ?? fail;
      return () => (stopped += 1);
    },
  };
  return {
    driver,
    press: () => act('press'),
    act: (action: ButtonAction) => act(action),
    fail: (error: Error) => fail(error),
    stopped: () => stopped,
  };
}

function parentOf(button: ButtonDriver, log: pino.Logger, invite?: () => boolean) {
  const heard: string[] = [];
  const parent = createActor(
    createMachine({
      invoke: { src: buttonActor(button, log, invite) },
      on: {
        'cleaning.reported': {
          actions: ({ event }) => heard.push(`${event.type} ${(event as unknown as { source: string }).source}`),
        },
      },
    }),
  );
  return { parent, heard };
}

describe('the button actor', () => {
  it('reports a cleaning by the button with a button record for each press, and stops the watch with its state', () => {
    const { log, records } = capturingLogger();
    const button = handButton();
    const { parent, heard } = parentOf(button.driver, log);
    parent.start();
    button.press();
    button.press();
    expect(heard).toEqual(['cleaning.reported button', 'cleaning.reported button']);
    expect(records.map((r) => r.event)).toEqual(['button', 'button']);
    parent.stop();
    expect(button.stopped()).toBe(1);
  });

  it('reports a cleaning when a pressed button comes up, not when it goes down', () => {
    const { log, records } = capturingLogger();
    const button = handButton();
    const { parent, heard } = parentOf(button.driver, log);
    parent.start();
    button.act('down');
    expect(heard).toEqual([]);
    button.act('up');
    expect(heard).toEqual(['cleaning.reported button']);
    expect(records.map((r) => r.event)).toEqual(['button']);
    parent.stop();
  });

  it('invites a node for a hold, records no cleaning, and says so with a button.held record', () => {
    const { log, records } = capturingLogger();
    const button = handButton();
    const invite = jest.fn(() => true);
    const { parent, heard } = parentOf(button.driver, log, invite);
    parent.start();
    button.act('hold');
    expect(invite).toHaveBeenCalledTimes(1);
    expect(heard).toEqual([]);
    expect(records).toEqual([expect.objectContaining({ event: 'button.held', invited: true })]);
    parent.stop();
  });

  it('says that a hold does nothing on a node without a household key', () => {
    const { log, records } = capturingLogger();
    const button = handButton();
    const { parent, heard } = parentOf(button.driver, log, () => false);
    parent.start();
    button.act('hold');
    expect(heard).toEqual([]);
    expect(records).toEqual([
      expect.objectContaining({
        event: 'button.held',
        invited: false,
        msg: expect.stringContaining('no household key') as unknown,
      }),
    ]);
    parent.stop();
  });

  it('logs a button that stopped working as an error that says what still works', () => {
    const { log, records } = capturingLogger();
    const button = handButton();
    const { parent } = parentOf(button.driver, log);
    parent.start();
    button.fail(new Error('the button on GPIO 5 (gpiochip0) stopped: gpiomon was ended by SIGKILL'));
    expect(records).toEqual([
      expect.objectContaining({
        level: 50,
        event: 'button.failed',
        msg:
          'the button on GPIO 5 (gpiochip0) stopped: gpiomon was ended by SIGKILL; the node runs on without the ' +
          'button (`cat-litter-reminder reset` from any machine records a cleaning)',
      }),
    ]);
    parent.stop();
  });
});
