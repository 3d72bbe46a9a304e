import type { Colour } from '../../common/colour';
import { LEVEL_COLOURS, type Level, type LevelThresholds } from '../../common/levels';
import type { PeerView } from '../cluster/peer-view';

/** What the node shows and knows: the one thing the terminal, the log, the page and MQTT read. */
export interface NodeView {
  name: string;
  /** The household's time of the last cleaning, as agreed here; null while unknown. */
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
}

export function nodeView(parts: Omit<NodeView, 'colour'>): NodeView {
  return { ...parts, colour: LEVEL_COLOURS[parts.level] };
}
