import * as http from 'node:http';
import * as net from 'node:net';
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

export const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);

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

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request to 127.0.0.1:`port` with the headers given (Host too: no default), from `from` when given (127/8). */
export function request(
  port: number,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    from?: string;
  } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/api/state',
        headers: { Host: `127.0.0.1:${port}`, ...options.headers },
        agent: false,
        localAddress: options.from,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Raw bytes on a TCP connection (from `from` when given); resolves with everything the server sent before it closed. */
export function raw(port: number, bytes: string | Buffer, waitMs = 10_000, from?: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: from });
    let got = '';
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.setEncoding('utf8').on('data', (chunk: string) => (got += chunk));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}

/** An event stream: the events it has had, by name, parsed; from `from` when given (an address of 127/8). */
export function stream(port: number, host = `127.0.0.1:${port}`, from?: string) {
  const events: { event: string; data: unknown }[] = [];
  let status = 0;
  let buffer = '';
  const req = http.get(
    { host: '127.0.0.1', port, path: '/api/events', headers: { Host: host }, agent: false, localAddress: from },
    (res) => {
      status = res.statusCode ?? 0;
      res.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        const frames = buffer.split('\n\n');
        buffer = frames.pop() ?? '';
        for (const frame of frames) {
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      });
    },
  );
  req.on('error', () => undefined);
  return { events, status: () => status, close: () => req.destroy() };
}
