import { openRpiStrip, type Ws281xModule, type Ws281xOptions } from '../../hardware/rpi-strip';

interface FakeWs281x {
  module: Ws281xModule;
  opened: { numLeds: number; options: Ws281xOptions }[];
  /** The LED values at each render. */
  renders: number[][];
  /** Calls to render, including those that failed. */
  renderCalls: number;
  finalized: number;
}

function fakeWs281x(failures: { init?: string; render?: string } = {}): FakeWs281x {
  let array = new Uint32Array(0);
  const fake: FakeWs281x = {
    opened: [],
    renders: [],
    renderCalls: 0,
    finalized: 0,
    module: Object.assign(
      (numLeds: number, options: Ws281xOptions) => {
        if (failures.init) throw new Error(failures.init);
        fake.opened.push({ numLeds, options });
        array = new Uint32Array(numLeds);
        return { array, brightness: options.brightness ?? 255 };
      },
      {
        render: () => {
          fake.renderCalls += 1;
          if (failures.render) throw new Error(failures.render);
          fake.renders.push([...array]);
        },
        finalize: () => {
          fake.finalized += 1;
        },
      },
    ),
  };
  return fake;
}

const OPTIONS = { leds: 3, ledPin: 18, brightness: 128 };

function asUid(uid: number): void {
  jest.spyOn(process, 'getuid').mockReturnValue(uid);
}

describe('Raspberry Pi strip', () => {
  afterEach(() => jest.restoreAllMocks());

  it('opens GPIO ledPin with DMA 10, stripType ws2812 and the brightness', () => {
    asUid(0);
    const fake = fakeWs281x();
    openRpiStrip({ leds: 5, ledPin: 12, brightness: 40 }, { loadWs281x: () => fake.module });
    expect(fake.opened).toEqual([{ numLeds: 5, options: { stripType: 'ws2812', gpio: 12, brightness: 40, dma: 10 } }]);
  });

  it('puts the colour as 0xRRGGBB into every LED and renders', () => {
    asUid(0);
    const fake = fakeWs281x();
    const strip = openRpiStrip(OPTIONS, { loadWs281x: () => fake.module });
    strip.show('#ff8000');
    strip.show('#0a0B0c');
    expect(fake.renders).toEqual([
      [0xff8000, 0xff8000, 0xff8000],
      [0x0a0b0c, 0x0a0b0c, 0x0a0b0c],
    ]);
    expect(strip.failure).toBeNull();
  });

  it('puts each LED its own colour for a strip of several boxes, the LEDs past them dark', () => {
    asUid(0);
    const fake = fakeWs281x();
    const strip = openRpiStrip(OPTIONS, { loadWs281x: () => fake.module });
    strip.show('#ffffff');
    strip.showLeds?.(['#ff8000', '#0000ff']);
    strip.showLeds?.(['#010203', '#010203', '#010203', '#ffffff']);
    expect(fake.renders.slice(1)).toEqual([
      [0xff8000, 0x0000ff, 0],
      [0x010203, 0x010203, 0x010203],
    ]);
    expect(strip.failure).toBeNull();
  });

  it('renders dark and finalizes once on close, even when closed twice', () => {
    asUid(0);
    const fake = fakeWs281x();
    const strip = openRpiStrip(OPTIONS, { loadWs281x: () => fake.module });
    strip.show('#00ff00');
    strip.close();
    strip.close();
    expect(fake.renders).toEqual([
      [0x00ff00, 0x00ff00, 0x00ff00],
      [0, 0, 0],
    ]);
    expect(fake.finalized).toBe(1);
    strip.show('#ffffff');
    expect(fake.renders).toHaveLength(2);
  });

  it('refuses to open without root, before loading the module', () => {
    asUid(1000);
    const load = jest.fn(() => fakeWs281x().module);
    expect(() => openRpiStrip(OPTIONS, { loadWs281x: load })).toThrow(
      'the LED strip needs root for DMA and /dev/mem, but this process runs as uid 1000: ' +
        'run it as root or through the systemd service',
    );
    expect(load).not.toHaveBeenCalled();
  });

  it('explains an unsupported board when init fails, naming the board and those the library predates', () => {
    asUid(0);
    const fake = fakeWs281x({ init: 'Hardware revision is not supported' });
    const model = 'Raspberry Pi 3 Model B Plus Rev 1.4';
    expect(() => openRpiStrip({ ...OPTIONS, model }, { loadWs281x: () => fake.module })).toThrow(
      'the LED strip on GPIO 18 (3 LEDs, DMA 10) did not start: Hardware revision is not supported; the C library ' +
        `bundled with rpi-ws281x-native 1.0.4 does not know this board, ${model}: it predates the Pi Zero 2 W, ` +
        'the Pi 4 rev 1.5, the Pi 3B+ rev 1.4, the Pi 3A+ rev 1.1 and the Pi 5. Wire the data line to GPIO 10 and ' +
        'run with --led-pin 10 (the SPI driver, which needs no root and knows every board)',
    );
  });

  it('explains a module that does not load', () => {
    asUid(0);
    const load = (): Ws281xModule => {
      throw new Error("Cannot find module 'rpi-ws281x-native'");
    };
    expect(() => openRpiStrip(OPTIONS, { loadWs281x: load })).toThrow(
      /^rpi-ws281x-native could not be loaded \(Cannot find module 'rpi-ws281x-native'\): its native part is not built for this Node\.js: .*--allow-scripts of docs\/pi-setup\.md/,
    );
  });

  it('rejects a strip of no LEDs, naming the value', () => {
    asUid(0);
    expect(() => openRpiStrip({ ...OPTIONS, leds: 0 }, { loadWs281x: () => fakeWs281x().module })).toThrow(
      'the leds option must be a whole number of at least 1, got 0',
    );
  });

  it('never throws from show, keeps the first failure and stops rendering', () => {
    asUid(0);
    const fake = fakeWs281x({ render: 'DMA error' });
    const strip = openRpiStrip(OPTIONS, { loadWs281x: () => fake.module });
    expect(() => strip.show('#ff0000')).not.toThrow();
    expect(() => strip.show('#00ff00')).not.toThrow();
    expect(strip.failure?.message).toBe('DMA error');
    expect(fake.renderCalls).toBe(1);
    expect(() => strip.close()).not.toThrow();
    // close still tries to turn the LEDs off.
    expect(fake.renderCalls).toBe(2);
    expect(fake.finalized).toBe(1);
  });

  it('records a colour that is not #rrggbb instead of throwing', () => {
    asUid(0);
    const fake = fakeWs281x();
    const strip = openRpiStrip(OPTIONS, { loadWs281x: () => fake.module });
    strip.show('#red');
    expect(fake.renders).toEqual([]);
    expect(strip.failure?.message).toBe('the strip was asked to show "#red", which is not a #rrggbb colour');
  });
});
