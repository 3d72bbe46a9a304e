import type { LevelThresholds } from '../../common/levels';
import { formatDuration } from '../../common/durations';
import { otherLevels, statusObjects, type NodeStatus } from '../cluster/household-status';
import { formatLocal } from '../time/local-time';
import { levelTable } from './level-table';
import { peerKey } from '../../machines/cluster/peer-address';

/** The `--json` form: one object per node. */
export function statusJson(statuses: NodeStatus[], now: number, ours: LevelThresholds): string {
  return JSON.stringify(statusObjects(statuses, now, ours), null, 2);
}

/** `its levels: 1m, 2m, 3m, 4m`, as the page marks a node whose levels differ; else empty. */
function levelsMark(status: NodeStatus, ours: LevelThresholds): string {
  const levels = otherLevels(status, ours);
  return levels === null ? '' : `its levels: ${levels.split(',').join(', ')}`;
}

function ago(status: NodeStatus, now: number): string {
  if (status.lastCleaned === null) return '';
  const age = now - status.lastCleaned;
  return age < 60_000 ? 'just now' : `${formatDuration(age)} ago`;
}

/**
 * The table a person reads at a glance; `colour` adds the strip's colour as blocks. A node
 * whose levels differ from `ours` is marked with them: its level and colour are by its own.
 */
export function statusTable(
  statuses: NodeStatus[],
  now: number,
  ours: LevelThresholds,
  timeZone: string,
  colour: boolean,
): string {
  const header = ['NAME', 'ADDRESS', 'LAST CLEANED', 'AGO', 'LEVEL', ''];
  const rows = statuses.map((status) => ({
    level: status.level === 'unreachable' ? null : status.level,
    cells: [
      status.name,
      peerKey(status),
      !status.answered
        ? 'no answer'
        : status.lastCleaned === null
          ? 'unknown'
          : formatLocal(status.lastCleaned, timeZone),
      ago(status, now),
      status.level,
      [status.disagrees ? '≠ newest' : '', levelsMark(status, ours)].filter(Boolean).join(' · '),
    ],
  }));
  return levelTable(header, rows, colour);
}
