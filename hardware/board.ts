import * as fs from 'node:fs';

/** Where the kernel names the board: the device tree's model and compatible strings. */
export interface BoardFiles {
  model: string;
  compatible: string;
}

export const BOARD_FILES: BoardFiles = {
  model: '/proc/device-tree/model',
  compatible: '/proc/device-tree/compatible',
};

export interface Board {
  /** As the firmware names it, "Raspberry Pi 4 Model B Rev 1.5" say; '' when there is no device tree. */
  model: string;
  /** Why this is not a Raspberry Pi, or null when it is one. */
  notAPi: string | null;
  /**
   * A Pi 5 (or a Pi 500, a Compute Module 5): its GPIOs are on the RP1, which the PWM
   * library cannot drive; its strip is driven through the ws2812-pio overlay instead.
   */
  rp1: boolean;
}

/** What the board is, from the device tree; a machine without one (a PC) is not a Pi. */
export function readBoard(files: BoardFiles = BOARD_FILES): Board {
  const model = readStrings(files.model)[0] ?? '';
  const compatible = readStrings(files.compatible);
  const notAPi = model.includes('Raspberry Pi')
    ? null
    : model
      ? `${files.model} names "${model}", not a Raspberry Pi`
      : `${files.model} is missing, so this is not a Raspberry Pi`;
  return { model, notAPi, rp1: notAPi === null && compatible.includes('brcm,bcm2712') };
}

/** The NUL-separated strings of a device-tree property; none when it is not there. */
function readStrings(file: string): string[] {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\0')
      .map((text) => text.trim())
      .filter((text) => text !== '');
  } catch {
    return [];
  }
}
