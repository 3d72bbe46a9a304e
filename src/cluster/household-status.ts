import { sameThresholds, type Level, type LevelThresholds } from '../../common/levels';
import type { HouseholdEntry } from '../../common/api-json';
import { levelAt } from '../../machines/reminder/levels';
import { formatLevels } from '../settings/levels-setting';
import { formatRfc3339 } from '../time/timestamp';
import type { Answers, HouseholdNode } from './household-probe';
import { peerKey } from '../../machines/cluster/peer-address';

/**
 * The household as its nodes answered: each node's time and level. \`status\` prints it, the
 * page's \`/api/household\` serves it.
 */

export interface NodeStatus extends Omit<HouseholdNode, 'http'> {
  answered: boolean;
  lastCleaned: number | null;
  level: Level | 'unreachable';
  /** Answered with a time other than the newest one in the household. */
  disagrees: boolean;
}

/**
 * Each node as it answered, its level by its own levels (as its strip shows it) when it says
 * them, else by `thresholds` (the asker's).
 */
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
        level: answered ? levelAt(lastCleaned, now, node.levels ?? thresholds) : ('unreachable' as const),
        disagrees: answered && lastCleaned !== newest,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A node's levels as `--levels` takes them, when they differ from `ours`; else null. */
export function otherLevels(status: NodeStatus, ours: LevelThresholds): string | null {
  return status.levels === null || sameThresholds(status.levels, ours) ? null : formatLevels(status.levels);
}

/**
 * One object per node, as `status --json` and `GET /api/household` give them: a contract for
 * scripts. A node whose levels differ from `ours` says them (`levels`): its level is by them.
 */
export function statusObjects(statuses: readonly NodeStatus[], now: number, ours: LevelThresholds): HouseholdEntry[] {
  return statuses.map((status) => {
    const levels = otherLevels(status, ours);
    return {
      name: status.name,
      address: status.address,
      port: status.port,
      lastCleaned: status.lastCleaned === null ? null : formatRfc3339(status.lastCleaned),
      // A peer whose clock is ahead of ours said a time after our now: not an age below zero.
      ageSeconds: status.lastCleaned === null ? null : Math.max(0, Math.floor((now - status.lastCleaned) / 1000)),
      level: status.level,
      ...(levels === null ? {} : { levels }),
    };
  });
}
