import * as fs from 'node:fs';
import type { Board } from './board';
import { DEFAULT_LED_DEVICE } from './pio-strip';
import { SPI_MOSI_PIN } from './spi-strip';

/** Which driver lights the strip: the Pi 5's overlay device, SPI on GPIO 10, or PWM through rpi-ws281x-native. */
export type StripChoice = { kind: 'pio'; device: string } | { kind: 'spi' } | { kind: 'pwm' };

/** The strip's settings the choice depends on. */
export interface StripWiring {
  ledPin: number;
  /** The overlay's device when the configuration names one (`strip.device`), else null. */
  ledDevice: string | null;
}

/**
 * A device named in the configuration wins; then the overlay's device where it exists
 * (the overlay is there to drive this strip, and needs nothing native); then SPI for a
 * strip on GPIO 10. A Pi 5 has no PWM the library can drive, so there the overlay's
 * device it is, even when missing: opening it then says which line makes it.
 */
export function chooseStrip(
  wiring: StripWiring,
  board: Pick<Board, 'rp1'>,
  exists: (file: string) => boolean = fs.existsSync,
): StripChoice {
  if (wiring.ledDevice !== null) return { kind: 'pio', device: wiring.ledDevice };
  if (exists(DEFAULT_LED_DEVICE)) return { kind: 'pio', device: DEFAULT_LED_DEVICE };
  if (wiring.ledPin === SPI_MOSI_PIN) return { kind: 'spi' };
  return board.rp1 ? { kind: 'pio', device: DEFAULT_LED_DEVICE } : { kind: 'pwm' };
}
