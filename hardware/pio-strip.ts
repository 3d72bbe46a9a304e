import * as fs from 'node:fs';
import { messageOf } from './errors';
import { checkStripOptions, dimmedChannels, guardedStrip, type StripOptions } from './strip-guard';
import type { StripDriver } from './types';

/** The device the Pi 5's `ws2812-pio` overlay makes for its first strip. */
export const DEFAULT_LED_DEVICE = '/dev/leds0';

export interface PioStripOptions extends StripOptions {
  /** The overlay's character device. */
  device: string;
}

// The kernel driver (drivers/misc/ws2812-pio-rp1.c) takes 4 bytes a pixel: red, green,
// blue and white (used only by RGBW strips); it sends them to the strip as GRB itself.
const BYTES_PER_LED = 4;
// A write of 1 byte at offset 0 sets the driver's own brightness, which it applies
// before its gamma table.
const DRIVER_FULL_BRIGHTNESS = 255;

/**
 * What the driver sends for a value: it gamma-corrects every channel with a table of
 * floor(255 × (v / 255)^(1 / 0.45)).
 */
export function driverGamma(value: number): number {
  return Math.floor(255 * Math.pow(value / 255, 1 / 0.45));
}

// For each value the LEDs should get, the one to write: the smallest whose gamma is
// nearest. The node's colours are the values the LEDs get on every other driver
// (`#003c00` is 60 of green), so the strip looks the same on a Pi 5.
const TO_WRITE: number[] = Array.from({ length: 256 }, (_, target) => {
  let best = 0;
  for (let value = 1; value < 256; value += 1) {
    if (Math.abs(driverGamma(value) - target) < Math.abs(driverGamma(best) - target)) best = value;
  }
  return best;
});

/** The bytes that light `leds` LEDs in one colour, at `brightness`, as the driver takes them. */
export function encodePioFrame(rgb: number, leds: number, brightness: number): Buffer {
  return encodePioLeds(new Array<number>(leds).fill(rgb), leds, brightness);
}

/** As encodePioFrame, each LED in its own value (`rgbs` from the strip's start; past them, dark). */
export function encodePioLeds(rgbs: readonly number[], leds: number, brightness: number): Buffer {
  const frame = Buffer.alloc(leds * BYTES_PER_LED);
  for (let led = 0; led < leds; led += 1) {
    const [red, green, blue] = dimmedChannels(rgbs[led] ?? 0, brightness);
    frame.set([TO_WRITE[red], TO_WRITE[green], TO_WRITE[blue], 0], led * BYTES_PER_LED);
  }
  return frame;
}

/** The line that makes the device, for the strip's pin and length. */
export function overlayLine(ledPin: number, leds: number): string {
  return `dtoverlay=ws2812-pio,gpio=${ledPin},num_leds=${leds}`;
}

/** The file calls the driver makes; tests watch or replace them. */
export type DeviceFiles = Pick<typeof fs, 'openSync' | 'writeSync' | 'closeSync'>;

/**
 * Drives a WS2812 strip on a Pi 5 through the `ws2812-pio` overlay's device: the RP1's
 * PIO makes the signal in the kernel, so nothing native is built and no DMA or SPI is
 * set up here. Each frame is written whole at offset 0.
 */
export function openPioStrip(options: PioStripOptions, files: DeviceFiles = fs): StripDriver {
  const { leds, device, ledPin } = options;
  let { brightness } = options;
  checkStripOptions(options);
  let fd: number;
  try {
    // Never O_CREAT: a missing device must not become a file in /dev.
    fd = files.openSync(device, fs.constants.O_WRONLY);
  } catch (error) {
    throw new Error(`${device} could not be opened for the LED strip: ${openAdvice(error, ledPin, leds)}`, {
      cause: error,
    });
  }
  const write = (bytes: Buffer): void => {
    try {
      const written = files.writeSync(fd, bytes, 0, bytes.length, 0);
      if (written !== bytes.length) throw new Error(`${device} took ${written} of ${bytes.length} bytes`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EFBIG' && code !== 'ENOSPC') throw error;
      throw new Error(
        `${device} takes fewer than ${leds} LEDs (${code}): its overlay line sets num_leds; make it ` +
          `"${overlayLine(ledPin, leds)}" in config.txt and reboot, or set --leds to the strip's length`,
        { cause: error },
      );
    }
  };
  try {
    // The node's brightness is applied below, as on every other driver: the driver's own
    // (the overlay's brightness= parameter) would dim again, before its gamma table.
    write(Buffer.from([DRIVER_FULL_BRIGHTNESS]));
    // A dark frame at once: it checks that the overlay takes this many LEDs.
    write(encodePioFrame(0, leds, brightness));
  } catch (error) {
    files.closeSync(fd);
    throw error;
  }
  return guardedStrip({
    fill: (rgb) => write(encodePioFrame(rgb, leds, brightness)),
    paint: (rgbs) => write(encodePioLeds(rgbs, leds, brightness)),
    release: () => files.closeSync(fd),
    brightness: (value) => {
      brightness = value;
    },
  });
}

function openAdvice(error: unknown, ledPin: number, leds: number): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return (
      'it does not exist. A Pi 5 drives the strip through the ws2812-pio overlay, which makes it: add ' +
      `"${overlayLine(ledPin, leds)}" to /boot/firmware/config.txt and reboot ` +
      '(or wire the strip to GPIO 10 and run with --led-pin 10, through SPI)'
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return `this process (uid ${process.getuid?.() ?? 'unknown'}) may not write to it: run it as root or through the systemd service`;
  }
  return messageOf(error);
}
