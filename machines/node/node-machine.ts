import { assign, assertEvent, emit, enqueueActions, fromCallback, fromPromise, sendTo, setup } from 'xstate';
import { clusterMachine } from '../cluster/cluster-machine';
import { samePeerViews } from '../cluster/peer-view';
import { historyMachine, type HistoryEvent } from '../history/history-machine';
import { levelAt } from '../reminder/levels';
import { reminderMachine } from '../reminder/reminder-machine';
import { pressTime } from '../shared/time-rules';
import { storeMachine, type SaveCommand } from '../store/store-machine';
import { historyPeers, sameHistoryPeers } from './history-peers';
import type { NodeContext, NodeEmitted, NodeEvent, NodeInput, Saving } from './node-events';
import { nodeView } from './node-view';

/** The household's time, or a later one recorded here that is still being saved. */
const latestHere = (context: NodeContext): number | null =>
  context.pressed !== null && (context.lastCleaned === null || context.pressed > context.lastCleaned)
    ? context.pressed
    : context.lastCleaned;

/** The save the store has just answered: the oldest of that time (the store answers each once). */
const answeredSave = (context: NodeContext, lastCleaned: number): Saving | undefined =>
  context.saving.find((saving) => saving.lastCleaned === lastCleaned);

/** What the store's answer leads to for a cleaning recorded here (the rest of `store.answered`'s transitions). */
const recordedHere = [
  'take the time',
  'tell the household',
  'announce the time',
  'tell the reminder',
  'publish the view',
  'record in the history',
  'answer the requester',
  'forget the save',
] as const;

/** A time adopted from a peer is shown and told at once; the strip and the file get it once it settles. */
const adopted = ['take the adopted time', 'announce the time', 'publish the view'] as const;
const settled = ['save the adopted time', 'tell the reminder'] as const;

