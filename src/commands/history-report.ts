import { formatDuration } from '../../common/durations';
import { boxOf } from '../../common/boxes';
import { SOURCE_WORDS, type Cleaning, type Withdrawal } from '../../common/history';
import { keyOf } from '../../machines/history/history-set';
import { LEVEL_NAMES, type LevelThresholds } from '../../common/levels';
import { levelAt } from '../../machines/reminder/levels';
import { formatLocal } from '../time/local-time';
import { levelTable } from './level-table';
import { printable } from './printable';

/** The latest cleaning before `index` of the same box that was not withdrawn. */
function standingBefore(
  oldestFirst: readonly Cleaning[],
  index: number,
  withdrawn: ReadonlyMap<string, Withdrawal>,
): Cleaning | undefined {
  const box = boxOf(oldestFirst[index]);
  for (let i = index - 1; i >= 0; i -= 1) {
    const other = oldestFirst[i];
    if (boxOf(other) === box && !withdrawn.has(keyOf(other))) return other;
  }
  return undefined;
}

/**
 * The newest `limit` of the cleanings (oldest first, one more before them when there is
 * one), newest first: when, how long after the box's previous cleaning that stands, where,
 * how. With `colour`, each row begins with the colour the strip had reached when it was
 * cleaned. A withdrawn cleaning (undo) is listed, says when and where it was taken back, and is
 * measured from nothing and to nothing. BOX is shown when the rows hold more than one box, WHO
 * when any says who cleaned.
 */
export function historyTable(
  oldestFirst: readonly Cleaning[],
  limit: number,
  timeZone: string,
  colour: boolean,
  thresholds: LevelThresholds,
  withdrawals: readonly Withdrawal[] = [],
) {
  const withdrawn = new Map(withdrawals.map((withdrawal) => [keyOf(withdrawal), withdrawal]));
  const shown = oldestFirst.slice(-limit);
  const offset = oldestFirst.length - shown.length;
  const boxes = new Set(shown.map(boxOf)).size > 1;
  const names = shown.some((cleaning) => cleaning.by !== undefined);
  const rows = shown.map((cleaning, i) => {
    const taken = withdrawn.get(keyOf(cleaning));
    const previous = taken ? undefined : standingBefore(oldestFirst, offset + i, withdrawn);
    const level = previous ? levelAt(previous.at, cleaning.at, thresholds) : null;
    const how = SOURCE_WORDS[cleaning.source];
    return {
      level,
      cells: [
        formatLocal(cleaning.at, timeZone),
        taken ? 'taken back' : previous ? formatDuration(cleaning.at - previous.at) : '–',
        level ? LEVEL_NAMES[level] : '–',
        cleaning.node ?? '–',
        taken ? `${how}, taken back ${formatLocal(taken.when, timeZone)} on ${printable(taken.node)}` : how,
        ...(boxes ? [boxOf(cleaning)] : []),
        ...(names ? [cleaning.by ?? '–'] : []),
      ],
    };
  });
  rows.reverse();
  const header = [
    'WHEN',
    'AFTER',
    'LEVEL REACHED',
    'WHERE',
    'HOW',
    ...(boxes ? ['BOX'] : []),
    ...(names ? ['WHO'] : []),
  ];
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
