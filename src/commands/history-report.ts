import { formatDuration } from '../../common/durations';
import { SOURCE_WORDS, type Cleaning } from '../../common/history';
import { LEVEL_NAMES, type LevelThresholds } from '../../common/levels';
import { levelAt } from '../../machines/reminder/levels';
import { formatLocal } from '../time/local-time';
import { levelTable } from './level-table';
import { printable } from './printable';

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

/** One person's figures as `/api/history/stats` gives them. */
export interface PersonFigures {
  name: string;
  cleanings30Days: number;
  share: number | null;
  /** RFC 3339, or null. */
  lastCleaned: string | null;
}

/**
 * Who cleaned in the last 30 days, one row a person (the household's names first), then whose
 * turn it is and how many cleanings name nobody; empty when nobody is named anywhere.
 */
export function peopleReport(
  people: readonly PersonFigures[],
  turn: string | null,
  unsaid30Days: number,
  timeZone: string,
): string {
  if (people.length === 0) return '';
  const rows = people.map((person) => ({
    level: null,
    cells: [
      person.name,
      String(person.cleanings30Days),
      person.share === null ? '–' : `${Math.round(person.share * 100)} %`,
      person.lastCleaned === null ? '–' : formatLocal(Date.parse(person.lastCleaned), timeZone),
    ],
  }));
  const table = levelTable(['WHO', '30 DAYS', 'SHARE', 'LAST CLEANED'], rows, false);
  const notes = [
    ...(turn === null ? [] : [`whose turn: ${printable(turn)}`]),
    `${unsaid30Days} cleaning${unsaid30Days === 1 ? '' : 's'} in 30 days name${unsaid30Days === 1 ? 's' : ''} nobody`,
  ];
  return `${table}\n${notes.join(' · ')}`;
}
