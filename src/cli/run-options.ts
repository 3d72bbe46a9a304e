import { create, define, enums, is, pattern, string } from 'superstruct';
import type { PeerAddress } from '../../machines/cluster-events';
import type { QuietHours } from '../../machines/quiet-hours';
import { parseInspectTarget, type InspectTarget } from '../inspection';
import { readMqttOptions, type MqttOptions } from '../mqtt/mqtt-options';
import { defaultStatePath } from '../state-file';
import type { LevelThresholds } from '../../common/levels';
import { DEFAULT_THRESHOLDS } from '../../machines/levels';
import { configPath, loadConfig, type FileOrigin } from '../config/config-file';
import { parseLevels } from '../config/levels-flag';
import { labelFlags, lastValue, readFlags, UsageError, type FlagSpecs, type RawFlags } from './args';
import { flagReader } from './flag-values';
import { keyFileBeside } from '../household/key-file';

export const HARDWARE_KINDS = ['auto', 'rpi', 'terminal', 'sim'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export interface RunOptions {
  hardware: (typeof HARDWARE_KINDS)[number];
  stateFile: string;
  quietHours: QuietHours | null;
  timeZone: string;
  leds: number;
  ledPin: number;
  /** The Pi 5 overlay's strip device when named (`--led-device`), else null: /dev/leds0 where it exists. */
  ledDevice: string | null;
  buttonPin: number;
  brightness: number;
  logFormat: (typeof LOG_FORMATS)[number];
  logLevel: (typeof LOG_LEVELS)[number];
  name: string | null;
  port: number;
  /** The TCP port of the page and its API; null with --no-http. */
  httpPort: number | null;
  mdns: boolean;
  peers: PeerAddress[];
  /** null: no inspection. */
  inspect: InspectTarget | null;
  /** null without --mqtt: nothing of MQTT is loaded. */
  mqtt: MqttOptions | null;
  /** When each level begins after a cleaning. */
  thresholds: LevelThresholds;
  /** The configuration file read, or null for none. */
  configFile: string | null;
  /** Where the household key is (src/household/key-file.ts): beside the state file unless named. */
  householdKeyFile: string;
  /** False: a node with a key adopts no time from an original node (one without our TXT record). */
  householdOriginals: boolean;
}

export const RUN_FLAGS: FlagSpecs = {
  help: { value: false },
  hardware: { value: true },
  'state-file': { value: true },
  'quiet-hours': { value: true },
  timezone: { value: true },
  leds: { value: true },
  'led-pin': { value: true },
  'led-device': { value: true },
  'button-pin': { value: true },
  brightness: { value: true },
  'log-format': { value: true },
  'log-level': { value: true },
  name: { value: true },
  port: { value: true },
  'no-mdns': { value: false },
  'http-port': { value: true },
  'no-http': { value: false },
  peer: { value: true, repeatable: true },
  inspect: { value: true, optional: true },
  config: { value: true },
  levels: { value: true },
  mqtt: { value: true },
  'mqtt-password-file': { value: true },
  'mqtt-topic': { value: true },
  'ha-discovery': { value: true },
  'household-key-file': { value: true },
  'no-household-originals': { value: false },
};

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

const QuietHoursFlag = define<string>('quiet hours', (value) => {
  if (value === 'off') return true;
  const [from, to, ...rest] = String(value).split('-');
  return rest.length === 0 && HHMM.test(from ?? '') && HHMM.test(to ?? '') && from !== to;
});

const TimeZoneFlag = define<string>('time zone', (value) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: String(value) });
    return true;
  } catch {
    return false;
  }
});

function toMinutes(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
}

function parseQuietHours(value: string): QuietHours | null {
  create(value, QuietHoursFlag);
  if (value === 'off') return null;
  const [from, to] = value.split('-');
  return { start: toMinutes(from), end: toMinutes(to) };
}

/**
 * The system's zone, as Intl knows it. With TZ empty or naming no zone, the C library
 * keeps UTC while Node reports a zone Intl then refuses ("Etc/Unknown"): UTC, as the
 * rest of the system.
 */
export function systemTimeZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && is(zone, TimeZoneFlag) ? zone : 'UTC';
}

/** Where a setting came from: the command line, the file (its line and key), or neither (the default). */
export type SettingSource = 'flag' | FileOrigin;

/** The flags of the command line and of the configuration file, merged: the command line wins. */
export interface ResolvedFlags {
  flags: RawFlags;
  file: string | null;
  sources: Record<string, SettingSource>;
}

