import { messageOf, NATIVE_BUILD_ADVICE } from './errors';
import { checkStripOptions, guardedStrip, type StripOptions } from './strip-guard';
import type { StripDriver } from './types';

/** The options `rpi-ws281x-native` 1.0.4 takes for a single channel. */
export interface Ws281xOptions {
  stripType: 'ws2812';
  gpio: number;
  brightness: number;
  dma: number;
}

/** The one channel the module returns; `array` holds one 0xRRGGBB value per LED. */
export interface Ws281xChannel {
  array: Uint32Array;
  brightness: number;
}

/** The part of `rpi-ws281x-native` 1.0.4 this driver uses. */
export interface Ws281xModule {
  (numLeds: number, options: Ws281xOptions): Ws281xChannel;
  render(): void;
  finalize(): void;
}

// The module's own default, DMA 5, is used by the SD card controller on current
// kernels and corrupts the card; 10 is the channel the C library recommends.
const SAFE_DMA = 10;

export interface RpiStripOptions extends StripOptions {
  /** The board as the device tree names it, for the advice when the library refuses it. */
  model?: string;
}

/** Opens the WS2812 strip through `rpi-ws281x-native`, which is only required here so
 * that machines without it can still import this file. */
export function openRpiStrip(options: RpiStripOptions, deps: { loadWs281x?: () => Ws281xModule } = {}): StripDriver {
  const { leds, ledPin, brightness } = options;
  checkStripOptions(options);
  // Without root the module quietly hands back a stub that shows nothing, which would
  // look like a wiring fault, so refuse before loading it.
  const uid = process.getuid?.();
  if (uid !== 0) {
    throw new Error(
      `the LED strip needs root for DMA and /dev/mem, but this process runs as uid ${uid ?? 'unknown'}: ` +
        'run it as root or through the systemd service',
    );
  }

  let ws281x: Ws281xModule;
  try {
    ws281x = (deps.loadWs281x ?? loadWs281x)();
  } catch (error) {
    throw new Error(`rpi-ws281x-native could not be loaded (${messageOf(error)}): ${NATIVE_BUILD_ADVICE}`, {
      cause: error,
    });
  }

  let channel: Ws281xChannel;
  try {
    channel = ws281x(leds, { stripType: 'ws2812', gpio: ledPin, brightness, dma: SAFE_DMA });
  } catch (error) {
    throw new Error(
      `the LED strip on GPIO ${ledPin} (${leds} LEDs, DMA ${SAFE_DMA}) did not start: ` +
        `${messageOf(error)}; ${initAdvice(messageOf(error), options.model)}`,
      { cause: error },
    );
  }

  return guardedStrip({
    fill(rgb) {
      // 0xRRGGBB: stripType ws2812 makes the library send GRB on the wire.
      channel.array.fill(rgb);
      ws281x.render();
    },
    paint(rgbs) {
      channel.array.fill(0);
      channel.array.set(rgbs.slice(0, leds));
      ws281x.render();
    },
    release: () => ws281x.finalize(),
    brightness: (value) => {
      channel.brightness = value;
    },
  });
}

function loadWs281x(): Ws281xModule {
  return require('rpi-ws281x-native') as Ws281xModule;
}

/**
 * What to do about the errors the bundled C library (rpi_ws281x 1.1.0) reports. It
 * knows boards by their revision codes, and none made after it: the Pi Zero 2 W, the
 * Pi 4 rev 1.5, the Pi 3B+ rev 1.4 (a020d4), the Pi 3A+ rev 1.1 (9020e1), the Pi 5.
 */
function initAdvice(message: string, model = ''): string {
  if (message.includes('Hardware revision is not supported')) {
    const board = model ? `this board, ${model}` : 'this board (see Revision in /proc/cpuinfo)';
    return (
      `the C library bundled with rpi-ws281x-native 1.0.4 does not know ${board}: it predates the Pi Zero 2 W, ` +
      'the Pi 4 rev 1.5, the Pi 3B+ rev 1.4, the Pi 3A+ rev 1.1 and the Pi 5. Wire the data line to GPIO 10 and ' +
      'run with --led-pin 10 (the SPI driver, which needs no root and knows every board)'
    );
  }
  if (message.includes('Selected GPIO not possible')) {
    return 'connect the strip to a pin the library can drive (GPIO 18 or 12 for PWM, 21 for PCM, 10 for SPI) and set --led-pin to it';
  }
  return 'check --led-pin and the wiring, and that no other program (or the on-board audio, which shares PWM) is driving the strip';
}
