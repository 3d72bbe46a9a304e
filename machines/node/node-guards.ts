import { assertEvent } from 'xstate';
import { samePeerViews } from '../cluster/peer-view';
import { pressTime } from '../shared/time-rules';
import { boxViews } from './box-views';
import { answeredSave, boxParts, latestHere, ownBox, ownBoxChange, standsByTheDefaultBox } from './node-context';
import type { NodeContext, NodeEvent } from './node-events';

interface GuardArgs {
  context: NodeContext;
  event: NodeEvent;
}

/** The node machine's guards: pure questions of its context and the event, each named for what it asks. */
export const nodeGuards = {
  // What the history says of the boxes: their times, who cleaned, what may be taken back.
  'changes the boxes': ({ context, event }: GuardArgs) => {
    assertEvent(event, 'history.changed');
    const before = boxViews(boxParts(context));
    const after = boxViews(boxParts({ ...context, history: event.history, withdrawals: event.withdrawals }));
    return JSON.stringify(before) !== JSON.stringify(after) || ownBoxChange(context, event) !== null;
  },
  'stands by another box': ({ context }: GuardArgs) => !standsByTheDefaultBox(context),
  'is of another box': ({ context, event }: GuardArgs) => {
    assertEvent(event, 'cleaning.reported');
    return event.box !== undefined && event.box !== ownBox(context);
  },
  'is a press within a burst': ({ context, event }: GuardArgs) => {
    assertEvent(event, 'cleaning.reported');
    return event.at === undefined && pressTime(context.settings.clock.now(), latestHere(context)) === null;
  },
  // A cleaning "now" counts (past the burst); one recorded at an earlier time only when it is later than ours.
  'is later than ours': ({ context, event }: GuardArgs) => {
    assertEvent(event, 'cleaning.reported');
    return event.at === undefined || context.lastCleaned === null || event.at > context.lastCleaned;
  },
  // A later time adopted while the cleaning was being saved has made it old news.
  // A cleaning recorded here since: it is shown and saved already.
  'a later time came meanwhile': ({ context }: GuardArgs) => context.adopted?.lastCleaned !== context.lastCleaned,
  // A cleaning recorded here, unless a later time (adopted, or recorded since) overtook it while it was saved.
  'moves the time forward': ({ context, event }: GuardArgs) => {
    assertEvent(event, 'store.answered');
    const recorded = (answeredSave(context, event.lastCleaned)?.source ?? null) !== null;
    return recorded && (context.lastCleaned === null || event.lastCleaned > context.lastCleaned);
  },
  'changes the level': ({ context, event }: GuardArgs) => {
    assertEvent(event, 'reminder.level');
    return event.box === undefined && event.level !== context.level;
  },
  "changes another box's level": ({ context, event }: GuardArgs) => {
    assertEvent(event, 'reminder.level');
    return event.box !== undefined && event.level !== context.levels[event.box];
  },
  'changes quiet hours': ({ context, event }: GuardArgs) => {
    assertEvent(event, 'display.quiet');
    return event.quiet !== context.quiet;
  },
  'changes the peers': ({ context, event }: GuardArgs) => {
    assertEvent(event, 'cluster.peers');
    return !samePeerViews(event.peers, context.peers);
  },
  'changes our name': ({ context, event }: GuardArgs) => {
    assertEvent(event, 'cluster.named');
    return event.name !== context.name;
  },
};
