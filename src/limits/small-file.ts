import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';

/** A file that cannot be read as what a user named: what was wrong, in words, and the errno code when there is one. */
export class SmallFileError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

/** What a path that is no regular file is, in words. */
export function kindOf(stats: fs.Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * A small file a user names (the configuration, the MQTT password), read whole as UTF-8:
 * a regular file of at most `mostBytes`, after any symlink. A path to a FIFO would stop
 * the node for good (reading waits for a writer, and a signal cannot end that wait), and
 * one to /dev/zero would fill its memory: opened without waiting (O_NONBLOCK), looked at
 * (fstat) and refused before anything is read. Throws a SmallFileError.
 */
export function readSmallFile(file: string, mostBytes: number): string {
  let fd: number;
  try {
    fd = fs.openSync(file, READ_WITHOUT_WAITING);
  } catch (error) {
    throw asSmallFileError(error);
  }
  try {
    refuseUnlessSmall(fs.fstatSync(fd), mostBytes);
    // One byte more than taken: a file that grew since it was looked at is refused too.
    const buffer = Buffer.alloc(mostBytes + 1);
    let length = 0;
    let read: number;
    do {
      read = fs.readSync(fd, buffer, length, buffer.length - length, null);
      length += read;
    } while (read > 0 && length < buffer.length);
    if (length > mostBytes) throw new SmallFileError(`grew past the ${mostBytes} bytes taken while it was read`, null);
    return buffer.toString('utf8', 0, length);
  } catch (error) {
    throw asSmallFileError(error);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * As readSmallFile, without holding up the node meanwhile: for what it reads while it runs
 * (its history at the start). The bytes, not text.
 */
export async function readSmallFileAsync(file: string, mostBytes: number): Promise<Buffer> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, READ_WITHOUT_WAITING);
  } catch (error) {
    throw asSmallFileError(error);
  }
  try {
    refuseUnlessSmall(await handle.stat(), mostBytes);
    const buffer = Buffer.alloc(mostBytes + 1);
    let length = 0;
    let read: number;
    do {
      ({ bytesRead: read } = await handle.read(buffer, length, buffer.length - length, null));
      length += read;
    } while (read > 0 && length < buffer.length);
    if (length > mostBytes) throw new SmallFileError(`grew past the ${mostBytes} bytes taken while it was read`, null);
    return buffer.subarray(0, length);
  } catch (error) {
    throw asSmallFileError(error);
  } finally {
    await handle.close();
  }
}

/** Opening a FIFO for reading waits for a writer, unless it is opened this way. */
const READ_WITHOUT_WAITING = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

/** Throws a SmallFileError unless `stats` are those of a regular file of at most `mostBytes`. */
function refuseUnlessSmall(stats: fs.Stats, mostBytes: number): void {
  // As reading one would say.
  if (stats.isDirectory()) throw new SmallFileError(`cannot be read: ${errnoWords('EISDIR')}`, 'EISDIR');
  if (!stats.isFile()) throw new SmallFileError(`is ${kindOf(stats)}, not a regular file`, null);
  if (stats.size > mostBytes) {
    throw new SmallFileError(`is ${stats.size} bytes, more than the ${mostBytes} taken`, null);
  }
}

function asSmallFileError(error: unknown): SmallFileError {
  if (error instanceof SmallFileError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? null;
  return new SmallFileError(`cannot be read: ${errnoWords(code)}`, code);
}

/** The errno codes a file's reader meets, in words a person can act on. */
const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  ENOSPC: 'no space left on the disk',
  EROFS: 'a read-only file system',
  ELOOP: 'too many symbolic links',
  EIO: 'an input/output error of the disk',
  EMFILE: 'too many open files',
};

/** An errno in words, its code once: `no such file (ENOENT)`; the code alone where there are no words. */
export const errnoWords = (code: string | null): string =>
  code === null ? 'an error' : ERRNO_WORDS[code] ? `${ERRNO_WORDS[code]} (${code})` : code;
