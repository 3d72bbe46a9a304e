import { readSmallFile, type SmallFileError } from '../small-file';
import { checkFlag, flagLabel, lastValue, UsageError, type RawFlags } from './command-line';

/** How the node reaches the broker, and under which topics it speaks there. */
export interface MqttOptions {
  /** `mqtt://host:port` or `mqtts://host:port`, with neither user nor password: safe to log. */
  broker: string;
  username: string | null;
  /** From --mqtt-password-file; never logged. */
  password: string | null;
  /** Where the password was read (not a secret: `config` shows it). */
  passwordFile: string | null;
  /** The node's own topics begin with it (default `cat-litter-reminder`). */
  topic: string;
  /** Home Assistant's discovery prefix; null with `--ha-discovery off`. */
  haDiscovery: string | null;
}

export const DEFAULT_MQTT_TOPIC = 'cat-litter-reminder';
export const DEFAULT_HA_DISCOVERY = 'homeassistant';

/** A topic prefix: levels of printable characters without wildcards, no empty level. */
const TOPIC_PREFIX = /^(?!\$)[^\s#+/]+(\/[^\s#+/]+)*$/;

/** `mqtt://[user@]host[:port]` or `mqtts://…`: the broker, and the user when given. */
function parseBroker(value: string, label: string): { broker: string; username: string | null } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Never echoed whole: what stands before an @ may be a password.
    const shown = value.replace(/\/\/[^/]*@/, '//…@');
    throw new UsageError(`${label}: "${shown}" is not a URL; expected mqtt://[user@]host[:port] or mqtts://…`);
  }
  if (url.password !== '') {
    // Named without the password: the error lands in logs and shell histories.
    url.password = '';
    throw new UsageError(
      `${label}: ${url.href} holds a password; give it in a file with --mqtt-password-file instead, so that it is not in the command line`,
    );
  }
  const where = url.href;
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') {
    throw new UsageError(`${label}: "${where}" is not mqtt:// or mqtts://`);
  }
  if (url.hostname === '') throw new UsageError(`${label}: "${where}" names no host`);
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    throw new UsageError(`${label}: "${where}" has a path or query; expected mqtt://[user@]host[:port] only`);
  }
  const port = url.port === '' ? (url.protocol === 'mqtts:' ? 8883 : 1883) : Number(url.port);
  return {
    broker: `${url.protocol}//${url.hostname}:${port}`,
    username: url.username === '' ? null : decodeURIComponent(url.username),
  };
}

/** A password file holds one line: 4 KiB is more than any broker takes. */
const MOST_PASSWORD_BYTES = 4096;

/** The password: the file's first line. A file that cannot be read stops the node before it starts. */
function passwordOf(file: string, label: string): string {
  let text: string;
  try {
    text = readSmallFile(file, MOST_PASSWORD_BYTES);
  } catch (error) {
    const { code, message } = error as SmallFileError;
    const problem = code ? `cannot read ${file} (${code})` : `${file} ${message}`;
    throw new UsageError(`${label}: ${problem}; nothing was started`);
  }
  const password = text.split(/\r?\n/)[0];
  if (password === '') throw new UsageError(`${label}: ${file} is empty; expected the password`);
  return password;
}

const prefix = (flags: RawFlags, name: string, fallback: string): string =>
  checkFlag(
    flagLabel(flags, name),
    lastValue(flags, name) ?? fallback,
    'an MQTT topic without + or #, e.g. home/cats',
    (value) => {
      if (!TOPIC_PREFIX.test(value)) throw new Error('not a topic prefix');
      return value;
    },
  );

/**
 * The MQTT flags of `run`, or null without --mqtt. `readPassword` false (`config`, `config
 * check`): the password file is named but not read, as it may exist only for the service
 * (systemd's credentials) or only for root.
 */
export function readMqttOptions(flags: RawFlags, readPassword = true): MqttOptions | null {
  const url = lastValue(flags, 'mqtt');
  const passwordFile = lastValue(flags, 'mqtt-password-file');
  if (url === undefined) {
    for (const other of ['mqtt-password-file', 'mqtt-topic', 'ha-discovery']) {
      if (lastValue(flags, other) !== undefined)
        throw new UsageError(`${flagLabel(flags, other)} needs --mqtt URL (mqtt.url)`);
    }
    return null;
  }
  const haDiscovery =
    lastValue(flags, 'ha-discovery') === 'off' ? null : prefix(flags, 'ha-discovery', DEFAULT_HA_DISCOVERY);
  return {
    ...parseBroker(url, flagLabel(flags, 'mqtt')),
    password:
      passwordFile === undefined || !readPassword
        ? null
        : passwordOf(passwordFile, flagLabel(flags, 'mqtt-password-file')),
    passwordFile: passwordFile ?? null,
    topic: prefix(flags, 'mqtt-topic', DEFAULT_MQTT_TOPIC),
    haDiscovery,
  };
}
