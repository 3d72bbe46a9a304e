import { spawn } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Host } from './netns';
import { until } from './until';

/** One request the receiver took: what a service would have got. */
export interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  at: number;
}

/**
 * A stand-in for ntfy, Gotify and a webhook on 127.0.0.1, recording every request: ntfy's
 * JSON publishing (`POST /` with a `topic`), Gotify's `POST /message` (its token in
 * `X-Gotify-Key`, else 401 as Gotify answers), and a webhook anywhere else. `status` makes
 * it answer otherwise (a service that is down: 503); `close()` makes it refuse connections.
 */
export class NotifyReceiver {
  readonly received: Received[] = [];
  status = 200;
  private readonly server: http.Server;
  private waiters: (() => void)[] = [];

  private constructor(server: http.Server) {
    this.server = server;
  }

  static async start(port = 0): Promise<NotifyReceiver> {
    const server = http.createServer();
    const receiver = new NotifyReceiver(server);
    server.on('request', (request, response) => receiver.take(request, response));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The requests to `path` (ntfy: `/`, Gotify: `/message`). */
  to(path: string): Received[] {
    return this.received.filter((request) => request.path === path);
  }

  async waitFor(count: number, what: string, timeoutMs = 20_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; received: ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private take(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = { unparsed: text };
      }
      const path = request.url ?? '';
      if (path === '/message' && request.headers['x-gotify-key'] === undefined) {
        response.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"Unauthorized"}');
        return;
      }
      if (this.status !== 200) {
        response.writeHead(this.status).end('down for a test');
        return;
      }
      this.received.push({ method: request.method ?? '', path, headers: request.headers, body, at: Date.now() });
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"id":"x"}');
      const waiters = this.waiters;
      this.waiters = [];
      for (const waiter of waiters) waiter();
    });
  }
}

/**
 * The receiver as a process of its own, for a host of a test LAN (`ip netns exec`): it
 * prints each request it takes as one JSON line (`{method, path, headers, body, at}`), after
 * `listening` once it listens on `port`.
 */
const RECEIVER_SCRIPT = `
const port = Number(process.argv[1]);
require('http').createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    let body;
    try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { body = { unparsed: true }; }
    console.log(JSON.stringify({ method: request.method, path: request.url, headers: request.headers, body, at: Date.now() }));
    response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"id":"x"}');
  });
}).listen(port, '0.0.0.0', () => console.log('listening'));
`;

/** A receiver on a host of a test LAN: what it took, in order, and where the nodes reach it. */
export interface LanReceiver {
  readonly received: Received[];
  /** `ADDRESS:PORT`, for a target's URL. */
  readonly at: string;
  stop(): void;
}

/**
 * Starts the receiver on `host` of a test LAN, listening on `port`; resolves once it listens.
 * `stop()` kills it (after a test, pass or fail).
 */
export async function receiverIn(host: Host, port: number): Promise<LanReceiver> {
  const child = spawn('ip', ['netns', 'exec', host.ns, process.execPath, '-e', RECEIVER_SCRIPT, String(port)]);
  const received: Received[] = [];
  let partial = '';
  let listening = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'listening') listening = true;
      else if (line.trim()) received.push(JSON.parse(line) as Received);
    }
  });
  const stop = () => void child.kill('SIGKILL');
  try {
    await until(() => listening, `the receiver listening on ${host.address}:${port}`);
  } catch (error) {
    stop();
    throw error;
  }
  return { received, at: `${host.address}:${port}`, stop };
}
