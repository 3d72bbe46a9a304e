import { formatDuration } from '../../common/durations';
import { SOURCE_WORDS, type Cleaning } from '../../common/history';
import { LEVEL_COLOURS, LEVEL_NAMES, type LevelThresholds } from '../../common/levels';
import { renderBlocks } from '../../hardware/terminal-text';
import { levelAt } from '../../machines/levels';
import { formatLocal } from '../local-time';

/**
 * The newest `limit` of the cleanings (oldest first, one more before them when there is
 * one), newest first: when, how long after the previous one, where, how. With `colour`,
 * each row begins with the colour the strip had reached when it was cleaned.
 */
export function historyTable(
  oldestFirst: readonly Cleaning[],
  limit: number,
  timeZone: string,
  colour: boolean,
  thresholds: LevelThresholds,
) {
  const header = ['WHEN', 'AFTER', 'LEVEL REACHED', 'WHERE', 'HOW'];
  const shown = oldestFirst.slice(-limit);
  const offset = oldestFirst.length - shown.length;
  const rows = shown.map((cleaning, i) => {
    const previous = oldestFirst[offset + i - 1] as Cleaning | undefined;
    const level = previous ? levelAt(previous.at, cleaning.at, thresholds) : null;
    return {
      level,
      cells: [
        formatLocal(cleaning.at, timeZone),
        previous ? formatDuration(cleaning.at - previous.at) : '–',
        level ? LEVEL_NAMES[level] : '–',
        cleaning.node ?? '–',
        SOURCE_WORDS[cleaning.source],
      ],
    };
  });
  rows.reverse();
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row.cells[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const noBlock = colour ? ' '.repeat(6) : '';
  return [
    `${noBlock}${line(header)}`,
    ...rows.map(
      (row) => `${colour && row.level ? `${renderBlocks(LEVEL_COLOURS[row.level], 2)}  ` : noBlock}${line(row.cells)}`,
    ),
  ].join('\n');
}
