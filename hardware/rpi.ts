import { openRpiButton } from './rpi-button';
import { openRpiStrip } from './rpi-strip';
import { openSpiStrip, SPI_MOSI_PIN } from './spi-strip';
import type { ButtonDriver, Hardware } from './types';

export interface RpiOptions {
  leds: number;
  ledPin: number;
  brightness: number;
  buttonPin: number;
}

export interface RpiHardware {
  hardware: Hardware;
  /** Why the node runs without its button (the strip works), or null. */
  buttonProblem: string | null;
}

const NO_BUTTON: ButtonDriver = { watch: () => () => undefined };

type Openers = { openStrip?: typeof openRpiStrip; openButton?: typeof openRpiButton };

/**
 * The real strip and button of a Raspberry Pi: the strip through SPI when it is wired
 * to GPIO 10 (MOSI), else through rpi-ws281x-native (PWM or PCM, root and DMA).
 * Throws, saying what to do, when the strip cannot be opened. A button that cannot be opened (a kernel without sysfs
 * GPIO, say) leaves a strip that still shows the household's time, which beats none.
 */
export function openRpiHardware(options: RpiOptions, logStream: NodeJS.WritableStream, openers: Openers = {}): RpiHardware {
  const strip = (openers.openStrip ?? (options.ledPin === SPI_MOSI_PIN ? openSpiStrip : openRpiStrip))(options);
  let button = NO_BUTTON;
  let buttonProblem: string | null = null;
  try {
    button = (openers.openButton ?? openRpiButton)({ buttonPin: options.buttonPin });
  } catch (error) {
    buttonProblem = error instanceof Error ? error.message : String(error);
  }
  const hardware: Hardware = {
    kind: 'rpi',
    strip,
    button,
    logStream,
    onQuit: () => undefined,
    describe: () => undefined,
    close: () => undefined,
  };
  return { hardware, buttonProblem };
}
