import { readFlags, UsageError, type FlagSpecs, type RawFlags } from './command-line';
import { mqttOptionsOf, type MqttOptions } from './mqtt-settings';
import { notifyOptionsOf, type NotifyOptions } from './notify-settings';
import { shownBoxes } from './box-settings';
import { SETTING_ROWS, type SettingName, type SettingValues } from './run-settings';
import { configPath, loadConfig, type FileOrigin } from './settings-file';
import type { Surroundings } from './setting';

/** What `run` runs with: every setting of the table, MQTT's options made of its four, and the file read. */
export interface RunOptions extends SettingValues {
  /** The boxes the strip shows, its own (`box`) first: `boxes`, or the box alone. */
  boxes: string[];
  /** null without --mqtt: nothing of MQTT is loaded. */
  mqtt: MqttOptions | null;
  /** Where notifications go (none: no targets), and when. */
  notify: NotifyOptions;
  /** The configuration file read, or null for none. */
  configFile: string | null;
}

/** Where a setting came from: a flag of the command line, or the file (its line and key); absent: the default. */
export type SettingSource = { flag: string } | FileOrigin;

/** The flags of `run`, from the table: each setting's flag and switch, and --config and --help. */
export const RUN_FLAGS: FlagSpecs = {
  help: { value: false },
  config: { value: true },
};
for (const [, row] of SETTING_ROWS) {
  if (row.flag) RUN_FLAGS[row.flag] = { value: true, repeatable: row.repeatable, optional: row.optionalValue };
  if (row.switch) RUN_FLAGS[row.switch.flag] = { value: false };
}

export interface ResolvedSettings {
  options: RunOptions;
  sources: Partial<Record<SettingName, SettingSource>>;
}

/** How errors name where a setting was given: `--leds`, or `config.yaml line 4: strip.leds`. */
export const labelOf = (source: SettingSource): string =>
  'flag' in source ? `--${source.flag}` : `${source.file} line ${source.line}: ${source.key}`;

/**
 * The settings of `run`: the command line, then the configuration file (--config, or the
 * default one), then the defaults; undefined when `--help` was asked for. Throws a UsageError
 * naming what is wrong and where it was given. `readSecrets` false (`config`): the files of
 * secrets are named, not read.
 */
export function resolveSettings(
  argv: readonly string[],
  around: Surroundings,
  readSecrets = true,
): ResolvedSettings | undefined {
  const flags = readFlags(argv, RUN_FLAGS);
  if (flags.help) return undefined;
  const explicit = flags.config ? flags.config[flags.config.length - 1] : null;
  if (explicit === '') throw new UsageError('--config: "" is not valid; expected a file path');
  const file = configPath(explicit, around.env);
  const inFile = file === null ? {} : loadConfig(file).given;
  const values: Record<string, unknown> = {};
  const sources: Partial<Record<SettingName, SettingSource>> = {};
  for (const [name, row] of SETTING_ROWS) {
    const [value, source] = settingValue(row, flags, inFile[name], around);
    values[name] = value;
    if (source) sources[name] = source;
  }
  const settings = values as unknown as SettingValues;
  const given = (name: SettingName): string | null => {
    const source = sources[name];
    return source ? labelOf(source) : null;
  };
  checkTogether(settings, given);
  const boxes = shownBoxes(settings, given);
  const mqtt = mqttOptionsOf(settings, given, readSecrets);
  const notify = notifyOptionsOf(settings, given('notifyTargets'), readSecrets);
  return { options: { ...settings, ...boxes, mqtt, notify, configFile: file }, sources };
}

type Row = (typeof SETTING_ROWS)[number][1];

/** One setting's value and where it came from: its switch, its flag, the file, or its default. */
function settingValue(
  row: Row,
  flags: RawFlags,
  inFile: ReturnType<typeof loadConfig>['given'][SettingName],
  around: Surroundings,
): [unknown, SettingSource | null] {
  if (row.switch && flags[row.switch.flag]) return [row.switch.value, { flag: row.switch.flag }];
  const texts = row.flag === null ? undefined : flags[row.flag];
  if (row.flag !== null && texts !== undefined) return [row.read(texts, `--${row.flag}`), { flag: row.flag }];
  if (inFile) {
    const value = 'value' in inFile ? inFile.value : row.read(inFile.texts, labelOf(inFile.origin));
    return [value, inFile.origin];
  }
  return [
    typeof row.fallback === 'function' ? (row.fallback as (around: Surroundings) => unknown)(around) : row.fallback,
    null,
  ];
}

/** SPI0 takes GPIO 7–11 once the strip is driven through it (its data line on GPIO 10). */
const SPI0_PINS = [7, 8, 9, 10, 11];

/** What no single setting can say: settings that cannot go together. */
function checkTogether(settings: SettingValues, given: (name: SettingName) => string | null): void {
  const { ledPin, buttonPin, ledDevice, hardware } = settings;
  const onPi = hardware === 'auto' || hardware === 'rpi';
  if (onPi && ledPin === 10 && ledDevice === null && SPI0_PINS.includes(buttonPin)) {
    const button = given('buttonPin') ?? '--button-pin (default)';
    throw new UsageError(
      `${button}: GPIO ${buttonPin} belongs to SPI0 (GPIO 7–11), which drives the strip on GPIO 10 ` +
        `(${given('ledPin') ?? '--led-pin'}); wire the button to another pin (GPIO 5, say) and set it here`,
    );
  }
}

/** The options of `run`, or undefined for `--help`. */
export const parseRunOptions = (
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  stdoutIsTty: boolean,
): RunOptions | undefined => resolveSettings(argv, { env, stdoutIsTty })?.options;
