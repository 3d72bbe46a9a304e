#!/usr/bin/env node
/**
 * `npm run bench`: how fast and how light a node is, measured on a LAN of network
 * namespaces built for the run (and removed after it), beside a reference responder.
 * Prints a table of every figure next to its target, and writes bench/results.json.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Lan } from '../test/support/netns';
import { tempDir } from '../test/support/node-process';
import { measureButtonToStrip } from './button-to-strip';
import type { LanBench } from './host-process';
import { measureIdle, measurePropagation, measureStartUp } from './lan-figures';
import { prepareRustReference } from './reference';
import { measureMqtt } from './mqtt-figures';
import { measurePage } from './page-figures';
import { measureRoundTrips } from './round-trips';
import { figureTable, judge, type Figures } from './report';

const REPOSITORY = path.resolve(__dirname, '..', '..');
const AGENT = path.join(__dirname, 'agent.js');
const RESULTS = path.join(REPOSITORY, 'bench', 'results.json');

function canBuildLan(): string | null {
  if (process.getuid?.() !== 0) return 'it must run as root, to build its own LAN of network namespaces';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'it needs `ip` from iproute2 (apt install iproute2)';
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    date: new Date().toISOString(),
  };
}

async function main(): Promise<number> {
  const problem = canBuildLan();
  if (problem) {
    process.stderr.write(`npm run bench: cannot run here: ${problem}\n`);
    return 1;
  }
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const { rust, note } = prepareRustReference(REPOSITORY);
  if (note) log(note);

  log('button → strip, in one process (30 presses)');
  const buttonMs = await measureButtonToStrip(30);

  const state = tempDir();
  const bench: LanBench = { agent: AGENT, stateDir: state.dir, started: new Set() };
  const scratch = [state.dir];
  const cleanUp = () => {
    for (const process of bench.started) process.kill('SIGKILL');
    for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
  };
  // Ctrl-C must still clean up: `exit` handlers (the LAN's too) run on process.exit,
  // `finally` blocks do not.
  process.on('exit', cleanUp);
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));
  const lan = new Lan(8, '10.79.0');
  try {
    const [server, client, ...rest] = lan.hosts;
    const clusterHosts = rest.slice(0, 5);
    const sender = rest[5];
    log('RequestState round trips, pinned: 2,000 each to our node, a bare Node responder and the Rust reference');
    const roundTrips = await measureRoundTrips(bench, server, client, rust, 2_000);
    log('start-up to the first frame (5 starts)');
    const startUpMs = await measureStartUp(bench, server, 5);
    log('five nodes by mDNS: reset propagation (2 + 10 rounds)');
    const propagationMs = await measurePropagation(bench, clusterHosts, sender, { rounds: 10, warmupRounds: 2 });
    // The same, with the state files where fsync costs nothing: what the disk adds.
    log('reset propagation again, with the state files on tmpfs (/dev/shm)');
    const memoryState = fs.mkdtempSync(path.join('/dev/shm', 'cat-litter-bench-'));
    scratch.push(memoryState);
    const inMemory: LanBench = { ...bench, stateDir: memoryState };
    const propagationTmpfsMs = await measurePropagation(inMemory, clusterHosts, sender, {
      rounds: 10,
      warmupRounds: 2,
    });
    log(
      'five nodes by mDNS again, 11 cleanings passed round: idle cost of one run as the service runs it (from 130 s to 190 s after their start)',
    );
    // mDNS queries at start-up come 1, 2, 4, ... 128 s apart: the window lies between the
    // ones at 127 s and 255 s (of each node's browsing), as the node runs in a house.
    const idle = await measureIdle(bench, clusterHosts, sender, { fromMs: 130_000, ms: 60_000 });
    log(
      'the page: a press on one node to the event on a page open on another (10 presses, 11 s apart), GET /api/state',
    );
    const page = await measurePage(bench, clusterHosts.slice(0, 2), sender, 10);
    log(
      'MQTT: a press to its state on a Mosquitto on loopback (10 presses, 11 s apart), memory with and without --mqtt',
    );
    const mqtt = await measureMqtt(bench, 10, 1);

    const figures: Figures = {
      roundTrips,
      startUpMs,
      buttonMs,
      propagationMs,
      propagationTmpfsMs,
      ...idle,
      ...page,
      ...mqtt,
    };
    const results = { machine: machine(), figures: judge(figures) };
    process.stdout.write(figureTable(results.figures, results.machine));
    fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    log(`figures written to ${path.relative(process.cwd(), RESULTS)}`);
    // A missed target is a finding, shown in the table, not a failure of the run.
    return 0;
  } finally {
    cleanUp();
    lan.remove();
  }
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    process.stderr.write(`npm run bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
