import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Host } from '../test/support/netns';
import { CLI, NodeProcess, type LogRecord } from '../test/support/node-process';
import { formatRfc3339 } from '../src/timestamp';
import { meterProcess } from './process-meter';
import type { Reference } from './reference';

const PORT = '5300';
const HOUR = 3_600_000;

/** What every measurement on the LAN needs: where the agent is, where state files go, and a
 * register of the processes started, so that none outlives the benchmark. */
export interface LanBench {
  agent: string;
  stateDir: string;
  started: Set<{ kill(signal: NodeJS.Signals): unknown }>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A process in a host's namespace, read line by line. */
class HostProcess {
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
function stateFileOf(bench: LanBench, name: string, lastCleaned: number): string {
  const stateFile = path.join(bench.stateDir, name, 'state');
  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  fs.writeFileSync(stateFile, `${formatRfc3339(lastCleaned)}\n`);
  return stateFile;
}

function startNode(bench: LanBench, host: Host, name: string, lastCleaned: number, extra: string[] = []): NodeProcess {
  const stateFile = stateFileOf(bench, name, lastCleaned);
  const node = new NodeProcess(['--state-file', stateFile, '--quiet-hours', 'off', '--name', name, ...extra], {
    netns: host.ns,
  });
  bench.started.add(node);
  void node.exited.then(() => bench.started.delete(node));
  return node;
}

async function stopNode(node: NodeProcess): Promise<void> {
  node.kill('SIGTERM');
  await node.exited;
}

export interface RoundTrips {
  samplesUs: number[];
  lost: number;
}

async function askRepeatedly(bench: LanBench, client: Host, server: Host, count: number): Promise<RoundTrips> {
  const asker = new HostProcess(bench, client, [
    process.execPath,
    bench.agent,
    'rtt',
    server.address,
    PORT,
    String(count),
    String(Math.ceil(count / 10)),
  ]);
  return JSON.parse(await asker.nextLine()) as RoundTrips;
}

/** RequestState round trips from `client` to our node on `server`, then to the reference there. */
export async function measureRoundTrips(
  bench: LanBench,
  server: Host,
  client: Host,
  reference: Reference,
  count: number,
) {
  const node = startNode(bench, server, 'rtt', Date.now() - HOUR, ['--no-mdns']);
  await node.waitFor((record) => record.event === 'transport.listening', 'the node to listen');
  const ours = await askRepeatedly(bench, client, server, count);
  await stopNode(node);

  const responder = new HostProcess(bench, server, [...reference.command, PORT]);
  if ((await responder.nextLine()) !== 'ready') throw new Error('the reference responder did not start');
  const theirs = await askRepeatedly(bench, client, server, count);
  await responder.stop();
  return { ours, reference: theirs };
}

/** From spawning `cat-litter-reminder run` (mDNS on) to its first `led` record, in ms. */
export async function measureStartUp(bench: LanBench, host: Host, runs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const spawnedNs = process.hrtime.bigint();
    const node = startNode(bench, host, `start-up-${run}`, Date.now() - HOUR);
    let firstFrameNs: bigint | undefined;
    node.onRecord((record, arrivedNs) => {
      if (record.event === 'led') firstFrameNs ??= arrivedNs;
    });
    await node.waitFor((record) => record.event === 'led', 'the first frame');
    samples.push(Number(firstFrameNs! - spawnedNs) / 1e6);
    await stopNode(node);
  }
  return samples;
}

const peersFound = (node: NodeProcess): number =>
  new Set(node.records.filter((record) => record.event === 'peer.found').map((record) => record.name)).size;

export interface IdleFigures {
  idleCpuMsPerS: number;
  residentMb: number;
  anonymousMb: number;
  cpuSource: string;
}

/**
 * Five nodes that find each other by mDNS. Each round an UpdateState of a later time
 * goes from `sender` to the first node; the round lasts until all five have logged
 * `time.changed` for it. The first rounds warm the code up and are not counted.
 */
export async function measurePropagation(
  bench: LanBench,
  hosts: Host[],
  sender: Host,
  options: { rounds: number; warmupRounds: number },
): Promise<number[]> {
  const start = Date.now();
  const nodes = hosts.map((host, index) => startNode(bench, host, `node${index + 1}`, start - 2 * HOUR));
  try {
    await allFound(nodes, hosts.length - 1);
    const rounds = options.warmupRounds + options.rounds;
    const samples = await propagate(bench, nodes, hosts[0], sender, rounds, Math.floor(start / 1000));
    return samples.slice(options.warmupRounds);
  } finally {
    await Promise.all(nodes.map(stopNode));
  }
}

/**
 * Five nodes that find each other by mDNS, the first one run as the systemd unit runs
 * it (readable log lines, which load pino-pretty); it idles with its four peers and is
 * measured from `fromMs` after their start, for `ms`.
 */
export async function measureIdle(
  bench: LanBench,
  hosts: Host[],
  window: { fromMs: number; ms: number },
): Promise<IdleFigures> {
  const start = Date.now();
  const measured = startAsService(bench, hosts[0], 'node1', start - 2 * HOUR);
  const peers = hosts.slice(1).map((host, index) => startNode(bench, host, `node${index + 2}`, start - 2 * HOUR));
  try {
    await allFound(peers, hosts.length - 1);
    await pause(Math.max(0, start + window.fromMs - Date.now()));
    const meter = meterProcess(measured.child.pid ?? -1);
    try {
      const before = meter.cpuNs();
      await pause(window.ms);
      if (measured.child.exitCode !== null) throw new Error('the node run as the service ended during the window');
      return {
        idleCpuMsPerS: (meter.cpuNs() - before) / 1e6 / (window.ms / 1000),
        residentMb: meter.rssMb(),
        anonymousMb: meter.anonymousMb(),
        cpuSource: meter.source,
      };
    } finally {
      meter.close();
    }
  } finally {
    await Promise.all([measured.stop(), ...peers.map(stopNode)]);
  }
}

async function allFound(nodes: NodeProcess[], others: number): Promise<void> {
  for (const node of nodes) {
    await node.waitFor(() => peersFound(node) >= others, 'every other node by mDNS', 30_000);
  }
}

function startAsService(bench: LanBench, host: Host, name: string, lastCleaned: number): HostProcess {
  const stateFile = stateFileOf(bench, name, lastCleaned);
  return new HostProcess(bench, host, [
    process.execPath,
    CLI,
    'run',
    '--hardware',
    'sim',
    '--log-format',
    'pretty',
    '--state-file',
    stateFile,
    '--quiet-hours',
    'off',
    '--name',
    name,
  ]);
}

async function propagate(
  bench: LanBench,
  nodes: NodeProcess[],
  first: Host,
  sender: Host,
  rounds: number,
  baseSeconds: number,
): Promise<number[]> {
  const updater = new HostProcess(bench, sender, [process.execPath, bench.agent, 'update', first.address, PORT]);
  let expected = 0;
  let arrivals = new Map<number, bigint>();
  let allArrived: () => void = () => undefined;
  nodes.forEach((node, index) =>
    node.onRecord((record: LogRecord, arrivedNs) => {
      if (record.event === 'time.changed' && Date.parse(String(record.lastCleaned)) === expected * 1000) {
        arrivals.set(index, arrivedNs);
        if (arrivals.size === nodes.length) allArrived();
      }
    }),
  );
  const samples: number[] = [];
  try {
    for (let round = 1; round <= rounds; round += 1) {
      // Later than every earlier round, and never ahead of the nodes' clocks.
      expected = baseSeconds - rounds + round;
      arrivals = new Map();
      const arrived = new Promise<boolean>((resolve) => {
        allArrived = () => resolve(true);
        setTimeout(() => resolve(false), 10_000);
      });
      updater.child.stdin.write(`${expected}\n`);
      const { sentNs } = JSON.parse(await updater.nextLine()) as { sentNs: string };
      if (!(await arrived))
        throw new Error(`round ${round}: only ${arrivals.size} of ${nodes.length} nodes took the new time`);
      const lastNs = [...arrivals.values()].reduce((latest, at) => (at > latest ? at : latest));
      samples.push(Number(lastNs - BigInt(sentNs)) / 1e6);
      await pause(300);
    }
  } finally {
    updater.child.stdin.end();
    await updater.stop();
  }
  return samples;
}
