import type { Colour } from '../common/colour';
import type { Level } from '../common/levels';

export type { Colour } from '../common/colour';
export { DARK } from '../common/colour';

/** Everything the node needs of an LED strip. Implementations must never throw from `show`. */
export interface StripDriver {
  /** Light every LED in one colour (`#000000` turns the strip dark). */
  show(colour: Colour): void;
  /**
   * Light each LED in its own colour, from the strip's start (a strip that shows several boxes,
   * machines/strip-segments.ts); LEDs past the list go dark. Drivers without it show one box only.
   */
  showLeds?(colours: readonly Colour[]): void;
  /** Turn every LED off and release the device. Safe to call more than once. */
  close(): void;
  /** A new brightness (0–255, a configuration reloaded), shown at once; drivers without one ignore it. */
  setBrightness?(brightness: number): void;
  /** What stopped a real strip (it shows nothing more after it), for the node to log. */
  readonly failure?: Error | null;
}

/**
 * What a button says. A pin says `down` and `up` (debounced), and the node times the press:
 * a short one records a cleaning when it ends, one held for 3 s invites a node into the
 * household (machines/node/button-machine.ts). A keyboard sees no key go up, so it says a
 * whole `press` or `hold` at once.
 */
export type ButtonAction = 'down' | 'up' | 'press' | 'hold';

/** Everything the node needs of a push button. */
export interface ButtonDriver {
  /**
   * Calls `onAction` for each (debounced) change of the button until the returned function
   * is called. A driver that stops working while watched (its helper process ended, say)
   * calls `onFailure` once, and nothing comes after it.
   */
  watch(onAction: (action: ButtonAction) => void, onFailure?: (error: Error) => void): () => void;
}

/** What the strip means, for drivers that can show more than colour (the terminal). */
export interface StripStatus {
  level: Level;
  /** Milliseconds since the Unix epoch, or null when the time is unknown. */
  lastCleaned: number | null;
}

/** The devices one node runs with, chosen by `--hardware`. */
export interface Hardware {
  kind: 'rpi' | 'terminal' | 'sim';
  strip: StripDriver;
  button: ButtonDriver;
  /** Where log lines go, so that they do not garble a terminal drawing. */
  logStream: NodeJS.WritableStream;
  /** Called when the person at the device asks to quit (`q` in the terminal). */
  onQuit(listener: () => void): void;
  /** Drivers that can describe the level in words get each change here. */
  describe(status: StripStatus): void;
  /** Releases input devices (stdin, GPIO); the strip is released by `strip.close()`. */
  close(): void;
}

/** Hardware with no keyboard and no words to show: quitting, describing and closing do nothing unless given. */
export function plainHardware(
  parts: Pick<Hardware, 'kind' | 'strip' | 'button' | 'logStream'> & Partial<Pick<Hardware, 'close'>>,
): Hardware {
  return { onQuit: () => undefined, describe: () => undefined, close: () => undefined, ...parts };
}
