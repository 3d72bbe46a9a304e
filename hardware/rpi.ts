import { openRpiButton } from './rpi-button';
import { openRpiStrip } from './rpi-strip';
import type { Hardware } from './types';

export interface RpiOptions {
  leds: number;
  ledPin: number;
  brightness: number;
  buttonPin: number;
}

/** The real strip and button of a Raspberry Pi. Throws, saying what to do, when either cannot be opened. */
export function openRpiHardware(options: RpiOptions, logStream: NodeJS.WritableStream): Hardware {
  const strip = openRpiStrip(options);
  let button;
  try {
    button = openRpiButton({ buttonPin: options.buttonPin });
  } catch (error) {
    strip.close();
    throw error;
  }
  return {
    kind: 'rpi',
    strip,
    button,
    logStream,
    onQuit: () => undefined,
    describe: () => undefined,
    close: () => undefined,
  };
}
