import { adoption } from './node-adoption';
import { nodeWithHistory } from './history-peers';
import { shuttingDown } from './node-shutdown';

/**
 * A cleaning recorded here, once saved (or once its save failed: it is shown and told all
 * the same); one a later time overtook meanwhile changes nothing. Whoever reported it hears.
 */
const recordedHere = [
  {
    guard: 'moves the time forward',
    actions: [
      'take the time',
      'tell the household',
      'announce the time',
      'tell the reminder',
      'publish the view',
      'record in the history',
      'answer the requester',
    ],
  },
  // The history keeps it all the same: a time adopted, or a cleaning a later one overtook.
  { actions: ['record in the history', 'answer the requester'] },
] as const;

/**
 * The node's life: load the saved time, then run the store (the state file), the
 * cluster (the household over UDP), the history, the reminder (the strip) and the button until
 * SHUTDOWN, which leads every one of them out: the strip ends dark, the mDNS goodbye
 * is sent and the last save is finished. Everything observers need comes out as one
 * view, emitted whenever any part of it changes.
 */
export const nodeMachine = nodeWithHistory.createMachine({
  id: 'node',
  context: ({ input }) => {
    const { name, ...settings } = input;
    return {
      settings,
      name,
      lastCleaned: null,
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
        // The page and its API: there while the node lives, to the end of the shutdown.
        { id: 'web', src: 'web' },
        // Home Assistant and the household's time on a broker, with --mqtt.
        { id: 'mqtt', src: 'mqtt' },
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
                  // Older than ours: only the history takes it, and the page hears so at once.
                  { actions: ['record in the history', 'answer the requester'] },
                ],
                'household.refresh': { actions: 'refresh the household' },
                SHUTDOWN: 'shuttingDown',
              },
            },
            shuttingDown,
          },
        },
        adoption,
      },
      on: {
        // A cleaning recorded here is saved before anyone hears of it (or, when the
        // disk fails, kept in memory and told all the same). The household first:
        // its agreement waits on each hop, the strip here does not.
        'store.saved': recordedHere,
        'store.failed': recordedHere,
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
        'history.changed': { actions: 'show the history' },
        'history.refused': { actions: 'pass on what the history refused' },
        'history.offered': { actions: 'pass on the offered history' },
        'mqtt.time': { actions: 'offer the broker’s time' },
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
