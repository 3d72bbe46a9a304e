import type { History } from '../../machines/history/history-set';
import type { Withdrawals } from '../../machines/history/withdrawals';
import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';
import type { NodeEmitted, ObserverEvent } from '../../machines/node/node-events';
import { nodeView, type NodeView } from '../../machines/node/node-view';
import type { NodeLink } from '../../machines/node/node-link';
import { openPageServer, webServer } from '../../src/web/server';
import { capturingLogger } from './capturing-logger';
import { freeTcpPort } from './node-process';
import type { PeerView } from '../../machines/cluster/peer-view';
import { NOON } from './time';

export function viewOf(parts: Partial<Omit<NodeView, 'colour'>> = {}): NodeView {
  return nodeView({
    name: 'kitchen-3f2a',
    lastCleaned: NOON - 3_600_000,
    level: 'fresh',
    quiet: false,
    peers: [],
    thresholds: DEFAULT_THRESHOLDS,
    timeZone: 'UTC',
    boxes: [],
    people: [],
    ...parts,
  });
}

export const peer = (parts: Partial<PeerView> = {}): PeerView => ({
  name: 'hall-1234',
  address: '10.0.0.3',
  port: 5300,
  ours: true,
  http: 5380,
  levels: null,
  answered: true,
  said: NOON - 3_600_000,
  silent: false,
  ...parts,
});

/**
 * The page server in this process, observing a stand-in for the node that records what the
 * page sends it (`reports`) and emits what the test says; it answers to 127.0.0.1. A look at
 * the household is answered at once, as a node without peers does, unless the test holds
 * the answers (`refreshes.held`) to give them itself (`refreshed`).
 */
export async function webHarness() {
  const port = freeTcpPort();
  const { log, records } = capturingLogger();
  const server = await openPageServer(port, log, null);
  if (!server) throw new Error(`the page server could not listen on ${port}`);
  const reports: ObserverEvent[] = [];
  const refreshes = { held: false };
  const handlers: ((event: NodeEmitted) => void)[] = [];
  const emit = (event: NodeEmitted) => {
    for (const handler of handlers) handler(event);
  };
  const node: NodeLink = {
    on: (type, handler) => {
      handlers.push((event) => {
        if (event.type === type) handler(event as NodeEmitted & { type: typeof type });
      });
    },
    send: (event) => {
      reports.push(event);
      if (event.type === 'household.refresh' && !refreshes.held) emit({ type: 'household.refreshed' });
    },
  };
  const stop = webServer({ server, udpPort: 5300, timeZone: 'UTC', log, now: () => NOON })(node);
  const show = (view: NodeView) => emit({ type: 'view.changed', view });
  const showHistory = (history: History, withdrawals: Withdrawals = []) =>
    emit({ type: 'history.changed', history, withdrawals });
  const answer = (ticket: string) => emit({ type: 'cleaning.answered', ticket });
  const refreshed = () => emit({ type: 'household.refreshed' });
  show(viewOf());
  return { port, show, showHistory, answer, refreshes, refreshed, reports, records, stop };
}

export { NOON } from './time';
