import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';

/**
 * Files a user or the system names (the configuration, the history, a password file),
 * read only when they are regular files of a size this program expects. A path may lead
 * anywhere: a FIFO blocks a plain read for ever (the node would freeze and ignore
 * SIGTERM), /dev/zero never ends. Opened without blocking, looked at, then read within
 * the size: a file that grows meanwhile is read no further.
 */

/** Opening a FIFO for reading waits for a writer unless it is opened this way. */
const READ_WITHOUT_WAITING = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

function refusal(file: string, stat: fs.Stats, mostBytes: number): NodeJS.ErrnoException | null {
  if (stat.isDirectory()) return Object.assign(new Error(`${file} is a directory`), { code: 'EISDIR' });
  if (!stat.isFile()) {
    return Object.assign(new Error(`${file} is not a regular file (a FIFO, a socket or a device)`), {
      code: 'EINVAL',
    });
  }
  if (stat.size > mostBytes) {
    return Object.assign(new Error(`${file} holds ${stat.size} bytes, more than the ${mostBytes} read`), {
      code: 'EFBIG',
    });
  }
  return null;
}

/** The bytes of `file`; throws an errno error (ENOENT, EACCES, EISDIR, EINVAL, EFBIG, …) saying what is wrong. */
export async function readRegularFile(file: string, mostBytes: number): Promise<Buffer> {
  const handle = await fsp.open(file, READ_WITHOUT_WAITING);
  try {
    const stat = await handle.stat();
    const refused = refusal(file, stat, mostBytes);
    if (refused) throw refused;
    const buffer = Buffer.alloc(stat.size);
    const { bytesRead } = await handle.read(buffer, 0, stat.size, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** As readRegularFile, for what is read before anything starts (the configuration). */
export function readRegularFileSync(file: string, mostBytes: number): Buffer {
  const fd = fs.openSync(file, READ_WITHOUT_WAITING);
  try {
    const stat = fs.fstatSync(fd);
    const refused = refusal(file, stat, mostBytes);
    if (refused) throw refused;
    const buffer = Buffer.alloc(stat.size);
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, stat.size, 0));
  } finally {
    fs.closeSync(fd);
  }
}
