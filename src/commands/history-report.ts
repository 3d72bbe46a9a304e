import { formatDuration } from '../../common/durations';
import { SOURCE_WORDS, type Cleaning } from '../../common/history';
import { LEVEL_NAMES, type LevelThresholds } from '../../common/levels';
import { levelAt } from '../../machines/reminder/levels';
import { formatLocal } from '../time/local-time';
import { levelTable } from './level-table';

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
  return levelTable(header, rows, colour);
}
