import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { freeTcpPort } from './node-process';
import { until } from './until';

/** Debian's broker (in /usr/sbin, which a CI shell may not have on its PATH). */
const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((file) => fs.existsSync(file));

export const hasMosquitto = (): boolean => MOSQUITTO !== undefined;

/**
 * A real Mosquitto of its own for a test: on a free port of 127.0.0.1, with its own
 * configuration in `dir`, no persistence (a restart forgets retained messages, as a broker
 * whose disk was lost does), and, with `users`, a password file instead of anonymous access.
 */
export class Mosquitto {
  readonly port: number;
  readonly url: string;
  private child: ChildProcess | undefined;
  readonly log: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly users: Record<string, string> | null = null,
    port?: number,
    /** A TLS listener with this certificate and key (PEM files) instead of plain MQTT. */
    private readonly tls: { cert: string; key: string } | null = null,
  ) {
    this.port = port ?? freeTcpPort();
    this.url = tls ? `mqtts://localhost:${this.port}` : `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    const config = path.join(this.dir, 'mosquitto.conf');
    // `user root`: a broker started as root would drop to `mosquitto`, who cannot read the test's files.
    const lines = [
      `listener ${this.port} 127.0.0.1`,
      'persistence false',
      'log_dest stderr',
      'log_type all',
      'user root',
    ];
    if (this.tls) lines.push(`certfile ${this.tls.cert}`, `keyfile ${this.tls.key}`);
    if (this.users) {
      const passwords = path.join(this.dir, 'passwords');
      fs.writeFileSync(passwords, '');
      for (const [user, password] of Object.entries(this.users)) {
        execFileSync('mosquitto_passwd', ['-b', passwords, user, password]);
      }
      lines.push('allow_anonymous false', `password_file ${passwords}`);
    } else {
      lines.push('allow_anonymous true');
    }
    fs.writeFileSync(config, `${lines.join('\n')}\n`);
    const child = spawn(MOSQUITTO ?? 'mosquitto', ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.log.push(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.log.push(chunk));
    await until(() => this.accepts(), `mosquitto listening on ${this.port}`, 10_000);
  }

  private accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect(this.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child?.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/** One message as a subscriber received it. */
export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
  at: number;
}

/** A test's own MQTT client: what Home Assistant would see, kept in order. */
export class Watcher {
  readonly messages: Received[] = [];
  private constructor(readonly client: MqttClient) {}

  static async connect(url: string, topics: string[] = ['#']): Promise<Watcher> {
    const client = connect(url, { protocolVersion: 5, reconnectPeriod: 200 });
    const watcher = new Watcher(client);
    client.on('message', (topic, payload, packet) =>
      watcher.messages.push({ topic, payload: payload.toString('utf8'), retain: packet.retain, at: Date.now() }),
    );
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    client.on('connect', () => void client.subscribeAsync(topics));
    await client.subscribeAsync(topics);
    return watcher;
  }

  /** The latest message on `topic`, or undefined. */
  latest(topic: string): Received | undefined {
    return this.messages.filter((message) => message.topic === topic).pop();
  }

  async waitFor(test: (message: Received) => boolean, what: string, timeoutMs = 10_000): Promise<Received> {
    let found: Received | undefined;
    await until(
      () => {
        found = this.messages.find(test);
        return found !== undefined;
      },
      what,
      timeoutMs,
    );
    return found!;
  }

  publish(topic: string, payload: string, retain = false): Promise<unknown> {
    return this.client.publishAsync(topic, payload, { qos: 1, retain });
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}
