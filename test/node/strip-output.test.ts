import type { StripDriver } from '../../hardware/types';
import { INVITE_BLUE, pulseFrame, StripOutput } from '../../src/node/strip-output';
import { capturingLogger } from '../support/capturing-logger';

/** A strip whose device fails at the `failAt`-th frame (1-based), or at close, as the guarded drivers report it. */
function failingStrip(failAt: number, failOnClose = false): StripDriver & { frames: string[] } {
  let failure: Error | null = null;
  const frames: string[] = [];
  return {
    frames,
    get failure() {
      return failure;
    },
    show(colour) {
      if (failure) return;
      if (frames.length + 1 === failAt) failure = new Error('DMA error');
      else frames.push(colour);
    },
    close() {
      if (failOnClose) failure ??= new Error('mailbox error');
    },
  };
}

describe('the strip output', () => {
  it('forwards only changes, with a led record each', () => {
    const { log, records } = capturingLogger();
    const strip = failingStrip(Infinity);
    const output = new StripOutput(strip, log);
    output.show('#003c00');
    output.show('#003c00');
    output.show('#ff0000');
    expect(strip.frames).toEqual(['#003c00', '#ff0000']);
    expect(records.map((r) => r.color)).toEqual(['#003c00', '#ff0000']);
  });

  it('shows several boxes each on its run, with a led record that names them and keeps the first box’s color', () => {
    const { log, records } = capturingLogger();
    const leds: string[][] = [];
    const strip = { ...failingStrip(Infinity), showLeds: (colours: readonly string[]) => leds.push([...colours]) };
    const output = new StripOutput(strip, log);
    const runs = [
      { box: 'upstairs', color: '#003c00' as const },
      { box: 'basement', color: '#ff0000' as const },
    ];
    output.showBoxes(runs, ['#003c00', '#ff0000']);
    output.showBoxes(runs, ['#003c00', '#ff0000']);
    expect(leds).toEqual([['#003c00', '#ff0000']]);
    expect(records).toMatchObject([{ event: 'led', color: '#003c00', segments: runs }]);
  });

  describe('the pulse of an invitation', () => {
    beforeEach(() => jest.useFakeTimers({ now: 0 }));
    afterEach(() => jest.useRealTimers());

    it('breathes blue on every LED with one led record, keeps what the display asks meanwhile, and shows it after', () => {
      const { log, records } = capturingLogger();
      const strip = failingStrip(Infinity);
      const output = new StripOutput(strip, log);
      output.show('#003c00');
      output.pulse(INVITE_BLUE);
      jest.advanceTimersByTime(1_000);
      // Ten frames a second, dim at the start of a breath and full blue at its middle.
      expect(strip.frames.slice(1)).toHaveLength(11);
      expect(strip.frames[1]).toBe(pulseFrame(INVITE_BLUE, 0));
      expect(strip.frames.at(-1)).toBe('#0000ff');
      output.show('#ff3c00');
      jest.advanceTimersByTime(1_000);
      expect(strip.frames).not.toContain('#ff3c00');
      output.endPulse();
      expect(strip.frames.at(-1)).toBe('#ff3c00');
      const frames = strip.frames.length;
      jest.advanceTimersByTime(1_000);
      expect(strip.frames).toHaveLength(frames);
      expect(records.map((r) => [r.color, r.pulse])).toEqual([
        ['#003c00', undefined],
        ['#0000ff', 2_000],
        ['#ff3c00', undefined],
      ]);
    });

    it('shows the levels again after a pulse even when they did not change meanwhile', () => {
      const { log } = capturingLogger();
      const strip = failingStrip(Infinity);
      const output = new StripOutput(strip, log);
      output.show('#003c00');
      output.pulse(INVITE_BLUE);
      jest.advanceTimersByTime(500);
      output.endPulse();
      expect(strip.frames.at(-1)).toBe('#003c00');
    });

    it('ends dark and stops its frames when the strip closes during a pulse', () => {
      const { log } = capturingLogger();
      const strip = failingStrip(Infinity);
      const output = new StripOutput(strip, log);
      output.pulse(INVITE_BLUE);
      output.close();
      expect(strip.frames.at(-1)).toBe('#000000');
      jest.advanceTimersByTime(1_000);
      expect(strip.frames.at(-1)).toBe('#000000');
      output.endPulse();
      expect(strip.frames.at(-1)).toBe('#000000');
    });
  });

  it('shows the first box alone on a driver that shows one colour', () => {
    const { log } = capturingLogger();
    const strip = failingStrip(Infinity);
    new StripOutput(strip, log).showBoxes([{ box: 'upstairs', color: '#ff0000' }], ['#ff0000', '#ff0000']);
    expect(strip.frames).toEqual(['#ff0000']);
  });

  it('logs a strip that stopped working once, as an error that names the cause', () => {
    const { log, records } = capturingLogger();
    const output = new StripOutput(failingStrip(2), log);
    output.show('#003c00');
    output.show('#ff0000');
    output.show('#000000');
    output.close();
    const failures = records.filter((r) => r.event === 'strip.failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ level: 50, err: { message: 'DMA error' } });
    expect(failures[0].msg).toMatch(/^the LED strip stopped working: DMA error; the node runs on without it/);
    expect(records.indexOf(failures[0])).toBe(2);
  });

  it('says that the strip may not have gone dark when closing it fails', () => {
    const { log, records } = capturingLogger();
    const output = new StripOutput(failingStrip(Infinity, true), log);
    output.show('#003c00');
    output.close();
    expect(records.filter((r) => r.event === 'strip.failed').map((r) => r.msg)).toEqual([
      'the LED strip stopped working: mailbox error; it may not have gone dark as the node stopped',
    ]);
  });

  it('logs nothing for a strip that works', () => {
    const { log, records } = capturingLogger();
    const output = new StripOutput(failingStrip(Infinity), log);
    output.show('#003c00');
    output.close();
    expect(records.filter((r) => r.level !== 30)).toEqual([]);
  });
});
