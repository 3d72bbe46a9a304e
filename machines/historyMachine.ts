import { assign, enqueueActions, fromCallback, fromPromise, setup } from 'xstate';
import type { Cleaning } from '../common/history';
import { mergeInto, type History } from './history-set';

/** One of our nodes whose HTTP API serves its history. */
export interface HistoryPeer {
  name: string | null;
  address: string;
  /** Its HTTP port (the `http=` of its TXT record). */
  port: number;
}

export const historyPeerKey = (peer: HistoryPeer): string => `${peer.address}:${peer.port}`;

/** What the history asks of its file: append these (the whole history comes along, to compact from). */
export interface AppendCommand {
  type: 'history-file.append';
  cleanings: readonly Cleaning[];
  history: History;
  retry: boolean;
}

export type AppendReport = { type: 'history-file.appended' } | { type: 'history-file.failed' };

/** Compare histories with a peer: take what it has that ours lacks (`history.received`), give it the rest. */
export interface ExchangeCommand {
  type: 'history-sync.exchange';
  peer: HistoryPeer;
  history: History;
}

export type HistoryEvent =
  /** A cleaning recorded here, or a time adopted from the household (`network`). */
  | { type: 'history.record'; cleaning: Cleaning }
  /** What a peer sent us (checked already), or what an exchange with one brought. */
  | { type: 'history.offered'; cleanings: readonly Cleaning[] }
  | { type: 'history.received'; cleanings: readonly Cleaning[] }
  /** The peers to exchange with: ours, with a page, answering. */
  | { type: 'history.peers'; peers: readonly HistoryPeer[] }
  /** Answered with `history.idle` once nothing taken in is left unwritten. */
  | { type: 'history.flush' }
  | AppendReport;

export type HistoryReport = { type: 'history.changed'; history: History } | { type: 'history.idle' };

interface HistoryContext {
  history: History;
  /** Taken in, and not yet appended to the file. */
  unwritten: readonly Cleaning[];
  /** Being appended now. */
  writing: readonly Cleaning[];
  peers: readonly HistoryPeer[];
  /** Which peer the next round asks: one in turn. */
  turn: number;
  flushing: boolean;
  random: () => number;
}

/**
 * The household's history, as this node knows it: loaded from its file, grown by every
 * cleaning recorded here or adopted, and by what peers have. Each addition is appended to
 * the file, one append at a time; a cleaning recorded here is offered to every peer at
 * once, and a round every 10-20 s exchanges with one peer in turn (a new or returning peer
 * at once), so that the histories of the household come out the same.
 */
