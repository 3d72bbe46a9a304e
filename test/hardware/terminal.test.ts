import { PassThrough, Writable } from 'node:stream';
import { openTerminalHardware } from '../../hardware/terminal';
import { formatAgo } from '../../common/durations';
import { levelWords, renderBlocks, rowsTaken, visibleText } from '../../hardware/terminal-text';
import type { Hardware } from '../../hardware/types';
import { HOUR, MINUTE } from '../support/time';

const NOW = 1_700_000_000_000;

function open(): { hw: Hardware; input: PassThrough; output: () => string } {
  const input = Object.assign(new PassThrough(), { isTTY: false });
  let written = '';
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      written += String(chunk);
      callback();
    },
  });
  const hw = openTerminalHardware({
    input: input as unknown as NodeJS.ReadStream,
    output: output as unknown as NodeJS.WriteStream,
    leds: 3,
    now: () => NOW,
  });
  return { hw, input, output: () => written };
}

/**
 * What a terminal shows after `output`: the lines on screen, the cursor's last. It reads what the
 * drawing writes: text, \r, \n, cursor up (ESC[nA), erase below (ESC[J); colours and the cursor's
 * visibility change nothing here.
 */
function screen(output: string): string[] {
  const rows = [''];
  let [row, col] = [0, 0];
  // eslint-disable-next-line no-control-regex -- escape sequences are what it reads
  for (const [token, up, command] of output.matchAll(/\x1b\[\??([\d;]*)([A-Za-z])|\r|\n|[^\x1b\r\n]+/g)) {
    if (token === '\r') col = 0;
    else if (token === '\n') {
      row += 1;
      col = 0;
      rows[row] ??= '';
    } else if (command === 'A') row = Math.max(0, row - Number(up || 1));
    else if (command === 'J') {
      rows[row] = rows[row].slice(0, col);
      rows.length = row + 1;
    } else if (command === undefined) {
      rows[row] = rows[row].slice(0, col).padEnd(col) + token + rows[row].slice(col + token.length);
      col += token.length;
    }
  }
  return rows;
}

// Data events are delivered on a later tick.
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('terminal hardware', () => {
  let opened: ReturnType<typeof open>;
  beforeEach(() => {
    opened = open();
  });
  afterEach(() => opened.hw.close());

  it('says a whole press for each space or Enter, and a whole hold for h (a terminal sees no key come up)', async () => {
    const onAction = jest.fn();
    const onQuit = jest.fn();
    opened.hw.button.watch(onAction);
    opened.hw.onQuit(onQuit);
    opened.input.write('  ');
    opened.input.write('\r');
    opened.input.write('hH');
    await settle();
    expect(onAction.mock.calls).toEqual([['press'], ['press'], ['press'], ['hold'], ['hold']]);
    expect(onQuit).not.toHaveBeenCalled();
  });

  it('stops calling a press listener once unwatched', async () => {
    const onPress = jest.fn();
    const unwatch = opened.hw.button.watch(onPress);
    unwatch();
    opened.input.write(' ');
    await settle();
    expect(onPress).not.toHaveBeenCalled();
  });

  it('calls the quit listeners on q, Q and Ctrl-C but not on escape sequences', async () => {
    const onQuit = jest.fn();
    opened.hw.onQuit(onQuit);
    opened.input.write('\x1bOQ');
    await settle();
    expect(onQuit).not.toHaveBeenCalled();
    opened.input.write('q');
    opened.input.write('Q');
    opened.input.write('\u0003');
    await settle();
    expect(onQuit).toHaveBeenCalledTimes(3);
  });

  it('draws the strip colour as a 24-bit background', () => {
    opened.hw.strip.show('#ff3c00');
    expect(opened.output()).toContain('\x1b[48;2;255;133;0m  \x1b[48;2;255;133;0m  \x1b[48;2;255;133;0m  \x1b[0m');
  });

  it('writes log lines above the drawing and redraws it at the bottom', () => {
    opened.hw.describe({ level: 'fresh', lastCleaned: NOW - 5 * MINUTE });
    opened.hw.logStream.write('first\nsecond\n');
    const out = opened.output();
    const logAt = out.lastIndexOf('first\nsecond\n');
    // The two-line drawing is erased from its top row before the log text.
    const erase = '\r\x1b[1A\x1b[J';
    expect(out.slice(logAt - erase.length, logAt)).toBe(erase);
    expect(visibleText(out.slice(logAt))).toBe(
      'first\nsecond\n[][][]  fresh · last cleaned 5 min ago\nspace = cleaned now · h = hold (add a node) · q = quit',
    );
  });

  it('ends a log write without a newline on a line of its own', () => {
    opened.hw.logStream.write('partial');
    expect(visibleText(opened.output())).toContain('partial\n[][][]');
  });

  it('draws each LED in its own colour for a strip of several boxes, the LEDs past them dark', () => {
    opened.hw.strip.showLeds?.(['#ff0000', '#0000ff']);
    const grey = '\x1b[38;2;90;90;90m[]';
    expect(opened.output()).toContain(`\x1b[48;2;255;0;0m  \x1b[48;2;0;0;255m  ${grey}\x1b[0m  `);
  });

  it('shows dark once more when the strip closes, and ignores shows after that', () => {
    opened.hw.strip.show('#ff0000');
    opened.hw.strip.close();
    opened.hw.strip.close();
    opened.hw.strip.show('#00ff00');
    const out = opened.output();
    const grey = '\x1b[38;2;90;90;90m[]';
    expect(
      out.endsWith(
        `${grey}${grey}${grey}\x1b[0m  not known yet — press space when you clean the box · never recorded\n` +
          '\x1b[2mspace = cleaned now · h = hold (add a node) · q = quit\x1b[0m',
      ),
    ).toBe(true);
    expect(out).not.toContain('48;2;0;255;0');
  });

  it('closes twice safely, stops reading keys, and takes its drawing away: the log stays, the prompt follows it', async () => {
    const onPress = jest.fn();
    opened.hw.button.watch(onPress);
    opened.hw.logStream.write('first\n');
    opened.hw.strip.show('#ff0000');
    opened.hw.logStream.write('second\n');
    expect(screen(opened.output())).toEqual([
      'first',
      'second',
      expect.stringContaining('never recorded'),
      'space = cleaned now · h = hold (add a node) · q = quit',
    ]);
    opened.hw.close();
    opened.hw.close();
    opened.input.write(' ');
    opened.hw.describe({ level: 'now', lastCleaned: NOW });
    opened.hw.logStream.write('stopped\n');
    await settle();
    expect(onPress).not.toHaveBeenCalled();
    // No last frame and no key line above the prompt: the log, and the cursor on the line after it.
    expect(screen(opened.output())).toEqual(['first', 'second', 'stopped', '']);
    expect(opened.input.isPaused()).toBe(true);
  });
});

describe('terminal text', () => {
  it('says how long ago the box was cleaned', () => {
    expect(formatAgo(0)).toBe('cleaned just now');
    expect(formatAgo(-5000)).toBe('cleaned just now');
    expect(formatAgo(59_999)).toBe('cleaned just now');
    expect(formatAgo(14 * MINUTE)).toBe('last cleaned 14 min ago');
    expect(formatAgo(2 * HOUR + 14 * MINUTE)).toBe('last cleaned 2 h 14 min ago');
    expect(formatAgo(3 * 24 * HOUR + 2 * HOUR + 59 * MINUTE)).toBe('last cleaned 3 d 2 h ago');
    expect(formatAgo(null)).toBe('never recorded');
  });

  it('words each level', () => {
    expect(levelWords('unknown')).toBe('not known yet — press space when you clean the box');
    expect(levelWords('soon')).toBe('due soon');
    expect(levelWords('now')).toBe('due now');
    expect(levelWords('overdue')).toBe('overdue!');
  });

  it('renders one block per LED, outlined when dark', () => {
    expect(renderBlocks('#000000', 2)).toBe('\x1b[38;2;90;90;90m[]\x1b[38;2;90;90;90m[]\x1b[0m');
    // As a screen must show it to look like the LEDs: #0a0b0c of an LED is #383b3d on a screen.
    expect(renderBlocks('#0a0b0c', 1)).toBe('\x1b[48;2;56;59;61m  \x1b[0m');
  });

  it('counts the rows a wrapped line takes', () => {
    expect(rowsTaken(renderBlocks('#ff0000', 40), 80)).toBe(1);
    expect(rowsTaken(renderBlocks('#ff0000', 41), 80)).toBe(2);
    expect(rowsTaken('', 80)).toBe(1);
    expect(rowsTaken('x'.repeat(500), undefined)).toBe(1);
  });
});
