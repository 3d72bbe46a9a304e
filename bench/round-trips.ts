import type { Host } from '../test/support/netns';
import { HOUR, HostProcess, startNode, stopNode, type LanBench } from './host-process';
import type { Reference } from './reference';

export interface RoundTrips {
  samplesUs: number[];
  lost: number;
}

export interface RoundTripFigures {
  ours: RoundTrips;
  /** A bare Node `dgram` socket that answers RequestState: what Node itself costs. */
  bareNode: RoundTrips;
  /** The Rust reference responder, when cargo could build it. */
  rust: RoundTrips | null;
}

// Unpinned, the same figure moved threefold between runs on a 2-core machine: the
// scheduler put the responder and the client on one core or on two. Pinned, a few per cent.
const RESPONDER_CPU = '0';
const CLIENT_CPU = '1';
const PORTS = { ours: 5300, bareNode: 5301, rust: 5302 };
// Not counted: our node answers about a fifth slower for its first thousand requests, while
// V8 compiles the statechart's code; a node runs for months, so the warm figure is its own.
const WARM_UP = 2_000;

async function responder(bench: LanBench, server: Host, command: string[], port: number): Promise<HostProcess> {
  const process = new HostProcess(bench, server, ['taskset', '-c', RESPONDER_CPU, ...command, String(port)]);
  if ((await process.nextLine()) !== 'ready') throw new Error(`${command.join(' ')} did not start`);
  return process;
}

/**
 * RequestState round trips from `client` to three responders on `server` at once, all
 * on one CPU and the client on the other: our node, a bare Node responder and the Rust
 * reference. The client asks them by turns, one request at a time, so that a slow patch
 * of the machine weighs on each of them alike.
 */
export async function measureRoundTrips(
  bench: LanBench,
  server: Host,
  client: Host,
  rust: Reference | null,
  count: number,
): Promise<RoundTripFigures> {
  const node = startNode(
    bench,
    server,
    'rtt',
    Date.now() - HOUR,
    ['--no-mdns', '--port', String(PORTS.ours)],
    Number(RESPONDER_CPU),
  );
  const others: HostProcess[] = [];
  try {
    await node.waitFor((record) => record.event === 'transport.listening', 'the node to listen');
    others.push(await responder(bench, server, [process.execPath, bench.agent, 'respond'], PORTS.bareNode));
    if (rust) others.push(await responder(bench, server, rust.command, PORTS.rust));
    const ports = [PORTS.ours, PORTS.bareNode, ...(rust ? [PORTS.rust] : [])];
    const asker = new HostProcess(bench, client, [
      'taskset',
      '-c',
      CLIENT_CPU,
      process.execPath,
      bench.agent,
      'rtt',
      server.address,
      ports.join(','),
      String(count),
      String(WARM_UP),
    ]);
    const byPort = JSON.parse(await asker.nextLine()) as Record<string, RoundTrips>;
    return {
      ours: byPort[PORTS.ours],
      bareNode: byPort[PORTS.bareNode],
      rust: rust ? byPort[PORTS.rust] : null,
    };
  } finally {
    await Promise.all(others.map((other) => other.stop()));
    await stopNode(node);
  }
}
