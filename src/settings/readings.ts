import { coerce, create, define, enums, integer, is, max, min, pattern, string } from 'superstruct';
import type { QuietHours } from '../../machines/reminder/quiet-hours';
import { checkFlag, lastValue, type RawFlags } from './command-line';
import type { Reading } from './setting';
import type { PeerAddress } from '../../machines/cluster/peer-address';

/**
 * What the texts of the settings are read as: each a superstruct check (or a parser that
 * says why not) and the words the errors use for what was expected.
 */

const wholeNumber = (low: number, high: number) =>
  coerce(min(max(integer(), high), low), pattern(string(), /^-?\d+$/), (text) => Number(text));

export const whole = (low: number, high: number): Reading<number> => ({
  expected: `a whole number from ${low} to ${high}`,
  parse: (text) => create(text, wholeNumber(low, high)),
});

export const oneOf = <T extends string>(choices: readonly T[]): Reading<T> => ({
  expected: `one of ${choices.join(', ')}`,
  parse: (text) => create(text, enums(choices)),
});

/** A text with something in it, as a path or a device must have. */
export const somePath = (expected: string): Reading<string> => ({
  expected,
  parse: (text) => create(text, pattern(string(), /\S/)),
});

const HostPort = pattern(string(), /^[^\s:[\]]+:\d{1,5}$/);

export const peer: Reading<PeerAddress> = {
  expected: 'HOST:PORT (an IPv4 address or host name) with a port from 1 to 65535',
  parse: (text) => {
    create(text, HostPort);
    const [address, port] = text.split(':');
    return { address, port: create(Number(port), min(max(integer(), 65535), 1)) };
  },
};

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

const QuietHoursText = define<string>('quiet hours', (value) => {
  if (value === 'off') return true;
  const [from, to, ...rest] = String(value).split('-');
  return rest.length === 0 && HHMM.test(from ?? '') && HHMM.test(to ?? '') && from !== to;
});

function toMinutes(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
}

export const quietHours: Reading<QuietHours | null> = {
  expected: 'HH:MM-HH:MM (24-hour clock, may wrap midnight) or off',
  parse: (text) => {
    create(text, QuietHoursText);
    if (text === 'off') return null;
    const [from, to] = text.split('-');
    return { start: toMinutes(from), end: toMinutes(to) };
  },
};

const TimeZoneText = define<string>('time zone', (value) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: String(value) });
    return true;
  } catch {
    return false;
  }
});

export const timeZone: Reading<string> = {
  expected: 'an IANA time zone such as Europe/Vienna or UTC',
  parse: (text) => create(text, TimeZoneText),
};

/**
 * The system's zone, as Intl knows it. With TZ empty or naming no zone, the C library
 * keeps UTC while Node reports a zone Intl then refuses ("Etc/Unknown"): UTC, as the
 * rest of the system.
 */
export function systemTimeZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && is(zone, TimeZoneText) ? zone : 'UTC';
}

/** Reads the flags of a command other than `run` by name: the last value given wins, a missing flag gives the fallback. */
export function flagReader(flags: RawFlags) {
  const read = <T>(name: string, fallback: T, expected: string, check: (value: string) => T): T => {
    const value = lastValue(flags, name);
    return value === undefined ? fallback : checkFlag(`--${name}`, value, expected, check);
  };
  const as = <T>(name: string, fallback: T, reading: Reading<T>): T =>
    read(name, fallback, reading.expected, reading.parse);
  return {
    read,
    whole: (name: string, fallback: number, low: number, high: number): number => as(name, fallback, whole(low, high)),
    peers: (): PeerAddress[] =>
      (flags.peer ?? []).map((value) => checkFlag('--peer', value, peer.expected, peer.parse)),
  };
}

/** Where `--inspect` shows the statecharts: Stately's site, or a WebSocket relay. */
export type InspectTarget = { kind: 'sky' } | { kind: 'websocket'; url: string };

export function parseInspectTarget(value: string): InspectTarget {
  if (value === '' || value === 'sky') return { kind: 'sky' };
  if (/^wss?:\/\/[^/\s]/.test(value) && URL.canParse(value)) return { kind: 'websocket', url: value };
  throw new Error('not a ws:// or wss:// URL');
}
