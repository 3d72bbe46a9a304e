import { boxesProblem, boxNameProblem, DEFAULT_BOX, peopleProblem } from '../../common/boxes';
import { UNDO_WINDOW_MS } from '../../machines/history/boxes';
import { MOST_UNDO_WINDOW_MS } from '../../machines/history/withdrawals';
import { segmentsProblem } from '../../machines/reminder/strip-segments';
import { checkFlag, UsageError } from './command-line';
import { formatDurationKey, parseDuration } from './duration-setting';
import type { Setting } from './setting';

/**
 * The settings of issue 25's boxes and people (docs/boxes.md): the box a node stands by, the
 * boxes its strip shows, the household's names, and how long an undo is allowed. Rows of the
 * table in run-settings.ts; checked with common/boxes.ts, so a bad name exits 2 with the reason.
 */

const MINUTE = 60_000;

/** Throws the problem a check finds, for checkFlag to give with where it came from. */
const refuse = (problem: string | null): void => {
  if (problem) throw new Error(problem);
};

/** `A,B` from a flag, or a list's items from the file (a name holds no comma, so both split alike). */
const namesOf = (texts: readonly string[]): string[] =>
  texts.flatMap((text) => text.split(',')).map((name) => name.trim());

/** A list of names, checked whole: `problem` says what is wrong with the list (a name twice, too many). */
const names = (expected: string, problem: (values: readonly string[]) => string | null) => ({
  repeatable: true as const,
  read: (texts: readonly string[], label: string): string[] =>
    checkFlag(label, texts.join(','), expected, () => {
      const values = namesOf(texts);
      refuse(problem(values));
      return values;
    }),
});

function undoWindow(text: string): number {
  const ms = parseDuration(text);
  if (ms === null || ms < MINUTE || ms > MOST_UNDO_WINDOW_MS) throw new Error('not a duration from 1m to 60m');
  return ms;
}

export interface BoxSettings {
  /** The box this node stands by: the default box unless named. */
  box: string;
  /** The boxes its strip shows, its own first; null: its own box alone. */
  boxes: string[] | null;
  /** The household's names this node offers. */
  people: string[];
  /** How long after a cleaning it may be taken back, or told who did it, ms. */
  undoWindowMs: number;
}

export const BOX_SETTINGS = {
  box: {
    key: 'box',
    flag: 'box',
    placeholder: 'NAME',
    file: 'text',
    read: (texts: readonly string[], label: string): string =>
      checkFlag(label, texts[texts.length - 1], 'a box name: 1-32 letters, digits, spaces and -', (value) => {
        refuse(boxNameProblem(value));
        return value;
      }),
    fallback: DEFAULT_BOX,
    live: false,
    show: (value) => value,
    help: `the box this node stands by: its button and strip are that box's (default "${DEFAULT_BOX}", the box original nodes belong to)`,
  },
  boxes: {
    key: 'boxes',
    flag: 'boxes',
    placeholder: 'A,B',
    file: 'list',
    items: 'NAME',
    ...names('box names, such as upstairs,basement', boxesProblem),
    fallback: null,
    live: false,
    show: (value) => value,
    defaultNote: 'the box alone',
    help: 'the boxes the strip shows, in equal segments in this order; the first is the box the node stands by (default: --box alone)',
  },
  people: {
    key: 'people',
    flag: 'people',
    placeholder: 'A,B',
    file: 'list',
    items: 'NAME',
    ...names("people's names, such as Anna,Ben", peopleProblem),
    fallback: [],
    live: false,
    show: (value) => value,
    help: 'the household\'s names, offered after "Cleaned now" to say who cleaned (default: none)',
  },
  undoWindowMs: {
    key: 'undo.window',
    flag: 'undo-window',
    placeholder: 'DURATION',
    file: 'text',
    read: (texts: readonly string[], label: string): number =>
      checkFlag(label, texts[texts.length - 1], 'a duration from 1m to 60m, such as 10m', undoWindow),
    fallback: UNDO_WINDOW_MS,
    live: false,
    show: (value) => formatDurationKey(value),
    help: 'how long after a cleaning it may be taken back, or told who did it (default 10m, at most 60m)',
  },
} satisfies { [K in keyof BoxSettings]: Setting<BoxSettings[K]> };

/**
 * The boxes the strip shows, its own first, from `box` and `boxes` together: `boxes` alone
 * names the own box too (its first); both must agree on it. Throws a UsageError saying why not.
 */
export function shownBoxes(
  settings: BoxSettings & { leds: number },
  given: (name: 'box' | 'boxes' | 'leds') => string | null,
): { box: string; boxes: string[] } {
  const { box, boxes, leds } = settings;
  if (boxes === null) return { box, boxes: [box] };
  const boxGiven = given('box');
  if (boxGiven !== null && boxes[0] !== box) {
    throw new UsageError(
      `${boxGiven}: "${box}" is not the first of ${given('boxes') ?? 'boxes'} (${boxes.join(', ')}): ` +
        'the first box the strip shows is the one the node stands by; name it first, or leave box out',
    );
  }
  const problem = segmentsProblem(boxes, leds);
  if (problem) throw new UsageError(`${given('boxes') ?? 'boxes'}: ${problem} (${given('leds') ?? 'strip.leds'})`);
  return { box: boxes[0], boxes };
}
