import { boxField, DEFAULT_BOX } from '../../common/boxes';
import { assign, assertEvent, emit, enqueueActions, fromCallback, fromPromise, sendTo, setup } from 'xstate';
import { clusterMachine } from '../cluster/cluster-machine';
import { historyMachine } from '../history/history-machine';
import { type HistoryEvent } from '../history/history-events';
import { levelAt } from '../reminder/levels';
import { reminderMachine } from '../reminder/reminder-machine';
import { pressTime } from '../shared/time-rules';
import { storeMachine, type SaveCommand } from '../store/store-machine';
import { boxTimes, canSayWho, canUndo } from '../history/boxes';
import { sameKey } from '../history/history-set';
import { boxViews, householdPeople } from './box-views';
import { historyPeers, sameHistoryPeers } from './history-peers';
import type { Asked, NodeContext, NodeEmitted, NodeEvent, NodeInput, Saving } from './node-events';
import { nodeView } from './node-view';
import { nodeGuards } from './node-guards';
import {
  answeredSave,
  boxParts,
  defaultWithdrawn,
  isDone,
  latestHere,
  ownBox,
  ownBoxChange,
  reminderIds,
  reminderOf,
  standsByTheDefaultBox,
} from './node-context';

/** What an undo and a naming are answered with. */
const ANSWERS = { undo: 'undo.answered', naming: 'naming.answered' } as const;

const SECOND = 1_000;

