/** What follows the adoption of a time: the node it came from holds it durably. */
const settled = ['save the adopted time', 'tell the reminder'] as const;

/** Announced, and in the view (the page, MQTT) at once: only the strip and the file wait. */
const taken = ['take the adopted time', 'announce the time', 'publish the view'] as const;

/**
 * A time adopted from a peer is announced, and passed on by the cluster, at once; the
 * strip shows it and the file gets it a moment later. Meanwhile the CPU goes to the
 * household's agreement (on a busy machine every hop waits for it), and a burst of
 * times (a `reset` repeats itself) is shown and written once.
 */
export const adoption = {
  initial: 'shown',
  states: {
    shown: {
      on: {
        'cluster.adopted': { target: 'settling', actions: taken },
      },
    },
    settling: {
      on: {
        'cluster.adopted': { actions: taken },
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
} as const;
