import type { Colour, StripDriver } from './types';

/** What a real strip's device does: light every LED in one 0xRRGGBB value, or each in its own, and let go. */
export interface StripDevice {
  fill(rgb: number): void;
  /** One 0xRRGGBB value per LED from the strip's start; the LEDs past them dark, the values past the strip left out. */
  paint(rgbs: readonly number[]): void;
  release(): void;
  /** Takes a new brightness for the frames that follow. */
  brightness(value: number): void;
}

export interface StripOptions {
  leds: number;
  /** BCM GPIO number of the data line. */
  ledPin: number;
  /** 0–255, applied to every colour. */
  brightness: number;
}

/**
 * A strip driver around a device that may fail: `show` never throws, and the first
 * error is kept in `failure` for the node to log. A device that failed once (DMA or
 * mailbox trouble, an SPI transfer refused) is not retried: each frame would fail the
 * same way, and `show` must never take the node down.
 */
export function guardedStrip(device: StripDevice): StripDriver {
  let failure: Error | null = null;
  let closed = false;
  // What was shown last, one colour or one per LED: shown again at a new brightness.
  let last: Colour | readonly Colour[] | null = null;
  const remember = (error: unknown): void => {
    failure ??= error instanceof Error ? error : new Error(String(error));
  };
  return {
    get failure() {
      return failure;
    },
    show(colour: Colour): void {
      if (closed || failure) return;
      last = colour;
      try {
        device.fill(parseColour(colour));
      } catch (error) {
        remember(error);
      }
    },
    showLeds(colours: readonly Colour[]): void {
      if (closed || failure) return;
      last = colours;
      try {
        device.paint(colours.map(parseColour));
      } catch (error) {
        remember(error);
      }
    },
    setBrightness(value: number): void {
      if (closed || failure) return;
      try {
        device.brightness(value);
        if (typeof last === 'string') device.fill(parseColour(last));
        else if (last !== null) device.paint(last.map(parseColour));
      } catch (error) {
        remember(error);
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      // The LEDs keep their last colour after the process exits unless told otherwise;
      // tried even after a failure, which may have been a single bad frame.
      try {
        device.fill(0);
      } catch (error) {
        remember(error);
      }
      try {
        device.release();
      } catch (error) {
        remember(error);
      }
    },
  };
}

export function checkStripOptions({ leds, ledPin, brightness }: StripOptions): void {
  // A strip of no LEDs shows nothing: a configuration mistake, said at once.
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

/** Red, green and blue of 0xRRGGBB, each scaled by `brightness` (0–255), as the LEDs get them. */
export function dimmedChannels(rgb: number, brightness: number): [number, number, number] {
  const scale = (shift: number): number => Math.round((((rgb >> shift) & 0xff) * brightness) / 255);
  return [scale(16), scale(8), scale(0)];
}

/** `#rrggbb` as 0xRRGGBB. */
function parseColour(colour: Colour): number {
  if (!/^#[0-9a-fA-F]{6}$/.test(colour)) {
    throw new Error(`the strip was asked to show "${colour}", which is not a #rrggbb colour`);
  }
  return Number.parseInt(colour.slice(1), 16);
}
