import * as fs from 'node:fs';
import * as path from 'node:path';
import { messageOf, NATIVE_BUILD_ADVICE } from './errors';
import { pickHeaderChip } from './gpio-chips';
import type { ButtonAction, ButtonDriver } from './types';

type GpioCallback = (err: Error | null | undefined, value: 0 | 1) => void;

/** The part of `onoff` 6's `Gpio` this driver uses. */
export interface GpioPin {
  watch(callback: GpioCallback): void;
  unwatch(callback?: GpioCallback): void;
  unexport(): void;
}

export type GpioConstructor = new (
  gpio: number,
  direction: 'in',
  edge: 'both',
  options: { debounceTimeout: number; activeLow: boolean },
) => GpioPin;

export interface RpiButtonOptions {
  /** BCM GPIO number; the button connects it to ground. */
  buttonPin: number;
  debounceMs?: number;
}

export const DEFAULT_SYSFS_GPIO = '/sys/class/gpio';

const NO_SYSFS_ADVICE =
  'this kernel has no sysfs GPIO (Raspberry Pi OS based on Debian 13 dropped it), which the onoff ' +
  'button driver needs';

interface GpioChip {
  dir: string;
  base: number;
  ngpio: number;
  label: string;
}

/**
 * Opens the button through `onoff`, required only here so that machines without it can
 * still import this file. Each edge that lasts is reported, `down` or `up`: onoff reads
 * the pin again once the line has been quiet for the debounce time, so the bounces of a
 * contact make none, and a press shorter than that none either.
 */
export function openRpiButton(
  options: RpiButtonOptions,
  deps: { loadGpio?: () => GpioConstructor; sysfsRoot?: string } = {},
): ButtonDriver {
  const { buttonPin } = options;
  const sysfsRoot = deps.sysfsRoot ?? DEFAULT_SYSFS_GPIO;
  const debounceMs = options.debounceMs ?? 50;
  if (!fs.existsSync(sysfsRoot)) {
    throw new Error(`the button on GPIO ${buttonPin} needs ${sysfsRoot}, which does not exist: ${NO_SYSFS_ADVICE}`);
  }
  const number = sysfsGpioNumber(buttonPin, sysfsRoot);

  let Gpio: GpioConstructor;
  try {
    Gpio = (deps.loadGpio ?? loadGpio)();
  } catch (error) {
    throw new Error(`onoff could not be loaded (${messageOf(error)}): ${NATIVE_BUILD_ADVICE}`, { cause: error });
  }

  let gpio: GpioPin;
  try {
    // The button shorts the pin to ground, so a press is the falling edge to 0 and its end
    // the rising edge to 1. Sysfs cannot set pulls: the pin relies on its boot pull-up
    // (BCM 0–8 only) or on `gpio=<pin>=ip,pu` in config.txt.
    gpio = new Gpio(number, 'in', 'both', { debounceTimeout: debounceMs, activeLow: false });
  } catch (error) {
    throw new Error(
      `the button on GPIO ${buttonPin} (sysfs GPIO ${number} under ${sysfsRoot}) could not be opened: ` +
        `${messageOf(error)}; ${openAdvice(error)}`,
      { cause: error },
    );
  }

  const listeners = new Set<GpioCallback>();
  let released = false;
  return {
    watch(onAction: (action: ButtonAction) => void): () => void {
      if (released) {
        throw new Error(`the button on GPIO ${buttonPin} was released; open it again to watch it`);
      }
      const listener: GpioCallback = (err, value) => {
        // An epoll error carries no edge, only a failed read of the pin.
        if (!err) onAction(value === 0 ? 'down' : 'up');
      };
      listeners.add(listener);
      gpio.watch(listener);
      return () => {
        if (!listeners.delete(listener)) return;
        gpio.unwatch(listener);
        // The pin stays exported for the next watcher until the last one stops.
        if (listeners.size === 0) {
          released = true;
          gpio.unexport();
        }
      };
    },
  };
}

/**
 * The sysfs number of a BCM pin. Kernels from 6.6 on number the SoC's GPIOs from a
 * base such as 512 (Pi 4) or 571 (Pi 5), so BCM 5 is 517 there but 5 on older kernels.
 */
export function sysfsGpioNumber(bcmPin: number, sysfsRoot: string = DEFAULT_SYSFS_GPIO): number {
  const chips = readChips(sysfsRoot);
  const chip = pickHeaderChip(
    chips.map((candidate) => ({ ...candidate, lines: candidate.ngpio, order: candidate.base })),
  );
  if (!chip) {
    const found = chips.map((c) => `${c.dir} (${c.label}, ${c.ngpio} GPIOs)`).join(', ') || 'none';
    throw new Error(
      `no GPIO controller of the Raspberry Pi found under ${sysfsRoot} (gpiochips: ${found}); ` +
        'is this a Raspberry Pi?',
    );
  }
  if (!Number.isInteger(bcmPin) || bcmPin < 0 || bcmPin >= chip.ngpio) {
    throw new Error(
      `GPIO ${bcmPin} is not a pin of ${chip.label} (${chip.dir} has BCM 0–${chip.ngpio - 1}); set --button-pin to a BCM number`,
    );
  }
  return chip.base + bcmPin;
}

function readChips(sysfsRoot: string): GpioChip[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(sysfsRoot);
  } catch (error) {
    throw new Error(`could not list ${sysfsRoot} (${messageOf(error)}): ${NO_SYSFS_ADVICE}`, { cause: error });
  }
  return entries
    .filter((entry) => entry.startsWith('gpiochip'))
    .map((entry) => {
      const dir = path.join(sysfsRoot, entry);
      return {
        dir,
        base: readNumber(path.join(dir, 'base')),
        ngpio: readNumber(path.join(dir, 'ngpio')),
        label: fs.readFileSync(path.join(dir, 'label'), 'utf8').trim(),
      };
    });
}

function readNumber(file: string): number {
  const text = fs.readFileSync(file, 'utf8').trim();
  const value = Number(text);
  if (text === '' || !Number.isInteger(value)) {
    throw new Error(`${file} holds "${text}", not a whole number`);
  }
  return value;
}

function loadGpio(): GpioConstructor {
  return (require('onoff') as { Gpio: GpioConstructor }).Gpio;
}

function openAdvice(error: unknown): string {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  if (code === 'EACCES' || code === 'EPERM') {
    return 'run as root or add the user to the gpio group (sudo usermod -aG gpio $USER, then log in again)';
  }
  if (code === 'EBUSY') {
    return 'another program or a device-tree overlay already uses this pin: free it or choose another --button-pin';
  }
  return 'check --button-pin, and that the user may write to the export file (root or the gpio group)';
}
