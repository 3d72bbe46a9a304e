import { assertEvent } from 'xstate';
import { assign, enqueueActions, QUICK_ROUNDS, sendTo } from './cluster-setup';
import { type ClusterReport } from './cluster-events';
import { answeringPeers } from './peer-rounds';
import { pushTargets } from './peer-table';
import { addressOf, peerKey } from './peer-address';
import { samePeerViews } from './peer-view';
import { peerViews } from './peer-report';

/**
 * The cluster machine's actions: a time adopted, shared, withdrawn or refused; what the
 * transport answers and whom it asks; the repair rounds and refreshes; what the parent hears.
 */
export const clusterActions = {
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
    const reason = event.type === 'state.received' ? event.untrusted : undefined;
    const withdrawn = context.withdrawn.includes(event.lastCleaned) ? { withdrawn: true as const } : {};
    enqueue.sendParent({
      type: 'cluster.refused',
      from: event.from,
      lastCleaned: event.lastCleaned,
      ...(reason === undefined ? {} : { reason }),
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
      answeringPeers(context.peers).map((peer) => peerKey({ address: peer.resolved ?? peer.address, port: peer.port })),
  }),
  'note a refresh answer': enqueueActions(({ context, event, enqueue }) => {
    assertEvent(event, 'state.received');
    const sender = peerKey(event.from);
    if (context.awaited.includes(sender))
      enqueue.assign({ awaited: context.awaited.filter((awaited) => awaited !== sender) });
  }),
  'report the refresh': enqueueActions(({ enqueue }) => {
    enqueue.sendParent({ type: 'cluster.refreshed' } satisfies ClusterReport);
  }),
  'report our name': enqueueActions(({ event, enqueue }) => {
    assertEvent(event, 'discovery.named');
    enqueue.sendParent({ type: 'cluster.named', name: event.name } satisfies ClusterReport);
  }),
  'say goodbye': sendTo('discovery', { type: 'discovery.stop' }),
  'advertise the levels': sendTo('discovery', ({ event }) => {
    assertEvent(event, 'cluster.levels');
    return { type: 'discovery.levels' as const, thresholds: event.thresholds };
  }),
};
