/** One region of the shutdown: a step begun on entry, over when `doneOn` comes. */
function shutdownStep<Doing extends string, Done extends string, Action extends string, DoneOn extends string>(
  doing: Doing,
  action: Action,
  doneOn: DoneOn,
  done: Done,
) {
  return {
    initial: doing,
    states: {
      [doing]: { entry: action, on: { [doneOn]: done } },
      [done]: { type: 'final' },
    } as Record<Doing, { entry: Action; on: Record<DoneOn, Done> }> & Record<Done, { type: 'final' }>,
  };
}

/**
 * The node's way out, four steps at once: the strip goes dark (the reminder stops), the
 * mDNS goodbye is said (the cluster leaves), and the last save and the last appends to the
 * history are finished; the node stops when all are done, or after `shutdownGrace`
 * whatever is left.
 */
export const shuttingDown = {
  type: 'parallel',
  after: { shutdownGrace: '#node.stopped' },
  onDone: '#node.stopped',
  states: {
    strip: shutdownStep('darkening', 'stop the reminder', 'xstate.done.actor.reminder', 'dark'),
    household: shutdownStep('leaving', 'leave the household', 'xstate.done.actor.cluster', 'gone'),
    file: shutdownStep('flushing', 'finish saving', 'store.idle', 'flushed'),
    history: shutdownStep('appending', 'finish the history', 'history.idle', 'appended'),
  },
} as const;
