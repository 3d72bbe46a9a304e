/*
 * The names a household gives its boxes and its people: what a valid one is, and the default
 * box every cleaning belongs to unless it says otherwise. Shared by the configuration, the
 * history's JSON and the page.
 */

/**
 * The household's default box: the one original nodes, and every cleaning recorded before
 * there were boxes, belong to. A cleaning of it carries no `box` (common/history.ts).
 */
export const DEFAULT_BOX = 'litter box';

/** The box a cleaning (or a withdrawal) belongs to. */
export const boxOf = (item: { box?: string }): string => item.box ?? DEFAULT_BOX;

/**
 * How a box is written into a cleaning or a withdrawal: nothing for the default box (however
 * it came: absent, or named), so that one cleaning has one spelling.
 */
export const boxField = (box: string | undefined): { box?: string } =>
  box === undefined || box === DEFAULT_BOX ? {} : { box };

export const MOST_NAME_LENGTH = 32;
/** People a household names at most: the page offers each as a button after "Cleaned now". */
export const MOST_PEOPLE = 12;

/**
 * Letters (of any script, with their accents), digits, spaces and `-`: a box's name goes into
 * MQTT topics, Home Assistant's ids and the page as it is, so nothing that means something
 * there (`/`, `+`, `#`, quotes, control characters).
 */
const BOX_NAME = /^[\p{L}\p{M}0-9 -]+$/u;
/** A person's name may also hold `'` and `.` (O'Brien, J. Smith): it is only shown, never a topic. */
const PERSON_NAME = /^[\p{L}\p{M}0-9 '.-]+$/u;

/** What is wrong with a name, or null: its length, its characters, spaces that would make two names look alike. */
function nameProblem(value: string, what: string, allowed: RegExp, characters: string): string | null {
  const quoted = JSON.stringify(value);
  const length = [...value].length;
  if (length < 1 || length > MOST_NAME_LENGTH) {
    return `${what} ${quoted} is ${length} characters long: expected 1 to ${MOST_NAME_LENGTH}`;
  }
  if (!allowed.test(value)) return `${what} ${quoted} holds a character other than ${characters}`;
  if (value.trim() !== value || value.includes('  ')) {
    return `${what} ${quoted} begins or ends with a space, or holds two in a row`;
  }
  return null;
}

/** What is wrong with a box's name (1–32 letters, digits, spaces, `-`), with the value; null when it is fine. */
export const boxNameProblem = (value: string): string | null =>
  nameProblem(value, 'the box name', BOX_NAME, 'letters, digits, space and -');

/** What is wrong with a person's name (1–32 letters, digits, spaces, `-`, `'`, `.`); null when it is fine. */
export const personNameProblem = (value: string): string | null =>
  nameProblem(value, 'the name', PERSON_NAME, "letters, digits, space, -, ' and .");

/**
 * What is wrong with a list of names (`boxes:` or `people:`): a bad name, or one given twice.
 * Names that differ only in case count as one: "Anna" and "anna" would be one person on the
 * page and two in the figures.
 */
function listProblem(values: readonly string[], most: number, what: string, problem: (value: string) => string | null) {
  if (values.length > most) return `${values.length} ${what} are named: at most ${most} may be`;
  const seen = new Set<string>();
  for (const value of values) {
    const bad = problem(value);
    if (bad) return bad;
    const key = value.toLowerCase();
    if (seen.has(key)) return `${JSON.stringify(value)} is named twice among the ${what}`;
    seen.add(key);
  }
  return null;
}

/** What is wrong with `people: [...]`, or null. */
export const peopleProblem = (values: readonly string[]): string | null =>
  listProblem(values, MOST_PEOPLE, 'people', personNameProblem);

/** Boxes one strip shows at most: each gets one LED at the least (machines/strip-segments.ts). */
export const MOST_BOXES_SHOWN = 8;

/** What is wrong with `boxes: [...]`, or null: one box at least. */
export const boxesProblem = (values: readonly string[]): string | null =>
  values.length === 0
    ? 'boxes: names no box: name one at least'
    : listProblem(values, MOST_BOXES_SHOWN, 'boxes', boxNameProblem);
