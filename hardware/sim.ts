import * as readline from 'node:readline';
import { plainHardware, type ButtonDriver, type Hardware, type StripDriver } from './types';

/**
 * No device at all: the strip exists only in the log records, and each line
 * `press` on standard input is a button press. For tests and for trying things out.
 */
export function openSimHardware(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Hardware {
  const pressListeners = new Set<() => void>();
  const lines = readline.createInterface({ input, terminal: false });
  lines.on('line', (line) => {
    if (line.trim() === 'press') for (const listener of pressListeners) listener();
  });
  const strip: StripDriver = { show: () => undefined, showLeds: () => undefined, close: () => undefined };
  const button: ButtonDriver = {
    watch(onPress) {
      pressListeners.add(onPress);
      return () => pressListeners.delete(onPress);
    },
  };
  return plainHardware({ kind: 'sim', strip, button, logStream: output, close: () => lines.close() });
}
