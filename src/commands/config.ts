import { peerKey } from '../../machines/cluster-events';
import { formatQuietHours } from '../../machines/quiet-hours';
import { scalarText } from '../config/config-file';
import { formatDurationKey } from '../config/durations';
import { resolveRunFlags, runOptionsFrom, type RunOptions, type SettingSource } from '../cli/run-options';

export const CONFIG_HELP = `Usage: cat-litter-reminder config [check] [--config PATH] [flags of run]

Prints the configuration a node started so would run with: the flags given here,
then the configuration file (--config, else /etc/cat-litter-reminder/config.yaml,
else ~/.config/cat-litter-reminder/config.yaml), then the defaults; each value
marked with where it came from. The MQTT password is never shown (only its
file). The output is a valid configuration file.

  config check          only validates the file (and the flags): prints one line
                        and exits 0, or the error and 2; for use before a
                        restart or a reload

Every flag of run is taken (see cat-litter-reminder run --help).

Exit status: 0 when the configuration is valid, 2 when it is not.
`;

/** One key of the file: how to show its value, and the flags that set it. */
interface Row {
  key: string;
  flags: string[];
  value: (options: RunOptions) => unknown;
  /** What the default is, when the value alone does not say (a name made at start). */
  note?: string;
}

const ROWS: Row[] = [
  { key: 'name', flags: ['name'], value: (o) => o.name, note: 'the host name and four hex digits' },
  { key: 'port', flags: ['port'], value: (o) => o.port },
  { key: 'peers', flags: ['peer'], value: (o) => o.peers.map(peerKey) },
  { key: 'mdns', flags: ['no-mdns'], value: (o) => o.mdns },
  { key: 'stateFile', flags: ['state-file'], value: (o) => o.stateFile },
  { key: 'hardware', flags: ['hardware'], value: (o) => o.hardware },
  { key: 'quietHours', flags: ['quiet-hours'], value: (o) => (o.quietHours ? formatQuietHours(o.quietHours) : 'off') },
  { key: 'timezone', flags: ['timezone'], value: (o) => o.timeZone },
  { key: 'strip.leds', flags: ['leds'], value: (o) => o.leds },
  { key: 'strip.pin', flags: ['led-pin'], value: (o) => o.ledPin },
  {
    key: 'strip.device',
    flags: ['led-device'],
    value: (o) => o.ledDevice,
    note: '/dev/leds0 where the ws2812-pio overlay made it',
  },
  { key: 'strip.brightness', flags: ['brightness'], value: (o) => o.brightness },
  { key: 'button.pin', flags: ['button-pin'], value: (o) => o.buttonPin },
  { key: 'log.format', flags: ['log-format'], value: (o) => o.logFormat },
  { key: 'log.level', flags: ['log-level'], value: (o) => o.logLevel },
  { key: 'http', flags: ['no-http', 'http-port'], value: (o) => (o.httpPort === null ? 'off' : { port: o.httpPort }) },
  { key: 'mqtt.url', flags: ['mqtt'], value: (o) => o.mqtt && mqttUrl(o.mqtt) },
  { key: 'mqtt.passwordFile', flags: ['mqtt-password-file'], value: (o) => o.mqtt?.passwordFile ?? null },
  { key: 'mqtt.topic', flags: ['mqtt-topic'], value: (o) => o.mqtt?.topic ?? null },
  { key: 'mqtt.haDiscovery', flags: ['ha-discovery'], value: (o) => (o.mqtt ? (o.mqtt.haDiscovery ?? 'off') : null) },
  { key: 'household.keyFile', flags: ['household-key-file'], value: (o) => o.householdKeyFile },
  { key: 'household.originals', flags: ['no-household-originals'], value: (o) => o.householdOriginals },
  { key: 'levels.settled', flags: ['levels'], value: (o) => formatDurationKey(o.thresholds.settled) },
  { key: 'levels.soon', flags: ['levels'], value: (o) => formatDurationKey(o.thresholds.soon) },
  { key: 'levels.now', flags: ['levels'], value: (o) => formatDurationKey(o.thresholds.now) },
  { key: 'levels.overdue', flags: ['levels'], value: (o) => formatDurationKey(o.thresholds.overdue) },
];

function mqttUrl(mqtt: NonNullable<RunOptions['mqtt']>): string {
  const url = new URL(mqtt.broker);
  if (mqtt.username) url.username = encodeURIComponent(mqtt.username);
  return url.href.replace(/\/$/, '');
}

/** A YAML scalar: plain where that surely reads back the same (a letter or / first), quoted elsewhere. */
function scalar(value: unknown): string {
  if (typeof value !== 'string') return scalarText(value);
  return /^[A-Za-z/][\w./@-]*$/.test(value) && !/^(true|false|null|off|on|yes|no|y|n)$/i.test(value)
    ? value
    : JSON.stringify(value);
}

function sourceOf(row: Row, sources: Record<string, SettingSource>): string {
  for (const flag of row.flags) {
    const source = sources[flag];
    if (source === 'flag') return `--${flag}`;
    if (source) return `${source.file} line ${source.line}`;
  }
  return row.note ? `default: ${row.note}` : 'default';
}

/** The effective configuration as a YAML file, each value with its source in a comment. */
export function configListing(options: RunOptions, sources: Record<string, SettingSource>): string {
  const lines = [`# the configuration in force: the flags, then ${options.configFile ?? 'no file'}, then the defaults`];
  let section = '';
  for (const row of ROWS) {
    const value = row.value(options);
    if (value === null && row.key.startsWith('mqtt.')) continue;
    // A default made at the start (the name): a comment, so that the output reads back.
    if (value === null) {
      lines.push(`# ${row.key}: (${sourceOf(row, sources)})`);
      continue;
    }
    const [head, tail] = row.key.split('.');
    if (tail !== undefined && head !== section) lines.push(`${head}:`);
    section = tail === undefined ? '' : head;
    const name = tail === undefined ? head : `  ${tail}`;
    const shown = Array.isArray(value)
      ? `[${value.map(scalar).join(', ')}]`
      : typeof value === 'object' && value !== null
        ? `{ port: ${(value as { port: number }).port} }`
        : scalar(value);
    lines.push(`${`${name}: ${shown}`.padEnd(40)} # ${sourceOf(row, sources)}`);
  }
  if (options.mqtt === null) lines.push('# mqtt: none (no --mqtt, no mqtt.url)');
  return `${lines.join('\n')}\n`;
}

export function configCommand(argv: readonly string[]): number {
  const check = argv[0] === 'check';
  const rest = check ? argv.slice(1) : argv;
  const { flags, file, sources } = resolveRunFlags(rest, process.env);
  if (flags.help) {
    process.stdout.write(CONFIG_HELP);
    return 0;
  }
  // Errors are UsageErrors: the caller prints the line and exits 2.
  const options = runOptionsFrom(flags, file, process.env, false, false);
  if (check) {
    process.stdout.write(`${file ?? 'no configuration file'}: valid${file ? '' : ' (the flags and the defaults)'}\n`);
    return 0;
  }
  process.stdout.write(configListing(options, sources));
  return 0;
}
