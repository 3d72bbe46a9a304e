import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { driverGamma, encodePioFrame, openPioStrip, type DeviceFiles } from '../../hardware/pio-strip';

// A regular file stands in for /dev/leds0: each frame is written whole at offset 0, so
// after each one the file holds exactly what the kernel driver would have been given.
describe('the Pi 5 strip through the ws2812-pio overlay', () => {
  let dir: string;
  let device: string;
  const options = (more: Partial<Parameters<typeof openPioStrip>[0]> = {}) => ({
    leds: 3,
    ledPin: 18,
    brightness: 255,
    device,
    ...more,
  });
  const written = () => [...fs.readFileSync(device)];
  /** `leds` pixels of red, green, blue, white, as the driver takes them. */
  const pixels = (red: number, green: number, blue: number, leds = 3) =>
    Array.from({ length: leds }, () => [red, green, blue, 0]).flat();

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pio-strip-'));
    device = path.join(dir, 'leds0');
    fs.writeFileSync(device, '');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes 4 bytes a LED in R, G, B, W order, and the value whose gamma is the colour', () => {
    const strip = openPioStrip(options());
    // The kernel's gamma table (255 × (v/255)^(1/0.45), rounded down) makes 60 of 133, 20 of 82, 255 of 255.
    for (const [colour, bytes] of [
      ['#003c00', pixels(0, 133, 0)], // fresh: light green
      ['#000014', pixels(0, 0, 82)], // unknown: dim blue
      ['#ff3c00', pixels(255, 133, 0)], // due soon: orange
      ['#ff0000', pixels(255, 0, 0)], // due now: red
      ['#0000ff', pixels(0, 0, 255)],
      ['#000000', pixels(0, 0, 0)],
    ] as const) {
      strip.show(colour);
      expect({ colour, bytes: written() }).toEqual({ colour, bytes });
    }
    expect(strip.failure).toBeNull();
  });

  it('writes each LED its own colour for a strip of several boxes, the LEDs past them dark', () => {
    const strip = openPioStrip(options());
    strip.showLeds?.(['#ff0000', '#0000ff']);
    expect(written()).toEqual([255, 0, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0]);
    expect(strip.failure).toBeNull();
  });

  it('leaves the LEDs the values of every other driver: the driver gamma of each byte is the colour', () => {
    for (const target of [0, 1, 2, 10, 20, 30, 60, 128, 200, 255]) {
      const [red] = encodePioFrame(target << 16, 1, 255);
      expect({ target, sent: driverGamma(red) }).toEqual({ target, sent: target });
    }
  });

  it('applies the brightness itself, before the gamma, and shows a new one at once', () => {
    const strip = openPioStrip(options({ brightness: 128 }));
    strip.show('#ff3c00');
    // 255 × 128/255 = 128 (written as 187), 60 × 128/255 ≈ 30 (written as 98).
    expect(written()).toEqual(pixels(187, 98, 0));
    strip.setBrightness?.(255);
    expect(written()).toEqual(pixels(255, 133, 0));
  });

  /** The real file calls, each write recorded: its bytes, length and position. */
  function recorded() {
    const files = {
      writes: [] as [number[], number, number][],
      closed: 0,
      openSync: fs.openSync,
      writeSync: (fd: number, bytes: Buffer, offset: number, length: number, position: number) => {
        files.writes.push([[...bytes], length, position]);
        return fs.writeSync(fd, bytes, offset, length, position);
      },
      closeSync: (fd: number) => {
        files.closed += 1;
        fs.closeSync(fd);
      },
    };
    return files;
  }

  it('sets the driver’s own brightness to full before the first frame, which then is dark', () => {
    const files = recorded();
    openPioStrip(options(), files as unknown as DeviceFiles);
    expect(files.writes).toEqual([
      [[255], 1, 0],
      [pixels(0, 0, 0), 12, 0],
    ]);
    expect(written()).toEqual(pixels(0, 0, 0));
  });

  it('goes dark and lets go of the device when closed', () => {
    const files = recorded();
    const strip = openPioStrip(options(), files as unknown as DeviceFiles);
    strip.show('#ff0000');
    strip.close();
    expect(written()).toEqual(pixels(0, 0, 0));
    expect(files.closed).toBe(1);
    strip.show('#ff0000');
    expect(written()).toEqual(pixels(0, 0, 0));
  });

  it('names the overlay line for config.txt when the device is missing, and makes no file there', () => {
    const missing = path.join(dir, 'leds1');
    expect(() => openPioStrip(options({ device: missing, leds: 30 }))).toThrow(
      `${missing} could not be opened for the LED strip: it does not exist. A Pi 5 drives the strip through the ` +
        'ws2812-pio overlay, which makes it: add "dtoverlay=ws2812-pio,gpio=18,num_leds=30" to ' +
        '/boot/firmware/config.txt and reboot (or wire the strip to GPIO 10 and run with --led-pin 10, through SPI)',
    );
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('says when the overlay has fewer LEDs than --leds (the driver refuses the frame)', () => {
    // The driver takes as many bytes as its buffer holds and fails the write with EFBIG.
    const files = recorded();
    const refusing = {
      ...files,
      writeSync: (fd: number, bytes: Buffer, offset: number, length: number, position: number) => {
        if (length > 10 * 4) throw Object.assign(new Error('EFBIG: file too large, write'), { code: 'EFBIG' });
        return files.writeSync(fd, bytes, offset, length, position);
      },
    } as unknown as DeviceFiles;
    expect(() => openPioStrip(options({ leds: 60, ledPin: 12 }), refusing)).toThrow(
      `${device} takes fewer than 60 LEDs (EFBIG): its overlay line sets num_leds; make it ` +
        '"dtoverlay=ws2812-pio,gpio=12,num_leds=60" in config.txt and reboot, or set --leds to the strip\'s length',
    );
    expect(files.closed).toBe(1);
  });
});
