import { assertEvent, assign, enqueueActions, fromCallback, sendParent, sendTo, setup } from 'xstate';
import {
  type ClusterCommand,
  type ClusterInput,
  type ClusterReport,
  type DiscoveryCommand,
  type DiscoveryEvent,
  type TransportCommand,
  type TransportEvent,
} from './cluster-events';
import {
  onCheckEnd,
  onCheckStart,
  onDatagram,
  onGoodbye,
  onPeersGiven,
  onRound,
  onSighting,
  planFor,
  type PeerPlan,
} from './peer-plans';
import { hasQuestions } from './peer-questions';
import { answeringPeers, hasSilentPeers } from './peer-rounds';
import { expiryOf, pushTargets, staticPeers, withResolved, type PeerTable } from './peer-table';
import { isAdoptable, isBehind, isTooFarAhead } from '../shared/time-rules';
import { addressOf, peerKey } from './peer-address';
import { samePeerViews, type PeerView } from './peer-view';
import { peerViews } from './peer-report';

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

type ClusterEvent =
  | ClusterCommand
  | TransportEvent
  | DiscoveryEvent
  | { type: 'cluster.changed' }
  | { type: 'cluster.peers-changed' }
  /** A peer answers that did not before (new, or back from silence): the rounds quicken. */
  | { type: 'cluster.peer-answering' }
  /** A peer's place was put in question: a check is due. */
  | { type: 'cluster.questioned' };

/** A change: the next rounds are quick, and the next one comes within 2 to 4 s. */
const quicken = [
  { guard: 'the rounds are slow', target: 'waiting', reenter: true, actions: 'quicken the rounds' },
  { actions: 'quicken the rounds' },
] as const;

/** Every datagram shows its sender alive, and an UpdateState says what it holds, whatever the merge rules make of it. */
const noteTheSender = {
  type: 'follow the plan',
  params: ({ context, event }: { context: ClusterContext; event: ClusterEvent }) => {
    assertEvent(event, ['state.received', 'peer.requested']);
    return onDatagram(context.peers, event.from, event.type === 'state.received' ? event.lastCleaned : undefined);
  },
} as const;

/**
 * Quick after a change, and while a peer that answered before is silent: it is probed every
 * PROBE_EVERY_ROUNDS rounds, and after a partition that is how both sides find each other again
 * within about half a minute.
 */
const roundsAreQuick = (context: ClusterContext): boolean => context.quickRounds > 0 || hasSilentPeers(context.peers);

/**
 * The household as this node takes part in it: the peers (found by mDNS or given),
 * the merge rules, and the repair rounds that make every node agree on the latest
 * time of a cleaning, over the original program's UDP protocol.
 */