export const historyMachine = setup({
  types: {
    context: {} as HistoryContext,
    input: {} as { random: () => number },
    events: {} as HistoryEvent,
    children: {} as { load: 'load'; file: 'file'; sync: 'sync' },
  },
  actors: {
    // The real ones come from src/ through `provide`; these keep the history in memory.
    load: fromPromise<History>(() => Promise.resolve([])),
    file: fromCallback<AppendCommand>(({ receive, sendBack }) =>
      receive(() => sendBack({ type: 'history-file.appended' } satisfies AppendReport)),
    ),
    sync: fromCallback<ExchangeCommand>(() => undefined),
  },
  actions: {
    'take the cleanings': enqueueActions(
      ({ context, enqueue }, params: { cleanings: readonly Cleaning[]; offer: boolean }) => {
        const { history, added } = mergeInto(context.history, params.cleanings);
        if (history === context.history) return;
        enqueue.assign({ history, unwritten: [...context.unwritten, ...added] });
        enqueue.sendParent({ type: 'history.changed', history } satisfies HistoryReport);
        if (!params.offer || added.length === 0) return;
        for (const peer of context.peers) {
          enqueue.sendTo('sync', { type: 'history-sync.exchange', peer, history } satisfies ExchangeCommand);
        }
      },
    ),
    // What the file holds comes first; what came meanwhile is appended when it adds anything.
    'take the loaded history': enqueueActions(({ context, enqueue }, params: { loaded: History }) => {
      const { history, added } = mergeInto(params.loaded, context.history);
      enqueue.assign({ history, unwritten: added });
      enqueue.sendParent({ type: 'history.changed', history } satisfies HistoryReport);
    }),
    // A peer that is new, or back after a silence, is asked at once: it may have what we missed.
    'take the peers': enqueueActions(({ context, enqueue }, params: { peers: readonly HistoryPeer[] }) => {
      const known = new Set(context.peers.map(historyPeerKey));
      enqueue.assign({ peers: params.peers });
      for (const peer of params.peers) {
        if (known.has(historyPeerKey(peer))) continue;
        enqueue.sendTo('sync', { type: 'history-sync.exchange', peer, history: context.history });
      }
    }),
    'exchange with': enqueueActions(({ context, enqueue }, params: { peers: readonly HistoryPeer[] }) => {
      for (const peer of params.peers) {
        enqueue.sendTo('sync', { type: 'history-sync.exchange', peer, history: context.history });
      }
    }),
    'exchange with the next peer': enqueueActions(({ context, enqueue }) => {
      if (context.peers.length === 0) return;
      const peer = context.peers[context.turn % context.peers.length];
      enqueue.assign({ turn: context.turn + 1 });
      enqueue.sendTo('sync', { type: 'history-sync.exchange', peer, history: context.history });
    }),
    'append the unwritten': enqueueActions(({ context, enqueue }, params: { retry: boolean }) => {
      enqueue.assign({ writing: context.unwritten, unwritten: [] });
      enqueue.sendTo('file', {
        type: 'history-file.append',
        cleanings: context.unwritten,
        history: context.history,
        retry: params.retry,
      } satisfies AppendCommand);
    }),
    'keep what failed': assign(({ context }) => ({
      unwritten: [...context.writing, ...context.unwritten],
      writing: [],
    })),
    'note the flush': assign({ flushing: true }),
    'report idle': enqueueActions(({ enqueue }) =>
      enqueue.sendParent({ type: 'history.idle' } satisfies HistoryReport),
    ),
    'report idle if asked': enqueueActions(({ context, enqueue }) => {
      if (context.flushing) enqueue.sendParent({ type: 'history.idle' } satisfies HistoryReport);
    }),
  },
  guards: {
    'something is unwritten': ({ context }) => context.unwritten.length > 0,
  },
  delays: {
    // Spread apart, so that the nodes of a house do not all ask at once.
    syncRound: ({ context }) => 10_000 + context.random() * 10_000,
    retryAppend: 3_000,
  },
}).createMachine({
  id: 'history',
  context: ({ input }) => ({
    history: [],
    unwritten: [],
    writing: [],
    peers: [],
    turn: 0,
    flushing: false,
    random: input.random,
  }),
  initial: 'loading',
  states: {
    loading: {
      invoke: {
        id: 'load',
        src: 'load',
        onDone: {
          target: 'ready',
          actions: { type: 'take the loaded history', params: ({ event }) => ({ loaded: event.output }) },
        },
        // The loader reports what was wrong; the history starts from what comes.
        onError: 'ready',
      },
      on: {
        'history.record': {
          actions: {
            type: 'take the cleanings',
            params: ({ event }) => ({ cleanings: [event.cleaning], offer: false }),
          },
        },
        'history.offered': {
          actions: {
            type: 'take the cleanings',
            params: ({ event }) => ({ cleanings: event.cleanings, offer: false }),
          },
        },
        'history.peers': { actions: assign({ peers: ({ event }) => event.peers }) },
        'history.flush': { actions: 'report idle' },
      },
    },
    ready: {
      type: 'parallel',
      invoke: [
        { id: 'file', src: 'file' },
        { id: 'sync', src: 'sync' },
      ],
      // What this node missed while it was off.
      entry: { type: 'exchange with', params: ({ context }) => ({ peers: context.peers }) },
      on: {
        'history.record': {
          actions: {
            type: 'take the cleanings',
            params: ({ event }) => ({ cleanings: [event.cleaning], offer: event.cleaning.source !== 'network' }),
          },
        },
        'history.offered': {
          actions: {
            type: 'take the cleanings',
            params: ({ event }) => ({ cleanings: event.cleanings, offer: false }),
          },
        },
        'history.received': {
          actions: {
            type: 'take the cleanings',
            params: ({ event }) => ({ cleanings: event.cleanings, offer: false }),
          },
        },
        'history.peers': { actions: { type: 'take the peers', params: ({ event }) => ({ peers: event.peers }) } },
      },
      states: {
        file: {
          initial: 'idle',
          states: {
            idle: {
              always: { guard: 'something is unwritten', target: 'writing' },
              on: { 'history.flush': { actions: 'report idle' } },
            },
            writing: {
              entry: { type: 'append the unwritten', params: { retry: false } },
              on: {
                'history.flush': { actions: 'note the flush' },
                'history-file.appended': [
                  { guard: 'something is unwritten', target: 'writing', reenter: true },
                  { target: 'idle', actions: 'report idle if asked' },
                ],
                'history-file.failed': { target: 'failing', actions: 'keep what failed' },
              },
            },
            failing: {
              // What cannot be written is kept in memory, and shown; the file actor said why.
              on: { 'history.flush': { actions: 'report idle' } },
              after: { retryAppend: 'retrying' },
            },
            retrying: {
              entry: { type: 'append the unwritten', params: { retry: true } },
              on: {
                'history.flush': { actions: 'report idle' },
                'history-file.appended': [
                  { guard: 'something is unwritten', target: 'writing' },
                  { target: 'idle', actions: 'report idle if asked' },
                ],
                'history-file.failed': { target: 'failing', actions: 'keep what failed' },
              },
            },
          },
        },
        sync: {
          initial: 'waiting',
          states: {
            waiting: {
              after: { syncRound: { target: 'waiting', reenter: true, actions: 'exchange with the next peer' } },
            },
          },
        },
      },
    },
  },
});
