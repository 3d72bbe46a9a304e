import { Writable } from 'node:stream';
import { KEYS_LINE, rowsTaken, statusLine } from './terminal-text';
import { DARK, type ButtonAction, type Colour, type Hardware, type StripStatus } from './types';

export interface TerminalOptions {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  leds: number;
  now?: () => number;
}

const REFRESH_MS = 15_000;
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const CTRL_C = '\u0003';

/** The strip drawn at the bottom of a terminal, with the keyboard as its button. */
export function openTerminalHardware(options: TerminalOptions): Hardware {
  const { input, output, leds } = options;
  const now = options.now ?? Date.now;
  const buttonListeners = new Set<(action: ButtonAction) => void>();
  const quitListeners: (() => void)[] = [];
  // One colour per LED: one box lights them all alike, several boxes each their run.
  let colours: readonly Colour[] = new Array<Colour>(leds).fill(DARK);
  let status: StripStatus = { level: 'unknown', lastCleaned: null };
  // Rows the drawing takes on screen, so the next draw can climb back over it.
  let drawnRows = 0;
  let stripClosed = false;
  let closed = false;

  function blockLines(): string[] {
    return [statusLine(colours, status, now()), KEYS_LINE];
  }

  /** Moves to the top of the drawing and erases it and everything below. */
  function erase(): string {
    if (drawnRows === 0) return '';
    const up = drawnRows > 1 ? `\x1b[${drawnRows - 1}A` : '';
    drawnRows = 0;
    return `\r${up}\x1b[J`;
  }

  /** Draws the block, leaving the cursor at its end, so that `erase` finds it again. */
  function draw(): string {
    const lines = blockLines();
    drawnRows = lines.reduce((rows, line) => rows + rowsTaken(line, output.columns), 0);
    return lines.join('\n');
  }

  function write(text: string): void {
    // The strip must never throw, even once the terminal has gone away.
    if (output.writable) output.write(text);
  }

  function redraw(): void {
    if (!closed) write(erase() + draw());
  }

  function onData(chunk: string | Buffer): void {
    const text = String(chunk);
    // Arrow and function keys arrive as one escape sequence per chunk; some contain a `Q`.
    if (text.startsWith('\x1b')) return;
    for (const key of text) {
      if (key === ' ' || key === '\r' || key === '\n') {
        for (const listener of [...buttonListeners]) listener('press');
      } else if (key === 'h' || key === 'H') {
        // A terminal never says when a key comes up: `h` is the whole 3 s hold.
        for (const listener of [...buttonListeners]) listener('hold');
      } else if (key === 'q' || key === 'Q' || key === CTRL_C) {
        for (const listener of [...quitListeners]) listener();
      }
    }
  }

  const logStream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      const text = String(chunk);
      const line = text.endsWith('\n') ? text : `${text}\n`;
      if (closed) write(line);
      else write(erase() + line + draw());
      callback();
    },
  });

  const refresh = setInterval(redraw, REFRESH_MS);
  refresh.unref();

  if (input.isTTY) input.setRawMode(true);
  input.setEncoding('utf8');
  input.on('data', onData);
  input.resume();

  const hidCursor = output.isTTY === true;
  if (hidCursor) write(HIDE_CURSOR);
  redraw();

  return {
    kind: 'terminal',
    strip: {
      show(next) {
        if (stripClosed) return;
        colours = new Array<Colour>(leds).fill(next);
        redraw();
      },
      showLeds(next) {
        if (stripClosed) return;
        colours = Array.from({ length: leds }, (_, i) => next[i] ?? DARK);
        redraw();
      },
      close() {
        if (stripClosed) return;
        colours = new Array<Colour>(leds).fill(DARK);
        redraw();
        stripClosed = true;
      },
    },
    button: {
      watch(onAction) {
        // A wrapper, so that watching twice with one function gives two independent subscriptions.
        const listener = (action: ButtonAction): void => onAction(action);
        buttonListeners.add(listener);
        return () => buttonListeners.delete(listener);
      },
    },
    logStream,
    onQuit(listener) {
      quitListeners.push(listener);
    },
    describe(next) {
      status = next;
      redraw();
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(refresh);
      input.off('data', onData);
      if (input.isTTY) input.setRawMode(false);
      input.pause();
      buttonListeners.clear();
      quitListeners.length = 0;
      // The drawing goes with the node: the log stays above, and the prompt comes where the strip was.
      write(erase() + (hidCursor ? SHOW_CURSOR : ''));
    },
  };
}
