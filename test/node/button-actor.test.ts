import type pino from 'pino';
import { createActor, createMachine } from 'xstate';
import type { ButtonDriver } from '../../hardware/types';
import { buttonActor } from '../../src/node/device-actors';
import { capturingLogger } from '../support/capturing-logger';

/** A button the test presses, and breaks, by hand. */
function handButton() {
  let press: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  let stopped = 0;
  const driver: ButtonDriver = {
    watch(onPress, onFailure) {
      press = onPress;
      fail = onFailure ?? fail;
      return () => (stopped += 1);
    },
  };
  return { driver, press: () => press(), fail: (error: Error) => fail(error), stopped: () => stopped };
}

function parentOf(button: ButtonDriver, log: pino.Logger) {
  const heard: string[] = [];
  const parent = createActor(
    createMachine({
      invoke: { src: buttonActor(button, log) },
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
