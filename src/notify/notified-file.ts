import * as path from 'node:path';
import type { Logger } from 'pino';
import type { Notified } from '../../machines/notify/notices';
import { parseBoundedJson } from '../limits/bounded-json';
import { replaceFile } from '../store/durable-file';
import { readSmallFile } from '../limits/small-file';
import { MOST_NOTIFIED_BYTES, MOST_NOTIFIED_DEPTH, notifiedJson, notifiedOf } from './notified-json';

/** Where a node keeps what the household was last told: beside its state file. */
export const notifiedFileBeside = (stateFile: string): string => path.join(path.dirname(stateFile), 'notified.json');

/**
 * What the household was last told, from the file; null when there is none, or when it is
 * not what this program writes (said in a warning: the next notification is sent anyway).
 */
export function loadNotified(file: string, log: Pick<Logger, 'warn'>): Notified | null {
  let text: string;
  try {
    text = readSmallFile(file, MOST_NOTIFIED_BYTES);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.warn(
        { event: 'notify.file', file, problem: (error as Error).message },
        `could not read ${file}: ${(error as Error).message}; what was notified before is not known`,
      );
    }
    return null;
  }
  const parsed = parseBoundedJson(text, { mostBytes: MOST_NOTIFIED_BYTES, mostDepth: MOST_NOTIFIED_DEPTH });
  const read = parsed.ok ? notifiedOf(parsed.value) : { problem: parsed.problem };
  if ('problem' in read) {
    log.warn(
      { event: 'notify.file', file, problem: read.problem },
      `${file} is not what this program writes (${read.problem}); what was notified before is not known`,
    );
    return null;
  }
  return read.notified;
}

/** Writes it whole; `{}` when nothing is left to tell of (the wait told of ended). */
export async function saveNotified(file: string, notified: Notified | null): Promise<void> {
  await replaceFile(file, `${JSON.stringify(notifiedJson(notified))}\n`);
}
