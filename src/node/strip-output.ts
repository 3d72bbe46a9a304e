import type { Logger } from 'pino';
import { DARK, type Colour, type StripDriver } from '../../hardware/types';

const RUNS_ON = 'the node runs on without it (the led records go on, the strip shows nothing until a restart)';

/**
 * The strip as the rest of the program sees it: forwards only real changes to the
 * driver and writes the `led` record for each one, which scripts and tests read.
 * A strip that stops working is logged once, as an error: the `led` records go on
 * (they say what the node means to show), so they alone would hide it.
 */
/** One box's run of a strip that shows several, as its `led` record names it. */
export interface BoxRun {
  box: string;
  color: Colour;
}

export class StripOutput {
  /** What is shown: one colour, or (several boxes) the runs as their record says them. */
  private shown: string | null = null;
  private closed = false;
  private failureLogged = false;

  constructor(
    private readonly driver: StripDriver,
    private readonly log: Logger,
    /** The brightness the driver was opened with, then the last one it was given. */
    private brightness: number | null = null,
  ) {}

  show(colour: Colour): void {
    if (this.closed || colour === this.shown) return;
    this.shown = colour;
    this.log.info({ event: 'led', color: colour }, `strip shows ${colour}`);
    this.driver.show(colour);
    this.logFailure(RUNS_ON);
  }

  /**
   * Several boxes, each its run (machines/strip-segments.ts): `runs` in strip order, `leds` the
   * colour of each LED. The `led` record keeps `color`, the first box's (the node's own), for
   * whoever reads only that, and adds `segments`. A driver that shows one colour only shows
   * the first box's.
   */
  showBoxes(runs: readonly BoxRun[], leds: readonly Colour[]): void {
    const shown = JSON.stringify(runs);
    if (this.closed || runs.length === 0 || shown === this.shown) return;
    this.shown = shown;
    const text = runs.map((run) => `${run.box} ${run.color}`).join(', ');
    this.log.info({ event: 'led', color: runs[0].color, segments: runs }, `strip shows ${text}`);
    if (this.driver.showLeds) this.driver.showLeds(leds);
    else this.driver.show(runs[0].color);
    this.logFailure(RUNS_ON);
  }

  /** The brightness of a configuration reloaded: when it is new, the strip shows its colour so at once. */
  setBrightness(brightness: number): void {
    if (this.closed || brightness === this.brightness) return;
    this.brightness = brightness;
    this.driver.setBrightness?.(brightness);
  }

  /** Ends dark whatever happened before; safe to call again (a second signal calls it too). */
  close(): void {
    if (this.closed) return;
    this.show(DARK);
    this.closed = true;
    this.driver.close();
    this.logFailure('it may not have gone dark as the node stopped');
  }

  private logFailure(consequence: string): void {
    const failure = this.driver.failure;
    if (!failure || this.failureLogged) return;
    this.failureLogged = true;
    this.log.error(
      { event: 'strip.failed', err: failure },
      `the LED strip stopped working: ${failure.message}; ${consequence}`,
    );
  }
}