/** Flags that one key of the file sets together: a flag of the group on the command line replaces them all. */
const FLAG_GROUPS = [['no-http', 'http-port']];

/** Reads the command line and the file it names (or the default one). Throws UsageError naming what is wrong. */
export function resolveRunFlags(argv: readonly string[], env: NodeJS.ProcessEnv): ResolvedFlags {
  const given = readFlags(argv, RUN_FLAGS);
  if (given.config?.length && lastValue(given, 'config') === '') {
    throw new UsageError('--config: "" is not valid; expected a file path');
  }
  const file = given.help ? null : configPath(lastValue(given, 'config') ?? null, env);
  const loaded = file === null ? { flags: {}, origins: {} as Record<string, FileOrigin> } : loadConfig(file);
  const flags: RawFlags = { ...loaded.flags };
  const sources: Record<string, SettingSource> = { ...loaded.origins };
  for (const [name, values] of Object.entries(given)) {
    for (const other of FLAG_GROUPS.find((group) => group.includes(name)) ?? [name]) {
      delete flags[other];
      delete sources[other];
    }
    flags[name] = values;
    sources[name] = 'flag';
  }
  const labels: Record<string, string> = {};
  for (const [name, source] of Object.entries(sources)) {
    if (source !== 'flag') labels[name] = `${source.file} line ${source.line}: ${source.key}`;
  }
  return { flags: labelFlags(flags, labels), file, sources };
}

/** `undefined` when `--help` was asked for. Throws UsageError on anything else that is wrong. */
export function parseRunOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  stdoutIsTty: boolean,
): RunOptions | undefined {
  const { flags, file } = resolveRunFlags(argv, env);
  if (flags.help) return undefined;
  return runOptionsFrom(flags, file, env, stdoutIsTty);
}

/** The options of `run` from flags already merged with the file's. */
export function runOptionsFrom(
  flags: RawFlags,
  configFile: string | null,
  env: NodeJS.ProcessEnv,
  stdoutIsTty: boolean,
  /** False for `config`: secrets' files are named, not read. */
  readSecrets = true,
): RunOptions {
  const { read, whole, peers } = flagReader(flags);
  const filePath = (value: string) => create(value, pattern(string(), /\S/));
  const stateFile = read('state-file', defaultStatePath(env), 'a file path', filePath);
  const oneOf = <T extends string>(name: string, fallback: T, choices: readonly T[]) =>
    read(name, fallback, `one of ${choices.join(', ')}`, (value) => create(value, enums(choices)));
  return {
    hardware: oneOf('hardware', 'auto', HARDWARE_KINDS),
    stateFile,
    quietHours: read(
      'quiet-hours',
      { start: 22 * 60, end: 7 * 60 },
      'HH:MM-HH:MM (24-hour clock, may wrap midnight) or off',
      parseQuietHours,
    ),
    timeZone: read('timezone', systemTimeZone(), 'an IANA time zone such as Europe/Vienna or UTC', (value) =>
      create(value, TimeZoneFlag),
    ),
    leds: whole('leds', 10, 1, 1000),
    ledPin: whole('led-pin', 18, 0, 27),
    ledDevice: read<string | null>('led-device', null, 'a device path such as /dev/leds0', (value) =>
      create(value, pattern(string(), /\S/)),
    ),
    buttonPin: whole('button-pin', 5, 0, 27),
    brightness: whole('brightness', 255, 0, 255),
    logFormat: oneOf('log-format', stdoutIsTty ? 'pretty' : 'json', LOG_FORMATS),
    logLevel: oneOf('log-level', 'info', LOG_LEVELS),
    name: read<string | null>('name', null, 'a name of 1 to 63 characters without dots', (value) =>
      create(value, pattern(string(), /^[^.\s][^.]{0,62}$/)),
    ),
    port: whole('port', 5300, 1, 65535),
    httpPort: flags['no-http'] ? null : whole('http-port', 5380, 1, 65535),
    mdns: !flags['no-mdns'],
    peers: peers(),
    inspect: read<InspectTarget | null>(
      'inspect',
      null,
      'nothing (the Stately inspector on stately.ai) or a relay as ws://HOST:PORT',
      parseInspectTarget,
    ),
    mqtt: readMqttOptions(flags, readSecrets),
    thresholds: read(
      'levels',
      DEFAULT_THRESHOLDS,
      'four durations, strictly increasing, such as 8h,12h,24h,26h',
      parseLevels,
    ),
    configFile,
    householdKeyFile: read('household-key-file', keyFileBeside(stateFile), 'a file path', filePath),
    householdOriginals: !flags['no-household-originals'],
  };
}
