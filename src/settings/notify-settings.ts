import type { Level } from '../../common/levels';
import { formatQuietHours, type QuietHours } from '../../machines/reminder/quiet-hours';
import { checkFlag } from './command-line';
import { formatDurationKey, parseDuration } from './duration-setting';
import { parseTarget, targetSpecOf, type Target } from './notify-targets';
import { quietHours } from './readings';
import { single, type Setting } from './setting';

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

/** The settings of notifications as the table reads them, each on its own. */
export interface NotifySettings {
  /** The targets as given: their token files named, not yet read. */
  notifyTargets: Target[];
  notifyLevels: Level[];
  notifyRepeat: number;
  notifyQuiet: QuietHours | null | 'node';
}

const NOTIFIED_LEVELS: readonly Level[] = ['settled', 'soon', 'now', 'overdue'];

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

export const formatRepeat = (ms: number): string => (ms === 0 ? 'off' : formatDurationKey(ms));

/** The rows of the settings table for notifications (see run-settings.ts); they wait for a restart. */
export const NOTIFY_SETTINGS = {
  notifyTargets: {
    key: 'notify.targets',
    flag: 'notify-target',
    placeholder: "'URL [TOKEN-FILE]'",
    repeatable: true,
    file: 'custom',
    // The token files are named here and read by notifyOptionsOf, as `config` must not read them.
    read: (texts, label) => texts.map((text) => parseTarget(targetSpecOf(text), label, false)),
    fallback: [],
    live: false,
    show: (targets) =>
      targets.length === 0
        ? null
        : targets.map((target) => ({
            url: target.where,
            ...(target.tokenFile === null ? {} : { tokenFile: target.tokenFile }),
          })),
    defaultNote: 'none, and nothing is notified',
    help:
      'notify phones once per household: ntfy://HOST/TOPIC, gotify://HOST/ (its token file needed) or ' +
      'json://HOST/PATH (a webhook); ntfys://, gotifys://, jsons:// for HTTPS; repeatable (docs/notifications.md)',
  },
  notifyLevels: {
    key: 'notify.levels',
    flag: 'notify-levels',
    placeholder: 'L,L',
    repeatable: true,
    file: 'list',
    items: 'a level (settled, soon, now, overdue)',
    read: (texts, label) => checkFlag(label, texts.join(','), NOTIFIED_LEVELS.join(', '), parseLevels),
    fallback: ['now', 'overdue'],
    live: false,
    onlyWith: 'notifyTargets',
    show: (levels) => levels,
    help: 'the levels notified (default now,overdue)',
  },
  notifyRepeat: {
    key: 'notify.repeat',
    flag: 'notify-repeat',
    placeholder: 'DUR|off',
    file: 'text-or-off',
    ...single({ expected: 'a duration such as 4h or 90m, or off', parse: parseRepeat }),
    fallback: 4 * 3_600_000,
    live: false,
    onlyWith: 'notifyTargets',
    show: formatRepeat,
    help: 'again while overdue, this often (default 4h)',
  },
  notifyQuiet: {
    key: 'notify.quiet',
    flag: 'notify-quiet',
    placeholder: 'HH:MM-HH:MM|off',
    file: 'text-or-off',
    ...single<QuietHours | null | 'node'>({ expected: 'HH:MM-HH:MM or off', parse: quietHours.parse }),
    fallback: 'node',
    live: false,
    onlyWith: 'notifyTargets',
    show: (value) => (value === 'node' ? null : value === null ? 'off' : formatQuietHours(value)),
    defaultNote: 'the quiet hours',
    help: 'notifications wait for its end (default: --quiet-hours)',
  },
} satisfies { [K in keyof NotifySettings]: Setting<NotifySettings[K]> };

/**
 * Notifications' options from their settings. `readTokens` false (`config`): the token files
 * are named but not read; true (`run`, `config check`, `notify test`): one that cannot be read
 * stops the command with its reason. `given` names where the targets were given.
 */
export function notifyOptionsOf(settings: NotifySettings, given: string | null, readTokens: boolean): NotifyOptions {
  const label = given ?? '--notify-target';
  return {
    targets: readTokens
      ? settings.notifyTargets.map((target) => parseTarget({ url: target.where, tokenFile: target.tokenFile }, label))
      : settings.notifyTargets,
    levels: settings.notifyLevels,
    repeatMs: settings.notifyRepeat,
    quietHours: settings.notifyQuiet,
  };
}
