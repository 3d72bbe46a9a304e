import { assign, enqueueActions, fromCallback, fromPromise, setup } from 'xstate';
import type { WallClock } from '../shared/clock';
import { isAhead, keyOf, takeIn, type Offerer } from './history-set';
import { roomOf, spend, withdrawalRoomOf } from './offer-budget';
import { takeInWithdrawals } from './withdrawals';
import {
  historyPeerKey,
  type AppendCommand,
  type AppendReport,
  type ExchangeCommand,
  type HistoryEvent,
  type HistoryPeer,
  type HistoryReport,
  type LoadedItems,
} from './history-events';
import {
  anyRefused,
  exchangeWith,
  offered,
  recorded,
  together,
  unsettledOnly,
  withdrawn,
  type HistoryContext,
  type Offer,
} from './history-context';

/** Rounds of exchange a peer that never settles is left out of, at most: about an hour. */
const MOST_ROUNDS_LEFT_OUT = 256;

/**
 * Rotations a peer whose last exchange settled (both histories the same) sits out: it is asked
 * every fourth time round. A change does not wait for it: a cleaning recorded here is offered
 * to every peer at once, one adopted came with its own node's offer, a peer new or back after a
 * silence is asked at once, and once our history changes, whatever brought the change, every
 * settled peer is asked at its next turn again.
 */
export const SETTLED_ROTATIONS_LEFT_OUT = 3;

/**
 * The household's history, as this node knows it: loaded from its file, grown by every
 * cleaning recorded here or adopted, and by what peers have, by the rules of history-set.ts.
 * What one sender may add is bounded by its budget (offer-budget.ts). Each addition is
 * appended to the file, one append at a time; a cleaning recorded here is offered to every
 * peer at once, and a round every 10-20 s exchanges with one peer in turn (a new or
 * returning peer at once), so that the histories of the household come out the same. A
 * peer whose history came out like ours is asked every fourth time round; one whose history
 * never comes out like ours, less and less often.
 */
