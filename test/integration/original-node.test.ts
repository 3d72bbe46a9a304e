import * as dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decode, encode } from '../../src/cluster/protocol/codec';
import type { Message } from '../../src/cluster/protocol/message';
import { formatRfc3339 } from '../../src/time/timestamp';
import { NodeProcess, tempDir } from '../support/node-process';
import { HOUR } from '../support/time';

/**
 * Plays an original Rust node on loopback, as the version the original's article
 * describes behaves: answers RequestState with the time it holds, takes the time of
 * any UpdateState(Some) it is sent (older ones too), ignores UpdateState(None), and
 * records all.
 */
class OriginalNode {
  readonly received: Message[] = [];
  private readonly socket = dgram.createSocket('udp4');
  private readonly heard = new EventEmitter();

  constructor(public secs: number | null) {
    this.socket.on('message', (bytes, remote) => {
      const decoded = decode(bytes);
      if (!decoded.ok) return;
      this.received.push(decoded.message);
      if (decoded.message.type === 'RequestState') {
        this.socket.send(encode({ type: 'UpdateState', secs: this.secs }), remote.port, remote.address);
      } else if (decoded.message.secs !== null) {
        this.secs = decoded.message.secs;
      }
      this.heard.emit('message');
    });
  }

  /** Resolves once `condition` holds, checked after every datagram, or rejects after `timeoutMs`. */
  until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.heard.off('message', check);
        reject(new Error(`the original node never saw ${what}; received ${JSON.stringify(this.received)}`));
      }, timeoutMs);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.heard.off('message', check);
        resolve();
      };
      this.heard.on('message', check);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    return this.socket.address().port;
  }

  send(message: Message, port: number): void {
    this.socket.send(encode(message), port, '127.0.0.1');
  }

  close(): void {
    this.socket.close();
  }
}

describe('living with an original Rust node', () => {
  let temp: ReturnType<typeof tempDir>;
  let original: OriginalNode;
  let node: NodeProcess | undefined;

  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(async () => {
    node?.kill('SIGKILL');
    await node?.exited;
    original.close();
    temp.remove();
  });

  it('asks it for its state and pushes our newer time to it, reached by host name', async () => {
    const ours = Math.floor((Date.now() - 1 * HOUR) / 1000);
    const file = path.join(temp.dir, 'state');
    fs.writeFileSync(file, formatRfc3339(ours * 1000));
    original = new OriginalNode(ours - 20 * 3600);
    const port = await original.listen();
    node = new NodeProcess(['--state-file', file, '--quiet-hours', 'off', '--peer', `localhost:${port}`]);
    await node.waitForLed('#003c00');
    await original.until(() => original.secs === ours, 'our time');
    expect(original.received[0]).toEqual({ type: 'RequestState' });
    expect(original.received).toContainEqual({ type: 'UpdateState', secs: ours });
    expect(original.secs).toBe(ours);
  });

  it('adopts a newer time the original sends, and a press reaches the original', async () => {
    const file = path.join(temp.dir, 'state');
    original = new OriginalNode(null);
    const port = await original.listen();
    node = new NodeProcess(['--state-file', file, '--quiet-hours', 'off', '--peer', `127.0.0.1:${port}`]);
    await node.waitForLed('#000014');
    const listening = await node.waitFor((r) => r.event === 'transport.listening', 'the transport');
    const theirs = Math.floor((Date.now() - 13 * HOUR) / 1000);
    original.send({ type: 'UpdateState', secs: theirs }, Number(listening.port));
    await node.waitForLed('#ff3c00');
    node.press();
    await node.waitForLed('#003c00');
    await original.until(() => (original.secs ?? 0) > theirs, 'the press');
    expect(original.secs).toBe(Date.parse(fs.readFileSync(file, 'utf8')) / 1000);
  });

  it('refuses the time of one whose clock runs an hour ahead with one warning, however often it is offered', async () => {
    const file = path.join(temp.dir, 'state');
    original = new OriginalNode(null);
    const port = await original.listen();
    node = new NodeProcess(['--state-file', file, '--quiet-hours', 'off', '--peer', `127.0.0.1:${port}`]);
    const listening = await node.waitFor((r) => r.event === 'transport.listening', 'the transport');
    const ahead = Math.floor((Date.now() + HOUR) / 1000);
    for (let i = 0; i < 20; i += 1) original.send({ type: 'UpdateState', secs: ahead }, Number(listening.port));
    // Datagrams from one socket are taken in order: once this one is adopted, all twenty were refused.
    const earlier = Math.floor((Date.now() - HOUR) / 1000);
    original.send({ type: 'UpdateState', secs: earlier }, Number(listening.port));
    await node.waitFor(
      (r) => r.event === 'time.changed' && r.lastCleaned === formatRfc3339(earlier * 1000),
      'the plausible time',
    );
    expect(node.records.filter((r) => r.event === 'time.refused')).toEqual([
      expect.objectContaining({
        level: 40,
        from: `127.0.0.1:${port}`,
        lastCleaned: formatRfc3339(ahead * 1000),
        suppressed: 0,
      }),
    ]);
  });
});
