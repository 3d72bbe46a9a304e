import type { LevelThresholds } from '../../common/levels';
import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';
import { checkFlag, lastValue, type FlagSpecs, type RawFlags } from '../cli/args';
import { configPath, loadConfig } from './config-file';
import { parseLevels } from './levels-flag';

/** The flags with which `status` and `history` colour by the levels in force here. */
export const LEVEL_FLAGS: FlagSpecs = { config: { value: true }, levels: { value: true } };

export const LEVEL_HELP = `  --levels A,B,C,D      the levels to colour by (default: this machine's
                        configuration file, else 8h,12h,24h,26h)
  --config PATH         the configuration file to take the levels from`;

/** --levels, else the levels of the configuration file (--config or the default one), else the original's. */
export function commandThresholds(flags: RawFlags, env: NodeJS.ProcessEnv): LevelThresholds {
  const expected = 'four durations, strictly increasing, such as 8h,12h,24h,26h';
  const given = lastValue(flags, 'levels');
  if (given !== undefined) return checkFlag('--levels', given, expected, parseLevels);
  const file = configPath(lastValue(flags, 'config') ?? null, env);
  if (file === null) return DEFAULT_THRESHOLDS;
  const loaded = loadConfig(file);
  const levels = lastValue(loaded.flags, 'levels');
  const origin = loaded.origins.levels;
  return levels === undefined
    ? DEFAULT_THRESHOLDS
    : checkFlag(`${origin.file} line ${origin.line}: levels`, levels, expected, parseLevels);
}
