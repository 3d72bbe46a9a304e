import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatRfc3339 } from '../../src/time/timestamp';

// This file runs as TypeScript under jest (test/support) and compiled for the
// benchmark (dist/test/support): either way the CLI is the repository's dist/src/cli.js.
const above = path.resolve(__dirname, '..', '..');
const REPOSITORY = path.basename(above) === 'dist' ? path.dirname(above) : above;
export const CLI = path.join(REPOSITORY, 'dist', 'src', 'cli.js');

export interface LogRecord {
  level: number;
  event?: string;
  color?: string;
  [key: string]: unknown;
}

/** A node started as a real process with `--hardware sim --log-format json`, its records parsed. */
export class NodeProcess {
  readonly records: LogRecord[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcessWithoutNullStreams;
  private waiters: (() => void)[] = [];
  private closed = false;
  private readonly recordListeners: ((record: LogRecord, arrivedNs: bigint) => void)[] = [];

  /**
   * In `netns` (a host of a test LAN) when given; else on this host, without mDNS. As
   * the user `uid` when given (root reads every file: a test of one it cannot read runs
   * as nobody); on CPU `cpu` alone when given (the benchmark pins what it compares); with the
   * host name `hostname` when given (in a UTS namespace of its own: every stock Pi is `raspberrypi`).
   */
  constructor(
    args: string[],
    options: { netns?: string; env?: NodeJS.ProcessEnv; uid?: number; cpu?: number; hostname?: string } = {},
  ) {
    const common = ['--hardware', 'sim', '--log-format', 'json'];
    const asUser =
      options.uid === undefined
        ? []
        : ['setpriv', `--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups', '--'];
    const pinned = options.cpu === undefined ? [] : ['taskset', '-c', String(options.cpu)];
    const command = [...asUser, ...pinned, process.execPath, CLI, 'run', ...common];
    const named =
      options.hostname === undefined
        ? []
        : ['unshare', '--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', options.hostname];
    const argv = options.netns
      ? ['ip', 'netns', 'exec', options.netns, ...named, ...command, ...args]
      : // No mDNS and ports of its own unless the test says otherwise (a later flag wins):
        // tests outside a network namespace must not send anything off this machine.
        [...command, '--no-mdns', '--port', String(freeUdpPort()), '--http-port', String(freeTcpPort()), ...args];
    this.child = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...options.env } });
    let partial = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      const arrivedNs = process.hrtime.bigint();
      for (const line of lines) {
        if (!line.trim()) continue;
        const record = JSON.parse(line) as LogRecord;
        this.records.push(record);
        for (const listener of this.recordListeners) listener(record, arrivedNs);
      }
      this.notify();
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr.push(chunk);
    });
    // 'close', not 'exit': by then every line the node wrote has been read.
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.closed = true;
        this.notify();
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Calls `listener` with each later record and when it arrived (the monotonic clock, ns). */
  onRecord(listener: (record: LogRecord, arrivedNs: bigint) => void): void {
    this.recordListeners.push(listener);
  }

  leds(): string[] {
    return this.records.filter((record) => record.event === 'led').map((record) => String(record.color));
  }

  press(): void {
    this.child.stdin.write('press\n');
  }

  /** Works the simulated button as a finger would (`down`, `up`), or says a whole `hold` (hardware/sim.ts). */
  button(action: 'down' | 'up' | 'hold'): void {
    this.child.stdin.write(`${action}\n`);
  }

  closeStdin(): void {
    this.child.stdin.end();
  }

  /** Stops reading what the node writes, as `run | head` does once it has its lines. */
  closeStdout(): void {
    this.child.stdout.destroy();
  }

  running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves with the first record that matches, waiting for it up to `timeoutMs`. */
  async waitFor(match: (record: LogRecord) => boolean, what: string, timeoutMs = 10_000): Promise<LogRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.records.find(match);
      if (found) return found;
      if (this.closed) throw new Error(`node exited before ${what}; stderr: ${this.stderr.join('')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; records: ${JSON.stringify(this.records)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitForLed(color: string, timeoutMs?: number): Promise<LogRecord> {
    return this.waitFor((record) => record.event === 'led' && record.color === color, `led ${color}`, timeoutMs);
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** A TCP port nothing listens on right now (asked of the kernel, in a child to stay synchronous). */
export function freeTcpPort(): number {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim());
}

/** A UDP port nothing listens on right now (asked of the kernel, in a child to stay synchronous). */
export function freeUdpPort(): number {
  const script =
    "const s=require('dgram').createSocket('udp4');s.bind(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim());
}

/** What a file holds, or undefined while it is not there. */
export function readIfThere(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cat-litter-'));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the built CLI to its end (in `netns` when given) and resolves with what it printed. */
export function runCli(
  args: string[],
  netns?: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const argv = netns
    ? ['ip', 'netns', 'exec', netns, process.execPath, CLI, ...args]
    : [process.execPath, CLI, ...args];
  const child = spawn(argv[0], argv.slice(1));
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

/** Writes a state file (making its directory) holding a cleaning `ageMs` ago, in whole seconds; returns the path. */
export function stateFileAged(file: string, ageMs: number): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, formatRfc3339(Date.now() - ageMs));
  return file;
}

/** Kills every node given (after a test, pass or fail) and waits until each is gone. */
export async function stopAll(nodes: readonly (NodeProcess | undefined)[]): Promise<void> {
  const started = nodes.filter((node): node is NodeProcess => node !== undefined);
  for (const node of started) node.kill('SIGKILL');
  await Promise.all(started.map((node) => node.exited));
}
