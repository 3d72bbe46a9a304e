import { SETTING_ROWS } from './run-settings';
import type { RunOptions } from './resolve-settings';

export interface Reload {
  /** The keys that take effect now. */
  applied: string[];
  /** The keys that changed but wait for a restart. */
  waiting: string[];
  /** The options the node runs with from now on: the new live ones, the old rest. */
  options: RunOptions;
}

/**
 * What a reloaded configuration changes in a node running with `current`: each setting of
 * the table that changed, named by its key, takes effect now when its row says `live`, and
 * waits for a restart otherwise. A setting cannot be left out: every row is one or the other.
 */
export function reloadOf(current: RunOptions, next: RunOptions): Reload {
  const applied: string[] = [];
  const waiting: string[] = [];
  const options: Record<string, unknown> = { ...current };
  for (const [name, row] of SETTING_ROWS) {
    if (JSON.stringify(current[name]) === JSON.stringify(next[name])) continue;
    const key = row.key ?? `--${row.flag}`;
    if (row.live) {
      applied.push(key);
      options[name] = next[name];
    } else {
      waiting.push(key);
    }
  }
  return { applied, waiting, options: options as unknown as RunOptions };
}
