import * as readline from 'node:readline';
import { plainHardware, type ButtonAction, type ButtonDriver, type Hardware, type StripDriver } from './types';

/** The lines of standard input that work the simulated button, and what each says. */
const BUTTON_LINES: Readonly<Record<string, ButtonAction>> = {
  press: 'press',
  hold: 'hold',
  // The button goes down and comes up when told: the node times the press, as on a Pi.
  down: 'down',
  up: 'up',
};

/**
 * No device at all: the strip exists only in the log records, and the button is standard
 * input: a line `press` is a short press, `hold` a press held for 3 s, and `down` and `up`
 * move the button as a finger would. For tests and for trying things out.
 */
export function openSimHardware(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Hardware {
  const listeners = new Set<(action: ButtonAction) => void>();
  const lines = readline.createInterface({ input, terminal: false });
  lines.on('line', (line) => {
    const action = BUTTON_LINES[line.trim()];
    if (action) for (const listener of listeners) listener(action);
  });
  const strip: StripDriver = { show: () => undefined, showLeds: () => undefined, close: () => undefined };
  const button: ButtonDriver = {
    watch(onAction) {
      listeners.add(onAction);
      return () => listeners.delete(onAction);
    },
  };
  return plainHardware({ kind: 'sim', strip, button, logStream: output, close: () => lines.close() });
}
