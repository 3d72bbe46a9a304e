import * as fs from 'node:fs';
import { formatRfc3339 } from '../src/time/timestamp';
import { CLI, type NodeProcess, type LogRecord } from '../test/support/node-process';
import type { Host } from '../test/support/netns';
import {
  HOUR,
  HostProcess,
  HTTP_PORT,
  pause,
  PORT,
  startNode,
  stateFileOf,
  stopNode,
  type LanBench,
} from './host-process';
import { openPage } from './page-figures';
import { meterProcess } from './process-meter';

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
  /** The same window by schedstat, all threads: a check on the cgroup's figure. */
  idleScheduledMsPerS: number;
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
 * measured from `fromMs` after their start, for `ms`. Before, 11 cleanings are recorded on
 * the five in turn and pass round, as in a house: every history holds them, and the
 * histories are compared round after round as they are in a house. The window lies
 * between two of mDNS's queries at start-up (every node asks at 1, 2, 4 … 128 s), which a
 * node in a house makes every 15 minutes: so it measures what an idle node spends for
 * hours, not its first minutes. The CPU time is of every thread of the process, by its
 * cgroup and by /proc/PID/task/*\/schedstat: the two agree.
 */
export async function measureIdle(
  bench: LanBench,
  hosts: Host[],
  viewer: Host,
  window: { fromMs: number; ms: number },
): Promise<IdleFigures> {
  const start = Date.now();
  const measured = startAsService(bench, hosts[0], 'node1', start - 2 * HOUR);
  const peers = hosts.slice(1).map((host, index) => startNode(bench, host, `node${index + 2}`, start - 2 * HOUR));
  let page: HostProcess | undefined;
  try {
    await allFound(peers, hosts.length - 1);
    // Its page open on a phone all the while.
    page = await openPage(bench, viewer, hosts[0]);
    await passCleaningsRound(bench, viewer, hosts, 11, start - HOUR);
    await pause(Math.max(0, start + window.fromMs - Date.now()));
    const pid = measured.child.pid ?? -1;
    const meter = meterProcess(pid);
    try {
      const before = meter.cpuNs();
      const scheduledBefore = scheduledNs(pid);
      await pause(window.ms);
      if (measured.child.exitCode !== null) throw new Error('the node run as the service ended during the window');
      const perSecond = (ns: number) => ns / 1e6 / (window.ms / 1000);
      return {
        idleCpuMsPerS: perSecond(meter.cpuNs() - before),
        idleScheduledMsPerS: perSecond(scheduledNs(pid) - scheduledBefore),
        residentMb: meter.rssMb(),
        anonymousMb: meter.anonymousMb(),
        cpuSource: meter.source,
      };
    } finally {
      meter.close();
    }
  } finally {
    await Promise.all([page?.stop(), measured.stop(), ...peers.map(stopNode)]);
  }
}

/** `count` earlier cleanings, a minute apart from `first`, recorded on the hosts in turn; once they are all in. */
async function passCleaningsRound(bench: LanBench, from: Host, hosts: Host[], count: number, first: number) {
  const at = Array.from({ length: count }, (_, i) => formatRfc3339(first + i * 60_000)).join(',');
  const targets = Array.from({ length: count }, (_, i) => hosts[i % hosts.length].address);
  const agent = new HostProcess(bench, from, [process.execPath, bench.agent, 'clean', HTTP_PORT, at, ...targets]);
  try {
    if ((await agent.nextLine()) !== 'done') throw new Error('the cleanings were not all recorded');
  } finally {
    await agent.stop();
  }
}

/** CPU time of every thread of `pid` so far (the first field of each task's schedstat), ns. */
function scheduledNs(pid: number): number {
  let total = 0;
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    total += Number(fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
  }
  return total;
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
