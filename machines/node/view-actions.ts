import { assertEvent } from 'xstate';
import { boxViews, householdPeople } from './box-views';
import type { NodeEmitted } from './node-events';
import { nodeView } from './node-view';
import { boxParts } from './node-context';
import { assign, emit } from './node-setup';

/**
 * The node machine's actions for its observers: the view they show, each box's level the
 * reminders reported for it (`remember`, with params, is in node-machine.ts), and the cluster's
 * reports passed on.
 */
export const viewActions = {
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
  'remember the box level': assign(({ context, event }) => {
    assertEvent(event, 'reminder.level');
    return event.box === undefined ? {} : { levels: { ...context.levels, [event.box]: event.level } };
  }),
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
  'say the household is refreshed': emit({ type: 'household.refreshed' }),
};
