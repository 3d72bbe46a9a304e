import type { Logger } from 'pino';
import { channels } from '../../common/colour';
import { DARK, type Colour, type StripDriver } from '../../hardware/types';

const RUNS_ON = 'the node runs on without it (the led records go on, the strip shows nothing until a restart)';

/** The blue of an invitation: while a node may join, every LED breathes in it (machines/household/invitation-machine.ts). */
export const INVITE_BLUE: Colour = '#0000ff';
/** One breath of the pulse: slow, so that it reads as "waiting", not as an alarm. */
const PULSE_PERIOD_MS = 2_000;
/** A new frame this often: ten a second make a smooth breath without keeping a small Pi busy. */
const PULSE_FRAME_MS = 100;

/**
 * `colour` at a point of the breath (`phase` 0–1): dim at its ends, full at its middle. LEDs
 * give linear light and eyes see it roughly squared, so the level is squared to look even.
 */
export function pulseFrame(colour: Colour, phase: number): Colour {
  const level = 0.04 + 0.96 * ((1 - Math.cos(2 * Math.PI * phase)) / 2) ** 2;
  const hex = channels(colour).map((value) =>
    Math.round(value * level)
      .toString(16)
      .padStart(2, '0'),
  );
  return `#${hex.join('')}`;
}

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
  /** The pulse's frames while it shows (an invitation), else null. */
  private pulsing: NodeJS.Timeout | null = null;
  /** Shows again what the display last asked for: the strip's state once a pulse ends. */
  private asked: (() => void) | null = null;

  constructor(
    private readonly driver: StripDriver,
    private readonly log: Logger,
    /** The brightness the driver was opened with, then the last one it was given. */
    private brightness: number | null = null,
  ) {}

  show(colour: Colour): void {
    this.asked = () => this.show(colour);
    if (this.closed || this.pulsing || colour === this.shown) return;
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
    this.asked = () => this.showBoxes(runs, leds);
    const shown = JSON.stringify(runs);
    if (this.closed || this.pulsing || runs.length === 0 || shown === this.shown) return;
    this.shown = shown;
    const text = runs.map((run) => `${run.box} ${run.color}`).join(', ');
    this.log.info({ event: 'led', color: runs[0].color, segments: runs }, `strip shows ${text}`);
    if (this.driver.showLeds) this.driver.showLeds(leds);
    else this.driver.show(runs[0].color);
    this.logFailure(RUNS_ON);
  }

  /**
   * Every LED breathes in `colour` (2 s a breath) until `endPulse`: what the display asks for
   * meanwhile is kept, and shown when the pulse ends. One `led` record says the pulse, with
   * `pulse` (its period in ms), not one a frame.
   */
  pulse(colour: Colour): void {
    if (this.closed || this.pulsing) return;
    this.shown = null;
    this.log.info(
      { event: 'led', color: colour, pulse: PULSE_PERIOD_MS },
      `strip pulses ${colour}, a breath every ${PULSE_PERIOD_MS / 1000} s`,
    );
    const started = Date.now();
    const frame = (): void => {
      this.driver.show(pulseFrame(colour, ((Date.now() - started) % PULSE_PERIOD_MS) / PULSE_PERIOD_MS));
      this.logFailure(RUNS_ON);
    };
    frame();
    this.pulsing = setInterval(frame, PULSE_FRAME_MS);
  }

  /** The pulse ends: the strip shows again what the display asked for last. */
  endPulse(): void {
    if (!this.pulsing) return;
    clearInterval(this.pulsing);
    this.pulsing = null;
    if (this.asked) this.asked();
    else this.show(DARK);
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
    if (this.pulsing) clearInterval(this.pulsing);
    this.pulsing = null;
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
