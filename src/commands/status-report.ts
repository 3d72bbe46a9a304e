import { peerKey } from '../../machines/cluster-events';
import { type Level, type LevelThresholds } from '../../common/levels';
import type { HouseholdEntry } from '../../common/page-text';
import { levelAt } from '../../machines/levels';
import { formatDuration } from '../../common/durations';
import { formatLocal } from '../local-time';
import { levelTable } from './level-table';
import { formatRfc3339 } from '../timestamp';
import type { Answers, HouseholdNode } from './household';

export interface NodeStatus extends Omit<HouseholdNode, 'http'> {
  answered: boolean;
  lastCleaned: number | null;
  level: Level | 'unreachable';
  /** Answered with a time other than the newest one in the household. */
  disagrees: boolean;
}

export function nodeStatuses(
  nodes: Iterable<HouseholdNode>,
  answers: Answers,
  now: number,
  thresholds: LevelThresholds,
): NodeStatus[] {
  const times = [...answers.values()].filter((time): time is number => time !== null);
  const newest = times.length > 0 ? Math.max(...times) : null;
  return [...nodes]
    .map((node) => {
      const answer = answers.get(peerKey(node));
      const answered = answer !== undefined;
      const lastCleaned = answer ?? null;
      return {
        ...node,
        answered,
        lastCleaned,
        level: answered ? levelAt(lastCleaned, now, thresholds) : ('unreachable' as const),
        disagrees: answered && lastCleaned !== newest,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** One object per node, as `status --json` and `GET /api/household` give them: a contract for scripts. */
export function statusObjects(statuses: readonly NodeStatus[], now: number): HouseholdEntry[] {
  return statuses.map((status) => ({
    name: status.name,
    address: status.address,
    port: status.port,
    lastCleaned: status.lastCleaned === null ? null : formatRfc3339(status.lastCleaned),
    // A peer whose clock is ahead of ours said a time after our now: not an age below zero.
    ageSeconds: status.lastCleaned === null ? null : Math.max(0, Math.floor((now - status.lastCleaned) / 1000)),
    level: status.level,
  }));
}

/** The `--json` form: one object per node. */
export function statusJson(statuses: NodeStatus[], now: number): string {
  return JSON.stringify(statusObjects(statuses, now), null, 2);
}

function ago(status: NodeStatus, now: number): string {
  if (status.lastCleaned === null) return '';
  const age = now - status.lastCleaned;
  return age < 60_000 ? 'just now' : `${formatDuration(age)} ago`;
}

/** The table a person reads at a glance; `colour` adds the strip's colour as blocks. */
export function statusTable(statuses: NodeStatus[], now: number, timeZone: string, colour: boolean): string {
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
      status.disagrees ? '≠ newest' : '',
    ],
  }));
  return levelTable(header, rows, colour);
}
