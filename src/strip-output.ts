import type { Logger } from 'pino';
import { DARK, type Colour, type StripDriver } from '../hardware/types';

/**
 * The strip as the rest of the program sees it: forwards only real changes to the
 * driver and writes the `led` record for each one, which scripts and tests read.
 */
export class StripOutput {
  private shown: Colour | null = null;
  private closed = false;

  constructor(
    private readonly driver: StripDriver,
    private readonly log: Logger,
  ) {}

  show(colour: Colour): void {
    if (this.closed || colour === this.shown) return;
    this.shown = colour;
    this.log.info({ event: 'led', color: colour }, `strip shows ${colour}`);
    this.driver.show(colour);
  }

  /** Ends dark whatever happened before; safe to call again (a second signal calls it too). */
  close(): void {
    if (this.closed) return;
    this.show(DARK);
    this.closed = true;
    this.driver.close();
  }
}
