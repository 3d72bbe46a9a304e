import { assign } from 'xstate';
import { levelAt } from '../reminder/levels';
import { standsByTheDefaultBox } from './node-context';
import { childrenActions } from './children-actions';
import { historyActions } from './history-actions';
import type { NodeContext } from './node-events';
import { nodeSetup } from './node-setup';
import { ownTimeActions } from './own-time-actions';
import { viewActions } from './view-actions';

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
export const nodeMachine = nodeSetup
  .extend({
    actions: {
      ...ownTimeActions,
      ...historyActions,
      ...viewActions,
      ...childrenActions,
      // The two actions that take params are declared here: `extend` types their params from this
      // object (the setup's own `assign` takes none). The loaded time's level too, so that the first view is right; the reminder keeps it so from then on.
      'take the loaded time': assign(({ context }, params: { lastCleaned: number | null }) => {
        const { clock, thresholds } = context.settings;
        return { lastCleaned: params.lastCleaned, level: levelAt(params.lastCleaned, clock.now(), thresholds) };
      }),
      // Keeps what a child reported (the level, quiet hours, the peers or our name) for the
      // view; each transition says which of them it keeps.
      remember: assign((_, params: Partial<Pick<NodeContext, 'level' | 'quiet' | 'peers' | 'name'>>) => params),
    },
  })
  .createMachine({
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
