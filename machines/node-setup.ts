import { assign, assertEvent, emit, enqueueActions, fromCallback, fromPromise, sendTo, setup } from 'xstate';
import { clusterMachine } from './clusterMachine';
import { historyMachine } from './historyMachine';
import { levelAt } from './levels';
import type { MqttCommand, NodeContext, NodeEmitted, NodeEvent, NodeInput, WebCommand } from './node-types';
import { nodeView, samePeerViews } from './node-view';
import { reminderMachine } from './reminderMachine';
import { storeMachine, type SaveCommand } from './storeMachine';
import { pressTime } from './time-rules';

/** The household's time, or a later one recorded here that is still being saved. */
const latestHere = (context: NodeContext): number | null =>
  context.pressed !== null && (context.lastCleaned === null || context.pressed > context.lastCleaned)
    ? context.pressed
    : context.lastCleaned;

/**
 * The node's types, children and most of its actions and guards; the history's part is
 * added in node-history.ts, and the states are in nodeMachine.ts.
 */
export const nodeSetup = setup({
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
      web: 'web';
      mqtt: 'mqtt';
      history: 'history';
    },
  },
  actors: {
    // The real implementations come from src/ through `provide`.
    loadState: fromPromise<number | null>(() => Promise.resolve(null)),
    button: fromCallback(() => undefined),
    web: fromCallback<WebCommand>(() => undefined),
    mqtt: fromCallback<MqttCommand>(() => undefined),
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
    // The guards let only a cleaning that is new through: an earlier one, or a press after the burst.
    'save the cleaning': enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'cleaning.reported');
      const pressed = pressTime(context.settings.clock.now(), latestHere(context));
      const lastCleaned = event.at ?? pressed;
      if (lastCleaned === null) return;
      if (event.at === undefined) enqueue.assign({ pressed: lastCleaned });
      enqueue.sendTo('store', {
        type: 'store.save',
        lastCleaned,
        reason: 'press',
        source: event.source,
        from: null,
        ticket: event.ticket ?? null,
      } satisfies SaveCommand);
    }),
    // Announced and passed on already: the file follows.
    'save the adopted time': enqueueActions(({ context, enqueue }) => {
      if (!context.adopted) return;
      const { lastCleaned, from } = context.adopted;
      enqueue.sendTo('store', {
        type: 'store.save',
        lastCleaned,
        reason: 'adopted',
        source: null,
        from,
        ticket: null,
      } satisfies SaveCommand);
    }),
    'take the time': assign({
      lastCleaned: ({ event }) => {
        assertEvent(event, ['store.saved', 'store.failed']);
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
      assertEvent(event, ['store.saved', 'store.failed']);
      return { type: 'cluster.share' as const, lastCleaned: event.lastCleaned };
    }),
    'announce the time': emit(({ event }): NodeEmitted => {
      assertEvent(event, ['store.saved', 'store.failed', 'cluster.adopted']);
      return event.type === 'cluster.adopted'
        ? { type: 'time.changed', lastCleaned: event.lastCleaned, reason: 'adopted', source: null, from: event.from }
        : { type: 'time.changed', lastCleaned: event.lastCleaned, reason: 'press', source: event.source, from: null };
    }),
    // To every observer outside, and to the page server.
    'publish the view': enqueueActions(({ context, enqueue }) => {
      const view = nodeView({
        name: context.name,
        lastCleaned: context.lastCleaned,
        level: context.level,
        quiet: context.quiet,
        peers: context.peers,
        thresholds: context.settings.thresholds,
        timeZone: context.settings.timeZone,
      });
      enqueue.emit({ type: 'view.changed', view });
      enqueue.sendTo('web', { type: 'web.view', view } satisfies WebCommand);
      enqueue.sendTo('mqtt', { type: 'mqtt.view', view } satisfies MqttCommand);
    }),
    // The page's request waits for this: the view it answers with has just been sent.
    'answer the requester': enqueueActions(({ event, enqueue }) => {
      assertEvent(event, ['store.saved', 'store.failed', 'cleaning.reported']);
      if (event.ticket) enqueue.sendTo('web', { type: 'web.answer', ticket: event.ticket } satisfies WebCommand);
    }),
    // What a child reports, kept for the view: the transition says which part.
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
    'offer the broker’s time': sendTo('cluster', ({ event }) => {
      assertEvent(event, 'mqtt.time');
      return { type: 'cluster.offered' as const, lastCleaned: event.lastCleaned, from: event.from };
    }),
    'stop the reminder': sendTo('reminder', { type: 'SHUTDOWN' }),
    'leave the household': sendTo('cluster', { type: 'cluster.leave' }),
    'finish saving': sendTo('store', { type: 'store.flush' }),
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
    'moves the time forward': ({ context, event }) => {
      assertEvent(event, ['store.saved', 'store.failed']);
      return event.reason === 'press' && (context.lastCleaned === null || event.lastCleaned > context.lastCleaned);
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
});
