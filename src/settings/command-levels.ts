import type { LevelThresholds } from '../../common/levels';
import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';
import { checkFlag, lastValue, type FlagSpecs, type RawFlags } from './command-line';
import { configPath, loadConfig } from './settings-file';
import { levels } from './levels-setting';
import { SETTINGS } from './run-settings';
import { labelOf } from './resolve-settings';

/** The flags with which `status` and `history` colour by the levels in force here. */
export const LEVEL_FLAGS: FlagSpecs = { config: { value: true }, levels: { value: true } };

export const LEVEL_HELP = `  --levels A,B,C,D      the levels to colour by (default: this machine's
                        configuration file, else 8h,12h,24h,26h)
  --config PATH         the configuration file to take the levels from`;

/** --levels, else the levels of the configuration file (--config or the default one), else the original's. */
export function commandThresholds(flags: RawFlags, env: NodeJS.ProcessEnv): LevelThresholds {
  const given = lastValue(flags, 'levels');
  if (given !== undefined) return checkFlag('--levels', given, levels.expected, levels.parse);
  const file = configPath(lastValue(flags, 'config') ?? null, env);
  if (file === null) return DEFAULT_THRESHOLDS;
  const inFile = loadConfig(file).given.thresholds;
  if (inFile === undefined) return DEFAULT_THRESHOLDS;
  return 'texts' in inFile ? SETTINGS.thresholds.read(inFile.texts, labelOf(inFile.origin)) : DEFAULT_THRESHOLDS;
}