export const historyMachine = setup({
  types: {
    context: {} as HistoryContext,
    input: {} as { random: () => number; clock: WallClock },
    events: {} as HistoryEvent,
    children: {} as { load: 'load'; file: 'file'; sync: 'sync' },
  },
  actors: {
    // The real ones come from src/ through `provide`; these keep the history in memory.
    load: fromPromise<LoadedItems>(() => Promise.resolve({ history: [], withdrawals: [] })),
    file: fromCallback<AppendCommand>(({ receive, sendBack }) =>
      receive(() => sendBack({ type: 'history-file.appended' } satisfies AppendReport)),
    ),
    sync: fromCallback<ExchangeCommand>(() => undefined),
  },
  actions: {
    // The cleanings first, then the withdrawals, which may take back what the same offer brought.
    'take the cleanings': enqueueActions(({ context, enqueue }, params: Offer) => {
      const now = context.clock.now();
      const { address, names } = params.from;
      const offerer: Offerer =
        address === null ? { own: true } : { own: false, names, room: roomOf(context.budgets, address, now) };
      const intake = takeIn(context.history, params.cleanings, now, offerer);
      const taking = takeInWithdrawals(
        context.withdrawals,
        intake.history,
        params.withdrawals,
        now,
        address === null ? { own: true } : { own: false, room: withdrawalRoomOf(context.budgets, address, now) },
      );
      const aside = intake.aside.filter((cleaning) => !context.aside.some((kept) => keyOf(kept) === keyOf(cleaning)));
      if (address !== null) {
        const taken = { ...intake.taken, withdrawals: taking.added.length };
        enqueue.assign({ budgets: spend(context.budgets, address, taken, now) });
        if (anyRefused(intake.refused) || anyRefused(taking.refused)) {
          enqueue.sendParent({
            type: 'history.refused',
            from: address,
            refused: intake.refused,
            ...(anyRefused(taking.refused) ? { withdrawals: taking.refused } : {}),
          } satisfies HistoryReport);
        }
      }
      const changed = intake.history !== context.history || taking.withdrawals !== context.withdrawals;
      if (!changed && aside.length === 0) return;
      enqueue.assign({
        history: intake.history,
        withdrawals: taking.withdrawals,
        aside: together(context.aside, aside),
        unwritten: [...context.unwritten, ...aside, ...intake.added],
        unwrittenWithdrawals: [...context.unwrittenWithdrawals, ...taking.added],
      });
      if (!changed) return;
      enqueue.assign({ leftOut: unsettledOnly(context.leftOut) });
      enqueue.sendParent({
        type: 'history.changed',
        history: intake.history,
        withdrawals: taking.withdrawals,
      } satisfies HistoryReport);
      if (!params.offer || intake.added.length + taking.added.length === 0) return;
      for (const peer of context.peers) {
        enqueue.sendTo('sync', {
          type: 'history-sync.exchange',
          peer,
          history: intake.history,
          withdrawals: taking.withdrawals,
        } satisfies ExchangeCommand);
      }
    }),
    // What the file holds comes first; what came meanwhile is appended when it adds anything.
    'take the loaded history': enqueueActions(({ context, enqueue }, params: { loaded: LoadedItems }) => {
      const now = context.clock.now();
      const loaded = takeIn([], params.loaded.history, now, { own: true });
      const meanwhile = takeIn(loaded.history, context.history, now, { own: true });
      const fromFile = takeInWithdrawals([], meanwhile.history, params.loaded.withdrawals, now, { own: true });
      const withdrawals = takeInWithdrawals(fromFile.withdrawals, meanwhile.history, context.withdrawals, now, {
        own: true,
      });
      const newAside = context.aside.filter(
        (cleaning) => !loaded.aside.some((kept) => keyOf(kept) === keyOf(cleaning)),
      );
      enqueue.assign({
        history: meanwhile.history,
        aside: together(loaded.aside, newAside),
        unwritten: [...newAside, ...meanwhile.added],
        withdrawals: withdrawals.withdrawals,
        unwrittenWithdrawals: withdrawals.added,
      });
      enqueue.sendParent({
        type: 'history.changed',
        history: meanwhile.history,
        withdrawals: withdrawals.withdrawals,
      } satisfies HistoryReport);
    }),
    // Cleanings kept aside whose time has come (the clock was set, say) join the history.
    'take what is due': enqueueActions(({ context, enqueue }) => {
      const now = context.clock.now();
      const due = context.aside.filter((cleaning) => !isAhead(cleaning, now));
      if (due.length === 0) return;
      const intake = takeIn(context.history, due, now, { own: true });
      enqueue.assign({ aside: context.aside.filter((cleaning) => isAhead(cleaning, now)) });
      if (intake.history === context.history) return;
      enqueue.assign({ history: intake.history, leftOut: unsettledOnly(context.leftOut) });
      enqueue.sendParent({
        type: 'history.changed',
        history: intake.history,
        withdrawals: context.withdrawals,
      } satisfies HistoryReport);
    }),
    // A peer that is new, or back after a silence, is asked at once: it may have what we missed.
    'take the peers': enqueueActions(({ context, enqueue }, params: { peers: readonly HistoryPeer[] }) => {
      const known = new Set(context.peers.map(historyPeerKey));
      enqueue.assign({ peers: params.peers });
      for (const peer of params.peers) {
        if (known.has(historyPeerKey(peer))) continue;
        enqueue.sendTo('sync', exchangeWith(context, peer));
      }
    }),
    'exchange with': enqueueActions(({ context, enqueue }, params: { peers: readonly HistoryPeer[] }) => {
      for (const peer of params.peers) {
        enqueue.sendTo('sync', exchangeWith(context, peer));
      }
    }),
    'exchange with the next peer': enqueueActions(({ context, enqueue }) => {
      if (context.peers.length === 0) return;
      const peer = context.peers[context.turn % context.peers.length];
      enqueue.assign({ turn: context.turn + 1 });
      if ((context.leftOut[historyPeerKey(peer)]?.until ?? 0) > context.turn) return;
      enqueue.sendTo('sync', exchangeWith(context, peer));
    }),
    // A settled peer sits out a few rotations. One left unlike us (or not reached) is asked the
    // next time round, and each such exchange in a row doubles the rotations it is left out of.
    'note how the exchange ended': assign(({ context }, params: { peer: HistoryPeer; settled: boolean }) => {
      const key = historyPeerKey(params.peer);
      const before = context.leftOut[key];
      const streak = params.settled ? 0 : (before?.streak ?? 0) + 1;
      const rotations = params.settled
        ? SETTLED_ROTATIONS_LEFT_OUT
        : Math.min(2 ** (streak - 1), MOST_ROUNDS_LEFT_OUT) - 1;
      const until = context.turn + rotations * Math.max(1, context.peers.length);
      return { leftOut: { ...context.leftOut, [key]: { streak, until } } };
    }),
    'append the unwritten': enqueueActions(({ context, enqueue }, params: { retry: boolean }) => {
      enqueue.assign({
        writing: context.unwritten,
        unwritten: [],
        writingWithdrawals: context.unwrittenWithdrawals,
        unwrittenWithdrawals: [],
      });
      enqueue.sendTo('file', {
        type: 'history-file.append',
        cleanings: context.unwritten,
        withdrawals: context.unwrittenWithdrawals,
        kept: together(context.history, context.aside),
        keptWithdrawals: context.withdrawals,
        retry: params.retry,
      } satisfies AppendCommand);
    }),
    'keep what failed': assign(({ context }) => ({
      unwritten: [...context.writing, ...context.unwritten],
      writing: [],
      unwrittenWithdrawals: [...context.writingWithdrawals, ...context.unwrittenWithdrawals],
      writingWithdrawals: [],
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
    'something is unwritten': ({ context }) => context.unwritten.length > 0 || context.unwrittenWithdrawals.length > 0,
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
    withdrawals: [],
    aside: [],
    unwritten: [],
    unwrittenWithdrawals: [],
    writing: [],
    writingWithdrawals: [],
    peers: [],
    turn: 0,
    flushing: false,
    random: input.random,
    clock: input.clock,
    budgets: {},
    leftOut: {},
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
      // Nothing is offered to the peers before the history is known.
      on: {
        'history.record': { actions: { type: 'take the cleanings', params: recorded(false) } },
        'history.withdraw': { actions: { type: 'take the cleanings', params: withdrawn(false) } },
        'history.offered': { actions: { type: 'take the cleanings', params: offered } },
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
        // A cleaning recorded here is offered to every peer at once.
        'history.record': { actions: { type: 'take the cleanings', params: recorded(true) } },
        // A withdrawal made here too: every node showing the box goes back at once.
        'history.withdraw': { actions: { type: 'take the cleanings', params: withdrawn(true) } },
        'history.offered': { actions: { type: 'take the cleanings', params: offered } },
        'history.received': {
          actions: {
            type: 'take the cleanings',
            params: ({ event }) => ({
              cleanings: event.cleanings,
              withdrawals: event.withdrawals ?? [],
              from: { address: event.from.address, names: event.from.name === null ? [] : [event.from.name] },
              offer: false,
            }),
          },
        },
        'history.exchanged': {
          actions: {
            type: 'note how the exchange ended',
            params: ({ event }) => ({ peer: event.peer, settled: event.settled }),
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
              after: {
                syncRound: {
                  target: 'waiting',
                  reenter: true,
                  actions: ['take what is due', 'exchange with the next peer'],
                },
              },
            },
          },
        },
      },
    },
  },
});
