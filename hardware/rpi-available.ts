import * as fs from 'node:fs';

export const DEFAULT_MODEL_FILE = '/proc/device-tree/model';

/**
 * Whether the Raspberry Pi driver can be tried here, without loading anything native:
 * the board says it is a Pi, and the strip's package is installed (an optional
 * dependency, skipped where its native part does not build). Whether it works shows
 * when the driver opens; the button may still be missing then, which is not fatal.
 */
export function rpiAvailable(
  modelFile = DEFAULT_MODEL_FILE,
  resolve: (name: string) => string = require.resolve,
): { ok: true } | { ok: false; reason: string } {
  const reasons: string[] = [];
  const model = readModel(modelFile);
  if (!model.includes('Raspberry Pi')) {
    reasons.push(model ? `${modelFile} names "${model}", not a Raspberry Pi` : `${modelFile} is missing, so this is not a Raspberry Pi`);
  }
  try {
    resolve('rpi-ws281x-native');
  } catch {
    reasons.push('the rpi-ws281x-native package is not installed');
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
