import { assertEvent, enqueueActions } from 'xstate';
import { clusterActions } from './cluster-actions';
import { clusterSetup, QUICK_ROUNDS, type ClusterContext, type ClusterEvent } from './cluster-setup';
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
import { answeringPeers } from './peer-rounds';
import { expiryOf, staticPeers, withResolved } from './peer-table';
import { samePeerViews } from './peer-view';
import { peerViews } from './peer-report';

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
 * The household as this node takes part in it: the peers (found by mDNS or given),
 * the merge rules, and the repair rounds that make every node agree on the latest
 * time of a cleaning, over the original program's UDP protocol.
 */
export const clusterMachine = clusterSetup
  .extend({ actions: clusterActions })
  // The one action with params: `extend` is told their type, a PeerPlan (the rules of peer-plans.ts decide it).
  .extend<{ 'follow the plan': PeerPlan }>({
    actions: {
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
    },
  })
  .createMachine({
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
              guard: 'offers a later time from an untrusted sender',
              actions: [noteTheSender, 'refuse the offered time'],
            },
            {
              guard: 'offers a withdrawn time',
              actions: [noteTheSender, 'refuse the offered time', 'correct the sender', 'note a refresh answer'],
            },
            // Passed on first: the household's agreement waits on each hop.
            {
              guard: 'offers a later time',
              actions: ['adopt the offered time', noteTheSender, 'note a refresh answer'],
            },
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
