import { coerce, create, max, min, number, pattern, string } from 'superstruct';
import { UsageError, type FlagSpecs, type RawFlags } from '../settings/command-line';
import { flagReader } from '../settings/readings';
import type { PeerAddress } from '../../machines/cluster/peer-address';

/** Flags of the commands that look at the household from outside: `status` and `reset`. */
export const PROBE_FLAGS: FlagSpecs = {
  help: { value: false },
  timeout: { value: true },
  peer: { value: true, repeatable: true },
  'no-mdns': { value: false },
  port: { value: true },
};

export interface ProbeOptions {
  timeoutMs: number;
  peers: PeerAddress[];
  mdns: boolean;
  /** Where original Rust nodes listen (they advertise 5200 but listen here). */
  clusterPort: number;
}

const Seconds = coerce(min(max(number(), 60), 0.1), pattern(string(), /^\d+(\.\d+)?$/), Number);

/** `--timeout SECONDS`, in ms (default 3 s). */
export function readTimeoutMs(flags: RawFlags): number {
  return (
    1000 * flagReader(flags).read('timeout', 3, 'a number of seconds from 0.1 to 60', (value) => create(value, Seconds))
  );
}

/** The probe's flags; `named` says a node is given besides (reset's --node), which is someone to ask. */
export function readProbeOptions(flags: RawFlags, named = false): ProbeOptions {
  const { whole, peers } = flagReader(flags);
  const options = {
    timeoutMs: readTimeoutMs(flags),
    peers: peers(),
    mdns: !flags['no-mdns'],
    clusterPort: whole('port', 5300, 1, 65535),
  };
  // Said at once: waiting out --timeout first would only hide that nobody is to be asked.
  if (!options.mdns && options.peers.length === 0 && !named) {
    throw new UsageError('--no-mdns and no --peer: there is no node to ask (give one: --peer 192.168.1.23:5300)');
  }
  return options;
}

/** Help lines for the flags above. */
export const PROBE_HELP = `  --timeout SECONDS     bounds the whole command (default 3)
  --peer HOST:PORT      a node to ask besides those found by mDNS; repeatable
  --no-mdns             do not browse: only the --peer nodes (one at least)
  --port N              the cluster port, where original nodes are reached (default 5300)
  --help                show this help`;