/**
 * The node's life: load the saved time, then run the store (the state file), the
 * cluster (the household over UDP), the history, the reminder (the strip) and the button until
 * SHUTDOWN, which leads every one of them out: the strip ends dark, the mDNS goodbye
 * is sent and the last save is finished. Observers (the terminal, the log, the page, MQTT)
 * subscribe to what it emits: the view, whenever any part of it changes, the history, and
 * the answer to each request; they send it what they are told (a cleaning, a look at the
 * household, a time from a broker, the cleanings a peer sent).
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
      cluster: 'cluster';
      reminder: 'reminder';
      button: 'button';
      history: 'history';
    },
  },
  actors: {
    // The real implementations come from src/ through `provide`.
    loadState: fromPromise<number | null>(() => Promise.resolve(null)),
    button: fromCallback(() => undefined),
    store: storeMachine,
    cluster: clusterMachine,
    reminder: reminderMachine,
    history: historyMachine,
  },
  actions: {
    // The level too, so that the first view is right; the reminder keeps it so from then on.
    'take the loaded time': assign(({ context }, params: { lastCleaned: number | null }) => {
      const { clock, thresholds } = context.settings;
      return { lastCleaned: params.lastCleaned, level: levelAt(params.lastCleaned, clock.now(), thresholds) };
    }),
    // Only a cleaning that is new comes here: the guards before it turn away a press within
    // the burst of the last one, and a cleaning at a time earlier than the household's. The
    // node remembers where the cleaning came from and who waits for it; the store is told
    // only the time.
    'save the cleaning': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'cleaning.reported');
      const pressed = pressTime(context.settings.clock.now(), latestHere(context));
      const lastCleaned = event.at ?? pressed;
      if (lastCleaned === null) return;
      const saving: Saving = { lastCleaned, source: event.source, from: null, ticket: event.ticket ?? null };
      enqueue.assign({
        saving: [...context.saving, saving],
        ...(event.at === undefined ? { pressed: lastCleaned } : {}),
      });
      enqueue.sendTo('store', { type: 'store.save', lastCleaned } satisfies SaveCommand);
    }),
    // Announced and passed on already: the file follows.
    'save the adopted time': enqueueActions(({ context, enqueue }) => {
      if (!context.adopted) return;
      const { lastCleaned, from } = context.adopted;
      const saving: Saving = { lastCleaned, source: null, from, ticket: null };
      enqueue.assign({ saving: [...context.saving, saving] });
      enqueue.sendTo('store', { type: 'store.save', lastCleaned } satisfies SaveCommand);
    }),
    'forget the save': assign(({ context, event }) => {
      assertEvent(event, 'store.answered');
      const answered = answeredSave(context, event.lastCleaned);
      return { saving: context.saving.filter((saving) => saving !== answered) };
    }),
    'take the time': assign({
      lastCleaned: ({ event }) => {
        assertEvent(event, 'store.answered');
        return event.lastCleaned;
      },
    }),
    // Its level with it: the view goes out at once, before the reminder hears of the time.
    'take the adopted time': assign(({ context, event }) => {
      assertEvent(event, 'cluster.adopted');
      const { lastCleaned, from } = event;
      const { clock, thresholds } = context.settings;
      return { lastCleaned, adopted: { lastCleaned, from }, level: levelAt(lastCleaned, clock.now(), thresholds) };
    }),
    'tell the reminder': enqueueActions(({ context, enqueue }) => {
      if (context.lastCleaned !== null)
        enqueue.sendTo('reminder', { type: 'time.changed', lastCleaned: context.lastCleaned });
    }),
    'tell the household': sendTo('cluster', ({ event }) => {
      assertEvent(event, 'store.answered');
      return { type: 'cluster.share' as const, lastCleaned: event.lastCleaned };
    }),
    'announce the time': emit(({ context, event }): NodeEmitted => {
      assertEvent(event, ['store.answered', 'cluster.adopted']);
      const { lastCleaned } = event;
      if (event.type === 'cluster.adopted')
        return { type: 'time.changed', lastCleaned, reason: 'adopted', source: null, from: event.from };
      const source = answeredSave(context, lastCleaned)?.source ?? null;
      return { type: 'time.changed', lastCleaned, reason: 'recorded', source, from: null };
    }),
    'publish the view': emit(({ context }): NodeEmitted => ({
      type: 'view.changed',
      view: nodeView({
        name: context.name,
        lastCleaned: context.lastCleaned,
        level: context.level,
        quiet: context.quiet,
        peers: context.peers,
        thresholds: context.settings.thresholds,
        timeZone: context.settings.timeZone,
      }),
    })),
    // A request waits for this: the view it answers with has just been emitted.
    'answer the requester': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, ['store.answered', 'cleaning.reported']);
      const ticket =
        event.type === 'cleaning.reported' ? event.ticket : answeredSave(context, event.lastCleaned)?.ticket;
      if (ticket) enqueue.emit({ type: 'cleaning.answered', ticket });
    }),
    // Keeps what a child reported (the level, quiet hours, the peers or our name) for the
    // view; each transition says which of them it keeps.
    remember: assign((_, params: Partial<Pick<NodeContext, 'level' | 'quiet' | 'peers' | 'name'>>) => params),
    'pass on the refusal': emit(({ event }): NodeEmitted => {
      assertEvent(event, 'cluster.refused');
      const { from, lastCleaned, reason } = event;
      return { type: 'time.refused', from, lastCleaned, ...(reason === undefined ? {} : { reason }) };
    }),
    'pass on the silence': emit(({ event }): NodeEmitted => {
      assertEvent(event, 'cluster.silent');
      return { type: 'peer.silent', peer: event.peer };
    }),
    'pass on the decision': emit(({ event }): NodeEmitted => {
      assertEvent(event, 'cluster.decided');
      const { type: _report, ...decision } = event;
      return { type: 'peer.decided', ...decision };
    }),
    'refresh the household': sendTo('cluster', { type: 'cluster.refresh' }),
    'say the household is refreshed': emit({ type: 'household.refreshed' }),
    'take the settings': assign(({ context, event }) => {
      assertEvent(event, 'settings.changed');
      const { quietHours, timeZone, thresholds, peers } = event;
      return { settings: { ...context.settings, quietHours, timeZone, thresholds, peers } };
    }),
    'tell the reminder the settings': sendTo('reminder', ({ context }) => {
      const { quietHours, timeZone, thresholds } = context.settings;
      return { type: 'reminder.settings' as const, quietHours, timeZone, thresholds };
    }),
    'give the cluster its levels': sendTo('cluster', ({ context }) => ({
      type: 'cluster.levels' as const,
      thresholds: context.settings.thresholds,
    })),
    'give the cluster its peers': sendTo('cluster', ({ context }) => ({
      type: 'cluster.peers-given' as const,
      peers: context.settings.peers,
    })),
    'offer the time to the household': sendTo('cluster', ({ event }) => {
      assertEvent(event, 'time.offered');
      return { type: 'cluster.offered' as const, lastCleaned: event.lastCleaned, from: event.from };
    }),
    // The history's file follows the state file: a cleaning "now" and an adopted time are
    // recorded once the store has answered for them, saved or not. A cleaning reported at an
    // earlier time than the household's is not saved at all, and comes here at once.
    'record in the history': sendTo('history', ({ context, event }): HistoryEvent => {
      assertEvent(event, ['store.answered', 'cleaning.reported']);
      const node = context.name;
      if (event.type === 'cleaning.reported') {
        const at = event.at ?? context.settings.clock.now();
        return { type: 'history.record', cleaning: { at, source: event.source, node } };
      }
      const saving = answeredSave(context, event.lastCleaned);
      const source = saving?.source ?? null;
      // An adopted time is the sender's offer: it counts against what that address may add.
      const from = saving?.from ? { from: { address: saving.from.address } } : {};
      return {
        type: 'history.record',
        cleaning: { at: event.lastCleaned, source: source ?? 'network', node: source === null ? null : node },
        ...from,
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
    'show the history': emit(({ event }): NodeEmitted => {
      assertEvent(event, 'history.changed');
      return { type: 'history.changed', history: event.history };
    }),
    'pass on what the history refused': emit(({ event }): NodeEmitted => {
      assertEvent(event, 'history.refused');
      return event;
    }),
    'stop the reminder': sendTo('reminder', { type: 'SHUTDOWN' }),
    'leave the household': sendTo('cluster', { type: 'cluster.leave' }),
    'finish saving': sendTo('store', { type: 'store.flush' }),
    'finish the history': sendTo('history', { type: 'history.flush' }),
  },
  guards: {
    'is a press within a burst': ({ context, event }) => {
      assertEvent(event, 'cleaning.reported');
      return event.at === undefined && pressTime(context.settings.clock.now(), latestHere(context)) === null;
    },
    // A cleaning "now" counts (past the burst); one recorded at an earlier time only when it is later than ours.
    'is later than ours': ({ context, event }) => {
      assertEvent(event, 'cleaning.reported');
      return event.at === undefined || context.lastCleaned === null || event.at > context.lastCleaned;
    },
    // A later time adopted while the cleaning was being saved has made it old news.
    // A cleaning recorded here since: it is shown and saved already.
    'a later time came meanwhile': ({ context }) => context.adopted?.lastCleaned !== context.lastCleaned,
    // A cleaning recorded here, unless a later time (adopted, or recorded since) overtook it while it was saved.
    'moves the time forward': ({ context, event }) => {
      assertEvent(event, 'store.answered');
      const recorded = (answeredSave(context, event.lastCleaned)?.source ?? null) !== null;
      return recorded && (context.lastCleaned === null || event.lastCleaned > context.lastCleaned);
    },
    'changes the level': ({ context, event }) => {
      assertEvent(event, 'reminder.level');
      return event.level !== context.level;
    },
    'changes quiet hours': ({ context, event }) => {
      assertEvent(event, 'display.quiet');
      return event.quiet !== context.quiet;
    },
    'changes the peers': ({ context, event }) => {
      assertEvent(event, 'cluster.peers');
      return !samePeerViews(event.peers, context.peers);
    },
    'changes our name': ({ context, event }) => {
      assertEvent(event, 'cluster.named');
      return event.name !== context.name;
    },
  },
  delays: {
    // Leaves room within the 3 s a stopping node is given.
    shutdownGrace: 2_000,
    // Long enough for a new time to have gone round the household (a few ms), short
    // enough that nobody sees the strip wait.
    settle: 20,
  },
}).createMachine({
  id: 'node',
  context: ({ input }) => {
    const { name, ...settings } = input;
    return {
      settings,
      name,
      lastCleaned: null,
      saving: [],
      adopted: null,
      pressed: null,
      level: 'unknown',
      quiet: false,
      peers: [],
    };
  },
  initial: 'starting',
  states: {
    starting: {
      invoke: {
        id: 'loadState',
        src: 'loadState',
        onDone: {
          target: 'live',
          actions: { type: 'take the loaded time', params: ({ event }) => ({ lastCleaned: event.output }) },
        },
        // The loader reports what was wrong; the node runs on with an unknown time.
        onError: 'live',
      },
      // A reload before the time is loaded: the children start with it.
      on: { SHUTDOWN: 'stopped', 'settings.changed': { actions: 'take the settings' } },
    },
    live: {
      // The loaded time is not the history's: how it was recorded is not known (the history
      // has it already, from when it was, or began after it: with an original node's file, say).
      entry: 'publish the view',
      invoke: [
        {
          id: 'history',
          src: 'history',
          input: ({ context }) => ({ random: context.settings.random, clock: context.settings.clock }),
        },
        { id: 'store', src: 'store', input: ({ context }) => ({ saved: context.lastCleaned }) },
        {
          id: 'cluster',
          src: 'cluster',
          input: ({ context }) => ({
            lastCleaned: context.lastCleaned,
            peers: context.settings.peers,
            clock: context.settings.clock,
            random: context.settings.random,
          }),
        },
        {
          id: 'reminder',
          src: 'reminder',
          input: ({ context }) => ({
            lastCleaned: context.lastCleaned,
            thresholds: context.settings.thresholds,
            quietHours: context.settings.quietHours,
            timeZone: context.settings.timeZone,
            clock: context.settings.clock,
          }),
        },
      ],
      type: 'parallel',
      states: {
        life: {
          initial: 'running',
          states: {
            running: {
              invoke: { id: 'button', src: 'button' },
              on: {
                'cleaning.reported': [
                  // The cleaning the household holds already: whoever reported it hears at once.
                  { guard: 'is a press within a burst', actions: 'answer the requester' },
                  { guard: 'is later than ours', actions: 'save the cleaning' },
                  // Older than ours: only the history takes it, and whoever reported it hears at once.
                  { actions: ['record in the history', 'answer the requester'] },
                ],
                'household.refresh': { actions: 'refresh the household' },
                SHUTDOWN: 'shuttingDown',
              },
            },
            // Four steps at once: the strip goes dark (the reminder stops), the mDNS goodbye
            // is said (the cluster leaves), and the last save and the last appends to the
            // history are finished. The node stops when all are done, or after
            // `shutdownGrace` whatever is left.
            shuttingDown: {
              type: 'parallel',
              after: { shutdownGrace: '#node.stopped' },
              onDone: '#node.stopped',
              states: {
                strip: {
                  initial: 'darkening',
                  states: {
                    darkening: { entry: 'stop the reminder', on: { 'xstate.done.actor.reminder': 'dark' } },
                    dark: { type: 'final' },
                  },
                },
                household: {
                  initial: 'leaving',
                  states: {
                    leaving: { entry: 'leave the household', on: { 'xstate.done.actor.cluster': 'gone' } },
                    gone: { type: 'final' },
                  },
                },
                file: {
                  initial: 'flushing',
                  states: {
                    flushing: { entry: 'finish saving', on: { 'store.idle': 'flushed' } },
                    flushed: { type: 'final' },
                  },
                },
                history: {
                  initial: 'appending',
                  states: {
                    appending: { entry: 'finish the history', on: { 'history.idle': 'appended' } },
                    appended: { type: 'final' },
                  },
                },
              },
            },
          },
        },
        // A time adopted from a peer is announced, and passed on by the cluster, at once; the
        // strip shows it and the file gets it `settle` later. Meanwhile the CPU goes to the
        // household's agreement (on a busy machine every hop waits for it), and a burst of
        // times (a `reset` repeats itself) is shown and written once.
        adoption: {
          initial: 'shown',
          states: {
            shown: {
              on: { 'cluster.adopted': { target: 'settling', actions: adopted } },
            },
            settling: {
              on: {
                'cluster.adopted': { actions: adopted },
                SHUTDOWN: { target: 'shown', actions: settled },
              },
              after: {
                settle: [
                  { guard: 'a later time came meanwhile', target: 'shown' },
                  { target: 'shown', actions: settled },
                ],
              },
            },
          },
        },
      },
      on: {
        // A time saved (or found unsavable: it is shown and told all the same, from memory).
        // A cleaning recorded here is told only now, the household first: its agreement waits
        // on each hop, the strip here does not. A time adopted was told already, and one a
        // later time overtook meanwhile is old news: the history keeps them all the same.
        'store.answered': [
          { guard: 'moves the time forward', actions: recordedHere },
          { actions: ['record in the history', 'answer the requester', 'forget the save'] },
        ],
        'cluster.refused': { actions: 'pass on the refusal' },
        'cluster.silent': { actions: 'pass on the silence' },
        'cluster.decided': { actions: 'pass on the decision' },
        'cluster.peers': {
          guard: 'changes the peers',
          // The history first: it compares with the peers known so far.
          actions: [
            'tell the history its peers',
            { type: 'remember', params: ({ event }) => ({ peers: event.peers }) },
            'publish the view',
          ],
        },
        'cluster.refreshed': { actions: 'say the household is refreshed' },
        'history.changed': { actions: 'show the history' },
        'history.refused': { actions: 'pass on what the history refused' },
        'history.offered': { actions: 'pass on the offered history' },
        'time.offered': { actions: 'offer the time to the household' },
        'settings.changed': {
          actions: [
            'take the settings',
            'tell the reminder the settings',
            'give the cluster its peers',
            'give the cluster its levels',
            'publish the view',
          ],
        },
        'cluster.named': {
          guard: 'changes our name',
          actions: [{ type: 'remember', params: ({ event }) => ({ name: event.name }) }, 'publish the view'],
        },
        'reminder.level': {
          guard: 'changes the level',
          actions: [{ type: 'remember', params: ({ event }) => ({ level: event.level }) }, 'publish the view'],
        },
        'display.quiet': {
          guard: 'changes quiet hours',
          actions: [{ type: 'remember', params: ({ event }) => ({ quiet: event.quiet }) }, 'publish the view'],
        },
      },
    },
    stopped: {
      type: 'final',
    },
  },
});