/** What the store's answer leads to for a cleaning recorded here (the rest of `store.answered`'s transitions). */
const recordedHere = [
  'take the time',
  'tell the household',
  'announce the time',
  'tell the reminder',
  'publish the view',
  'record in the history',
  'answer once the history has it',
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
      /** The reminder of each other box the strip shows (reminderOf). */
      [box: `reminder:${string}`]: 'reminder';
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
      const saving: Saving = {
        lastCleaned,
        source: event.source,
        ...(event.by === undefined ? {} : { by: event.by }),
        from: null,
        ticket: event.ticket ?? null,
      };
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
    // UDP carries the default box's time alone: original nodes belong to it, and adopt whatever
    // they are sent. Another box's cleaning goes round our nodes in the history (offered at once).
    'tell the household': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'store.answered');
      if (standsByTheDefaultBox(context))
        enqueue.sendTo('cluster', { type: 'cluster.share' as const, lastCleaned: event.lastCleaned });
    }),
    // A node of another box keeps the default box's time too (it answers original nodes with
    // it): the history takes it, as a time adopted from that address.
    "record the default box's time": sendTo('history', ({ event }): HistoryEvent => {
      assertEvent(event, 'cluster.adopted');
      return {
        type: 'history.record',
        cleaning: { at: event.lastCleaned, source: 'network', node: null },
        from: { address: event.from.address },
      };
    }),
    // The cluster hears which of the default box's times were taken back, and which stands now.
    'tell the cluster what was withdrawn': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'history.changed');
      const before = defaultWithdrawn(context.withdrawals);
      const withdrawn = defaultWithdrawn(event.withdrawals);
      if (withdrawn.length === before.length) return;
      const restored = boxTimes(event.history, event.withdrawals).get(DEFAULT_BOX)?.at ?? null;
      enqueue.sendTo('cluster', { type: 'cluster.withdrawn' as const, withdrawn, restored });
    }),
    // Told to the reminder, the store and the log (ownBoxChange says what changes).
    'follow the own box': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'history.changed');
      const change = ownBoxChange(context, event);
      if (!change) return;
      const { box, held, standing, withdrawn } = change;
      const { clock, thresholds } = context.settings;
      enqueue.assign({ lastCleaned: standing, level: levelAt(standing, clock.now(), thresholds), adopted: null });
      enqueue.sendTo('reminder', { type: 'time.changed' as const, lastCleaned: standing });
      // A withdrawal goes back to the cleaning that stands, or, when none does, removes the file.
      if (withdrawn)
        enqueue.sendTo('store', { type: 'store.save', lastCleaned: standing, back: true } satisfies SaveCommand);
      else if (standing !== null)
        enqueue.sendTo('store', { type: 'store.save', lastCleaned: standing } satisfies SaveCommand);
      if (withdrawn && held !== null) enqueue.emit({ type: 'time.withdrawn', box, at: held, restored: standing });
      else if (standing !== null) {
        enqueue.emit({ type: 'time.changed', lastCleaned: standing, reason: 'history', source: null, from: null });
      }
    }),
    'announce the time': emit(({ context, event }): NodeEmitted => {
      assertEvent(event, ['store.answered', 'cluster.adopted']);
      const { lastCleaned } = event;
      if (event.type === 'cluster.adopted')
        return { type: 'time.changed', lastCleaned, reason: 'adopted', source: null, from: event.from };
      const source = answeredSave(context, lastCleaned)?.source ?? null;
      return { type: 'time.changed', lastCleaned, reason: 'recorded', source, from: null };
    }),
    'publish the view': emit(({ context }): NodeEmitted => {
      const { thresholds, timeZone, people } = context.settings;
      return {
        type: 'view.changed',
        view: nodeView({
          name: context.name,
          lastCleaned: context.lastCleaned,
          level: context.level,
          quiet: context.quiet,
          peers: context.peers,
          thresholds,
          timeZone,
          boxes: boxViews(boxParts(context)),
          people: householdPeople(people, context.peers),
        }),
      };
    }),
    // A press within the burst of the cleaning held: its request is answered at once.
    'answer the requester': enqueueActions(({ event, enqueue }) => {
      assertEvent(event, 'cleaning.reported');
      if (event.ticket) enqueue.emit({ type: 'cleaning.answered', ticket: event.ticket });
    }),
    // A request waits for this: once the history has the cleaning (it was just told), the view
    // that shows the cleaning, and whether it may be taken back, has been emitted. A cleaning the
    // history holds already changes nothing there, and is answered at once.
    'answer once the history has it': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, ['store.answered', 'cleaning.reported']);
      const ticket =
        event.type === 'cleaning.reported' ? event.ticket : answeredSave(context, event.lastCleaned)?.ticket;
      if (!ticket) return;
      const at = event.type === 'cleaning.reported' ? (event.at ?? context.settings.clock.now()) : event.lastCleaned;
      const asked: Asked = { kind: 'cleaning', ticket, box: ownBox(context), at };
      if (isDone(context, asked)) enqueue.emit({ type: 'cleaning.answered', ticket });
      else enqueue.assign({ asked: [...context.asked, asked] });
    }),
    // Keeps what a child reported (the level, quiet hours, the peers or our name) for the
    // view; each transition says which of them it keeps.
    remember: assign((_, params: Partial<Pick<NodeContext, 'level' | 'quiet' | 'peers' | 'name'>>) => params),
    'pass on the refusal': emit(({ event }): NodeEmitted => {
      assertEvent(event, 'cluster.refused');
      const { from, lastCleaned, reason, withdrawn } = event;
      return {
        type: 'time.refused',
        from,
        lastCleaned,
        ...(reason === undefined ? {} : { reason }),
        ...(withdrawn ? { withdrawn } : {}),
      };
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
    'tell the reminder the settings': enqueueActions(({ context, enqueue }) => {
      const { quietHours, timeZone, thresholds } = context.settings;
      for (const id of reminderIds(context)) {
        enqueue.sendTo(id, { type: 'reminder.settings' as const, quietHours, timeZone, thresholds });
      }
    }),
    // The other boxes the strip shows: a reminder each, whose display paints that box's run.
    'remind of the other boxes': enqueueActions(({ context, enqueue }) => {
      const times = boxTimes(context.history, context.withdrawals);
      for (const box of context.settings.boxes.slice(1)) {
        enqueue.spawnChild('reminder', {
          id: reminderOf(box),
          input: {
            lastCleaned: times.get(box)?.at ?? null,
            thresholds: context.settings.thresholds,
            quietHours: context.settings.quietHours,
            timeZone: context.settings.timeZone,
            clock: context.settings.clock,
            box,
          },
        });
      }
    }),
    // What the history says of the other boxes the strip shows: each reminder hears its box's new time.
    'tell the other reminders': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'history.changed');
      const before = boxTimes(context.history, context.withdrawals);
      const after = boxTimes(event.history, event.withdrawals);
      for (const box of context.settings.boxes.slice(1)) {
        const lastCleaned = after.get(box)?.at ?? null;
        if (lastCleaned !== (before.get(box)?.at ?? null)) {
          enqueue.sendTo(reminderOf(box), { type: 'time.changed' as const, lastCleaned });
        }
      }
    }),
    'remember the box level': assign(({ context, event }) => {
      assertEvent(event, 'reminder.level');
      return event.box === undefined ? {} : { levels: { ...context.levels, [event.box]: event.level } };
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
      const box = boxField(ownBox(context));
      if (event.type === 'cleaning.reported') {
        const at = event.at ?? context.settings.clock.now();
        const by = event.by === undefined ? {} : { by: event.by };
        return { type: 'history.record', cleaning: { at, source: event.source, node, ...box, ...by } };
      }
      const saving = answeredSave(context, event.lastCleaned);
      const source = saving?.source ?? null;
      // An adopted time is the sender's offer: it counts against what that address may add.
      const from = saving?.from ? { from: { address: saving.from.address } } : {};
      const by = saving?.by === undefined ? {} : { by: saving.by };
      const cleaning =
        source === null
          ? { at: event.lastCleaned, source: 'network' as const, node: null, ...box }
          : { at: event.lastCleaned, source, node, ...box, ...by };
      return { type: 'history.record', cleaning, ...from };
    }),
    // A box this node does not stand by has no store and no UDP time here: the history records
    // it, offers it to every peer at once, and the request is answered once it shows.
    'record the cleaning of another box': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'cleaning.reported');
      const box = event.box ?? ownBox(context);
      const latest = boxTimes(context.history, context.withdrawals).get(box)?.at ?? null;
      const at = event.at ?? pressTime(context.settings.clock.now(), latest);
      const held = at !== null && context.history.some((cleaning) => sameKey(cleaning, { at, ...boxField(box) }));
      if (at === null || held) {
        if (event.ticket) enqueue.emit({ type: 'cleaning.answered', ticket: event.ticket });
        return;
      }
      if (event.ticket)
        enqueue.assign({ asked: [...context.asked, { kind: 'cleaning', ticket: event.ticket, box, at }] });
      const by = event.by === undefined ? {} : { by: event.by };
      enqueue.sendTo('history', {
        type: 'history.record',
        cleaning: { at, source: event.source, node: context.name, ...boxField(box), ...by },
      } satisfies HistoryEvent);
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
    'take the history': assign(({ event }) => {
      assertEvent(event, 'history.changed');
      return { history: event.history, withdrawals: event.withdrawals };
    }),
    'show the history': emit(({ event }): NodeEmitted => {
      assertEvent(event, 'history.changed');
      return { type: 'history.changed', history: event.history, withdrawals: event.withdrawals };
    }),
    // canUndo decides here, where the history is known; the history machine takes our own withdrawal as it is.
    'take back the cleaning': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'cleaning.undo');
      const { box, at, ticket } = event;
      const now = context.settings.clock.now();
      const verdict = canUndo(context.history, context.withdrawals, box, at, now, context.settings.undoWindowMs);
      if (!verdict.ok) {
        enqueue.emit({ type: 'undo.answered', ticket, ...verdict });
        return;
      }
      const when = Math.floor(now / SECOND) * SECOND;
      enqueue.assign({ asked: [...context.asked, { kind: 'undo', ticket, box, at }] });
      enqueue.sendTo('history', {
        type: 'history.withdraw',
        withdrawal: { at, ...boxField(box), when, node: context.name },
      } satisfies HistoryEvent);
    }),
    'say who cleaned': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'cleaning.named');
      const { box, at, by, ticket } = event;
      const { clock, undoWindowMs } = context.settings;
      const verdict = canSayWho(
        context.history,
        context.withdrawals,
        box,
        at,
        by,
        context.name,
        clock.now(),
        undoWindowMs,
      );
      if (!verdict.ok) {
        enqueue.emit({ type: 'naming.answered', ticket, ...verdict });
        return;
      }
      enqueue.assign({ asked: [...context.asked, { kind: 'naming', ticket, box, at, by }] });
      enqueue.sendTo('history', { type: 'history.record', cleaning: verdict.cleaning } satisfies HistoryEvent);
    }),
    // After the view that shows it: whoever asked sees the change when the answer comes.
    'answer what the history shows': enqueueActions(({ context, enqueue }) => {
      const done = context.asked.filter((asked) => isDone(context, asked));
      if (done.length === 0) return;
      enqueue.assign({ asked: context.asked.filter((asked) => !done.includes(asked)) });
      for (const { kind, ticket } of done) {
        enqueue.emit(
          kind === 'cleaning' ? { type: 'cleaning.answered', ticket } : { type: ANSWERS[kind], ticket, ok: true },
        );
      }
    }),
    'pass on what the history refused': emit(({ event }): NodeEmitted => {
      assertEvent(event, 'history.refused');
      return event;
    }),
    'stop the reminder': enqueueActions(({ context, enqueue }) => {
      for (const id of reminderIds(context)) enqueue.sendTo(id, { type: 'SHUTDOWN' as const });
    }),
    'leave the household': sendTo('cluster', { type: 'cluster.leave' }),
    'finish saving': sendTo('store', { type: 'store.flush' }),
    'finish the history': sendTo('history', { type: 'history.flush' }),
  },
  guards: nodeGuards,
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
      history: [],
      withdrawals: [],
      levels: {},
      asked: [],
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
      entry: ['publish the view', 'remind of the other boxes'],
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
          // The default box's time: a node of another box learns it from its peers.
          input: ({ context }) => ({
            lastCleaned: standsByTheDefaultBox(context) ? context.lastCleaned : null,
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
                  { guard: 'is of another box', actions: 'record the cleaning of another box' },
                  // The cleaning the household holds already: whoever reported it hears at once.
                  { guard: 'is a press within a burst', actions: 'answer the requester' },
                  { guard: 'is later than ours', actions: 'save the cleaning' },
                  // Older than ours: only the history takes it, and whoever reported it hears at once.
                  { actions: ['record in the history', 'answer once the history has it'] },
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
              on: {
                'cluster.adopted': [
                  { guard: 'stands by another box', actions: "record the default box's time" },
                  { target: 'settling', actions: adopted },
                ],
              },
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
          { actions: ['record in the history', 'answer once the history has it', 'forget the save'] },
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
        'history.changed': [
          {
            guard: 'changes the boxes',
            actions: [
              'tell the cluster what was withdrawn',
              'tell the other reminders',
              'follow the own box',
              'take the history',
              'publish the view',
              'show the history',
              'answer what the history shows',
            ],
          },
          {
            actions: [
              'tell the cluster what was withdrawn',
              'follow the own box',
              'take the history',
              'show the history',
              'answer what the history shows',
            ],
          },
        ],
        'cleaning.undo': { actions: 'take back the cleaning' },
        'cleaning.named': { actions: 'say who cleaned' },
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
        'reminder.level': [
          {
            guard: 'changes the level',
            actions: [{ type: 'remember', params: ({ event }) => ({ level: event.level }) }, 'publish the view'],
          },
          { guard: "changes another box's level", actions: ['remember the box level', 'publish the view'] },
        ],
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
