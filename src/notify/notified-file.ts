import * as path from 'node:path';
import type { Logger } from 'pino';
import { enums, object, validate } from 'superstruct';
import { LEVELS } from '../../common/levels';
import type { Notified } from '../../machines/notify/notices';
import { parseBoundedJson } from '../limits/bounded-json';
import { replaceFile } from '../store/durable-file';
import { readSmallFile } from '../limits/small-file';
import { formatRfc3339, parseRfc3339Seconds, Rfc3339 } from '../time/timestamp';

/** `{"episode": …, "level": …, "at": …}`: under 100 bytes. */
const MOST_BYTES = 1024;

const NotifiedJson = object({ episode: Rfc3339, level: enums(LEVELS), at: Rfc3339 });

/** Where a node keeps what the household was last told: beside its state file. */
export const notifiedFileBeside = (stateFile: string): string => path.join(path.dirname(stateFile), 'notified.json');

/**
 * What the household was last told, from the file; null when there is none, or when it is
 * not what this program writes (said in a warning: the next notification is sent anyway).
 */
export function loadNotified(file: string, log: Pick<Logger, 'warn'>): Notified | null {
  let text: string;
  try {
    text = readSmallFile(file, MOST_BYTES);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.warn(
        { event: 'notify.file', file, problem: (error as Error).message },
        `could not read ${file}: ${(error as Error).message}; what was notified before is not known`,
      );
    }
    return null;
  }
  const parsed = parseBoundedJson(text, { mostBytes: MOST_BYTES, mostDepth: 2 });
  // `{}`: the last wait told of has been told of as cleaned.
  if (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && Object.keys(parsed.value).length === 0)
    return null;
  const [problem, value] = parsed.ok ? validate(parsed.value, NotifiedJson) : [{ message: parsed.problem }, undefined];
  if (value === undefined) {
    log.warn(
      { event: 'notify.file', file, problem: problem?.message },
      `${file} is not what this program writes (${problem?.message}); what was notified before is not known`,
    );
    return null;
  }
  return { episode: parseRfc3339Seconds(value.episode), level: value.level, at: parseRfc3339Seconds(value.at) };
}

/** Writes it whole; `{}` when nothing is left to tell of (the wait told of ended). */
export async function saveNotified(file: string, notified: Notified | null): Promise<void> {
  const text =
    notified === null
      ? '{}\n'
      : `${JSON.stringify({ episode: formatRfc3339(notified.episode), level: notified.level, at: formatRfc3339(notified.at) })}\n`;
  await replaceFile(file, text);
}
