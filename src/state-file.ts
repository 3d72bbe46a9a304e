import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validate } from 'superstruct';
import { formatRfc3339, parseRfc3339Seconds, Rfc3339 } from './timestamp';

/** `$STATE_DIRECTORY/state` (systemd), else `$XDG_STATE_HOME/cat-litter-reminder/state`. */
export function defaultStatePath(env: NodeJS.ProcessEnv = process.env): string {
  const stateDirectory = env.STATE_DIRECTORY?.split(':')[0];
  if (stateDirectory) return path.join(stateDirectory, 'state');
  // Empty counts as unset, as the XDG base directory specification says.
  const xdgStateHome = env.XDG_STATE_HOME || path.join(env.HOME || os.homedir(), '.local', 'state');
  return path.join(xdgStateHome, 'cat-litter-reminder', 'state');
}

export type LoadedState =
  | { kind: 'missing' }
  | { kind: 'loaded'; lastCleaned: number }
  | { kind: 'corrupt'; problem: string; movedTo: string | null };

/**
 * Reads the time of the last cleaning. A missing file means "not known": never
 * "now", or a new node would tell the whole house that the box was just cleaned.
 * A file that cannot be used is moved aside, so that it is not lost when the next
 * time is written.
 */
export function loadState(file: string): LoadedState {
  let text: string;
  try {
    text = readStart(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'corrupt', problem: (error as Error).message, movedTo: moveAside(file) };
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

// One timestamp line is about 30 bytes: no need to read a file that grew into megabytes
// (a Pi Zero has 512 MB); what is read of it is too long to be a timestamp anyway.
const MOST_BYTES_READ = 256;

function readStart(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
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
 */
export function saveState(file: string, lastCleaned: number): void {
  const directory = path.dirname(file);
  const temporary = path.join(directory, `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = openCreatingDirectory(temporary);
  try {
    try {
      fs.writeSync(fd, formatRfc3339(lastCleaned));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, file);
  } catch (error) {
    // A full disk, or the state path taken by a directory: leave no temporary behind.
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  const directoryFd = fs.openSync(directory, 'r');
  try {
    fs.fsyncSync(directoryFd);
  } finally {
    fs.closeSync(directoryFd);
  }
}

/** The directory is made at the first save (and again if it was removed), not at every one. */
function openCreatingDirectory(temporary: string): number {
  try {
    return fs.openSync(temporary, 'w', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(path.dirname(temporary), { recursive: true });
    return fs.openSync(temporary, 'w', 0o644);
  }
}
