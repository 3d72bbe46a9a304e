import { coerce, create, integer, max, min, pattern, string } from 'superstruct';
import { checkFlag, flagLabel, lastValue, type RawFlags } from './args';
import type { PeerAddress } from '../../machines/cluster/peer-address';

const wholeNumber = (low: number, high: number) =>
  coerce(min(max(integer(), high), low), pattern(string(), /^-?\d+$/), (text) => Number(text));

const HostPort = pattern(string(), /^[^\s:[\]]+:\d{1,5}$/);

/** Reads flags by name: the last value given wins, a missing flag gives the fallback. */
export function flagReader(flags: RawFlags) {
  const read = <T>(name: string, fallback: T, expected: string, check: (value: string) => T): T => {
    const value = lastValue(flags, name);
    return value === undefined ? fallback : checkFlag(flagLabel(flags, name), value, expected, check);
  };
  return {
    read,
    whole: (name: string, fallback: number, low: number, high: number): number =>
      read(name, fallback, `a whole number from ${low} to ${high}`, (value) => create(value, wholeNumber(low, high))),
    peers: (): PeerAddress[] =>
      (flags.peer ?? []).map((value) =>
        checkFlag(
          flagLabel(flags, 'peer'),
          value,
          'HOST:PORT (an IPv4 address or host name) with a port from 1 to 65535',
          parsePeer,
        ),
      ),
  };
}

function parsePeer(value: string): PeerAddress {
  create(value, HostPort);
  const [address, port] = value.split(':');
  return { address, port: create(Number(port), min(max(integer(), 65535), 1)) };
}
