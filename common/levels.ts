import type { Colour } from './colour';

/** How long ago the box was cleaned, in the words every part of the program uses. */
export const LEVELS = ['unknown', 'fresh', 'settled', 'soon', 'now', 'overdue'] as const;

export type Level = (typeof LEVELS)[number];

/** The original program's colours, as the LEDs are driven (a screen shows them through `displayColour`). */
export const LEVEL_COLOURS: Readonly<Record<Level, Colour>> = {
  // Dim blue: distinct from every green, and not alarming before anyone has pressed the button.
  unknown: '#000014',
  fresh: '#003c00',
  settled: '#001400',
  soon: '#ff3c00',
  now: '#ff0000',
  // Blinks: this colour for half a second, then dark.
  overdue: '#ff0000',
};

/** Each level as a person reads it (the terminal and the page add what to do). */
export const LEVEL_NAMES: Readonly<Record<Level, string>> = {
  unknown: 'not known yet',
  fresh: 'fresh',
  settled: 'settled',
  soon: 'due soon',
  now: 'due now',
  overdue: 'overdue',
};

/** The age (ms) at which each level after `fresh` begins. */
export interface LevelThresholds {
  settled: number;
  soon: number;
  now: number;
  overdue: number;
}

/** The level a cleaning `ageMs` ago has reached. */
export function levelAfter(ageMs: number, thresholds: LevelThresholds): Exclude<Level, 'unknown'> {
  if (ageMs < thresholds.settled) return 'fresh';
  if (ageMs < thresholds.soon) return 'settled';
  if (ageMs < thresholds.now) return 'soon';
  if (ageMs < thresholds.overdue) return 'now';
  return 'overdue';
}

export const sameThresholds = (a: LevelThresholds, b: LevelThresholds): boolean =>
  a.settled === b.settled && a.soon === b.soon && a.now === b.now && a.overdue === b.overdue;
