import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { replaceFile, syncDirectory } from './durable-file';
import { kindOf } from '../limits/small-file';
import { validate } from 'superstruct';
import { formatRfc3339, parseRfc3339Seconds, Rfc3339 } from '../time/timestamp';

export type LoadedState =
  | { kind: 'missing' }
  | { kind: 'loaded'; lastCleaned: number }
  | { kind: 'corrupt'; problem: string; movedTo: string | null }
  /** The path is there but could not be read (EACCES, EIO, a directory, a FIFO: ENOTREG): left as it is. */
  | { kind: 'unreadable'; code: string; problem: string };

/**
 * Reads the time of the last cleaning. A missing file means "not known": never
 * "now", or a new node would tell the whole house that the box was just cleaned.
 * Content that is not a timestamp is moved aside, so that it is not lost when the
 * next time is written. A path that cannot be read at all is not touched: what it
 * holds is not known, and may be a good time behind a wrong permission.
 */
export function loadState(file: string): LoadedState {
  let text: string;
  try {
    text = readStart(file);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', code: code ?? 'an unknown error', problem: message };
  }
  const line = text.trim();
  const [problem] = validate(line, Rfc3339);
  if (problem) {
    const shown = line.length > 60 ? `${line.slice(0, 60)}…` : line;
    return {
      kind: 'corrupt',
      problem: `content ${JSON.stringify(shown)} is not an RFC 3339 timestamp`,
      movedTo: moveAside(file),
    };
  }
  return { kind: 'loaded', lastCleaned: parseRfc3339Seconds(line) };
}

/**
 * A save cut short (kill -9, a power cut) leaves its temporary file behind, under the
 * pid of a process long gone: removed at the start, before this process writes its own.
 */
export function removeLeftoverTemporaries(file: string): void {
  const directory = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(directory);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) fs.rmSync(path.join(directory, name), { force: true });
  }
}

// One timestamp line is about 30 bytes: no need to read a file that grew into megabytes
// (a Pi Zero has 512 MB); what is read of it is too long to be a timestamp anyway.
const MOST_BYTES_READ = 256;

function readStart(file: string): string {
  // Opened without waiting: a FIFO at the path would stop the node here for good, waiting for a writer.
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const stats = fs.fstatSync(fd);
    // Read, it would wait for a writer all the same (a device is read no further than the start, as a file is).
    if (stats.isFIFO()) {
      throw Object.assign(new Error(`${file} is ${kindOf(stats)}, not a regular file`), { code: 'ENOTREG' });
    }
    const buffer = Buffer.alloc(MOST_BYTES_READ);
    return buffer.toString('utf8', 0, fs.readSync(fd, buffer, 0, MOST_BYTES_READ, 0));
  } finally {
    fs.closeSync(fd);
  }
}

function moveAside(file: string): string | null {
  const aside = `${file}.corrupt-${formatRfc3339(Date.now()).replace(/[:+]/g, '')}`;
  try {
    fs.renameSync(file, aside);
    return aside;
  } catch {
    return null;
  }
}

/**
 * Writes the time so that a crash or power cut at any moment leaves either the old
 * or the new file: a temporary file, fsync, rename over, fsync of the directory.
 * Written without a trailing newline, as the original program writes and reads it.
 * Asynchronous, so that a slow SD card holds up neither the strip nor the network;
 * the caller writes one time at a time (the temporary file's name is the same).
 */
export async function saveState(file: string, lastCleaned: number): Promise<void> {
  await replaceFile(file, formatRfc3339(lastCleaned));
}

/**
 * Removes the file when no cleaning stands any more (the only one was taken back): a node
 * started afterwards knows no time, as before the first press. Gone means gone from the
 * directory too (its fsync), as a save means it reads back.
 */
export async function clearState(file: string): Promise<void> {
  await fsp.rm(file, { force: true });
  await syncDirectory(path.dirname(file));
}
