import * as fs from 'node:fs';
import { readBoard, type Board } from './board';
import { messageOf } from './errors';
import { openGpiodButton } from './gpiod-button';
import { openPioStrip } from './pio-strip';
import { openRpiButton } from './rpi-button';
import { openRpiStrip } from './rpi-strip';
import { openSpiStrip, SPI_MOSI_PIN } from './spi-strip';
import { chooseStrip, type StripWiring } from './strip-choice';
import { plainHardware, type ButtonDriver, type Hardware, type StripDriver } from './types';

export interface RpiOptions extends StripWiring {
  leds: number;
  brightness: number;
  buttonPin: number;
}

export interface RpiHardware {
  hardware: Hardware;
  /** Why the node runs without its button (the strip works), or null. */
  buttonProblem: string | null;
}

const NO_BUTTON: ButtonDriver = { watch: () => () => undefined };

/** The drivers and what is read of the system; tests replace any of them. */
interface Openers {
  openStrip?: typeof openRpiStrip;
  openSpiStrip?: typeof openSpiStrip;
  openPioStrip?: typeof openPioStrip;
  openButton?: typeof openRpiButton;
  openGpiodButton?: typeof openGpiodButton;
  board?: Board;
  exists?: (file: string) => boolean;
  /** Whether the GPIO character device (/dev/gpiochipN) is there. */
  hasGpioChips?: () => boolean;
}

// SPI0 takes CE1, CE0, MISO, MOSI and SCLK once it is on.
const SPI0_PINS = [7, 8, 9, 10, 11];

/**
 * The real strip and button of a Raspberry Pi. The strip: through the Pi 5's
 * `ws2812-pio` overlay device, through SPI when it is wired to GPIO 10 (MOSI), else
 * through rpi-ws281x-native (PWM or PCM, root and DMA); see `chooseStrip`. Throws,
 * saying what to do, on a machine that is not a Pi and when the strip cannot be opened.
 * The button: through libgpiod's gpiomon where the GPIO character device exists, else
 * (or when that fails) through sysfs (onoff). One that cannot be opened either way
 * leaves a strip that still shows the household's time, which beats none.
 */
export function openRpiHardware(
  options: RpiOptions,
  logStream: NodeJS.WritableStream,
  openers: Openers = {},
): RpiHardware {
  const board = openers.board ?? readBoard();
  if (board.notAPi) {
    throw new Error(
      `${board.notAPi}: the rpi hardware drives the strip and button of a Raspberry Pi; ` +
        'use --hardware terminal or sim on this machine',
    );
  }
  const choice = chooseStrip(options, board, openers.exists);
  let strip: StripDriver;
  switch (choice.kind) {
    case 'pio':
      strip = (openers.openPioStrip ?? openPioStrip)({ ...options, device: choice.device });
      break;
    case 'spi':
      strip = (openers.openSpiStrip ?? openSpiStrip)(options);
      break;
    case 'pwm':
      strip = (openers.openStrip ?? openRpiStrip)({ ...options, model: board.model });
      break;
  }
  const { button, buttonProblem } =
    choice.kind === 'spi' && SPI0_PINS.includes(options.buttonPin)
      ? {
          button: NO_BUTTON,
          buttonProblem:
            `GPIO ${options.buttonPin} belongs to SPI0 (GPIO 7–11), which drives the strip on GPIO ${SPI_MOSI_PIN}: ` +
            'wire the button to another pin (GPIO 5, say) and set --button-pin to it',
        }
      : openButton(options.buttonPin, openers);
  return { hardware: plainHardware({ kind: 'rpi', strip, button, logStream }), buttonProblem };
}

/** Whether the kernel offers the GPIO character device, on which gpiomon watches a line. */
export function hasGpioChips(devDir = '/dev'): boolean {
  try {
    return fs.readdirSync(devDir).some((name) => /^gpiochip\d+$/.test(name));
  } catch {
    return false;
  }
}

/**
 * gpiomon first where the GPIO character device exists (every current kernel): nothing
 * native, and it sets the pull-up itself. Sysfs (onoff, whose epoll is built natively)
 * where there is none, and where gpiomon is missing or older than libgpiod 1.6.
 */
function openButton(buttonPin: number, openers: Openers): { button: ButtonDriver; buttonProblem: string | null } {
  const gpiod = { name: 'GPIO character device', open: openers.openGpiodButton ?? openGpiodButton };
  const sysfs = { name: 'sysfs GPIO', open: openers.openButton ?? openRpiButton };
  const ways = (openers.hasGpioChips ?? hasGpioChips)() ? [gpiod, sysfs] : [sysfs, gpiod];
  const problems: string[] = [];
  for (const way of ways) {
    try {
      return { button: way.open({ buttonPin }), buttonProblem: null };
    } catch (error) {
      problems.push(`${way.name}: ${messageOf(error)}`);
    }
  }
  return { button: NO_BUTTON, buttonProblem: problems.join('; ') };
}
