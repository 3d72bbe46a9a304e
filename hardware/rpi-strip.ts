import type { Colour, StripDriver } from './types';

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
}

/** The part of `rpi-ws281x-native` 1.0.4 this driver uses. */
export interface Ws281xModule {
  (numLeds: number, options: Ws281xOptions): Ws281xChannel;
  render(): void;
  finalize(): void;
}

export interface RpiStripOptions {
  leds: number;
  /** BCM GPIO number of the data line. */
  ledPin: number;
  /** 0–255, applied by the library to every colour. */
  brightness: number;
}

/** A strip driver that keeps the first error it swallowed, so the caller can log it. */
export interface RpiStrip extends StripDriver {
  readonly failure: Error | null;
}

// The module's own default, DMA 5, is used by the SD card controller on current
// kernels and corrupts the card; 10 is the channel the C library recommends.
const SAFE_DMA = 10;

/** Opens the WS2812 strip through `rpi-ws281x-native`, which is only required here so
 * that machines without it can still import this file. */
export function openRpiStrip(
  options: RpiStripOptions,
  deps: { loadWs281x?: () => Ws281xModule } = {},
): RpiStrip {
  const { leds, ledPin, brightness } = options;
  checkOptions(options);
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
    throw new Error(
      `rpi-ws281x-native could not be loaded (${messageOf(error)}): install it on the Pi with ` +
        '`npm install` there, where its native part is built, or use --hardware terminal|sim',
    );
  }

  let channel: Ws281xChannel;
  try {
    channel = ws281x(leds, { stripType: 'ws2812', gpio: ledPin, brightness, dma: SAFE_DMA });
  } catch (error) {
    throw new Error(
      `the LED strip on GPIO ${ledPin} (${leds} LEDs, DMA ${SAFE_DMA}) did not start: ` +
        `${messageOf(error)}; ${initAdvice(messageOf(error))}`,
    );
  }

  let failure: Error | null = null;
  let closed = false;

  function fill(value: number): void {
    channel.array.fill(value);
    ws281x.render();
  }

  function remember(error: unknown): void {
    failure ??= error instanceof Error ? error : new Error(String(error));
  }

  return {
    get failure() {
      return failure;
    },
    show(colour: Colour): void {
      // A strip that failed once (DMA or mailbox trouble) is not retried: each render
      // would fail the same way, and `show` must never take the node down.
      if (closed || failure) return;
      try {
        fill(parseColour(colour));
      } catch (error) {
        remember(error);
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      // The LEDs keep their last colour after the process exits unless told otherwise.
      try {
        fill(0);
      } catch (error) {
        remember(error);
      }
      try {
        ws281x.finalize();
      } catch (error) {
        remember(error);
      }
    },
  };
}

function loadWs281x(): Ws281xModule {
  return require('rpi-ws281x-native') as Ws281xModule;
}

function checkOptions({ leds, ledPin, brightness }: RpiStripOptions): void {
  // The module allocates no LED buffer for 0 LEDs and then fails on the first write.
  if (!Number.isInteger(leds) || leds < 1) {
    throw new Error(`the leds option must be a whole number of at least 1, got ${leds}`);
  }
  if (!Number.isInteger(ledPin) || ledPin < 0) {
    throw new Error(`the ledPin option must be a BCM GPIO number, got ${ledPin}`);
  }
  if (!Number.isInteger(brightness) || brightness < 0 || brightness > 255) {
    throw new Error(`the brightness option must be a whole number from 0 to 255, got ${brightness}`);
  }
}

/** `#rrggbb` as 0xRRGGBB; the library reorders to GRB on the wire because of stripType. */
function parseColour(colour: Colour): number {
  if (!/^#[0-9a-fA-F]{6}$/.test(colour)) {
    throw new Error(`the strip was asked to show "${colour}", which is not a #rrggbb colour`);
  }
  return Number.parseInt(colour.slice(1), 16);
}

/** What to do about the errors the bundled C library (rpi_ws281x 1.1.0) reports. */
function initAdvice(message: string): string {
  if (message.includes('Hardware revision is not supported')) {
    return (
      'the C library bundled with rpi-ws281x-native 1.0.4 does not know this board ' +
      '(it predates the Pi Zero 2 W, the Pi 4 rev 1.5 and the Pi 5; see Revision in /proc/cpuinfo): ' +
      'use --hardware terminal|sim on this board'
    );
  }
  if (message.includes('Selected GPIO not possible')) {
    return 'connect the strip to a pin the library can drive (GPIO 18 or 12 for PWM, 21 for PCM, 10 for SPI) and set ledPin to it';
  }
  return 'check ledPin and the wiring, and that no other program (or the on-board audio, which shares PWM) is driving the strip';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
