import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Cleaning, Withdrawal } from '../../common/history';
import { takeIn, type History } from '../../machines/history/history-set';
import { takeInWithdrawals, type Withdrawals } from '../../machines/history/withdrawals';
import { parseBoundedJson } from '../limits/bounded-json';
import { readSmallFileAsync, type SmallFileError } from '../limits/small-file';
import { itemFrom, lineOf, withdrawalLineOf } from './history-json';
import { replaceFile, syncDirectory } from '../store/durable-file';

/** The history's file, in the state file's directory. */
export function historyFileBeside(stateFile: string): string {
  return path.join(path.dirname(stateFile), 'history.jsonl');
}

export interface BadLine {
  line: number;
  problem: string;
}

export type LoadedHistory =
  | { kind: 'missing' }
  | {
      kind: 'loaded';
      history: History;
      /** Lines dated ahead of the clock (a date of 2031): kept in the file, aside, never the window's anchor. */
      ahead: History;
      /** The cleanings taken back (lines whose first key is `withdrawn`). */
      withdrawals: Withdrawals;
      /** Lines that could not be read, skipped (the last one torn, say, by a power cut). */
      bad: BadLine[];
      lines: number;
      /** False when the last line has no newline: the next append starts a new line first. */
      endsWithNewline: boolean;
      /** Where a last line that was cut short (and cannot be read) begins, in bytes: cut off there. */
      tornAt: number | null;
    }
  | { kind: 'unreadable'; code: string; problem: string };

/**
 * Far more than a history of 10,000 cleanings, with the lines the appends add before the
 * file is written anew (about 2 MB): a file larger than this is no history of ours.
 */
export const MOST_FILE_BYTES = 8 * 1024 * 1024;
/** One line of ours is about 80 bytes. */
const MOST_LINE_BYTES = 1024;

/**
 * Every line that can be read, whatever the others hold: one bad line never costs the rest,
 * and a line dated far ahead is kept aside (`now`: this node's clock).
 */
export async function loadHistoryFile(file: string, now: number): Promise<LoadedHistory> {
  let text: string;
  try {
    text = (await readSmallFileAsync(file, MOST_FILE_BYTES)).toString('utf8');
  } catch (error) {
    const { code, message } = error as SmallFileError;
    if (code === 'ENOENT') return { kind: 'missing' };
    // Not a regular file, or larger than a history of ours: what it holds is not known.
    return { kind: 'unreadable', code: code ?? 'ENOTREG', problem: `${file} ${message}` };
  }
  const cleanings: Cleaning[] = [];
  const withdrawn: Withdrawal[] = [];
  const bad: BadLine[] = [];
  const lines = text.split('\n');
  const endsWithNewline = text.length === 0 || text.endsWith('\n');
  // After the last newline: nothing, or a line cut short.
  if (endsWithNewline) lines.pop();
  let tornAt: number | null = null;
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const parsed = parseBoundedJson(line, { mostBytes: MOST_LINE_BYTES, mostDepth: 2 });
    if (!parsed.ok) {
      const torn = i === lines.length - 1 && !endsWithNewline;
      if (torn) tornAt = Buffer.byteLength(text) - Buffer.byteLength(line);
      bad.push({
        line: i + 1,
        problem: torn ? 'cut short (a crash or power cut while it was written)' : parsed.problem,
      });
      continue;
    }
    const checked = itemFrom(parsed.value, null);
    if (!checked.ok) bad.push({ line: i + 1, problem: checked.problem });
    else if ('cleaning' in checked.value) cleanings.push(checked.value.cleaning);
    else withdrawn.push(checked.value.withdrawal);
  }
  const { history, aside } = takeIn([], cleanings, now, { own: true });
  const { withdrawals } = takeInWithdrawals([], history, withdrawn, now, { own: true });
  return { kind: 'loaded', history, ahead: aside, withdrawals, bad, lines: lines.length, endsWithNewline, tornAt };
}

/** An append that failed, and whether it may have left part of a line at the end of the file. */
export class AppendFailed extends Error {
  constructor(
    error: Error,
    /** The file could not be cut back to where it ended: the next append must start a new line. */
    readonly torn: boolean,
  ) {
    super(error.message, { cause: error });
  }
}

/**
 * Appends the cleanings, one line each, waits for the disk (fsync) and reads them back:
 * saved means that they are there. When any of it fails (a full disk writes part of a
 * line), the file is cut back to where it ended, so that a retry starts on a fresh line;
 * throws an AppendFailed. Makes the directory if need be.
 */
export async function appendToHistoryFile(
  file: string,
  cleanings: readonly Cleaning[],
  newLine: boolean,
  withdrawals: readonly Withdrawal[] = [],
) {
  const lines = cleanings.map(lineOf).join('') + withdrawals.map(withdrawalLineOf).join('');
  const bytes = Buffer.from((newLine ? '\n' : '') + lines);
  let created = false;
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, 'a+', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await fsp.mkdir(path.dirname(file), { recursive: true });
    handle = await fsp.open(file, 'a+', 0o644);
    created = true;
  }
  try {
    const { size } = await handle.stat();
    try {
      await handle.writeFile(bytes);
      await handle.sync();
      const back = Buffer.alloc(bytes.length);
      const { bytesRead } = await handle.read(back, 0, bytes.length, size);
      if (bytesRead !== bytes.length || !back.equals(bytes)) throw new Error('what was written does not read back');
    } catch (error) {
      const torn = await handle.truncate(size).then(
        () => false,
        () => true,
      );
      throw new AppendFailed(error as Error, torn);
    }
  } finally {
    await handle.close();
  }
  if (created) await syncDirectory(path.dirname(file));
}

/**
 * Writes the history anew, one line per cleaning, so that a crash at any moment leaves the
 * old file or the new one (a temporary file, fsync, rename, fsync of the directory).
 */
export async function rewriteHistoryFile(file: string, history: History, withdrawals: Withdrawals = []): Promise<void> {
  await replaceFile(file, history.map(lineOf).join('') + withdrawals.map(withdrawalLineOf).join(''));
}

/** A rewrite cut short by a crash leaves its temporary file: removed at the next start. */
export async function removeLeftoverRewrites(file: string): Promise<void> {
  const prefix = `.${path.basename(file)}.`;
  const names = await fsp.readdir(path.dirname(file)).catch(() => []);
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.tmp'))
      await fsp.rm(path.join(path.dirname(file), name), { force: true });
  }
}

/** Appends leave lines a later one describes better, and old ones the bound dropped: rewritten past this. */
export function needsRewrite(lines: number, kept: number): boolean {
  return lines > 2 * kept + 100;
}
