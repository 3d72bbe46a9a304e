import { channels, displayColour } from '../common/colour';
import { formatAgo } from '../common/durations';
import { LEVEL_NAMES, type Level } from '../common/levels';
import type { Colour, StripStatus } from './types';

const RESET = '\x1b[0m';
// Unlit LEDs as grey outlines: a black background would be invisible on most terminal themes.
const UNLIT_BLOCK = '\x1b[38;2;90;90;90m[]';

export const KEYS_LINE = '\x1b[2mspace = cleaned now · h = hold (add a node) · q = quit' + RESET;

/** The level as a person reads it at the strip. */
export function levelWords(level: Level): string {
  if (level === 'unknown') return `${LEVEL_NAMES.unknown} — press space when you clean the box`;
  return level === 'overdue' ? `${LEVEL_NAMES.overdue}!` : LEVEL_NAMES[level];
}

/** `leds` blocks, two columns each, in the strip's colour as a screen must show it to look like the LEDs. */
export function renderBlocks(colour: Colour, leds: number): string {
  return renderLeds(new Array<Colour>(leds).fill(colour));
}

/** One block per LED, each in its own colour (a strip that shows several boxes). */
export function renderLeds(colours: readonly Colour[]): string {
  const blockOf = (colour: Colour): string => {
    const rgb = channels(displayColour(colour));
    return rgb.every((c) => c === 0) ? UNLIT_BLOCK : `\x1b[48;2;${rgb.join(';')}m  `;
  };
  return colours.map(blockOf).join('') + RESET;
}

/** The line under the strip: a block per LED, level and age, as of `now`. */
export function statusLine(colours: readonly Colour[], status: StripStatus, now: number): string {
  const ago = formatAgo(status.lastCleaned === null ? null : now - status.lastCleaned);
  return `${renderLeds(colours)}  ${levelWords(status.level)} · ${ago}`;
}

/** `line` as it reads on screen: without its escape sequences (colours, cursor moves). */
export function visibleText(line: string): string {
  // eslint-disable-next-line no-control-regex -- an escape sequence starts with the ESC control character
  return line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/** Terminal rows `line` takes up once it wraps at `columns` (no wrapping when unknown). */
export function rowsTaken(line: string, columns: number | undefined): number {
  // Escape sequences take no room; every other character here is one column wide.
  const width = [...visibleText(line)].length;
  if (!columns || width === 0) return 1;
  return Math.ceil(width / columns);
}
