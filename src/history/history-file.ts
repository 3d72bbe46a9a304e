import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Cleaning } from '../../common/history';
import { mergeInto, type History } from '../../machines/history-set';
import { cleaningFrom, entryOf } from './history-json';
import { replaceFile, syncDirectory } from '../durable-file';

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
      /** Lines that could not be read, skipped (the last one torn, say, by a power cut). */
      bad: BadLine[];
      lines: number;
      /** False when the last line has no newline: the next append starts a new line first. */
      endsWithNewline: boolean;
      /** Where a last line that was cut short (and cannot be read) begins, in bytes: cut off there. */
      tornAt: number | null;
    }
  | { kind: 'unreadable'; code: string; problem: string };

/** Every line that can be read, whatever the others hold: one bad line never costs the rest. */
export async function loadHistoryFile(file: string): Promise<LoadedHistory> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', code: code ?? 'EIO', problem: message };
  }
  const cleanings: Cleaning[] = [];
  const bad: BadLine[] = [];
  const lines = text.split('\n');
  const endsWithNewline = text.length === 0 || text.endsWith('\n');
  // After the last newline: nothing, or a line cut short.
  if (endsWithNewline) lines.pop();
  let tornAt: number | null = null;
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      const torn = i === lines.length - 1 && !endsWithNewline;
      if (torn) tornAt = Buffer.byteLength(text) - Buffer.byteLength(line);
      bad.push({
        line: i + 1,
        problem: torn ? 'cut short (a crash or power cut while it was written)' : `not JSON: ${line.slice(0, 60)}`,
      });
      continue;
    }
    const checked = cleaningFrom(value, null);
    if (checked.ok) cleanings.push(checked.value);
    else bad.push({ line: i + 1, problem: checked.problem });
  }
  const history = mergeInto([], cleanings).history;
  return { kind: 'loaded', history, bad, lines: lines.length, endsWithNewline, tornAt };
}

const lineOf = (cleaning: Cleaning): string => `${JSON.stringify(entryOf(cleaning))}\n`;

/** Appends the cleanings, one line each, and waits for the disk (fsync). Makes the directory if need be. */
export async function appendToHistoryFile(file: string, cleanings: readonly Cleaning[], newLine: boolean) {
  const text = (newLine ? '\n' : '') + cleanings.map(lineOf).join('');
  let created = false;
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, 'a', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await fsp.mkdir(path.dirname(file), { recursive: true });
    handle = await fsp.open(file, 'a', 0o644);
    created = true;
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (created) await syncDirectory(path.dirname(file));
}

/**
 * Writes the history anew, one line per cleaning, so that a crash at any moment leaves the
 * old file or the new one (a temporary file, fsync, rename, fsync of the directory).
 */
export async function rewriteHistoryFile(file: string, history: History): Promise<void> {
  await replaceFile(file, history.map(lineOf).join(''));
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
export function needsRewrite(lines: number, history: History): boolean {
  return lines > 2 * history.length + 100;
}
