import { openRpiHardware, type RpiOptions } from '../hardware/rpi';
import { rpiAvailable } from '../hardware/rpi-available';
import { openSimHardware } from '../hardware/sim';
import { openTerminalHardware } from '../hardware/terminal';
import type { Hardware } from '../hardware/types';

export interface Console {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

export interface OpenedHardware {
  hardware: Hardware;
  /** Why the asked-for or preferred driver was not used, to be logged as a warning. */
  fallback: string | null;
}

/**
 * `auto` prefers the Pi where its modules load and the GPIO exists, then the
 * terminal drawing when stdout is a terminal, then the log-only simulator. A Pi
 * driver that fails to open falls back too, with the reason, rather than crash.
 */
export function openHardware(
  kind: 'auto' | 'rpi' | 'terminal' | 'sim',
  options: RpiOptions,
  io: Console,
): OpenedHardware {
  const local = (): Hardware =>
    io.stdout.isTTY
      ? openTerminalHardware({ input: io.stdin, output: io.stdout, leds: options.leds })
      : openSimHardware(io.stdin, io.stdout);
  switch (kind) {
    case 'sim':
      return { hardware: openSimHardware(io.stdin, io.stdout), fallback: null };
    case 'terminal':
      return {
        hardware: openTerminalHardware({ input: io.stdin, output: io.stdout, leds: options.leds }),
        fallback: null,
      };
    case 'auto':
      if (!rpiAvailable().ok) return { hardware: local(), fallback: null };
      break;
    case 'rpi':
      break;
  }
  try {
    return { hardware: openRpiHardware(options, io.stdout), fallback: null };
  } catch (error) {
    const hardware = local();
    return {
      hardware,
      fallback: `Raspberry Pi hardware could not be used: ${(error as Error).message}; using the ${hardware.kind} driver instead`,
    };
  }
}
