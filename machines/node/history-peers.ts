import { assertEvent, emit, enqueueActions, sendTo } from 'xstate';
import { historyPeerKey, type HistoryEvent, type HistoryPeer } from '../history/history-machine';
import { nodeSetup } from './node-setup';
import type { NodeEmitted, WebCommand } from './node-events';
import type { PeerView } from '../cluster/peer-view';

/** The peers to exchange histories with: ours, with a page, answering. */
const historyPeers = (peers: readonly PeerView[]): HistoryPeer[] =>
  peers.flatMap((peer) =>
    peer.http !== null && !peer.silent ? [{ name: peer.name, address: peer.address, port: peer.http }] : [],
  );

const sameHistoryPeers = (a: readonly HistoryPeer[], b: readonly HistoryPeer[]): boolean =>
  a.length === b.length &&
  a.every((peer, i) => historyPeerKey(peer) === historyPeerKey(b[i]) && peer.name === b[i].name);

/**
 * What the node does for its history: it records every cleaning recorded here and every
 * time adopted, tells it the peers to exchange with, hands it what peers send the page
 * server, and shows the page server each new history.
 */
export const nodeWithHistory = nodeSetup.extend({
  actions: {
    // Saved first (or found unsavable): the history's file follows the state file.
    'record in the history': sendTo('history', ({ context, event }): HistoryEvent => {
      assertEvent(event, ['store.saved', 'store.failed', 'cleaning.reported']);
      const recordedHere = event.source !== null;
      // A cleaning reported comes here only with its time (one "now" is saved first).
      const at = event.type === 'cleaning.reported' ? (event.at ?? context.settings.clock.now()) : event.lastCleaned;
      return {
        type: 'history.record',
        cleaning: { at, source: event.source ?? 'network', node: recordedHere ? context.name : null },
        // An adopted time is the sender's offer: it counts against what that address may add.
        ...(event.type !== 'cleaning.reported' && event.from ? { from: { address: event.from.address } } : {}),
      };
    }),
    // Only who serves a history counts, not what each peer said: most reports change nothing here.
    'tell the history its peers': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'cluster.peers');
      const peers = historyPeers(event.peers);
      if (!sameHistoryPeers(historyPeers(context.peers), peers))
        enqueue.sendTo('history', { type: 'history.peers', peers } satisfies HistoryEvent);
    }),
    'pass on the offered history': sendTo('history', ({ event }) => {
      assertEvent(event, 'history.offered');
      return event;
    }),
    'show the history': sendTo('web', ({ event }): WebCommand => {
      assertEvent(event, 'history.changed');
      return { type: 'web.history', history: event.history };
    }),
    'finish the history': sendTo('history', { type: 'history.flush' }),
    'pass on what the history refused': emit(({ event }): NodeEmitted => {
      assertEvent(event, 'history.refused');
      return event;
    }),
  },
});
