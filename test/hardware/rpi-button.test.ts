import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openRpiButton, sysfsGpioNumber, type GpioConstructor, type GpioPin } from '../../hardware/rpi-button';

type Callback = Parameters<GpioPin['watch']>[0];

interface FakeGpio {
  Gpio: GpioConstructor;
  opened: unknown[][];
  callbacks: Callback[];
  unwatched: Callback[];
  unexported: number;
}

function fakeGpio(openError?: NodeJS.ErrnoException): FakeGpio {
  const state = { opened: [] as unknown[][], callbacks: [] as Callback[], unwatched: [] as Callback[], unexported: 0 };
  class Gpio implements GpioPin {
    constructor(...args: ConstructorParameters<GpioConstructor>) {
      if (openError) throw openError;
      state.opened.push(args);
    }
    watch(callback: Callback): void {
      state.callbacks.push(callback);
    }
    unwatch(callback?: Callback): void {
      if (callback) state.unwatched.push(callback);
      state.callbacks = state.callbacks.filter((c) => c !== callback);
    }
    unexport(): void {
      state.unexported += 1;
    }
  }
  return Object.assign(state, { Gpio });
}

let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sysfs-gpio-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function addChip(base: number, ngpio: number, label: string): void {
  const dir = path.join(root, `gpiochip${base}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'base'), `${base}\n`);
  fs.writeFileSync(path.join(dir, 'ngpio'), `${ngpio}\n`);
  fs.writeFileSync(path.join(dir, 'label'), `${label}\n`);
}

describe('sysfs GPIO numbers', () => {
  it.each([
    [
      'adds the base 512 of a Pi 4 on a 6.6 kernel: BCM 5 is 517',
      [
        [512, 58, 'pinctrl-bcm2711'],
        [570, 8, 'raspberrypi-exp-gpio'],
      ],
      5,
      517,
    ],
    [
      'keeps BCM numbers on older kernels with base 0',
      [
        [0, 54, 'pinctrl-bcm2835'],
        [504, 8, 'raspberrypi-exp-gpio'],
      ],
      5,
      5,
    ],
    [
      'prefers the RP1 controller of a Pi 5 over a lower-numbered chip',
      [
        [512, 32, 'gpio-brcmstb@107d508500'],
        [571, 54, 'pinctrl-rp1'],
      ],
      17,
      588,
    ],
    [
      'falls back to the lowest chip with at least 28 GPIOs when no label is known',
      [
        [400, 8, 'some-expander'],
        [600, 54, 'unknown-b'],
        [500, 54, 'unknown-a'],
      ],
      5,
      505,
    ],
  ] as const)('%s', (_, chips, bcm, sysfs) => {
    for (const [base, ngpio, label] of chips) addChip(base, ngpio, label);
    expect(sysfsGpioNumber(bcm, root)).toBe(sysfs);
  });

  it('names the pin and the chip when the pin is out of range', () => {
    addChip(512, 58, 'pinctrl-bcm2711');
    expect(() => sysfsGpioNumber(58, root)).toThrow(
      `GPIO 58 is not a pin of pinctrl-bcm2711 (${path.join(root, 'gpiochip512')} has BCM 0–57)`,
    );
  });
});

describe('Raspberry Pi button', () => {
  it('opens the offset pin falling-edge, debounced and not inverted', () => {
    addChip(512, 58, 'pinctrl-bcm2711');
    const fake = fakeGpio();
    openRpiButton({ buttonPin: 5 }, { loadGpio: () => fake.Gpio, sysfsRoot: root });
    openRpiButton({ buttonPin: 6, debounceMs: 20 }, { loadGpio: () => fake.Gpio, sysfsRoot: root });
    expect(fake.opened).toEqual([
      [517, 'in', 'both', { debounceTimeout: 50, activeLow: false }],
      [518, 'in', 'both', { debounceTimeout: 20, activeLow: false }],
    ]);
  });

  it('passes each edge on, 0 as down and 1 as up, and stop unwatches and unexports', () => {
    addChip(0, 54, 'pinctrl-bcm2835');
    const fake = fakeGpio();
    const button = openRpiButton({ buttonPin: 5 }, { loadGpio: () => fake.Gpio, sysfsRoot: root });
    const onAction = jest.fn();
    const stop = button.watch(onAction);
    expect(fake.callbacks).toHaveLength(1);
    const [callback] = fake.callbacks;
    callback(null, 0);
    callback(null, 1);
    callback(new Error('EBADF: bad file descriptor, read'), 0);
    expect(onAction.mock.calls).toEqual([['down'], ['up']]);

    stop();
    stop();
    expect(fake.unwatched).toEqual([callback]);
    expect(fake.callbacks).toEqual([]);
    expect(fake.unexported).toBe(1);
  });

  it('keeps the pin exported until the last watcher stops', () => {
    addChip(0, 54, 'pinctrl-bcm2835');
    const fake = fakeGpio();
    const button = openRpiButton({ buttonPin: 5 }, { loadGpio: () => fake.Gpio, sysfsRoot: root });
    const stopFirst = button.watch(() => undefined);
    const stopSecond = button.watch(() => undefined);
    stopFirst();
    expect(fake.unexported).toBe(0);
    stopSecond();
    expect(fake.unexported).toBe(1);
  });

  it('says what to do when sysfs GPIO does not exist', () => {
    const missing = path.join(root, 'no-such-dir');
    const load = jest.fn(() => fakeGpio().Gpio);
    expect(() => openRpiButton({ buttonPin: 5 }, { loadGpio: load, sysfsRoot: missing })).toThrow(
      `the button on GPIO 5 needs ${missing}, which does not exist: this kernel has no sysfs GPIO ` +
        '(Raspberry Pi OS based on Debian 13 dropped it), which the onoff button driver needs',
    );
    expect(load).not.toHaveBeenCalled();
  });

  it('says what to do when the pin may not be opened', () => {
    addChip(512, 58, 'pinctrl-bcm2711');
    const denied = Object.assign(new Error("EACCES: permission denied, open '/sys/class/gpio/export'"), {
      code: 'EACCES',
    });
    const fake = fakeGpio(denied);
    expect(() => openRpiButton({ buttonPin: 5 }, { loadGpio: () => fake.Gpio, sysfsRoot: root })).toThrow(
      `the button on GPIO 5 (sysfs GPIO 517 under ${root}) could not be opened: ` +
        "EACCES: permission denied, open '/sys/class/gpio/export'; " +
        'run as root or add the user to the gpio group (sudo usermod -aG gpio $USER, then log in again)',
    );
  });
});
