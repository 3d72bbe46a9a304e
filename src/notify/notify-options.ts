import type { Level } from '../../common/levels';
import type { QuietHours } from '../../machines/quiet-hours';
import { checkFlag, flagLabel, lastValue, type RawFlags } from '../cli/args';
import { formatDurationKey, parseDuration } from '../config/durations';
import { parseTarget, targetSpecOf, type Target } from './targets';

/** `notify.*` of the configuration: where notifications go, and when. */
export interface NotifyOptions {
  /** None: the node sends nothing, and says it carries no targets. */
  targets: Target[];
  /** The levels told of (default now, overdue). */
  levels: Level[];
  /** Again every this many ms while overdue; 0: never. */
  repeatMs: number;
  /** Held through these; null: never held; `node` (the default): the node's quiet hours, as at its start. */
  quietHours: QuietHours | null | 'node';
}

export const NOTIFY_FLAGS = {
  'notify-target': { value: true, repeatable: true },
  'notify-levels': { value: true, repeatable: true },
  'notify-repeat': { value: true },
  'notify-quiet': { value: true },
} as const;

const NOTIFIED_LEVELS: readonly Level[] = ['settled', 'soon', 'now', 'overdue'];
const DEFAULT_REPEAT_MS = 4 * 3_600_000;

function parseLevels(value: string): Level[] {
  const levels = value.split(',').map((level) => level.trim());
  for (const level of levels) {
    if (!(NOTIFIED_LEVELS as readonly string[]).includes(level)) throw new Error(`not a level: ${level}`);
  }
  return levels as Level[];
}

function parseRepeat(value: string): number {
  if (value === 'off') return 0;
  const ms = parseDuration(value);
  if (ms === null || ms < 60_000) throw new Error('not a duration of a minute or more');
  return ms;
}

/**
 * The `notify-*` flags (and `notify.*` keys). Throws a UsageError naming the flag or key and
 * what is wrong: a bad URL, an unknown scheme, a token file that cannot be read (unless
 * `readTokens` is false: `config` names the files).
 */
export function readNotifyOptions(
  flags: RawFlags,
  parseQuietHours: (value: string) => QuietHours | null,
  readTokens = true,
): NotifyOptions {
  const label = flagLabel(flags, 'notify-target');
  const levels = flags['notify-levels'];
  const repeat = lastValue(flags, 'notify-repeat');
  const quiet = lastValue(flags, 'notify-quiet');
  return {
    targets: (flags['notify-target'] ?? []).map((text) => parseTarget(targetSpecOf(text), label, readTokens)),
    levels:
      levels === undefined
        ? ['now', 'overdue']
        : checkFlag(flagLabel(flags, 'notify-levels'), levels.join(','), NOTIFIED_LEVELS.join(', '), parseLevels),
    repeatMs:
      repeat === undefined
        ? DEFAULT_REPEAT_MS
        : checkFlag(flagLabel(flags, 'notify-repeat'), repeat, 'a duration such as 4h or 90m, or off', parseRepeat),
    quietHours:
      quiet === undefined
        ? 'node'
        : checkFlag(flagLabel(flags, 'notify-quiet'), quiet, 'HH:MM-HH:MM or off', parseQuietHours),
  };
}

export const formatRepeat = (ms: number): string => (ms === 0 ? 'off' : formatDurationKey(ms));
