import { StructError } from 'superstruct';

/** How one flag is read: its value (when it takes one) goes through `parse`. */
export interface FlagSpec {
  /** Takes a value (`--leds 10` or `--leds=10`); otherwise a switch. */
  value: boolean;
  /** Every occurrence is kept; otherwise the last one wins. */
  repeatable?: boolean;
  /** The value may be left out (at the end, or before the next flag): it reads as "". */
  optional?: boolean;
}

export type FlagSpecs = Record<string, FlagSpec>;

/** A flag value as given on the command line, before validation. */
export type RawFlags = Record<string, string[]>;

/** A command line that cannot be used; the message names the flag and the value. */
export class UsageError extends Error {}

/**
 * Splits `argv` into flags by `specs`. Positional arguments are refused: no
 * command here takes any, and a stray word is more likely a typo than intent.
 */
export function readFlags(argv: readonly string[], specs: FlagSpecs): RawFlags {
  const flags: RawFlags = {};
  for (let i = 0; i < argv.length; i += 1) {
    const word = argv[i];
    if (!word.startsWith('--')) throw new UsageError(`unexpected argument "${word}"`);
    const eq = word.indexOf('=');
    const name = eq === -1 ? word.slice(2) : word.slice(2, eq);
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown flag --${name}`);
    let value = '';
    if (spec.value) {
      const next = argv[i + 1];
      if (eq !== -1) value = word.slice(eq + 1);
      else if (next !== undefined && !(spec.optional && next.startsWith('--'))) value = argv[++i];
      else if (!spec.optional) throw new UsageError(`--${name} needs a value`);
    } else if (eq !== -1) {
      throw new UsageError(`--${name} takes no value, got "${word.slice(eq + 1)}"`);
    }
    flags[name] = spec.repeatable ? [...(flags[name] ?? []), value] : [value];
  }
  return flags;
}

/** The flags of a command, or null once its help has been printed (`--help`). */
export function commandFlags(
  argv: readonly string[],
  specs: FlagSpecs,
  help: string,
  stdout: { write(text: string): unknown } = process.stdout,
): RawFlags | null {
  const flags = readFlags(argv, specs);
  if (!flags.help) return flags;
  stdout.write(help);
  return null;
}

/** The last value of a flag (the last one given wins), or undefined when absent. */
export function lastValue(flags: RawFlags, name: string): string | undefined {
  const values = flags[name];
  return values ? values[values.length - 1] : undefined;
}

/**
 * Runs a superstruct check over a flag's value and turns a failure into a
 * UsageError that says what was expected, in words rather than in a pattern.
 * `label` names the flag (`--leds`, or where the file says it).
 */
export function checkFlag<T>(label: string, value: string, expected: string, check: (value: string) => T): T {
  try {
    return check(value);
  } catch (error) {
    const why = error instanceof StructError ? '' : `: ${(error as Error).message}`;
    throw new UsageError(`${label}: "${value}" is not valid${why}; expected ${expected}`);
  }
}
