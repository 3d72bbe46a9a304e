import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readBoard, type Board } from '../../hardware/board';
import { openRpiHardware } from '../../hardware/rpi';
import { rpiAvailable } from '../../hardware/rpi-available';
import type { StripDriver } from '../../hardware/types';

const options = { leds: 10, ledPin: 18, brightness: 255, buttonPin: 5, ledDevice: null };
const PI4: Board = { model: 'Raspberry Pi 4 Model B Rev 1.2', notAPi: null, rp1: false };
const PI5: Board = { model: 'Raspberry Pi 5 Model B Rev 1.0', notAPi: null, rp1: true };
// A Pi 4 without the overlay's device and without the GPIO character device, unless a test says otherwise.
const onPi4 = { board: PI4, exists: () => false, hasGpioChips: () => false };

function fakeStrip(): StripDriver & { closed: number } {
  return {
    failure: null,
    closed: 0,
    show: () => undefined,
    close() {
      this.closed += 1;
    },
  };
}

describe('Raspberry Pi hardware', () => {
  it('keeps the strip when the button cannot be opened either way, and says why', () => {
    const strip = fakeStrip();
    const { hardware, buttonProblem } = openRpiHardware(options, process.stdout, {
      ...onPi4,
      openStrip: () => strip,
      openButton: () => {
        throw new Error('this kernel has no sysfs GPIO');
      },
      openGpiodButton: () => {
        throw new Error('gpiomon is not installed');
      },
    });
    expect(hardware.kind).toBe('rpi');
    expect(hardware.strip).toBe(strip);
    expect(buttonProblem).toBe(
      'sysfs GPIO: this kernel has no sysfs GPIO; GPIO character device: gpiomon is not installed',
    );
    const stop = hardware.button.watch(() => {
      throw new Error('a missing button never presses');
    });
    stop();
    expect(strip.closed).toBe(0);
  });

  it('uses the button when it opens', () => {
    const button = { watch: () => () => undefined };
    const { hardware, buttonProblem } = openRpiHardware(options, process.stdout, {
      ...onPi4,
      openStrip: fakeStrip,
      openButton: () => button,
    });
    expect(hardware.button).toBe(button);
    expect(buttonProblem).toBeNull();
  });

  it('opens the button through libgpiod where sysfs GPIO fails', () => {
    const button = { watch: () => () => undefined };
    const { hardware, buttonProblem } = openRpiHardware(options, process.stdout, {
      ...onPi4,
      openStrip: fakeStrip,
      openButton: () => {
        throw new Error('this kernel has no sysfs GPIO');
      },
      openGpiodButton: () => button,
    });
    expect(hardware.button).toBe(button);
    expect(buttonProblem).toBeNull();
  });

  it('throws when the strip cannot be opened, without trying the button', () => {
    const openButton = jest.fn();
    expect(() =>
      openRpiHardware(options, process.stdout, {
        ...onPi4,
        openStrip: () => {
          throw new Error('the LED strip needs root');
        },
        openButton,
      }),
    ).toThrow('the LED strip needs root');
    expect(openButton).not.toHaveBeenCalled();
  });

  it('drives a strip on GPIO 10 through SPI, and one on another pin through rpi-ws281x-native', () => {
    const spiStrip = fakeStrip();
    const pwmStrip = fakeStrip();
    const openers = {
      ...onPi4,
      openStrip: () => pwmStrip,
      openSpiStrip: () => spiStrip,
      openButton: () => ({ watch: () => () => undefined }),
    };
    expect(openRpiHardware({ ...options, ledPin: 10 }, process.stdout, openers).hardware.strip).toBe(spiStrip);
    expect(openRpiHardware({ ...options, ledPin: 18 }, process.stdout, openers).hardware.strip).toBe(pwmStrip);
  });

  it('runs without a button wired to a pin of SPI0 when SPI drives the strip, and says so', () => {
    const openButton = jest.fn();
    const { buttonProblem } = openRpiHardware({ ...options, ledPin: 10, buttonPin: 9 }, process.stdout, {
      ...onPi4,
      openSpiStrip: fakeStrip,
      openButton,
    });
    expect(buttonProblem).toBe(
      'GPIO 9 belongs to SPI0 (GPIO 7–11), which drives the strip on GPIO 10: ' +
        'wire the button to another pin (GPIO 5, say) and set --button-pin to it',
    );
    expect(openButton).not.toHaveBeenCalled();
  });

  it('refuses a machine that is not a Raspberry Pi, saying so, before opening anything', () => {
    const openStrip = jest.fn();
    const openButton = jest.fn();
    const pc: Board = {
      model: '',
      notAPi: '/proc/device-tree/model is missing, so this is not a Raspberry Pi',
      rp1: false,
    };
    expect(() => openRpiHardware(options, process.stdout, { ...onPi4, board: pc, openStrip, openButton })).toThrow(
      '/proc/device-tree/model is missing, so this is not a Raspberry Pi: the rpi hardware drives the strip and ' +
        'button of a Raspberry Pi; use --hardware terminal or sim on this machine',
    );
    expect(openStrip).not.toHaveBeenCalled();
    expect(openButton).not.toHaveBeenCalled();
  });

  it('gives the PWM driver the board, for its advice', () => {
    const openStrip = jest.fn(fakeStrip);
    openRpiHardware(options, process.stdout, {
      ...onPi4,
      openStrip,
      openButton: () => ({ watch: () => () => undefined }),
    });
    expect(openStrip).toHaveBeenCalledWith({ ...options, model: PI4.model });
  });

  describe('the strip of a Pi 5 through the ws2812-pio overlay', () => {
    const pio = fakeStrip();
    const openers = (board: Board, devices: string[]) => ({
      board,
      exists: (file: string) => devices.includes(file),
      hasGpioChips: () => false,
      openPioStrip: jest.fn(() => pio),
      openSpiStrip: jest.fn(fakeStrip),
      openStrip: jest.fn(fakeStrip),
      openButton: () => ({ watch: () => () => undefined }),
    });

    it('drives /dev/leds0 where it exists, whatever the pin', () => {
      for (const ledPin of [18, 10]) {
        const given = openers(PI5, ['/dev/leds0']);
        expect(openRpiHardware({ ...options, ledPin }, process.stdout, given).hardware.strip).toBe(pio);
        expect(given.openPioStrip).toHaveBeenCalledWith({ ...options, ledPin, device: '/dev/leds0' });
      }
    });

    it('drives the device the configuration names, even where it is missing (opening it then says why)', () => {
      const given = openers(PI4, []);
      openRpiHardware({ ...options, ledDevice: '/dev/leds1' }, process.stdout, given);
      expect(given.openPioStrip).toHaveBeenCalledWith({ ...options, ledDevice: '/dev/leds1', device: '/dev/leds1' });
    });

    it('takes /dev/leds0 on a Pi 5 without it, unless the strip is on GPIO 10 (SPI): no PWM there', () => {
      const pin18 = openers(PI5, []);
      openRpiHardware(options, process.stdout, pin18);
      expect(pin18.openPioStrip).toHaveBeenCalledWith({ ...options, device: '/dev/leds0' });
      expect(pin18.openStrip).not.toHaveBeenCalled();
      const pin10 = openers(PI5, []);
      openRpiHardware({ ...options, ledPin: 10 }, process.stdout, pin10);
      expect(pin10.openSpiStrip).toHaveBeenCalled();
      expect(pin10.openPioStrip).not.toHaveBeenCalled();
    });

    it('keeps a button on GPIO 7–11 when the overlay, not SPI, drives the strip', () => {
      const { buttonProblem } = openRpiHardware(
        { ...options, ledPin: 10, buttonPin: 9 },
        process.stdout,
        openers(PI5, ['/dev/leds0']),
      );
      expect(buttonProblem).toBeNull();
    });
  });

  describe('the button', () => {
    const button = { watch: () => () => undefined };
    const fails = (reason: string) => () => {
      throw new Error(reason);
    };

    it('is watched by gpiomon first where the GPIO character device exists, without touching sysfs', () => {
      const openButton = jest.fn();
      const { hardware } = openRpiHardware(options, process.stdout, {
        ...onPi4,
        hasGpioChips: () => true,
        openStrip: fakeStrip,
        openGpiodButton: () => button,
        openButton,
      });
      expect(hardware.button).toBe(button);
      expect(openButton).not.toHaveBeenCalled();
    });

    it('falls back to sysfs where gpiomon fails (not installed), and says both reasons when both fail', () => {
      const withChips = { ...onPi4, hasGpioChips: () => true, openStrip: fakeStrip };
      const gpiodFails = fails('gpiomon is not installed: install the libgpiod tools (`sudo apt install gpiod`)');
      expect(
        openRpiHardware(options, process.stdout, {
          ...withChips,
          openGpiodButton: gpiodFails,
          openButton: () => button,
        }).hardware.button,
      ).toBe(button);
      const { buttonProblem } = openRpiHardware(options, process.stdout, {
        ...withChips,
        openGpiodButton: gpiodFails,
        openButton: fails('no sysfs GPIO'),
      });
      expect(buttonProblem).toBe(
        'GPIO character device: gpiomon is not installed: install the libgpiod tools (`sudo apt install gpiod`); ' +
          'sysfs GPIO: no sysfs GPIO',
      );
    });
  });
});

