/** What follows the adoption of a time: the node it came from holds it durably. */
const settled = ['save the adopted time', 'tell the reminder', 'publish the view'] as const;

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
        'cluster.adopted': { target: 'settling', actions: ['take the adopted time', 'announce the time'] },
      },
    },
    settling: {
      on: {
        'cluster.adopted': { actions: ['take the adopted time', 'announce the time'] },
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
