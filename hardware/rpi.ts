import { messageOf } from './errors';
import { openGpiodButton } from './gpiod-button';
import { openRpiButton } from './rpi-button';
import { openRpiStrip } from './rpi-strip';
import { openSpiStrip, SPI_MOSI_PIN } from './spi-strip';
import { plainHardware, type ButtonDriver, type Hardware } from './types';

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

interface Openers {
  openStrip?: typeof openRpiStrip;
  openSpiStrip?: typeof openSpiStrip;
  openButton?: typeof openRpiButton;
  openGpiodButton?: typeof openGpiodButton;
}

// SPI0 takes CE1, CE0, MISO, MOSI and SCLK once it is on.
const SPI0_PINS = [7, 8, 9, 10, 11];

/**
 * The real strip and button of a Raspberry Pi: the strip through SPI when it is wired
 * to GPIO 10 (MOSI), else through rpi-ws281x-native (PWM or PCM, root and DMA).
 * Throws, saying what to do, when the strip cannot be opened. The button is tried
 * through sysfs (onoff), then through the GPIO character device (libgpiod's gpiomon);
 * one that cannot be opened either way leaves a strip that still shows the
 * household's time, which beats none.
 */
export function openRpiHardware(
  options: RpiOptions,
  logStream: NodeJS.WritableStream,
  openers: Openers = {},
): RpiHardware {
  const spi = options.ledPin === SPI_MOSI_PIN;
  const strip = spi ? (openers.openSpiStrip ?? openSpiStrip)(options) : (openers.openStrip ?? openRpiStrip)(options);
  const { button, buttonProblem } =
    spi && SPI0_PINS.includes(options.buttonPin)
      ? {
          button: NO_BUTTON,
          buttonProblem:
            `GPIO ${options.buttonPin} belongs to SPI0 (GPIO 7–11), which drives the strip on GPIO ${SPI_MOSI_PIN}: ` +
            'wire the button to another pin (GPIO 5, say) and set --button-pin to it',
        }
      : openButton(options.buttonPin, openers);
  return { hardware: plainHardware({ kind: 'rpi', strip, button, logStream }), buttonProblem };
}

/** Through sysfs (onoff), then, on kernels without it (Debian 13), libgpiod's gpiomon. */
function openButton(buttonPin: number, openers: Openers): { button: ButtonDriver; buttonProblem: string | null } {
  try {
    return { button: (openers.openButton ?? openRpiButton)({ buttonPin }), buttonProblem: null };
  } catch (sysfsError) {
    try {
      return { button: (openers.openGpiodButton ?? openGpiodButton)({ buttonPin }), buttonProblem: null };
    } catch (gpiodError) {
      return {
        button: NO_BUTTON,
        buttonProblem: `sysfs GPIO: ${messageOf(sysfsError)}; GPIO character device: ${messageOf(gpiodError)}`,
      };
    }
  }
}