export const clusterMachine = setup({
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
  actions: {
    // Passed on at once, while the node saves it: the peer it came from holds it durably.
    'adopt the offered time': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, ['state.received', 'cluster.offered']);
      if (event.lastCleaned === null) return;
      const { lastCleaned, from } = event;
      enqueue.assign({ lastCleaned });
      enqueue.sendTo('transport', { type: 'transport.answer', lastCleaned });
      for (const to of pushTargets(context.peers, from)) {
        enqueue.sendTo('transport', { type: 'transport.update', to, lastCleaned });
      }
      enqueue.sendParent({ type: 'cluster.adopted', lastCleaned, from } satisfies ClusterReport);
      enqueue.raise({ type: 'cluster.changed' });
    }),
    'share the time': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'cluster.share');
      const { lastCleaned } = event;
      enqueue.assign({ lastCleaned });
      enqueue.sendTo('transport', { type: 'transport.answer', lastCleaned });
      for (const to of pushTargets(context.peers, null)) {
        enqueue.sendTo('transport', { type: 'transport.update', to, lastCleaned });
      }
      enqueue.raise({ type: 'cluster.changed' });
    }),
    // An undo of the default box: the time held gives way to the one that stands now. Every peer
    // is sent it: an original node adopts any UpdateState, and so takes the time back too; ours
    // know of the withdrawal from the history, and never take the withdrawn time again.
    'take the withdrawals': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'cluster.withdrawn');
      enqueue.assign({ withdrawn: event.withdrawn });
      if (context.lastCleaned === null || !event.withdrawn.includes(context.lastCleaned)) return;
      const { restored } = event;
      enqueue.assign({ lastCleaned: restored });
      enqueue.sendTo('transport', { type: 'transport.answer', lastCleaned: restored });
      if (restored === null) return;
      for (const to of pushTargets(context.peers, null)) {
        enqueue.sendTo('transport', { type: 'transport.update', to, lastCleaned: restored });
      }
      enqueue.raise({ type: 'cluster.changed' });
    }),
    // A peer that still holds a withdrawn time (an original node that missed the restored one) is told ours.
    'correct the sender': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'state.received');
      if (context.lastCleaned === null) return;
      enqueue.sendTo('transport', { type: 'transport.update', to: event.from, lastCleaned: context.lastCleaned });
    }),
    'refuse the offered time': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, ['state.received', 'cluster.offered']);
      if (event.lastCleaned === null) return;
      const withdrawn = context.withdrawn.includes(event.lastCleaned) ? { withdrawn: true as const } : {};
      enqueue.sendParent({
        type: 'cluster.refused',
        from: event.from,
        lastCleaned: event.lastCleaned,
        ...withdrawn,
      } satisfies ClusterReport);
    }),
    'tell the transport our answer': sendTo('transport', ({ context }) => ({
      type: 'transport.answer' as const,
      lastCleaned: context.lastCleaned,
    })),
    'send our time to the sender': sendTo('transport', ({ context, event }) => {
      assertEvent(event, 'state.received');
      return { type: 'transport.update' as const, to: event.from, lastCleaned: context.lastCleaned };
    }),
    // Most datagrams change nothing the node would show: then no report is due, and no timer
    // wakes an idle node for it.
    'follow the plan': enqueueActions(({ context, enqueue }, plan: PeerPlan) => {
      if (plan.peers !== context.peers) {
        enqueue.assign({ peers: plan.peers });
        if (!samePeerViews(context.reported, peerViews(plan.peers))) enqueue.raise({ type: 'cluster.peers-changed' });
        const before = new Set(answeringPeers(context.peers).map((peer) => peer.key));
        if (answeringPeers(plan.peers).some((peer) => !before.has(peer.key))) {
          enqueue.raise({ type: 'cluster.peer-answering' });
        }
      }
      for (const to of plan.ask) enqueue.sendTo('transport', { type: 'transport.request', to });
      for (const command of plan.discovery) enqueue.sendTo('discovery', command);
      for (const report of plan.reports) enqueue.sendParent(report);
      if (plan.questioned) enqueue.raise({ type: 'cluster.questioned' });
    }),
    'report the peers': enqueueActions(({ context, enqueue }) => {
      const views = peerViews(context.peers);
      if (samePeerViews(context.reported, views)) return;
      enqueue.assign({ reported: views });
      enqueue.sendParent({ type: 'cluster.peers', peers: views } satisfies ClusterReport);
    }),
    'count the round': assign(({ context }) => ({
      round: context.round + 1,
      quickRounds: Math.max(0, context.quickRounds - 1),
    })),
    'quicken the rounds': assign({ quickRounds: QUICK_ROUNDS }),
    // Those that answer: a stranger's hundred announcements cost nothing here.
    'ask the answering peers': enqueueActions(({ context, enqueue }) => {
      for (const peer of answeringPeers(context.peers)) {
        enqueue.sendTo('transport', { type: 'transport.request', to: addressOf(peer) });
      }
    }),
    // A --peer given by host name answers from the address it was looked up at.
    'await the answering peers': assign({
      awaited: ({ context }) =>
        answeringPeers(context.peers).map((peer) =>
          peerKey({ address: peer.resolved ?? peer.address, port: peer.port }),
        ),
    }),
    'note a refresh answer': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'state.received');
      const sender = peerKey(event.from);
      if (context.awaited.includes(sender))
        enqueue.assign({ awaited: context.awaited.filter((awaited) => awaited !== sender) });
    }),
    'report the refresh': sendParent({ type: 'cluster.refreshed' } satisfies ClusterReport),
    'report our name': sendParent(({ event }) => {
      assertEvent(event, 'discovery.named');
      return { type: 'cluster.named' as const, name: event.name };
    }),
    'say goodbye': sendTo('discovery', { type: 'discovery.stop' }),
    'advertise the levels': sendTo('discovery', ({ event }) => {
      assertEvent(event, 'cluster.levels');
      return { type: 'discovery.levels' as const, thresholds: event.thresholds };
    }),
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
}).createMachine({
  id: 'cluster',
  context: ({ input }) => ({
    lastCleaned: input.lastCleaned,
    clock: input.clock,
    random: input.random,
    peers: staticPeers(input.peers),
    reported: peerViews(staticPeers(input.peers)),
    awaited: [],
    round: 0,
    // A start is a change: the peers are being found.
    quickRounds: QUICK_ROUNDS,
    withdrawn: [],
  }),
  invoke: [
    { id: 'transport', src: 'transport' },
    { id: 'discovery', src: 'discovery' },
  ],
  initial: 'running',
  // Before the transport hears its first RequestState.
  entry: 'tell the transport our answer',
  states: {
    running: {
      type: 'parallel',
      on: {
        'cluster.share': { actions: 'share the time' },
        'cluster.withdrawn': { actions: 'take the withdrawals' },
        'cluster.levels': { actions: 'advertise the levels' },
        'cluster.peers-given': {
          actions: {
            type: 'follow the plan',
            params: ({ context, event }) => onPeersGiven(context.peers, event.peers),
          },
        },
        // An older or equal one changes nothing here: the broker's side answers it.
        'cluster.offered': [
          { guard: 'offers a withdrawn time', actions: 'refuse the offered time' },
          { guard: 'offers a later time', actions: 'adopt the offered time' },
          { guard: 'offers a time too far ahead', actions: 'refuse the offered time' },
        ],
        'state.received': [
          {
            guard: 'offers a withdrawn time',
            actions: [noteTheSender, 'refuse the offered time', 'correct the sender', 'note a refresh answer'],
          },
          // Passed on first: the household's agreement waits on each hop.
          { guard: 'offers a later time', actions: ['adopt the offered time', noteTheSender, 'note a refresh answer'] },
          {
            guard: 'offers a time too far ahead',
            actions: [noteTheSender, 'refuse the offered time', 'note a refresh answer'],
          },
          {
            guard: 'sender is behind',
            actions: [noteTheSender, 'send our time to the sender', 'note a refresh answer'],
          },
          { actions: [noteTheSender, 'note a refresh answer'] },
        ],
        // Answered by the transport already.
        'peer.requested': { actions: noteTheSender },
        'peer.resolved': {
          actions: {
            type: 'follow the plan',
            params: ({ context, event }) => planFor(withResolved(context.peers, event.peer, event.address)),
          },
        },
        'peer.found': {
          actions: {
            type: 'follow the plan',
            params: ({ context, event }) =>
              onSighting(context.peers, event.peer, expiryOf(context.clock.now(), event.ttl)),
          },
        },
        'peer.lost': {
          actions: { type: 'follow the plan', params: ({ context, event }) => onGoodbye(context.peers, event.peer) },
        },
        'discovery.named': { actions: 'report our name' },
        'cluster.leave': 'leaving',
      },
      states: {
        // Each round asks a peer for its time: a lost datagram is repaired, a node
        // that was away catches up, and a silent peer shows.
        repair: {
          initial: 'asking',
          states: {
            asking: {
              entry: [
                {
                  type: 'follow the plan',
                  params: ({ context }) => onRound(context.peers, context.round, context.clock.now()),
                },
                'count the round',
              ],
              always: 'waiting',
            },
            // A change while the rounds are slow brings the next one within 2 to 4 s.
            waiting: {
              after: { repairRound: 'asking' },
              on: {
                'cluster.changed': quicken,
                'cluster.peer-answering': quicken,
              },
            },
          },
        },
        report: {
          initial: 'current',
          states: {
            current: { on: { 'cluster.peers-changed': 'due' } },
            // Left early (the cluster leaves): the node hears of the last changes all the same.
            due: { exit: 'report the peers', after: { reportPeers: 'current' } },
          },
        },
        // Once a new time has gone round, every peer is asked what it holds now: the
        // page shows who has it, without waiting for the rounds to come by.
        confirm: {
          initial: 'idle',
          states: {
            idle: { on: { 'cluster.changed': 'pending' } },
            pending: { after: { confirmAfter: { target: 'idle', actions: 'ask the answering peers' } } },
          },
        },
        // Someone looks at the household (the page): its peers are asked now, once for a burst.
        // The refresh is over when each has answered, or at `refreshWithin` for those that have
        // not; the node hears of the peers first (not 20 ms later), so that the page shows them.
        refresh: {
          initial: 'ready',
          states: {
            ready: {
              on: {
                'cluster.refresh': {
                  target: 'asking',
                  actions: ['ask the answering peers', 'await the answering peers'],
                },
              },
            },
            asking: {
              always: {
                guard: 'every asked peer answered',
                target: 'resting',
                actions: ['report the peers', 'report the refresh'],
              },
              after: { refreshWithin: { target: 'resting', actions: ['report the peers', 'report the refresh'] } },
            },
            // What the peers said is under a second old: another look is answered with it at once.
            resting: {
              on: { 'cluster.refresh': { actions: 'report the refresh' } },
              after: { refreshRest: 'ready' },
            },
          },
        },
        // A peer whose place mDNS put in question has until the end of a check to answer;
        // one questioned during a check gets the whole of the next.
        check: {
          initial: 'idle',
          states: {
            idle: { on: { 'cluster.questioned': 'waiting' } },
            waiting: {
              entry: { type: 'follow the plan', params: ({ context }) => onCheckStart(context.peers) },
              after: {
                answerWithin: {
                  target: 'settled',
                  actions: { type: 'follow the plan', params: ({ context }) => onCheckEnd(context.peers) },
                },
              },
            },
            settled: { always: [{ guard: 'a place is in question', target: 'waiting' }, { target: 'idle' }] },
          },
        },
      },
    },
    leaving: {
      entry: 'say goodbye',
      on: { 'discovery.stopped': 'left' },
    },
    left: { type: 'final' },
  },
});
