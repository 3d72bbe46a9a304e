import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

/** The temporary file a replacement of `file` is written to first: beside it, hidden, of this process. */
export const temporaryOf = (file: string): string =>
  path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);

export async function syncDirectory(directory: string): Promise<void> {
  const handle = await fsp.open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** How a replacement is made; without any, it is readable by all (0644) and owned by this process. */
export interface ReplaceOptions {
  /**
   * Readable by its owner alone (0600) from its first byte. Its temporary file is then made
   * anew (O_EXCL): a file left at that name, with a wider mode, is never written into.
   */
  ownerOnly?: boolean;
  /** Given to this user and group before it takes the file's place (root writing for a node that runs as another user). */
  owner?: { uid: number; gid: number };
}

/** The directory is made at the first write (and again if it was removed), not at every one. */
async function openCreatingDirectory(temporary: string, ownerOnly: boolean): Promise<fsp.FileHandle> {
  const [flags, mode] = ownerOnly ? ['wx+', 0o600] : ['w+', 0o644];
  try {
    return await fsp.open(temporary, flags, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await fsp.mkdir(path.dirname(temporary), { recursive: true });
    return await fsp.open(temporary, flags, mode);
  }
}

/**
 * Replaces `file` with `text` so that a crash or power cut at any moment leaves either the
 * old file or the new one: a temporary file, fsync, rename over, fsync of the directory.
 * The caller writes one replacement at a time (the temporary file's name is the same).
 */
export async function replaceFile(file: string, text: string, options: ReplaceOptions = {}): Promise<void> {
  const temporary = temporaryOf(file);
  try {
    const handle = await openCreatingDirectory(temporary, options.ownerOnly ?? false);
    try {
      const bytes = Buffer.from(text);
      await handle.writeFile(bytes);
      if (options.owner) await handle.chown(options.owner.uid, options.owner.gid);
      await handle.sync();
      // Saved means it reads back: a disk that took less than it said is found here, not at the next start.
      const back = Buffer.alloc(bytes.length);
      const { bytesRead } = await handle.read(back, 0, bytes.length, 0);
      if (bytesRead !== bytes.length || !back.equals(bytes)) throw new Error(`${temporary} does not read back`);
    } finally {
      await handle.close();
    }
    await fsp.rename(temporary, file);
  } catch (error) {
    // A full disk, or the path taken by a directory: leave no temporary behind.
    await fsp.rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(file));
}