describe('Raspberry Pi availability', () => {
  const installed = () => '/node_modules/rpi-ws281x-native/index.js';
  const missing = (): string => {
    throw new Error('Cannot find module');
  };
  const wiring = { ledPin: 18, ledDevice: null };
  const noDevice = () => false;

  it('is available on a Pi with the strip package installed', () => {
    expect(rpiAvailable(wiring, PI4, installed, noDevice)).toEqual({ ok: true });
  });

  it('asks for the package of the driver the data pin needs: SPI for GPIO 10', () => {
    const asked: string[] = [];
    const only = (name: string) => (
      asked.push(name),
      name === 'spi-device' ? '/node_modules/spi-device/index.js' : missing()
    );
    expect(rpiAvailable({ ...wiring, ledPin: 10 }, PI4, only, noDevice)).toEqual({ ok: true });
    expect(rpiAvailable(wiring, PI4, only, noDevice)).toEqual({
      ok: false,
      reason: 'the rpi-ws281x-native package is not installed',
    });
    expect(asked).toEqual(['spi-device', 'rpi-ws281x-native']);
  });

  it('needs no package for the overlay device of a Pi 5', () => {
    expect(rpiAvailable(wiring, PI5, missing, (file) => file === '/dev/leds0')).toEqual({ ok: true });
    // Missing: the Pi driver is still tried, so that its error names the overlay line.
    expect(rpiAvailable(wiring, PI5, missing, noDevice)).toEqual({ ok: true });
  });

  it('says why not on another board, on a laptop, or without the package', () => {
    const other: Board = {
      model: 'Pine64 RockPro64',
      notAPi: 'M names "Pine64 RockPro64", not a Raspberry Pi',
      rp1: false,
    };
    expect(rpiAvailable(wiring, other, installed, noDevice)).toEqual({ ok: false, reason: other.notAPi });
    const none: Board = { model: '', notAPi: 'M is missing, so this is not a Raspberry Pi', rp1: false };
    expect(rpiAvailable(wiring, none, missing, noDevice)).toEqual({
      ok: false,
      reason: 'M is missing, so this is not a Raspberry Pi; the rpi-ws281x-native package is not installed',
    });
  });
});

