import { openRpiHardware, type RpiOptions } from '../../hardware/rpi';
import { rpiAvailable } from '../../hardware/rpi-available';
import { openSimHardware } from '../../hardware/sim';
import { openTerminalHardware } from '../../hardware/terminal';
import type { Hardware } from '../../hardware/types';

export interface Console {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

/** Something the node should warn about: the hardware is not all it was asked for. */
export interface HardwareWarning {
  event: 'hardware.fallback' | 'hardware.no-button';
  message: string;
}

export interface OpenedHardware {
  hardware: Hardware;
  warning: HardwareWarning | null;
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
      return { hardware: openSimHardware(io.stdin, io.stdout), warning: null };
    case 'terminal':
      return {
        hardware: openTerminalHardware({ input: io.stdin, output: io.stdout, leds: options.leds }),
        warning: null,
      };
    case 'auto':
      if (!rpiAvailable(options).ok) return { hardware: local(), warning: null };
      break;
    case 'rpi':
      break;
  }
  try {
    const { hardware, buttonProblem } = openRpiHardware(options, io.stdout);
    const warning: HardwareWarning | null = buttonProblem
      ? {
          event: 'hardware.no-button',
          message: `running without the button: ${buttonProblem}; the strip works, and \`cat-litter-reminder reset\` from any machine records a cleaning`,
        }
      : null;
    return { hardware, warning };
  } catch (error) {
    const hardware = local();
    return {
      hardware,
      warning: {
        event: 'hardware.fallback',
        message: `Raspberry Pi hardware could not be used: ${(error as Error).message}; using the ${hardware.kind} driver instead`,
      },
    };
  }
}
