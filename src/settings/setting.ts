import { checkFlag } from './command-line';

/**
 * One setting of `run`: where it is given (a flag, a key of the configuration file, or
 * both), how its text is read, its default, whether a running node takes it on a reload,
 * and its help. The table of every setting (run-settings.ts) is made of these; the flags,
 * the file's keys, `config`, `--help` and the reload are all derived from it.
 */

/** What a default may depend on: the environment, and whether stdout is a terminal. */
export interface Surroundings {
  env: NodeJS.ProcessEnv;
  stdoutIsTty: boolean;
}

/** A value as the configuration file holds it: a scalar, a list, or a map of them. */
export type FileValue = string | number | boolean | null | FileValue[] | { [key: string]: FileValue };

/**
 * How the file gives a setting: a number, a text, a path (relative to the file), a text
 * or `off`, true or false, a list of texts; or read by the setting itself (`file.ts`'s
 * `CustomFileReader`, for `levels` and `http`).
 */
export type FileKind = 'number' | 'text' | 'path' | 'text-or-off' | 'boolean' | 'list';

export interface Setting<T> {
  /** Its key in the configuration file (`strip.brightness`); null for a setting of the command line alone. */
  key: string | null;
  /** Its flag of `run`, without the dashes (`brightness`); null for a setting of the file alone. */
  flag: string | null;
  /** The flag's value in the help (`N`, `PATH`). */
  placeholder?: string;
  /** A flag without a value that sets the setting to `value` (`--no-mdns`, `--no-http`); it wins over the flag. */
  switch?: { flag: string; value: T; help: string };
  /** Given more than once on the command line, every value is kept (`--peer`). */
  repeatable?: boolean;
  /** The value may be left out after the flag (`--inspect`): it reads as "". */
  optionalValue?: boolean;
  /** What each item of a list in the file is, for its errors (`HOST:PORT`). */
  items?: string;
  /** How the file gives it (absent: the command line alone). */
  file?: FileKind | 'custom';
  /**
   * Reads the texts given (the flag's values, or the file's) into the value; `label` names where
   * they came from (`--leds`, or `config.yaml line 4: strip.leds`). Throws a UsageError that says why not.
   */
  read: (texts: readonly string[], label: string) => T;
  /** Its value when given nowhere. */
  fallback: T | ((around: Surroundings) => T);
  /** A running node takes it on a reload (SIGHUP); otherwise it waits for a restart. */
  live: boolean;
  /**
   * How `config` shows it: a scalar, a list, or a map (shown inline, or one key a line with
   * `section`); null shows it as a comment with `defaultNote`; undefined leaves it out.
   */
  show: (value: T) => FileValue | undefined;
  /** `config` shows it only when this other setting has a value (MQTT's keys, with a broker). */
  onlyWith?: string;
  /** `config` shows the map one key a line, each with where it came from (`levels`). */
  section?: boolean;
  /** What the default is when the value alone does not say (a name made at the start). */
  defaultNote?: string;
  /** The help: what follows the flag, wrapped by the help's layout. */
  help: string;
}

/** What a text is read as, in words for the errors, and how. */
export interface Reading<T> {
  expected: string;
  /** Throws (a StructError, or an Error whose message says why) when the text is not one. */
  parse: (text: string) => T;
}

/** A setting given once: the last value wins. */
export const single = <T>(reading: Reading<T>) => ({
  read: (texts: readonly string[], label: string): T =>
    checkFlag(label, texts[texts.length - 1], reading.expected, reading.parse),
});

/** A setting given as many values (`--peer` again and again, a list in the file): each is read. */
export const each = <T>(reading: Reading<T>) => ({
  repeatable: true as const,
  read: (texts: readonly string[], label: string): T[] =>
    texts.map((text) => checkFlag(label, text, reading.expected, reading.parse)),
});
