/** How a cleaning was recorded here: the button, the page, the CLI (`reset`), Home Assistant. */
export type CleaningSource = 'button' | 'web' | 'reset' | 'mqtt';

/** How a cleaning in the history was recorded; `network` when it only came over UDP (an original node, say). */
export type HistorySource = CleaningSource | 'network';

export const HISTORY_SOURCES: readonly HistorySource[] = ['button', 'web', 'reset', 'mqtt', 'network'];

/**
 * One cleaning the household recorded: when (ms since the epoch, whole seconds), how, and where.
 * A cleaning is one box's: two boxes cleaned in the same second are two cleanings, one box's two
 * descriptions of a second are one.
 */
export interface Cleaning {
  at: number;
  source: HistorySource;
  /** The instance name of the node where it was recorded; null when not known. */
  node: string | null;
  /**
   * The box cleaned; absent for the household's default box (`litter box`, common/boxes.ts),
   * as every cleaning recorded before there were boxes. Never the default box's name: one
   * cleaning has one spelling, so that the digests of two nodes that hold it agree.
   */
  box?: string;
  /** Who cleaned, as the household names them; absent when nobody said. Only on a cleaning whose node is known. */
  by?: string;
}

/**
 * A cleaning taken back (a mistaken press): which one (its box and time), when it was taken
 * back and where. Withdrawals are kept like cleanings, and never let go: the cleaning stays in
 * the history, marked withdrawn, and is neither a box's time nor counted (machines/withdrawals.ts).
 */
export interface Withdrawal {
  /** The withdrawn cleaning's time and box (absent: the default box). */
  at: number;
  box?: string;
  /** When it was withdrawn, by the clock of the node where it was (ms, whole seconds). */
  when: number;
  /** The instance name of the node where it was withdrawn. */
  node: string;
}

/** A cleaning as the API, the file and the `history` command carry it: `at` in RFC 3339. */
export interface HistoryEntry {
  at: string;
  source: HistorySource;
  node: string | null;
  /** Absent for the default box, so that an older node still reads the line. */
  box?: string;
  by?: string;
  /**
   * Taken back: when and where (RFC 3339, the node). Only in what the page, `history` and a
   * plain `GET /api/history` show, never in the file or the exchange (a withdrawal is a line
   * of its own there).
   */
  withdrawn?: { when: string; node: string };
}

/**
 * A withdrawal as the file, the API (with `format=2`) and the exchange carry it. Its first key,
 * `withdrawn`, is what tells it from a cleaning; an older node finds no `at` and no `source` in
 * it and refuses it as no cleaning (docs/boxes.md).
 */
export interface WithdrawalEntry {
  /** The withdrawn cleaning's time, RFC 3339. */
  withdrawn: string;
  box?: string;
  /** When it was withdrawn, RFC 3339. */
  when: string;
  node: string;
}

/** `GET /api/history/stats`. Hours with one decimal; null where there is nothing to measure. */
export interface HistoryStats {
  cleanings7Days: number;
  cleanings30Days: number;
  /** Between the cleanings of the last 30 days (each with the one before it). */
  medianIntervalHours: number | null;
  longestIntervalHours: number | null;
  /** Time the litter box spent overdue within the last 30 days, up to now. */
  overdueHours30Days: number;
}

/** How a source reads in a list: `button`, `page`, `reset`, `Home Assistant`, `network`. */
export const SOURCE_WORDS: Readonly<Record<HistorySource, string>> = {
  button: 'button',
  web: 'page',
  reset: 'reset',
  mqtt: 'Home Assistant',
  network: 'network',
};
