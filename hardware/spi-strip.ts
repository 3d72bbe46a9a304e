import * as fs from 'node:fs';
import { messageOf, NATIVE_BUILD_ADVICE } from './errors';
import { checkStripOptions, dimmedChannels, guardedStrip, type StripOptions } from './strip-guard';
import type { StripDriver } from './types';

/** One transfer, as `spi-device` 3.1 takes it. */
export interface SpiTransfer {
  byteLength: number;
  sendBuffer: Buffer;
  speedHz: number;
}

/** The part of an open `spi-device` 3.1 device this driver uses. */
export interface SpiDevice {
  transferSync(message: SpiTransfer[]): unknown;
  closeSync(): unknown;
}

/** The part of `spi-device` 3.1 this driver uses. */
export interface SpiModule {
  MODE0: number;
  openSync(bus: number, device: number, options: { mode: number; maxSpeedHz: number }): SpiDevice;
}

/** MOSI of SPI0: a strip wired to GPIO 10 is driven through /dev/spidev0.0. */
export const SPI_MOSI_PIN = 10;
/** Three SPI bits make one WS2812 bit at 2.4 MHz (the scheme of rpi_ws281x's SPI mode). */
export const SPI_HZ = 2_400_000;
// Current WS2812B latch their colour after 280 µs low: 90 bytes at 2.4 MHz are 300 µs.
// Sent before the LEDs too: where MOSI idles high between transfers (seen on a CM4),
// the first LED would otherwise take that high for a bit.
const RESET_BYTES = 90;
const BYTES_PER_LED = 9;
export const SPIDEV_BUFSIZ_FILE = '/sys/module/spidev/parameters/bufsiz';
const DEFAULT_BUFSIZ = 4096;

/**
 * The bytes that show one colour on `leds` WS2812 LEDs, between two low resets: green,
 * red, blue, most significant bit first, each bit sent as 110 (a 1: 0.83 µs high) or
 * 100 (a 0: 0.42 µs high).
 */
export function encodeFrame(rgb: number, leds: number, brightness: number): Buffer {
  return encodeLeds(new Array<number>(leds).fill(rgb), leds, brightness);
}

/** One LED's 9 bytes. */
function encodeLed(rgb: number, brightness: number): Buffer {
  const [red, green, blue] = dimmedChannels(rgb, brightness);
  const grb = (green << 16) | (red << 8) | blue;
  const led = Buffer.alloc(BYTES_PER_LED);
  for (let bit = 0; bit < 24; bit += 1) {
    const symbol = (grb >> (23 - bit)) & 1 ? 0b110 : 0b100;
    for (let part = 0; part < 3; part += 1) {
      const at = bit * 3 + part;
      if ((symbol >> (2 - part)) & 1) led[at >> 3] |= 0x80 >> (at & 7);
    }
  }
  return led;
}

/** As encodeFrame, each LED in its own value (`rgbs` from the strip's start; past them, dark). */
export function encodeLeds(rgbs: readonly number[], leds: number, brightness: number): Buffer {
  // A strip shows a few colours: each is encoded once.
  const encoded = new Map<number, Buffer>();
  const frame = Buffer.alloc(frameBytes(leds));
  for (let index = 0; index < leds; index += 1) {
    const rgb = rgbs[index] ?? 0;
    const led = encoded.get(rgb) ?? encodeLed(rgb, brightness);
    encoded.set(rgb, led);
    led.copy(frame, RESET_BYTES + index * BYTES_PER_LED);
  }
  return frame;
}

function frameBytes(leds: number): number {
  return RESET_BYTES + leds * BYTES_PER_LED + RESET_BYTES;
}

/**
 * Drives a WS2812 strip on GPIO 10 through the SPI device: no root and no DMA, and it
 * works on every Pi the kernel supports, the Pi 5 included. `spi-device` (an optional
 * dependency with a native part) is only required here.
 */
export function openSpiStrip(
  options: StripOptions,
  deps: { loadSpi?: () => SpiModule; bufsizFile?: string } = {},
): StripDriver {
  const { leds } = options;
  let { brightness } = options;
  checkStripOptions(options);
  if (options.ledPin !== SPI_MOSI_PIN) {
    throw new Error(`the SPI strip driver drives GPIO ${SPI_MOSI_PIN} (MOSI) only, got --led-pin ${options.ledPin}`);
  }
  const bytes = frameBytes(leds);
  const bufsizFile = deps.bufsizFile ?? SPIDEV_BUFSIZ_FILE;
  const bufsiz = readBufsiz(bufsizFile);
  if (bytes > bufsiz) {
    throw new Error(
      `${leds} LEDs take ${bytes} bytes per SPI transfer, more than the ${bufsiz} of spidev's buffer (${bufsizFile}): ` +
        `add spidev.bufsiz=${bytes} to /boot/firmware/cmdline.txt (/boot/cmdline.txt before Bookworm) and reboot, or use fewer LEDs`,
    );
  }

  let spi: SpiModule;
  try {
    spi = (deps.loadSpi ?? loadSpi)();
  } catch (error) {
    throw new Error(`spi-device could not be loaded (${messageOf(error)}): ${NATIVE_BUILD_ADVICE}`, { cause: error });
  }

  let device: SpiDevice;
  try {
    device = spi.openSync(0, 0, { mode: spi.MODE0, maxSpeedHz: SPI_HZ });
  } catch (error) {
    throw new Error(
      `/dev/spidev0.0 could not be opened for the LED strip on GPIO ${SPI_MOSI_PIN}: ${openAdvice(error)}`,
      { cause: error },
    );
  }

  return guardedStrip({
    fill(rgb) {
      device.transferSync([{ byteLength: bytes, sendBuffer: encodeFrame(rgb, leds, brightness), speedHz: SPI_HZ }]);
    },
    paint(rgbs) {
      device.transferSync([{ byteLength: bytes, sendBuffer: encodeLeds(rgbs, leds, brightness), speedHz: SPI_HZ }]);
    },
    release: () => device.closeSync(),
    brightness: (value) => {
      brightness = value;
    },
  });
}

function loadSpi(): SpiModule {
  return require('spi-device') as SpiModule;
}

function readBufsiz(file: string): number {
  try {
    const value = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isInteger(value) && value > 0 ? value : DEFAULT_BUFSIZ;
  } catch {
    // Not loaded yet as a module (built in, or loaded on open): the kernel's default.
    return DEFAULT_BUFSIZ;
  }
}

function openAdvice(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return (
      'it does not exist, so SPI is off: turn it on with `sudo raspi-config nonint do_spi 0` ' +
      '(or dtparam=spi=on in /boot/firmware/config.txt, /boot/config.txt before Bookworm) and reboot'
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return (
      `this process (uid ${process.getuid?.() ?? 'unknown'}) may not open it: add its user to the spi group ` +
      '(`sudo adduser USER spi`, then log in again) or run it through the systemd service'
    );
  }
  return `${messageOf(error)}; check that no other program holds the SPI device`;
}
