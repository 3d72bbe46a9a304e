import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openRpiHardware } from '../../hardware/rpi';
import { rpiAvailable } from '../../hardware/rpi-available';
import type { StripDriver } from '../../hardware/types';

const options = { leds: 10, ledPin: 18, brightness: 255, buttonPin: 5 };

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
      openStrip: fakeStrip,
      openButton: () => button,
    });
    expect(hardware.button).toBe(button);
    expect(buttonProblem).toBeNull();
  });

  it('opens the button through libgpiod where sysfs GPIO fails', () => {
    const button = { watch: () => () => undefined };
    const { hardware, buttonProblem } = openRpiHardware(options, process.stdout, {
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
      openSpiStrip: fakeStrip,
      openButton,
    });
    expect(buttonProblem).toBe(
      'GPIO 9 belongs to SPI0 (GPIO 7–11), which drives the strip on GPIO 10: ' +
        'wire the button to another pin (GPIO 5, say) and set --button-pin to it',
    );
    expect(openButton).not.toHaveBeenCalled();
  });
});

describe('Raspberry Pi availability', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpi-model-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const model = (text: string) => {
    const file = path.join(dir, `model-${text.length}`);
    fs.writeFileSync(file, text);
    return file;
  };
  const installed = () => '/node_modules/rpi-ws281x-native/index.js';
  const missing = (): string => {
    throw new Error('Cannot find module');
  };

  it('is available on a Pi with the strip package installed', () => {
    expect(rpiAvailable(18, model('Raspberry Pi 4 Model B Rev 1.5\0'), installed)).toEqual({ ok: true });
  });

  it('asks for the package of the driver the data pin needs: SPI for GPIO 10', () => {
    const pi = model('Raspberry Pi 5 Model B Rev 1.0\0');
    const asked: string[] = [];
    const only = (name: string) => (
      asked.push(name),
      name === 'spi-device' ? '/node_modules/spi-device/index.js' : missing()
    );
    expect(rpiAvailable(10, pi, only)).toEqual({ ok: true });
    expect(rpiAvailable(18, pi, only)).toEqual({ ok: false, reason: 'the rpi-ws281x-native package is not installed' });
    expect(asked).toEqual(['spi-device', 'rpi-ws281x-native']);
  });

  it('says why not on another board, on a laptop, or without the package', () => {
    const other = model('Pine64 RockPro64\0');
    expect(rpiAvailable(18, other, installed)).toEqual({
      ok: false,
      reason: `${other} names "Pine64 RockPro64", not a Raspberry Pi`,
    });
    const none = path.join(dir, 'no-such-file');
    expect(rpiAvailable(18, none, missing)).toEqual({
      ok: false,
      reason: `${none} is missing, so this is not a Raspberry Pi; the rpi-ws281x-native package is not installed`,
    });
  });
});
