import { LEVEL_COLOURS } from '../../common/levels';
import { levelAt } from '../../machines/reminder/levels';
import type { NodeView } from '../../machines/node/node-view';
import type { HouseholdEntry, StateJson } from '../../common/api-json';
import { statusObjects, type NodeStatus } from '../cluster/household-status';
import { formatRfc3339 } from '../time/timestamp';
import { peerKey } from '../../machines/cluster/peer-address';

export function stateJson(view: NodeView, now: number): StateJson {
  return {
    name: view.name,
    lastCleaned: view.lastCleaned === null ? null : formatRfc3339(view.lastCleaned),
    ageSeconds: view.lastCleaned === null ? null : Math.max(0, Math.floor((now - view.lastCleaned) / 1000)),
    level: view.level,
    colour: LEVEL_COLOURS[view.level],
    quiet: view.quiet,
  };
}

/** What changes the page's `state` event: the time, the level, quiet hours (not the age, not a blink). */
export function stateKey(view: NodeView): string {
  return `${view.lastCleaned} ${view.level} ${view.quiet}`;
}

/** What changes the page's `household` event: a node appears, leaves, or says another time. */
export function householdKey(view: NodeView): string {
  return JSON.stringify([view.name, view.lastCleaned, view.level, view.peers, view.thresholds]);
}

/**
 * `GET /api/household`: every node this one knows, itself first, as the objects of
 * `status --json`. A peer that has not answered, or is silent, is `unreachable`.
 */
export function householdJson(view: NodeView, self: { address: string; port: number }, now: number): HouseholdEntry[] {
  const ours = view.thresholds;
  const statuses: NodeStatus[] = [
    {
      name: view.name,
      ...self,
      levels: null,
      answered: true,
      lastCleaned: view.lastCleaned,
      level: view.level,
      disagrees: false,
    },
    ...view.peers.map((peer) => {
      const answered = peer.answered && !peer.silent;
      // Each strip is its own: a peer's level is by its levels, when it says them.
      const thresholds = peer.levels ?? ours;
      return {
        name: peer.name ?? peerKey(peer),
        address: peer.address,
        port: peer.port,
        levels: peer.levels,
        answered,
        lastCleaned: answered ? peer.said : null,
        level: answered ? levelAt(peer.said, now, thresholds) : ('unreachable' as const),
        disagrees: false,
      };
    }),
  ];
  return statusObjects(statuses, now, ours);
}
