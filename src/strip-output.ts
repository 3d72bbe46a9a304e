import type { Logger } from 'pino';
import { DARK, type Colour, type StripDriver } from '../hardware/types';

/**
 * The strip as the rest of the program sees it: forwards only real changes to the
 * driver and writes the `led` record for each one, which scripts and tests read.
 * A strip that stops working is logged once, as an error: the `led` records go on
 * (they say what the node means to show), so they alone would hide it.
 */
export class StripOutput {
  private shown: Colour | null = null;
  private closed = false;
  private failureLogged = false;

  constructor(
    private readonly driver: StripDriver,
    private readonly log: Logger,
  ) {}

  show(colour: Colour): void {
    if (this.closed || colour === this.shown) return;
    this.shown = colour;
    this.log.info({ event: 'led', color: colour }, `strip shows ${colour}`);
    this.driver.show(colour);
    this.logFailure('the node runs on without it (the led records go on, the strip shows nothing until a restart)');
  }

  /** A new brightness (a configuration reloaded): the strip shows its colour so at once. */
  setBrightness(brightness: number): void {
    if (!this.closed) this.driver.setBrightness?.(brightness);
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
