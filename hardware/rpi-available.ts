import { readBoard, type Board } from './board';
import { chooseStrip, type StripWiring } from './strip-choice';

const STRIP_PACKAGES = { spi: 'spi-device', pwm: 'rpi-ws281x-native' } as const;

/**
 * Whether the Raspberry Pi driver can be tried here, without loading anything native:
 * the board says it is a Pi, and the strip's driver is there: the overlay's device
 * needs no package, SPI and PWM need theirs (optional dependencies, skipped where their
 * native parts do not build). Whether it works shows when the driver opens; the button
 * may still be missing then, which is not fatal.
 */
export function rpiAvailable(
  wiring: StripWiring,
  board: Board = readBoard(),
  resolve: (name: string) => string = require.resolve,
  exists?: (file: string) => boolean,
): { ok: true } | { ok: false; reason: string } {
  const reasons: string[] = board.notAPi ? [board.notAPi] : [];
  const choice = chooseStrip(wiring, board, exists);
  if (choice.kind !== 'pio') {
    const stripPackage = STRIP_PACKAGES[choice.kind];
    try {
      resolve(stripPackage);
    } catch {
      reasons.push(`the ${stripPackage} package is not installed`);
    }
  }
  return reasons.length === 0 ? { ok: true } : { ok: false, reason: reasons.join('; ') };
}
