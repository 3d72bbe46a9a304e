import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  encodeFrame,
  encodeLeds,
  openSpiStrip,
  SPI_HZ,
  type SpiModule,
  type SpiTransfer,
} from '../../hardware/spi-strip';

// One WS2812 byte as SPI bytes: 0x00 is 100×8, 0xff is 110×8, 0x80 is 110 then 100×7.
const BYTE_00 = [0x92, 0x49, 0x24];
const BYTE_FF = [0xdb, 0x6d, 0xb6];
const BYTE_80 = [0xd2, 0x49, 0x24];
const RESET = new Array<number>(90).fill(0);

interface FakeSpi {
  module: SpiModule;
  opened: { bus: number; device: number; options: unknown }[];
  transfers: SpiTransfer[][];
  closed: number;
}

function fakeSpi(failures: { open?: NodeJS.ErrnoException; transfer?: string } = {}): FakeSpi {
  const fake: FakeSpi = {
    opened: [],
    transfers: [],
    closed: 0,
    module: {
      MODE0: 0,
      openSync(bus, device, options) {
        if (failures.open) throw failures.open;
        fake.opened.push({ bus, device, options });
        return {
          transferSync(message) {
            if (failures.transfer) throw new Error(failures.transfer);
            fake.transfers.push(message);
          },
          closeSync: () => (fake.closed += 1),
        };
      },
    },
  };
  return fake;
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}, openSync`), { code });
}

const OPTIONS = { leds: 2, ledPin: 10, brightness: 255 };
const noBufsizFile = path.join(os.tmpdir(), 'no-such-bufsiz');

describe('WS2812 frames for SPI', () => {
  it('sends green, red, blue, three SPI bits a bit, between two 300 µs lows', () => {
    expect([...encodeFrame(0xff0000, 1, 255)]).toEqual([...RESET, ...BYTE_00, ...BYTE_FF, ...BYTE_00, ...RESET]);
    expect([...encodeFrame(0x0000ff, 1, 255)]).toEqual([...RESET, ...BYTE_00, ...BYTE_00, ...BYTE_FF, ...RESET]);
  });

  it('repeats the LED for the length of the strip', () => {
    const led = [...BYTE_FF, ...BYTE_00, ...BYTE_00];
    expect([...encodeFrame(0x00ff00, 3, 255)]).toEqual([...RESET, ...led, ...led, ...led, ...RESET]);
  });

  it('gives each LED its own colour for a strip of several boxes, the LEDs past them dark', () => {
    const red = [...BYTE_00, ...BYTE_FF, ...BYTE_00];
    const blue = [...BYTE_00, ...BYTE_00, ...BYTE_FF];
    const dark = [...BYTE_00, ...BYTE_00, ...BYTE_00];
    expect([...encodeLeds([0xff0000, 0x0000ff], 3, 255)]).toEqual([...RESET, ...red, ...blue, ...dark, ...RESET]);
    expect(encodeLeds([0x00ff00, 0x00ff00], 2, 128)).toEqual(encodeFrame(0x00ff00, 2, 128));
  });

  it('scales every channel by the brightness', () => {
    expect([...encodeFrame(0xffffff, 1, 128)]).toEqual([...RESET, ...BYTE_80, ...BYTE_80, ...BYTE_80, ...RESET]);
    expect([...encodeFrame(0xffffff, 1, 0)]).toEqual([...RESET, ...BYTE_00, ...BYTE_00, ...BYTE_00, ...RESET]);
  });
});

describe('SPI strip', () => {
  it('opens /dev/spidev0.0 in mode 0 at 2.4 MHz and sends one frame per colour', () => {
    const fake = fakeSpi();
    const strip = openSpiStrip(OPTIONS, { loadSpi: () => fake.module, bufsizFile: noBufsizFile });
    strip.show('#ff0000');
    expect(fake.opened).toEqual([{ bus: 0, device: 0, options: { mode: 0, maxSpeedHz: SPI_HZ } }]);
    expect(fake.transfers).toEqual([
      [{ byteLength: 90 + 2 * 9 + 90, sendBuffer: encodeFrame(0xff0000, 2, 255), speedHz: SPI_HZ }],
    ]);
  });

  it('sends one frame a colour per LED, and it again at a new brightness', () => {
    const fake = fakeSpi();
    const strip = openSpiStrip(OPTIONS, { loadSpi: () => fake.module, bufsizFile: noBufsizFile });
    strip.showLeds?.(['#ff0000', '#0000ff']);
    strip.setBrightness?.(128);
    expect(fake.transfers.map(([transfer]) => transfer.sendBuffer)).toEqual([
      encodeLeds([0xff0000, 0x0000ff], 2, 255),
      encodeLeds([0xff0000, 0x0000ff], 2, 128),
    ]);
  });

  it('sends a dark frame and closes the device once on close', () => {
    const fake = fakeSpi();
    const strip = openSpiStrip(OPTIONS, { loadSpi: () => fake.module, bufsizFile: noBufsizFile });
    strip.show('#00ff00');
    strip.close();
    strip.close();
    expect(fake.transfers.map(([transfer]) => transfer.sendBuffer)).toEqual([
      encodeFrame(0x00ff00, 2, 255),
      encodeFrame(0, 2, 255),
    ]);
    expect(fake.closed).toBe(1);
  });

  it('never throws from show, and keeps the first failure', () => {
    const strip = openSpiStrip(OPTIONS, {
      loadSpi: () => fakeSpi({ transfer: 'EIO' }).module,
      bufsizFile: noBufsizFile,
    });
    expect(() => strip.show('#ff0000')).not.toThrow();
    expect(strip.failure?.message).toBe('EIO');
  });

  it('says to turn SPI on when the device does not exist', () => {
    const fake = fakeSpi({ open: errno('ENOENT') });
    expect(() => openSpiStrip(OPTIONS, { loadSpi: () => fake.module, bufsizFile: noBufsizFile })).toThrow(
      /^\/dev\/spidev0\.0 could not be opened for the LED strip on GPIO 10: it does not exist, so SPI is off: turn it on with `sudo raspi-config nonint do_spi 0`/,
    );
  });

  it('names the spi group when the device may not be opened', () => {
    const fake = fakeSpi({ open: errno('EACCES') });
    expect(() => openSpiStrip(OPTIONS, { loadSpi: () => fake.module, bufsizFile: noBufsizFile })).toThrow(
      /may not open it: add its user to the spi group/,
    );
  });

  it('says how to install a module that does not load', () => {
    const load = (): SpiModule => {
      throw new Error("Cannot find module 'spi-device'");
    };
    expect(() => openSpiStrip(OPTIONS, { loadSpi: load, bufsizFile: noBufsizFile })).toThrow(
      /^spi-device could not be loaded \(Cannot find module 'spi-device'\): its native part is not built for this Node\.js: .*--allow-scripts of docs\/pi-setup\.md/,
    );
  });

  it('refuses a strip longer than spidev sends at once, before opening anything, and says the fix', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bufsiz-'));
    try {
      const bufsizFile = path.join(dir, 'bufsiz');
      fs.writeFileSync(bufsizFile, '4096\n');
      const load = jest.fn(() => fakeSpi().module);
      expect(() => openSpiStrip({ ...OPTIONS, leds: 500 }, { loadSpi: load, bufsizFile })).toThrow(
        `500 LEDs take 4680 bytes per SPI transfer, more than the 4096 of spidev's buffer (${bufsizFile}): ` +
          'add spidev.bufsiz=4680 to /boot/firmware/cmdline.txt (/boot/cmdline.txt before Bookworm) and reboot, or use fewer LEDs',
      );
      expect(load).not.toHaveBeenCalled();
      fs.writeFileSync(bufsizFile, '8192\n');
      expect(() =>
        openSpiStrip({ ...OPTIONS, leds: 500 }, { loadSpi: () => fakeSpi().module, bufsizFile }),
      ).not.toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('drives GPIO 10 only', () => {
    expect(() => openSpiStrip({ ...OPTIONS, ledPin: 18 }, { loadSpi: () => fakeSpi().module })).toThrow(
      'the SPI strip driver drives GPIO 10 (MOSI) only, got --led-pin 18',
    );
  });
});
