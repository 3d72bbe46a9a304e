import type { Colour } from '../../common/colour';
import { LEVEL_COLOURS, type Level, type LevelThresholds } from '../../common/levels';
import type { PeerView } from '../cluster/peer-view';

/** One box of the household as this node knows it: what the page, MQTT and `status` show of it. */
export interface BoxView {
  /** Its name; DEFAULT_BOX (`litter box`) for the default one. */
  box: string;
  /** Its latest standing (not withdrawn) cleaning, ms since the epoch; null while none is known. */
  lastCleaned: number | null;
  /** Who cleaned, when it was said. */
  by: string | null;
  /** By this node's levels. */
  level: Level;
  /** As its strip segment shows it (steady red while overdue: the blinking is the strip's own). */
  colour: Colour;
  /** The cleaning that may still be withdrawn here, and until when (ms); null when none may. */
  undo: { at: number; until: number } | null;
  /** The names of the nodes known to show it (an original node shows the default box), this node first. */
  nodes: string[];
  /** On this node's strip. */
  own: boolean;
}

/** What the node shows and knows: the one thing the terminal, the log, the page and MQTT read. */
export interface NodeView {
  name: string;
  /** The time of the last cleaning of this node's own box (its first), as agreed here; null while unknown. */
  lastCleaned: number | null;
  level: Level;
  /** The level's colour (steady red while overdue: the blinking is the strip's own). */
  colour: Colour;
  /** Quiet hours hold: the strip is dark. */
  quiet: boolean;
  peers: readonly PeerView[];
  /** When each level begins after a cleaning, here (a household's nodes may differ). */
  thresholds: LevelThresholds;
  /** The node's time zone: its quiet hours, and the local times its page shows and takes. */
  timeZone: string;
  /** Every box of the household: this node's boxes first (in `boxes:` order), then the others by name. */
  boxes: BoxView[];
  /** The household's names: this node's `people`, then the names other nodes offer. */
  people: string[];
}

export function nodeView(parts: Omit<NodeView, 'colour'>): NodeView {
  return { ...parts, colour: LEVEL_COLOURS[parts.level] };
}
