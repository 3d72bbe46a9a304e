import { errnoWords, readSmallFile, type SmallFileError } from '../limits/small-file';
import { UsageError } from './command-line';
import type { Reading } from './setting';

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

interface Broker {
  broker: string;
  username: string | null;
}

/** `mqtt://[user@]host[:port]` or `mqtts://…`: the broker, and the user when given. */
function parseBroker(value: string, label: string): Broker {
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
      label.startsWith('--')
        ? `${label}: ${url.href} holds a password; give it in a file with --mqtt-password-file instead, so that it is not in the command line`
        : `${label}: ${url.href} holds a password; give it in a file named by mqtt.passwordFile instead, so that the configuration holds no secret`,
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
    const problem = code ? `cannot read ${file}: ${errnoWords(code)}` : `${file} ${message}`;
    throw new UsageError(`${label}: ${problem}; nothing was started`);
  }
  const password = text.split(/\r?\n/)[0];
  if (password === '') throw new UsageError(`${label}: ${file} is empty; expected the password`);
  return password;
}

/** A topic prefix (`--mqtt-topic`, `--ha-discovery`). */
export const topicPrefix: Reading<string> = {
  expected: 'an MQTT topic without + or #, e.g. home/cats',
  parse: (text) => {
    if (!TOPIC_PREFIX.test(text)) throw new Error('not a topic prefix');
    return text;
  },
};

/** The broker as `--mqtt` gives it; the errors are said by `parseBroker` itself. */
export const brokerUrl = {
  read: (texts: readonly string[], label: string): Broker => parseBroker(texts[texts.length - 1], label),
};

/** The settings of MQTT as the table reads them, each on its own. */
export interface MqttSettings {
  mqttBroker: Broker | null;
  mqttPasswordFile: string | null;
  mqttTopic: string;
  haDiscovery: string | null;
}

/**
 * MQTT's options from its settings, or null without a broker. `readPassword` false (`config`,
 * `config check`): the password file is named but not read, as it may exist only for the
 * service (systemd's credentials) or only for root. `labelOf` names where a setting was given.
 */
export function mqttOptionsOf(
  settings: MqttSettings,
  given: (field: keyof MqttSettings) => string | null,
  readPassword = true,
): MqttOptions | null {
  const { mqttBroker, mqttPasswordFile, mqttTopic, haDiscovery } = settings;
  if (mqttBroker === null) {
    for (const other of ['mqttPasswordFile', 'mqttTopic', 'haDiscovery'] as const) {
      const label = given(other);
      if (label !== null) throw new UsageError(`${label} needs --mqtt URL (mqtt.url)`);
    }
    return null;
  }
  const passwordLabel = given('mqttPasswordFile') ?? '--mqtt-password-file';
  return {
    ...mqttBroker,
    password: mqttPasswordFile === null || !readPassword ? null : passwordOf(mqttPasswordFile, passwordLabel),
    passwordFile: mqttPasswordFile,
    topic: mqttTopic,
    haDiscovery,
  };
}
