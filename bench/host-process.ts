import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatRfc3339 } from '../src/time/timestamp';
import type { Host } from '../test/support/netns';
import { NodeProcess } from '../test/support/node-process';

export const PORT = '5300';
/** Where our nodes serve their page and API. */
export const HTTP_PORT = '5380';
export const HOUR = 3_600_000;

/** What every measurement on the LAN needs: where the agent is, where state files go, and a
 * register of the processes started, so that none outlives the benchmark. */
export interface LanBench {
  agent: string;
  stateDir: string;
  started: Set<{ kill(signal: NodeJS.Signals): unknown }>;
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A process in a host's namespace, read line by line. */
export class HostProcess {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private wake: (() => void) | undefined;
  private stderr = '';

  constructor(bench: LanBench, host: Host, argv: string[]) {
    this.child = spawn('ip', ['netns', 'exec', host.ns, ...argv]);
    bench.started.add(this.child);
    this.child.on('exit', () => bench.started.delete(this.child));
    let partial = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      this.lines.push(...lines.filter((line) => line.trim()));
      this.wake?.();
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
  }

  async nextLine(timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (this.child.exitCode !== null) throw new Error(`${this.child.spawnargs.join(' ')} ended: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no answer from ${this.child.spawnargs.join(' ')}: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    return this.lines.shift()!;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** A directory each, as each Pi has its own: no node waits on another's directory fsync. */
export function stateFileOf(bench: LanBench, name: string, lastCleaned: number): string {
  const stateFile = path.join(bench.stateDir, name, 'state');
  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  fs.writeFileSync(stateFile, `${formatRfc3339(lastCleaned)}\n`);
  return stateFile;
}

/** Our node on `host`, with a state file `lastCleaned`; on CPU `cpu` alone when given. */
export function startNode(
  bench: LanBench,
  host: Host,
  name: string,
  lastCleaned: number,
  extra: string[] = [],
  cpu?: number,
): NodeProcess {
  const stateFile = stateFileOf(bench, name, lastCleaned);
  const node = new NodeProcess(['--state-file', stateFile, '--quiet-hours', 'off', '--name', name, ...extra], {
    netns: host.ns,
    cpu,
  });
  bench.started.add(node);
  void node.exited.then(() => bench.started.delete(node));
  return node;
}

export async function stopNode(node: NodeProcess): Promise<void> {
  node.kill('SIGTERM');
  await node.exited;
}
