import type { LevelThresholds } from '../../common/levels';
import { formatDuration } from '../../common/durations';
import { otherLevels, statusObjects, type NodeStatus } from '../cluster/household-status';
import { formatLocal } from '../time/local-time';
import { levelTable } from './level-table';
import { peerKey } from '../../machines/cluster/peer-address';
import { DEFAULT_BOX } from '../../common/boxes';
import { boxesShown, type BoxGroup, type BoxRow } from '../cluster/box-status';
import { formatRfc3339 } from '../time/timestamp';
import { printable } from './printable';

/**
 * The `--json` form: one object per node, as before boxes, and `boxes`: its time of each box
 * it shows, in its order (for the default box, the time it answered over UDP).
 */
export function statusJson(statuses: NodeStatus[], now: number, ours: LevelThresholds, groups: BoxGroup[]): string {
  const objects = statusObjects(statuses, now, ours).map((object, i) => ({
    ...object,
    boxes: boxesShown(statuses[i]).map((box) => {
      const row = groups.find((group) => group.box === box)?.rows.find((shown) => shown.node === statuses[i]);
      const lastCleaned = row?.answered ? row.lastCleaned : null;
      return {
        box,
        lastCleaned: lastCleaned === null ? null : formatRfc3339(lastCleaned),
        ageSeconds: lastCleaned === null ? null : Math.max(0, Math.floor((now - lastCleaned) / 1000)),
        level: row?.level ?? 'unreachable',
      };
    }),
  }));
  return JSON.stringify(objects, null, 2);
}

/** `its levels: 1m, 2m, 3m, 4m`, as the page marks a node whose levels differ; else empty. */
function levelsMark(status: NodeStatus, ours: LevelThresholds): string {
  const levels = otherLevels(status, ours);
  return levels === null ? '' : `its levels: ${levels.split(',').join(', ')}`;
}

function ago(lastCleaned: number | null, now: number): string {
  if (lastCleaned === null) return '';
  const age = now - lastCleaned;
  return age < 60_000 ? 'just now' : `${formatDuration(age)} ago`;
}

/**
 * The table a person reads at a glance; `colour` adds the strip's colour as blocks. A node
 * whose levels differ from `ours` is marked with them: its level and colour are by its own.
 */
export function statusTable(
  groups: BoxGroup[],
  now: number,
  ours: LevelThresholds,
  timeZone: string,
  colour: boolean,
): string {
  const header = ['NAME', 'ADDRESS', 'LAST CLEANED', 'AGO', 'LEVEL', ''];
  const time = (answered: boolean, lastCleaned: number | null) =>
    !answered ? 'no answer' : lastCleaned === null ? 'unknown' : formatLocal(lastCleaned, timeZone);
  const table = (rows: BoxRow[]) =>
    levelTable(
      header,
      rows.map((row) => ({
        level: row.level === 'unreachable' ? null : row.level,
        cells: [
          row.node.name,
          peerKey(row.node),
          time(row.answered, row.lastCleaned),
          ago(row.lastCleaned, now),
          row.level,
          [row.disagrees ? '≠ newest' : '', levelsMark(row.node, ours)].filter(Boolean).join(' · '),
        ],
      })),
      colour,
    );
  // A household of the default box alone is shown as before there were boxes.
  if (groups.length === 1 && groups[0].box === DEFAULT_BOX) return table(groups[0].rows);
  return groups
    .map((group) => {
      const when =
        group.lastCleaned === null ? 'unknown' : `${time(true, group.lastCleaned)}, ${ago(group.lastCleaned, now)}`;
      return `${printable(group.box)}: last cleaned ${when}\n${table(group.rows)}`;
    })
    .join('\n\n');
}
