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

/** One box of `GET /api/boxes` and the `boxes` event. A contract for scripts and the page (issue 25). */
export interface BoxJson {
  box: string;
  /** Its latest standing cleaning, RFC 3339; null while none is known. */
  lastCleaned: string | null;
  ageSeconds: number | null;
  /** By the levels of the node that answers. */
  level: Level;
  colour: string;
  /**
   * The nodes known to show it, the answering node first when it does: ours by their TXT
   * `boxes=`; an original node, or one of ours of an earlier version, shows the default box.
   */
  nodes: string[];
  /** Who cleaned, when said. */
  by: string | null;
  /** Until when (RFC 3339) its latest cleaning may be taken back here; null when it may not. */
  undoUntil: string | null;
  /** On the answering node's strip. */
  own: boolean;
}
