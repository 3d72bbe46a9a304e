import { messageOf } from './errors';
import { openGpiodButton } from './gpiod-button';
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

type Openers = {
  openStrip?: typeof openRpiStrip;
  openButton?: typeof openRpiButton;
  openGpiodButton?: typeof openGpiodButton;
};

/**
 * The real strip and button of a Raspberry Pi: the strip through SPI when it is wired
 * to GPIO 10 (MOSI), else through rpi-ws281x-native (PWM or PCM, root and DMA).
 * Throws, saying what to do, when the strip cannot be opened. The button is tried
 * through sysfs (onoff), then through the GPIO character device (libgpiod's gpiomon);
 * one that cannot be opened either way leaves a strip that still shows the
 * household's time, which beats none.
 */
export function openRpiHardware(options: RpiOptions, logStream: NodeJS.WritableStream, openers: Openers = {}): RpiHardware {
  const strip = (openers.openStrip ?? (options.ledPin === SPI_MOSI_PIN ? openSpiStrip : openRpiStrip))(options);
  let button = NO_BUTTON;
  let buttonProblem: string | null = null;
  try {
    button = (openers.openButton ?? openRpiButton)({ buttonPin: options.buttonPin });
  } catch (sysfsError) {
    // Kernels without sysfs GPIO (Debian 13) have the character device and libgpiod.
    try {
      button = (openers.openGpiodButton ?? openGpiodButton)({ buttonPin: options.buttonPin });
    } catch (gpiodError) {
      buttonProblem = `sysfs GPIO: ${messageOf(sysfsError)}; GPIO character device: ${messageOf(gpiodError)}`;
    }
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
