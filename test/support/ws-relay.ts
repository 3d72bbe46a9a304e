import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

/** What a relay receives: Stately's JSON inspection events. */
export interface Received {
  type: string;
  name?: string;
  sessionId: string;
  event?: { type?: string };
  snapshot?: { context?: Record<string, unknown> };
}

// `ws` ships no types: the part of its server used here.
interface WsPeer {
  on(event: 'message', listener: (data: Buffer) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}
interface WsServer {
  on(event: 'listening', listener: () => void): unknown;
  on(event: 'connection', listener: (peer: WsPeer) => void): unknown;
  address(): AddressInfo;
  close(done: () => void): void;
}
const { WebSocketServer } = require('ws') as { WebSocketServer: new (o: { host: string; port: number }) => WsServer };

/**
 * Stands in for `createInspectorServer` on a laptop: a relay on 127.0.0.1 that keeps
 * what it is sent; `disconnected` resolves when a client leaves.
 */
export async function startRelay(port = 0) {
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => server.on('listening', resolve));
  const received: Received[] = [];
  let disconnect: () => void = () => undefined;
  const disconnected = new Promise<void>((resolve) => (disconnect = resolve));
  server.on('connection', (peer) => {
    peer.on('message', (data) => received.push(JSON.parse(data.toString()) as Received));
    peer.on('close', disconnect);
  });
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { url: `ws://127.0.0.1:${server.address().port}`, received, disconnected, close };
}

/** A TCP port nothing listens on: a relay that is not running. */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A relay that is there but turns every connection away at once, counting them: a
 * test sees each retry arrive instead of sleeping past the time it should have come.
 */
export async function startTurningAway() {
  let attempts = 0;
  const server = net.createServer((socket) => {
    attempts += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, attempts: () => attempts, close };
}
