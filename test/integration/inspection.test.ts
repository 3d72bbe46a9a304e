import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { NodeProcess, runCli, tempDir } from '../support/node-process';

/** What a relay receives: Stately's JSON inspection events. */
interface Received {
  type: string;
  name?: string;
  sessionId: string;
  event?: { type?: string };
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

/** Stands in for `createInspectorServer` on a laptop: keeps what the node sends. */
async function startRelay() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
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

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A TCP port nothing listens on: a relay that is not running. */
function freeTcpPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('a node run with --inspect', () => {
  let temp: ReturnType<typeof tempDir>;
  const running: NodeProcess[] = [];
  const start = (args: string[]): NodeProcess => {
    const node = new NodeProcess(['--state-file', path.join(temp.dir, 'state'), '--quiet-hours', 'off', ...args]);
    running.push(node);
    return node;
  };

  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(async () => {
    for (const node of running.splice(0)) node.kill('SIGKILL');
    temp.remove();
  });

  it('streams its actors and a press to the relay, and still stops within 3 s', async () => {
    const relay = await startRelay();
    try {
      const node = start(['--inspect', relay.url]);
      const record = await node.waitFor((r) => r.event === 'inspect', 'the inspect record');
      expect(record.where).toBe(relay.url);

      const actors = () => relay.received.filter((e) => e.type === '@xstate.actor').map((e) => e.name);
      const ids = ['node', 'reminder', 'transport', 'discovery'];
      await until(() => ids.every((id) => actors().includes(id)), `the actors ${ids.join(', ')}`);
      await node.waitForLed('#000014');

      node.press();
      const root = relay.received.find((e) => e.type === '@xstate.actor' && e.name === 'node');
      await until(
        () => relay.received.some((e) => e.sessionId === root?.sessionId && e.event?.type === 'button.pressed'),
        'the press, sent to the node',
      );

      const stopping = Date.now();
      node.kill('SIGTERM');
      expect((await node.exited).code).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(3_000);
      await relay.disconnected;
      expect(node.records.filter((r) => r.level >= 40)).toEqual([]);
    } finally {
      await relay.close();
    }
  });

  it('runs on with one warning when the relay is not there', async () => {
    const url = `ws://127.0.0.1:${await freeTcpPort()}`;
    const node = start(['--inspect', url]);
    await node.waitFor((r) => r.event === 'inspect.unreachable', 'the warning');
    await node.waitForLed('#000014');
    // Past the first retry: still the one warning.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(node.records.filter((r) => r.event === 'inspect.unreachable')).toEqual([
      expect.objectContaining({ level: 40, url }),
    ]);
    expect(node.running()).toBe(true);
    node.kill('SIGTERM');
    expect((await node.exited).code).toBe(0);
  });

  it('refuses a value that is not a WebSocket URL, before anything starts', async () => {
    const result = await runCli(['run', '--hardware', 'sim', '--inspect', 'http://127.0.0.1:8080']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--inspect');
    expect(result.stderr).toContain('http://127.0.0.1:8080');
    expect(result.stdout).toBe('');
  });
});
