import type { LevelThresholds } from '../../common/levels';
import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';
import { formatDurationKey, parseDuration } from './duration-setting';
import type { Reading } from './setting';

/** The levels that begin at an age, in order: `levels:` keys and the parts of `--levels`. */
export const LEVEL_KEYS: readonly string[] = ['settled', 'soon', 'now', 'overdue'];

export const DEFAULT_LEVELS: Readonly<Record<string, number>> = { ...DEFAULT_THRESHOLDS };

/** `8h,12h,24h,26h`: when settled, soon, now and overdue begin; strictly increasing. Throws saying why not. */
export function parseLevels(text: string): LevelThresholds {
  const parts = text.split(',');
  if (parts.length !== LEVEL_KEYS.length) throw new Error(`${parts.length} durations, not 4`);
  const [settled, soon, now, overdue] = parts.map((part) => {
    const ms = parseDuration(part);
    if (ms === null || ms === 0) throw new Error(`"${part}" is not a duration`);
    return ms;
  });
  const thresholds = { settled, soon, now, overdue };
  for (let i = 1; i < LEVEL_KEYS.length; i += 1) {
    const [before, after] = [LEVEL_KEYS[i - 1], LEVEL_KEYS[i]] as (keyof LevelThresholds)[];
    if (thresholds[after] <= thresholds[before]) {
      throw new Error(
        `${after} (${formatDurationKey(thresholds[after])}) must begin after ${before} (${formatDurationKey(thresholds[before])})`,
      );
    }
  }
  return thresholds;
}

export const formatLevels = (thresholds: LevelThresholds): string =>
  LEVEL_KEYS.map((key) => formatDurationKey(thresholds[key as keyof LevelThresholds])).join(',');

/** `--levels` and the file's `levels:` as one text. */
export const levels: Reading<LevelThresholds> = {
  expected: 'four durations, strictly increasing, such as 8h,12h,24h,26h',
  parse: parseLevels,
};
