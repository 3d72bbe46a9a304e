import { assertEvent, fromCallback, setup } from 'xstate';
import {
  type ClusterCommand,
  type ClusterInput,
  type DiscoveryCommand,
  type DiscoveryEvent,
  type TransportCommand,
  type TransportEvent,
} from './cluster-events';
import { hasQuestions } from './peer-questions';
import { hasSilentPeers } from './peer-rounds';
import { type PeerTable } from './peer-table';
import { isAdoptable, isBehind, isTooFarAhead } from '../shared/time-rules';
import { type PeerView } from './peer-view';

export interface ClusterContext extends Omit<ClusterInput, 'peers'> {
  peers: PeerTable;
  /** The peers as the node last heard of them; at the start the ones given, which it hears of at a first change. */
  reported: readonly PeerView[];
  /** The peers a refresh asked that have not answered yet, as `peerKey` names where they answer from. */
  awaited: readonly string[];
  /** Repair rounds so far: whose turn it is to be asked. */
  round: number;
  /** Repair rounds still to come at the quick pace: a change (a new time, a peer that answers anew) sets it. */
  quickRounds: number;
  /** The default box's times taken back (issue 25's undo): never adopted again, from anyone. */
  withdrawn: readonly number[];
}

/**
 * Quick repair rounds (2-4 s) after a change, about a minute's worth: a datagram lost while a new
 * time goes round, or a peer just found, is seen to within seconds. Then the rounds slow
 * down (6-12 s): a household that agrees needs them only to see a node come and go.
 */
export const QUICK_ROUNDS = 20;

export type ClusterEvent =
  | ClusterCommand
  | TransportEvent
  | DiscoveryEvent
  | { type: 'cluster.changed' }
  | { type: 'cluster.peers-changed' }
  /** A peer answers that did not before (new, or back from silence): the rounds quicken. */
  | { type: 'cluster.peer-answering' }
  /** A peer's place was put in question: a check is due. */
  | { type: 'cluster.questioned' };

/**
 * Quick after a change, and while a peer that answered before is silent: it is probed every
 * PROBE_EVERY_ROUNDS rounds, and after a partition that is how both sides find each other again
 * within about half a minute.
 */
const roundsAreQuick = (context: ClusterContext): boolean => context.quickRounds > 0 || hasSilentPeers(context.peers);

/** The cluster machine's types, children, guards and delays; its actions are in cluster-actions.ts. */
export const clusterSetup = setup({
  types: {
    context: {} as ClusterContext,
    input: {} as ClusterInput,
    events: {} as ClusterEvent,
    children: {} as { transport: 'transport'; discovery: 'discovery' },
  },
  actors: {
    // The real implementations come from src/ through `provide`.
    transport: fromCallback<TransportCommand>(() => undefined),
    discovery: fromCallback<DiscoveryCommand>(() => undefined),
  },
  guards: {
    'offers a withdrawn time': ({ context, event }) => {
      assertEvent(event, ['state.received', 'cluster.offered']);
      return event.lastCleaned !== null && context.withdrawn.includes(event.lastCleaned);
    },
    // The merge rules: the latest time wins, within reason.
    'offers a later time': ({ context, event }) => {
      assertEvent(event, ['state.received', 'cluster.offered']);
      return event.lastCleaned !== null && isAdoptable(event.lastCleaned, context.lastCleaned, context.clock.now());
    },
    'offers a time too far ahead': ({ context, event }) => {
      assertEvent(event, ['state.received', 'cluster.offered']);
      return event.lastCleaned !== null && isTooFarAhead(event.lastCleaned, context.lastCleaned, context.clock.now());
    },
    // With a household key, a later time is adopted only from whom the household trusts (the transport says).
    'offers a later time from an untrusted sender': ({ context, event }) => {
      assertEvent(event, 'state.received');
      return (
        event.untrusted !== undefined &&
        event.lastCleaned !== null &&
        isAdoptable(event.lastCleaned, context.lastCleaned, context.clock.now())
      );
    },
    'sender is behind': ({ context, event }) => {
      assertEvent(event, 'state.received');
      return isBehind(event.lastCleaned, context.lastCleaned);
    },
    'a place is in question': ({ context }) => hasQuestions(context.peers),
    'every asked peer answered': ({ context }) => context.awaited.length === 0,
    'the rounds are slow': ({ context }) => !roundsAreQuick(context),
  },
  delays: {
    // 2 to 4 s after a change, 6 to 12 s once things are quiet (QUICK_ROUNDS says why); random,
    // so that nodes do not ask in lockstep.
    repairRound: ({ context }) =>
      roundsAreQuick(context)
        ? 2_000 + Math.floor(context.random() * 2_000)
        : 6_000 + Math.floor(context.random() * 6_000),
    // Long enough for a new time to have gone round the household.
    confirmAfter: 1_000,
    // A time going round the household changes what the peers said a few times within
    // milliseconds: the node hears of it once, and the CPU goes to the datagrams meanwhile.
    reportPeers: 20,
    // A node on the LAN answers within milliseconds; a Pi busy writing its SD card, within this.
    answerWithin: 1_000,
    // The page asks for the household as often as it is reloaded: its peers are asked at most this often.
    refreshRest: 1_000,
    // How long a refresh waits for its answers: a peer on the LAN answers within milliseconds,
    // and the page promises the household within the second.
    refreshWithin: 250,
  },
});

/** The cluster's typed action creators, for its actions' file. */
export const { assign, enqueueActions, sendTo } = clusterSetup;
