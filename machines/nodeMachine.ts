import { assign, assertEvent, emit, enqueueActions, fromCallback, fromPromise, sendTo, setup } from 'xstate';
import { addressOf, type DiscoveryCommand, type TransportCommand } from './cluster-events';
import {
  afterAsking,
  heardFrom,
  newlyDormant,
  peersToAsk,
  pushTargets,
  staticPeers,
  withoutPeer,
  withPeer,
} from './peer-table';
import type { NodeContext, NodeEmitted, NodeEvent, NodeInput, StoreCommand } from './node-types';
import { reminderMachine } from './reminderMachine';
import { isAdoptable, isBehind, isTooFarAhead, pressTime } from './time-rules';

/**
 * The node's life: load the saved time, then run the reminder, the button, the
 * store and the cluster (transport and discovery) until SHUTDOWN, which leads
 * every actor out: the strip ends dark and the mDNS goodbye is sent.
 */
export const nodeMachine = setup({
  types: {
    context: {} as NodeContext,
    input: {} as NodeInput,
    events: {} as NodeEvent,
    emitted: {} as NodeEmitted,
    children: {} as {
      loadState: 'loadState';
      store: 'store';
      button: 'button';
      reminder: 'reminder';
      transport: 'transport';
      discovery: 'discovery';
    },
  },
  actors: {
    // The real implementations come from src/ through `provide`.
    loadState: fromPromise<number | null>(() => Promise.resolve(null)),
    store: fromCallback<StoreCommand>(() => undefined),
    button: fromCallback(() => undefined),
    transport: fromCallback<TransportCommand>(() => undefined),
    discovery: fromCallback<DiscoveryCommand>(() => undefined),
    reminder: reminderMachine,
  },
  actions: {
    'record a cleaning now': enqueueActions(({ context, enqueue }) => {
      const lastCleaned = pressTime(context.clock.now(), context.lastCleaned);
      enqueue.assign({ lastCleaned });
      enqueue.sendTo('store', { type: 'store.save', lastCleaned, reason: 'press', from: null });
    }),
    'adopt the offered time': enqueueActions(({ event, enqueue }) => {
      assertEvent(event, 'state.received');
      if (event.lastCleaned === null) return;
      enqueue.assign({ lastCleaned: event.lastCleaned });
      enqueue.sendTo('store', {
        type: 'store.save',
        lastCleaned: event.lastCleaned,
        reason: 'adopted',
        from: event.from,
      });
    }),
    'refuse the offered time': enqueueActions(({ event, enqueue }) => {
      assertEvent(event, 'state.received');
      if (event.lastCleaned === null) return;
      enqueue.emit({ type: 'time.refused', from: event.from, lastCleaned: event.lastCleaned });
    }),
    'tell the reminder': sendTo('reminder', ({ event }) => {
      assertEvent(event, ['store.saved', 'store.failed']);
      return { type: 'time.changed' as const, lastCleaned: event.lastCleaned };
    }),
    'announce time': emit(({ event }) => {
      assertEvent(event, ['store.saved', 'store.failed']);
      return { type: 'time.changed' as const, lastCleaned: event.lastCleaned, reason: event.reason };
    }),
    // The time just saved, not the context's: a later one may be waiting for its own save.
    'push the saved time to every peer': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, ['store.saved', 'store.failed']);
      for (const to of pushTargets(context.peers, event.from)) {
        enqueue.sendTo('transport', { type: 'transport.update', to, lastCleaned: event.lastCleaned });
      }
    }),
    'send our time to the sender': sendTo('transport', ({ context, event }) => {
      assertEvent(event, ['peer.requested', 'state.received']);
      return { type: 'transport.update' as const, to: event.from, lastCleaned: context.lastCleaned };
    }),
    // Most datagrams come from peers already known to be alive: no new context for them.
    'note the sender is alive': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, ['peer.requested', 'state.received']);
      const peers = heardFrom(context.peers, event.from);
      if (peers !== context.peers) enqueue.assign({ peers });
    }),
    'add the peer': assign({
      peers: ({ context, event }) => {
        assertEvent(event, 'peer.found');
        return withPeer(context.peers, event.peer);
      },
    }),
    'ask the peer': sendTo('transport', ({ event }) => {
      assertEvent(event, 'peer.found');
      return { type: 'transport.request' as const, to: addressOf(event.peer) };
    }),
    'remove the peer': assign({
      peers: ({ context, event }) => {
        assertEvent(event, 'peer.lost');
        return withoutPeer(context.peers, event.peer);
      },
    }),
    'ask the next peer': enqueueActions(({ context, enqueue }) => {
      const asked = peersToAsk(context.peers, context.round);
      for (const peer of asked) enqueue.sendTo('transport', { type: 'transport.request', to: addressOf(peer) });
      const peers = afterAsking(context.peers, asked);
      for (const peer of newlyDormant(context.peers, peers)) enqueue.emit({ type: 'peer.silent', peer });
      enqueue.assign({ peers, round: context.round + 1 });
    }),
    'remember the saved time': assign({
      savedTime: ({ event }) => {
        assertEvent(event, ['store.saved', 'store.retried']);
        return event.lastCleaned;
      },
    }),
    'save the time again': enqueueActions(({ context, enqueue }) => {
      if (context.lastCleaned === null) return;
      enqueue.sendTo('store', { type: 'store.retry', lastCleaned: context.lastCleaned });
    }),
    'stop the reminder': sendTo('reminder', { type: 'SHUTDOWN' }),
    'say goodbye': sendTo('discovery', { type: 'discovery.stop' }),
  },
  guards: {
    'offers a later time': ({ context, event }) => {
      assertEvent(event, 'state.received');
      return event.lastCleaned !== null && isAdoptable(event.lastCleaned, context.lastCleaned, context.clock.now());
    },
    'offers a time too far ahead': ({ context, event }) => {
      assertEvent(event, 'state.received');
      return event.lastCleaned !== null && isTooFarAhead(event.lastCleaned, context.lastCleaned, context.clock.now());
    },
    'the state file is behind': ({ context }) =>
      context.lastCleaned !== null && context.lastCleaned !== context.savedTime,
    'the retry saved it': ({ event }) => {
      assertEvent(event, 'store.retried');
      return event.saved;
    },
    'sender is behind': ({ context, event }) => {
      assertEvent(event, 'state.received');
      return isBehind(event.lastCleaned, context.lastCleaned);
    },
  },
  delays: {
    // 2 to 4 s: a lost datagram is repaired within seconds, and nodes do not ask in lockstep.
    repairRound: ({ context }) => 2_000 + Math.floor(context.random() * 2_000),
    // Leaves room within the 3 s a stopping node is given.
    shutdownGrace: 2_000,
  },
}).createMachine({
  id: 'node',
  context: ({ input }) => ({
    quietHours: input.quietHours,
    timeZone: input.timeZone,
    clock: input.clock,
    random: input.random,
    lastCleaned: null,
    savedTime: null,
    peers: staticPeers(input.peers),
    round: 0,
  }),
  initial: 'starting',
  states: {
    starting: {
      invoke: {
        id: 'loadState',
        src: 'loadState',
        onDone: {
          target: 'live',
          actions: assign({ lastCleaned: ({ event }) => event.output, savedTime: ({ event }) => event.output }),
        },
        // The loader reports what was wrong; the node runs on with an unknown time.
        onError: 'live',
      },
      on: { SHUTDOWN: 'stopped' },
    },
    live: {
      invoke: [
        { id: 'store', src: 'store' },
        { id: 'transport', src: 'transport' },
        { id: 'discovery', src: 'discovery' },
        {
          id: 'reminder',
          src: 'reminder',
          input: ({ context }) => ({
            lastCleaned: context.lastCleaned,
            quietHours: context.quietHours,
            timeZone: context.timeZone,
            clock: context.clock,
          }),
        },
      ],
      initial: 'running',
      states: {
        running: {
          invoke: { id: 'button', src: 'button' },
          initial: 'repairing',
          states: {
            // Each round asks a peer for its time: a lost datagram is repaired, a node
            // that was away catches up, and a silent peer shows.
            repairing: {
              entry: 'ask the next peer',
              after: {
                repairRound: [
                  // A time that could not be saved lives in memory only: each round tries again.
                  {
                    guard: 'the state file is behind',
                    target: 'repairing',
                    reenter: true,
                    actions: 'save the time again',
                  },
                  { target: 'repairing', reenter: true },
                ],
              },
            },
          },
          on: {
            'button.pressed': { actions: 'record a cleaning now' },
            'state.received': [
              { guard: 'offers a later time', actions: ['note the sender is alive', 'adopt the offered time'] },
              {
                guard: 'offers a time too far ahead',
                actions: ['note the sender is alive', 'refuse the offered time'],
              },
              { guard: 'sender is behind', actions: ['note the sender is alive', 'send our time to the sender'] },
              { actions: 'note the sender is alive' },
            ],
            'peer.requested': { actions: ['note the sender is alive', 'send our time to the sender'] },
            'peer.found': { actions: ['add the peer', 'ask the peer'] },
            'peer.lost': { actions: 'remove the peer' },
            SHUTDOWN: 'shuttingDown',
          },
        },
        shuttingDown: {
          type: 'parallel',
          after: { shutdownGrace: '#node.stopped' },
          onDone: '#node.stopped',
          states: {
            strip: {
              initial: 'darkening',
              states: {
                darkening: {
                  entry: 'stop the reminder',
                  on: { 'xstate.done.actor.reminder': 'dark' },
                },
                dark: { type: 'final' },
              },
            },
            mdns: {
              initial: 'leaving',
              states: {
                leaving: {
                  entry: 'say goodbye',
                  on: { 'discovery.stopped': 'gone' },
                },
                gone: { type: 'final' },
              },
            },
          },
        },
      },
      on: {
        // Persisted (or tried to) before anyone else hears of it. An adopted time is
        // passed on at once too: a time sent to one node (a `reset`, an original node's
        // press) reaches the household in milliseconds, not at the next repair round.
        // Only a strictly later time is adopted, so each node passes a time on once, and
        // never back to the peer it came from. The announcement and the peers first: the
        // household's agreement waits on each hop, the strip here does not.
        'store.saved': {
          actions: [
            'remember the saved time',
            'announce time',
            'push the saved time to every peer',
            'tell the reminder',
          ],
        },
        'store.failed': { actions: ['announce time', 'push the saved time to every peer', 'tell the reminder'] },
        'store.retried': { guard: 'the retry saved it', actions: 'remember the saved time' },
      },
    },
    stopped: {
      type: 'final',
    },
  },
});
