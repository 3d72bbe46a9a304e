import type { Host } from '../test/support/netns';
import { HOUR, HostProcess, PORT, startNode, stopNode, type LanBench } from './host-process';
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

// Not counted: our node answers about a fifth slower for its first thousand requests, while
// V8 compiles the statechart's code; a node runs for months, so the warm figure is its own.
const WARM_UP = 1_000;

async function askRepeatedly(bench: LanBench, client: Host, server: Host, count: number): Promise<RoundTrips> {
  const asker = new HostProcess(bench, client, [
    'taskset',
    '-c',
    CLIENT_CPU,
    process.execPath,
    bench.agent,
    'rtt',
    server.address,
    PORT,
    String(count),
    String(WARM_UP),
  ]);
  return JSON.parse(await asker.nextLine()) as RoundTrips;
}

async function throughResponder(
  bench: LanBench,
  server: Host,
  client: Host,
  command: string[],
  count: number,
): Promise<RoundTrips> {
  const responder = new HostProcess(bench, server, ['taskset', '-c', RESPONDER_CPU, ...command, PORT]);
  if ((await responder.nextLine()) !== 'ready') throw new Error(`${command.join(' ')} did not start`);
  try {
    return await askRepeatedly(bench, client, server, count);
  } finally {
    await responder.stop();
  }
}

async function throughOurNode(bench: LanBench, server: Host, client: Host, count: number): Promise<RoundTrips> {
  const node = startNode(bench, server, 'rtt', Date.now() - HOUR, ['--no-mdns'], Number(RESPONDER_CPU));
  await node.waitFor((record) => record.event === 'transport.listening', 'the node to listen');
  try {
    return await askRepeatedly(bench, client, server, count);
  } finally {
    await stopNode(node);
  }
}

const joined = (parts: RoundTrips[]): RoundTrips => ({
  samplesUs: parts.flatMap((part) => part.samplesUs),
  lost: parts.reduce((sum, part) => sum + part.lost, 0),
});

/**
 * RequestState round trips from `client` to a responder on `server`: our node, a bare
 * Node responder, and the Rust reference, each on the same CPU and the client on the
 * other. In two halves, one after the other for each responder and then again, so that
 * a slow patch of the machine weighs on all of them alike.
 */
export async function measureRoundTrips(
  bench: LanBench,
  server: Host,
  client: Host,
  rust: Reference | null,
  count: number,
): Promise<RoundTripFigures> {
  const half = Math.ceil(count / 2);
  const ours: RoundTrips[] = [];
  const bareNode: RoundTrips[] = [];
  const reference: RoundTrips[] = [];
  for (let pass = 0; pass < 2; pass += 1) {
    ours.push(await throughOurNode(bench, server, client, half));
    bareNode.push(await throughResponder(bench, server, client, [process.execPath, bench.agent, 'respond'], half));
    if (rust) reference.push(await throughResponder(bench, server, client, rust.command, half));
  }
  return { ours: joined(ours), bareNode: joined(bareNode), rust: rust ? joined(reference) : null };
}
