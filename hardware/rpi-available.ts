import * as fs from 'node:fs';
import { SPI_MOSI_PIN } from './spi-strip';

export const DEFAULT_MODEL_FILE = '/proc/device-tree/model';

/**
 * Whether the Raspberry Pi driver can be tried here, without loading anything native:
 * the board says it is a Pi, and the package of the strip driver for `ledPin` is
 * installed (optional dependencies, skipped where their native parts do not build). Whether it works shows
 * when the driver opens; the button may still be missing then, which is not fatal.
 */
export function rpiAvailable(
  ledPin: number,
  modelFile = DEFAULT_MODEL_FILE,
  resolve: (name: string) => string = require.resolve,
): { ok: true } | { ok: false; reason: string } {
  const reasons: string[] = [];
  const model = readModel(modelFile);
  if (!model.includes('Raspberry Pi')) {
    reasons.push(
      model
        ? `${modelFile} names "${model}", not a Raspberry Pi`
        : `${modelFile} is missing, so this is not a Raspberry Pi`,
    );
  }
  const stripPackage = ledPin === SPI_MOSI_PIN ? 'spi-device' : 'rpi-ws281x-native';
  try {
    resolve(stripPackage);
  } catch {
    reasons.push(`the ${stripPackage} package is not installed`);
  }
  return reasons.length === 0 ? { ok: true } : { ok: false, reason: reasons.join('; ') };
}

function readModel(file: string): string {
  try {
    // The device tree ends its strings with a NUL.
    return fs.readFileSync(file, 'utf8').replace(/\0+$/, '').trim();
  } catch {
    return '';
  }
}
