/** How a cleaning was recorded here: the button, the page, the CLI (`reset`), Home Assistant. */
export type CleaningSource = 'button' | 'web' | 'reset' | 'mqtt';

/** How a cleaning in the history was recorded; `network` when it only came over UDP (an original node, say). */
export type HistorySource = CleaningSource | 'network';

export const HISTORY_SOURCES: readonly HistorySource[] = ['button', 'web', 'reset', 'mqtt', 'network'];

/** One cleaning the household recorded: when (ms since the epoch, whole seconds), how, and where. */
export interface Cleaning {
  at: number;
  source: HistorySource;
  /** The instance name of the node where it was recorded; null when not known. */
  node: string | null;
}

/** A cleaning as the API, the file and the `history` command carry it: `at` in RFC 3339. */
export interface HistoryEntry {
  at: string;
  source: HistorySource;
  node: string | null;
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
