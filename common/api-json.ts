import type { Level } from './levels.js';

/*
 * The JSON the node's API answers with: contracts for scripts, and for the page's script,
 * which reads them in the browser.
 */

/** `GET /api/state`: this node, as its strip shows it. A contract for scripts and the page. */
export interface StateJson {
  name: string;
  /** RFC 3339, or null while unknown. */
  lastCleaned: string | null;
  ageSeconds: number | null;
  level: Level;
  /** The level's `#rrggbb` as the LEDs are driven (steady red while overdue). */
  colour: string;
  quiet: boolean;
}

/** One node of `GET /api/household` (the objects of `status --json`). A contract for scripts and the page. */
export interface HouseholdEntry {
  name: string;
  address: string;
  port: number;
  lastCleaned: string | null;
  ageSeconds: number | null;
  level: Level | 'unreachable';
  /**
   * A node whose levels differ from the asker's (the page's node, or the machine that ran
   * `status`), as `--levels` takes them. Its level is by its own.
   */
  levels?: string;
}

/**
 * One box of `GET /api/boxes` (and of the page's `boxes` event): every box of the household,
 * the node's own first. A contract for scripts and the page.
 */
export interface BoxJson {
  /** Its name; `litter box` for the household's default box. */
  box: string;
  /** RFC 3339, or null while unknown. */
  lastCleaned: string | null;
  ageSeconds: number | null;
  level: Level;
  /** The level's `#rrggbb` as its strip segment is driven (steady red while overdue). */
  colour: string;
  /** The names of the household's nodes that show it, this node first. */
  nodes: string[];
  /** Who cleaned, when it was said; null otherwise. */
  by: string | null;
  /** RFC 3339: until when its last cleaning may be taken back ("Undo"); null when it may not. */
  undoUntil: string | null;
}