describe('the board', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpi-board-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const files = (model: string | null, compatible: string | null) => {
    const at = fs.mkdtempSync(path.join(dir, 'tree-'));
    if (model !== null) fs.writeFileSync(path.join(at, 'model'), model);
    if (compatible !== null) fs.writeFileSync(path.join(at, 'compatible'), compatible);
    return { model: path.join(at, 'model'), compatible: path.join(at, 'compatible') };
  };

  it('is a Pi by its device-tree model, and a Pi 5 (RP1) by the bcm2712 in its compatible strings', () => {
    expect(readBoard(files('Raspberry Pi 5 Model B Rev 1.0\0', 'raspberrypi,5-model-b\0brcm,bcm2712\0'))).toEqual(PI5);
    expect(readBoard(files('Raspberry Pi 4 Model B Rev 1.2\0', 'raspberrypi,4-model-b\0brcm,bcm2711\0'))).toEqual(PI4);
  });

  it('says why it is not a Pi: another board, or no device tree at all (a PC)', () => {
    const other = files('Pine64 RockPro64\0', 'pine64,rockpro64\0rockchip,rk3399\0');
    expect(readBoard(other)).toEqual({
      model: 'Pine64 RockPro64',
      notAPi: `${other.model} names "Pine64 RockPro64", not a Raspberry Pi`,
      rp1: false,
    });
    const pc = files(null, null);
    expect(readBoard(pc)).toEqual({
      model: '',
      notAPi: `${pc.model} is missing, so this is not a Raspberry Pi`,
      rp1: false,
    });
  });
});
