import { formatQuietHours, type QuietHours } from '../../machines/reminder/quiet-hours';
import type { LevelThresholds } from '../../common/levels';
import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';
import { defaultStatePath } from './state-path';
import { formatDurationKey } from './duration-setting';
import { levels } from './levels-setting';
import { brokerUrl, DEFAULT_HA_DISCOVERY, DEFAULT_MQTT_TOPIC, topicPrefix, type MqttSettings } from './mqtt-settings';
import { NOTIFY_SETTINGS, type NotifySettings } from './notify-settings';
import { BOX_SETTINGS, type BoxSettings } from './box-settings';
import { each, single, type Setting } from './setting';
import {
  oneOf,
  parseInspectTarget,
  peer,
  quietHours,
  somePath,
  systemTimeZone,
  timeZone,
  whole,
  type InspectTarget,
} from './readings';
import { checkFlag } from './command-line';
import { create, pattern, string } from 'superstruct';
import { type PeerAddress, peerKey } from '../../machines/cluster/peer-address';

export const HARDWARE_KINDS = ['auto', 'rpi', 'terminal', 'sim'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Every setting of `run`, as the table below reads it. */
export interface SettingValues extends MqttSettings, NotifySettings, BoxSettings {
  name: string | null;
  port: number;
  peers: PeerAddress[];
  mdns: boolean;
  stateFile: string;
  hardware: (typeof HARDWARE_KINDS)[number];
  quietHours: QuietHours | null;
  timeZone: string;
  leds: number;
  ledPin: number;
  /** The Pi 5 overlay's strip device when named (`--led-device`), else null: /dev/leds0 where it exists. */
  ledDevice: string | null;
  brightness: number;
  buttonPin: number;
  logFormat: (typeof LOG_FORMATS)[number];
  logLevel: (typeof LOG_LEVELS)[number];
  /** The TCP port of the page and its API; null with --no-http. */
  httpPort: number | null;
  /** When each level begins after a cleaning. */
  thresholds: LevelThresholds;
  /** null: no inspection. */
  inspect: InspectTarget | null;
  /** The household key's file when named; null: `household.key` beside the state file. */
  householdKey: string | null;
  /** False: a node with a key adopts no time from an original node (one without our TXT record). */
  householdOriginals: boolean;
}

const text = (expected: string, shape: RegExp) =>
  single({ expected, parse: (value: string) => create(value, pattern(string(), shape)) });

/** A whole number's row: the file gives a number, the flag its digits. */
const number = (low: number, high: number) => ({
  file: 'number' as const,
  placeholder: 'N',
  ...single(whole(low, high)),
});

/**
 * The table: a row a setting, in the order `config` lists them and `--help` explains them.
 * A field of SettingValues without its row does not compile.
 */
export const SETTINGS = {
  name: {
    key: 'name',
    flag: 'name',
    placeholder: 'NAME',
    file: 'text',
    ...text('a name of 1 to 63 characters without dots', /^[^.\s][^.]{0,62}$/),
    fallback: null,
    live: false,
    show: (value) => value,
    defaultNote: 'the host name and four hex digits',
    help: "mDNS instance name (default: the host name and a short suffix kept in the state file's directory)",
  },
  port: {
    key: 'port',
    flag: 'port',
    ...number(1, 65535),
    fallback: 5300,
    live: false,
    show: (value) => value,
    help: 'UDP port of the cluster (default 5300, as the original)',
  },
  peers: {
    key: 'peers',
    flag: 'peer',
    placeholder: 'HOST:PORT',
    file: 'list',
    items: 'HOST:PORT',
    ...each(peer),
    fallback: [],
    live: true,
    show: (value) => value.map(peerKey),
    help:
      'a peer from the start that never expires (an IPv4 address or host name): for networks that block ' +
      'multicast, and for original nodes; repeatable',
  },
  mdns: {
    key: 'mdns',
    flag: null,
    switch: { flag: 'no-mdns', value: false, help: 'do not advertise or browse by mDNS: static peers only' },
    file: 'boolean',
    read: () => true,
    fallback: true,
    live: false,
    show: (value) => value,
    help: '',
  },
  stateFile: {
    key: 'stateFile',
    flag: 'state-file',
    placeholder: 'PATH',
    file: 'path',
    ...single(somePath('a file path')),
    fallback: ({ env }) => defaultStatePath(env),
    live: false,
    show: (value) => value,
    help:
      'time of the last cleaning (RFC 3339, one line). Default: $STATE_DIRECTORY/state, else ' +
      '$XDG_STATE_HOME/cat-litter-reminder/state (~/.local/state)',
  },
  hardware: {
    key: 'hardware',
    flag: 'hardware',
    placeholder: 'auto|rpi|terminal|sim',
    file: 'text',
    ...single(oneOf(HARDWARE_KINDS)),
    fallback: 'auto',
    live: false,
    show: (value) => value,
    help:
      'rpi: WS2812 strip and GPIO button; terminal: the strip drawn in this terminal (space = cleaned now, ' +
      'h = hold for 3 s, q = quit); sim: only log records, a line "press" on stdin is a press, "hold" a 3 s ' +
      'hold, "down" and "up" move the button. auto (default): rpi where it works, else terminal on a ' +
      'terminal, else sim',
  },
  quietHours: {
    key: 'quietHours',
    flag: 'quiet-hours',
    placeholder: 'HH:MM-HH:MM|off',
    file: 'text-or-off',
    ...single(quietHours),
    fallback: { start: 22 * 60, end: 7 * 60 },
    live: true,
    show: (value) => (value ? formatQuietHours(value) : 'off'),
    help: 'the strip is dark in this local period (default 22:00-07:00; may wrap midnight)',
  },
  timeZone: {
    key: 'timezone',
    flag: 'timezone',
    placeholder: 'ZONE',
    file: 'text',
    ...single(timeZone),
    fallback: () => systemTimeZone(),
    live: true,
    show: (value) => value,
    help: "IANA time zone for quiet hours (default: the system's; UTC when TZ is empty or names no zone)",
  },
  leds: {
    key: 'strip.leds',
    flag: 'leds',
    ...number(1, 1000),
    fallback: 10,
    live: false,
    show: (value) => value,
    help: 'number of LEDs on the strip, 1-1000 (default 10)',
  },
  ledPin: {
    key: 'strip.pin',
    flag: 'led-pin',
    ...number(0, 27),
    fallback: 18,
    live: false,
    show: (value) => value,
    help:
      "BCM GPIO of the strip's data line (default 18: PWM, needs root); 10 drives it through SPI " +
      '(/dev/spidev0.0, no root)',
  },
  ledDevice: {
    key: 'strip.device',
    flag: 'led-device',
    placeholder: 'PATH',
    file: 'path',
    ...single<string | null>(somePath('a device path such as /dev/leds0')),
    fallback: null,
    live: false,
    show: (value) => value,
    defaultNote: '/dev/leds0 where the ws2812-pio overlay made it',
    help: "the strip device of a Pi 5's ws2812-pio overlay (default: /dev/leds0 where it exists, which then drives the strip)",
  },
  brightness: {
    key: 'strip.brightness',
    flag: 'brightness',
    ...number(0, 255),
    fallback: 255,
    live: true,
    show: (value) => value,
    help: 'strip brightness 0-255 (default 255)',
  },
  buttonPin: {
    key: 'button.pin',
    flag: 'button-pin',
    ...number(0, 27),
    fallback: 5,
    live: false,
    show: (value) => value,
    help: 'BCM GPIO of the button, wired to ground (default 5; not 7-11 with --led-pin 10, which SPI0 takes)',
  },
  logFormat: {
    key: 'log.format',
    flag: 'log-format',
    placeholder: 'json|pretty',
    file: 'text',
    ...single(oneOf(LOG_FORMATS)),
    fallback: ({ stdoutIsTty }) => (stdoutIsTty ? 'pretty' : 'json'),
    live: false,
    show: (value) => value,
    help: 'json: one object per line on stdout (default when stdout is not a terminal); pretty: for people',
  },
  logLevel: {
    key: 'log.level',
    flag: 'log-level',
    placeholder: 'LEVEL',
    file: 'text',
    ...single(oneOf(LOG_LEVELS)),
    fallback: 'info',
    live: true,
    show: (value) => value,
    help: 'trace|debug|info|warn|error|fatal|silent (default info)',
  },
  httpPort: {
    key: 'http',
    flag: 'http-port',
    placeholder: 'N',
    switch: { flag: 'no-http', value: null, help: 'serve no page' },
    file: 'custom',
    ...single<number | null>(whole(1, 65535)),
    fallback: 5380,
    live: false,
    show: (value) => (value === null ? 'off' : { port: value }),
    help:
      'TCP port of the page and its JSON API, on every IPv4 interface (default 5380); ' +
      'open http://NAME.local:5380/',
  },
  mqttBroker: {
    key: 'mqtt.url',
    flag: 'mqtt',
    placeholder: 'URL',
    file: 'text',
    ...brokerUrl,
    fallback: null,
    live: false,
    show: (value) => value && brokerText(value),
    defaultNote: 'none, and nothing of MQTT is loaded',
    help:
      "join an MQTT broker: mqtt://[user@]host[:port] (1883), or mqtts:// for TLS (8883): Home Assistant's " +
      'entities, its "Cleaned now", and the household\'s time shared with nodes that UDP cannot reach. ' +
      'Without it nothing of MQTT is loaded',
  },
  mqttPasswordFile: {
    key: 'mqtt.passwordFile',
    flag: 'mqtt-password-file',
    placeholder: 'PATH',
    file: 'path',
    ...single<string | null>(somePath('a file path')),
    fallback: null,
    live: false,
    onlyWith: 'mqttBroker',
    defaultNote: 'none',
    show: (value) => value,
    help: "the broker password: the file's first line (systemd's LoadCredential= fits); never in the URL",
  },
  mqttTopic: {
    key: 'mqtt.topic',
    flag: 'mqtt-topic',
    placeholder: 'PREFIX',
    file: 'text',
    ...single(topicPrefix),
    fallback: DEFAULT_MQTT_TOPIC,
    live: false,
    onlyWith: 'mqttBroker',
    show: (value) => value,
    help: "the node's topics begin with it (default cat-litter-reminder)",
  },
  haDiscovery: {
    key: 'mqtt.haDiscovery',
    flag: 'ha-discovery',
    placeholder: 'PREFIX',
    file: 'text-or-off',
    read: (texts, label) => {
      const value = texts[texts.length - 1];
      return value === 'off' ? null : checkFlag(label, value, topicPrefix.expected, topicPrefix.parse);
    },
    fallback: DEFAULT_HA_DISCOVERY,
    live: false,
    onlyWith: 'mqttBroker',
    show: (value) => value ?? 'off',
    help: "Home Assistant's discovery prefix (default homeassistant), or off for none",
  },
  ...NOTIFY_SETTINGS,
  ...BOX_SETTINGS,
  thresholds: {
    key: 'levels',
    flag: 'levels',
    placeholder: 'A,B,C,D',
    file: 'custom',
    ...single(levels),
    fallback: DEFAULT_THRESHOLDS,
    live: true,
    section: true,
    show: (value) => ({
      settled: formatDurationKey(value.settled),
      soon: formatDurationKey(value.soon),
      now: formatDurationKey(value.now),
      overdue: formatDurationKey(value.overdue),
    }),
    help: 'when settled, due soon, due now and overdue begin after a cleaning, strictly increasing (default 8h,12h,24h,26h)',
  },
  householdKey: {
    key: 'household.keyFile',
    flag: 'household-key-file',
    placeholder: 'PATH',
    file: 'path',
    ...single<string | null>(somePath('a file path')),
    fallback: null,
    live: false,
    show: (value) => value,
    defaultNote: 'household.key beside the state file',
    help:
      "the household key (default: household.key beside the state file); with one, only the household's " +
      'nodes exchange the history (cat-litter-reminder household --help)',
  },
  householdOriginals: {
    key: 'household.originals',
    flag: null,
    switch: {
      flag: 'no-household-originals',
      value: false,
      help: 'with a key, adopt no time from original nodes (without our TXT record) over UDP; the --peer nodes are still taken',
    },
    file: 'boolean',
    read: () => true,
    fallback: true,
    live: false,
    show: (value) => value,
    help: '',
  },
  inspect: {
    key: null,
    flag: 'inspect',
    placeholder: '[ws://HOST:PORT]',
    optionalValue: true,
    ...single<InspectTarget | null>({
      expected: 'nothing (the Stately inspector on stately.ai) or a relay as ws://HOST:PORT',
      parse: parseInspectTarget,
    }),
    fallback: null,
    live: false,
    show: () => undefined,
    help:
      'show the statecharts live in the Stately inspector: without a value on stately.ai (needs internet; ' +
      'Stately prints the link), with ws:// or wss:// through a WebSocket relay on your laptop',
  },
} satisfies { [K in keyof SettingValues]: Setting<SettingValues[K]> };

export type SettingName = keyof typeof SETTINGS;

/** Every row, typed as the loose `Setting` the readers and the listing walk over. */
export const SETTING_ROWS = Object.entries(SETTINGS) as [SettingName, Setting<unknown>][];

function brokerText(broker: { broker: string; username: string | null }): string {
  const url = new URL(broker.broker);
  if (broker.username) url.username = encodeURIComponent(broker.username);
  return url.href.replace(/\/$/, '');
}
