import { enums, object, validate } from 'superstruct';
import { LEVELS } from '../../common/levels';
import type { Notified } from '../../machines/notify/notices';
import { formatRfc3339, parseRfc3339Seconds, Rfc3339 } from '../time/timestamp';

/** `{"episode": …, "level": …, "at": …}` is under 100 bytes: no file or answer of ours is longer than this. */
export const MOST_NOTIFIED_BYTES = 1024;
/** An object of strings. */
export const MOST_NOTIFIED_DEPTH = 2;

const NotifiedStruct = object({ episode: Rfc3339, level: enums(LEVELS), at: Rfc3339 });

/**
 * What the household was last told, as `notified.json` and `GET /api/notified` give it:
 * `{"episode", "level", "at"}` (RFC 3339 times), or `{}` when nothing is left to tell of
 * (the wait told of has been told of as cleaned, or none was).
 */
export const notifiedJson = (notified: Notified | null): Record<string, string> =>
  notified === null
    ? {}
    : { episode: formatRfc3339(notified.episode), level: notified.level, at: formatRfc3339(notified.at) };

/** The parsed JSON (bounded already) checked: what it says, or what is wrong with it. */
export function notifiedOf(value: unknown): { notified: Notified | null } | { problem: string } {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0)
    return { notified: null };
  const [error, checked] = validate(value, NotifiedStruct);
  if (checked === undefined) return { problem: error.message };
  return {
    notified: {
      episode: parseRfc3339Seconds(checked.episode),
      level: checked.level,
      at: parseRfc3339Seconds(checked.at),
    },
  };
}
