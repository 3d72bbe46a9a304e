import * as fs from 'node:fs';

// Both are optional dependencies: npm skips them where their native parts do not build.
const MODULES = ['rpi-ws281x-native', 'onoff'];

/**
 * Whether the Raspberry Pi driver can be tried here, without loading anything native.
 * Resolving only finds the packages; whether they work shows when the driver opens.
 */
export function rpiAvailable(sysfsRoot = '/sys/class/gpio'): { ok: true } | { ok: false; reason: string } {
  const reasons = MODULES.filter((name) => !resolvable(name)).map((name) => `the ${name} package is not installed`);
  if (!fs.existsSync(sysfsRoot)) reasons.push(`${sysfsRoot} does not exist, so there is no sysfs GPIO`);
  return reasons.length === 0 ? { ok: true } : { ok: false, reason: reasons.join('; ') };
}

function resolvable(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}
